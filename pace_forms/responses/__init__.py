"""Responses: recording (the one write path), held responses, export, and
their commands."""
