"""Judging: the hidden tests' probe (kernel side) and the checks against ``solutions/`` (grader side)."""
