"""Measures: timescale and balancing measures, and the run-chart rules they are judged by."""
