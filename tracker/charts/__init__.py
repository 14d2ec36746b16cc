"""Charts for the meeting and dashboard pages: completion per decision, schools ranked by
on-time share, the trend across meetings; server-rendered SVG (issue 5, item 4)."""
