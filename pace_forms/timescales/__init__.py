"""Timescales: children's journeys imported from case-management exports, and
the days each step of permanence planning took (the four PACE aims)."""
