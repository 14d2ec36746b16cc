"""Decision Tracker: meeting decisions turned into assigned, tracked, reported work."""
