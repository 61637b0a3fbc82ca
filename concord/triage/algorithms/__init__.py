"""Pure triage mathematics: category suggestions, crisis signals and duplicate detection.

Nothing in this package imports Django; the triage app wraps these functions.
"""
