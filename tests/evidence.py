"""What the run tried, reported at its end: faults injected, inputs tried,
attacks attempted, and what was lost or doubled (always 0 on a pass).

A suite adds to a tally with ``tally("suite name", faults=12, lost=0)``; the
figures are summed per suite and printed in the pytest summary under
"Evidence", so a CI log says how hard the run pushed, not only that it passed.
"""

from __future__ import annotations

from collections import defaultdict

_tallies: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))


def tally(suite: str, **counts: int) -> None:
    """Adds counts (faults, inputs, attacks, lost, doubled, ...) to a suite's tally."""
    for name, count in counts.items():
        _tallies[suite][name] += int(count)


def lines() -> list[str]:
    """One line per suite, in the order the suites first reported."""
    return [f"{suite}: " + ", ".join(f"{count:,} {name}" for name, count in counts.items()) for suite, counts in _tallies.items()]
