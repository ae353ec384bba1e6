"""Small-number protection (DOMAIN.md "Small numbers"), as plain functions:
which cells of a table of counts may be shown, to whom, and how.

- A cell built from fewer than `min_cell` respondents is hidden ("fewer
  than 5 responses").
- Secondary suppression: where a total is shown, one hidden part could be
  found by subtracting the others from it, so a second part is hidden too
  (the smallest shown one), group by group until nothing can be worked out.
- Fewer than 10 respondents whose answers were all positive (or none was)
  get a band, not 100% (or 0%), and no positive count beside it: n and the
  count would print the share. (The band says "all the same answer", as
  the pages do, so a count found by subtraction adds nothing to it.)
Applied for every role but admin; the page says what was hidden and why.
How the periods of a report nest (months in quarters in years) is the
caller's: balancing.period_groups, splits.protect_table."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_CELL_FLOOR = 5
# Under this many respondents, a unanimous answer is shown as a band.
BAND_BELOW = 10
HIDDEN_SMALL = "small"  # fewer than min_cell respondents
HIDDEN_SECONDARY = "secondary"  # hidden so that a small cell cannot be worked out


@dataclass(frozen=True)
class Count:
    n: int  # respondents who answered
    positive: int  # positive answers (one per respondent unless `answers` says otherwise)
    # Answers that count, where a measure pools items (B2: 6 parents, 12
    # answers); None: one answer per respondent.
    answers: int | None = None

    @property
    def answered(self) -> int:
        return self.n if self.answers is None else self.answers


@dataclass(frozen=True)
class Shown:
    """A cell as it may be shown: its figures, or why they are hidden."""

    n: int | None
    positive: int | None  # None where hidden or banded
    share_pct: float | None  # positive answers of all answers, 0-100, one decimal
    band: str | None  # "80-100%" in place of share_pct for a small unanimous group
    hidden: str | None  # HIDDEN_SMALL, HIDDEN_SECONDARY or None

    @property
    def words(self) -> str:
        if self.hidden == HIDDEN_SMALL:
            return "fewer than the threshold"
        if self.hidden == HIDDEN_SECONDARY:
            return "hidden so a small group cannot be worked out"
        return self.band or f"{self.share_pct}%"


def effective_min_cell(setting: int | None) -> int:
    """The deployment's threshold, never below the floor of 5."""
    return max(MIN_CELL_FLOOR, int(setting or MIN_CELL_FLOOR))


def hidden_keys(counts: Mapping[Hashable, Count], groups: Iterable[Sequence[Hashable]], min_cell: int,
                keep: Collection[Hashable] = (), hidden_elsewhere: Mapping[Hashable, str] | None = None) -> dict[Hashable, str]:
    """Which cells to hide, and why. `groups` lists each set of cells whose
    total is shown (a group may include the total's own key: a hidden total
    needs no protection, a shown one does). The second cell hidden in a
    group is its smallest shown one, cells in `keep` (shown elsewhere
    already, so hiding them here would protect nothing) last.
    `hidden_elsewhere`: cells another table hides (key -> why), hidden here too."""
    hidden = {key: HIDDEN_SMALL for key, count in counts.items() if 0 < count.n < min_cell}
    hidden.update({key: why for key, why in (hidden_elsewhere or {}).items() if key in counts})
    groups = [[key for key in group if key in counts] for group in groups]
    changed = True
    while changed:
        changed = False
        for group in groups:
            concealed = [key for key in group if key in hidden]
            shown = [key for key in group if key not in hidden and counts[key].n > 0]
            # One hidden part of a shown total is found by subtraction: hide another.
            if len(concealed) == 1 and shown:
                second = min(shown, key=lambda key: (key in keep, counts[key].n, str(key)))
                hidden[second] = HIDDEN_SECONDARY
                changed = True
    return hidden


def band_of(count: Count) -> str | None:
    """"80-100%" or "0-20%" for fewer than BAND_BELOW respondents whose
    answers (all of them, where a measure pools items) were all positive,
    or none was; else None."""
    if count.n >= BAND_BELOW or count.n == 0:
        return None
    if count.positive == count.answered:
        return "80-100%"
    if count.positive == 0:
        return "0-20%"
    return None


def protect(
    counts: Mapping[Hashable, Count],
    groups: Iterable[Sequence[Hashable]] = (),
    *,
    min_cell: int,
    sees_everything: bool = False,
    keep: Collection[Hashable] = (),
    hidden_elsewhere: Mapping[Hashable, str] | None = None,
) -> dict[Hashable, Shown]:
    """Every cell as it may be shown. `sees_everything` (an admin) sees each
    figure as it is. `keep` and `hidden_elsewhere`: see hidden_keys."""
    min_cell = effective_min_cell(min_cell)
    hidden = {} if sees_everything else hidden_keys(counts, groups, min_cell, keep, hidden_elsewhere)
    shown = {}
    for key, count in counts.items():
        if key in hidden:
            shown[key] = Shown(None, None, None, None, hidden[key])
            continue
        share = round(100 * count.positive / count.answered, 1) if count.answered else None
        band = None if sees_everything else band_of(count)
        shown[key] = Shown(count.n, None if band else count.positive, None if band else share, band, None)
    return shown
