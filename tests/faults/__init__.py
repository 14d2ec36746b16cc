"""Faults survived with real processes: the database restarted, Redis stopped."""
