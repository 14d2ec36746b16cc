"""The department's dashboard: the decision × school matrix, a school's card, the search."""
