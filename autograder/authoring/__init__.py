"""Authoring: the exercise notebooks built from the specs and ``solutions/``, and the stock nbgrader course."""
