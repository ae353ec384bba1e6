"""Safeguarding: what in a child's or young person's answers must reach a person."""
