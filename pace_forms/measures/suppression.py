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

import numpy as np

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
    group is its smallest shown one, never one in `keep` (shown elsewhere
    already, so hiding it here would protect nothing).
    `hidden_elsewhere`: cells another table hides (key -> why), hidden here too."""
    hidden = {key: HIDDEN_SMALL for key, count in counts.items() if 0 < count.n < min_cell}
    hidden.update({key: why for key, why in (hidden_elsewhere or {}).items() if key in counts})
    groups = [[key for key in group if key in counts] for group in groups]
    changed = True
    while changed:
        changed = False
        for group in groups:
            concealed = [key for key in group if key in hidden]
            shown = [key for key in group if key not in hidden and counts[key].n > 0 and key not in keep]
            # One hidden part of a shown total is found by subtraction: hide another.
            if len(concealed) == 1 and shown:
                second = min(shown, key=lambda key: (counts[key].n, str(key)))
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
    made_of: Mapping[Hashable, Collection[Hashable]] | None = None,
    known: Iterable[Collection[Hashable]] = (),
) -> dict[Hashable, Shown]:
    """Every cell as it may be shown. `sees_everything` (an admin) sees each
    figure as it is. `keep` and `hidden_elsewhere`: see hidden_keys.
    `made_of` (each cell's smallest cells, those with someone in them) and
    `known` (sums of them shown elsewhere): then hide_what_follows checks
    every sum and difference, not only each group's."""
    min_cell = effective_min_cell(min_cell)
    groups = [list(group) for group in groups]
    hidden = {} if sees_everything else hidden_keys(counts, groups, min_cell, keep, hidden_elsewhere)
    if made_of is not None and not sees_everything:
        hide_what_follows(hidden, counts, made_of, groups, known, keep, set(hidden_elsewhere or ()))
    shown = {}
    for key, count in counts.items():
        if key in hidden:
            shown[key] = Shown(None, None, None, None, hidden[key])
            continue
        share = round(100 * count.positive / count.answered, 1) if count.answered else None
        band = None if sees_everything else band_of(count)
        shown[key] = Shown(count.n, None if band else count.positive, None if band else share, band, None)
    return shown


def hide_what_follows(hidden: dict[Hashable, str], counts: Mapping[Hashable, Count], made_of: Mapping[Hashable, Collection[Hashable]],
                      groups: Iterable[Sequence[Hashable]] = (), known: Iterable[Collection[Hashable]] = (),
                      keep: Collection[Hashable] = (), hidden_elsewhere: Collection[Hashable] = ()) -> None:
    """Hide more (in `hidden`) until no hidden cell is a sum and difference
    of shown ones. Groups miss some: where a quarter's only respondents are
    parents, its "all" and its parents are one figure, so hiding one of
    them protects nothing. Each cell is the sum of its smallest cells
    (`made_of`); a hidden one follows from the shown ones (and the sums
    `known` from elsewhere) exactly when it lies in the space their sums
    span. For each that does, hide one of the shown cells a way of working
    it out uses (second_for). One that only `known` sums or `keep` cells
    give is shown, if it was hidden only to protect another."""
    atoms = sorted({atom for parts in made_of.values() for atom in parts}, key=str)
    if not atoms:
        return
    index = {atom: number for number, atom in enumerate(atoms)}

    def vector(parts: Collection[Hashable]) -> np.ndarray:
        row = np.zeros(len(atoms))
        row[[index[atom] for atom in parts]] = 1.0
        return row

    vectors = {key: vector(made_of.get(key, ())) for key in counts}
    fixed = [vector(parts) for parts in known]
    beside: dict[Hashable, set[Hashable]] = {}
    for group in groups:
        for key in group:
            beside.setdefault(key, set()).update(group)

    def shown_rows(concealed: Collection[Hashable]) -> tuple[list[Hashable | None], np.ndarray]:
        keys = [None] * len(fixed) + [key for key in counts if key not in concealed and counts[key].n > 0]
        return keys, np.array(fixed + [vectors[key] for key in keys[len(fixed):]]).reshape(len(keys), len(atoms))

    def following(concealed: Collection[Hashable]) -> list[Hashable]:
        _, rows = shown_rows(concealed)
        basis = np.zeros((0, len(atoms)))
        if len(rows):
            _, values, directions = np.linalg.svd(rows, full_matrices=False)
            basis = directions[: int((values > 1e-9 * max(1.0, values[0])).sum())]
        return [key for key in concealed if vectors[key].any()
                and np.abs(vectors[key] - (basis.T @ (basis @ vectors[key]))).max() < 1e-6]

    def second_for(target: Hashable) -> Hashable | None:
        """A shown cell to hide so that `target` no longer follows, leaving
        `keep` alone: one that every way of working it out uses if there is
        one (its weight is the same in all of them: the rows' null space is
        zero there), else one the least-norm way uses; smallest first,
        those of its own groups before others."""
        keys, rows = shown_rows(hidden)
        weights = np.linalg.lstsq(rows.T, vectors[target], rcond=None)[0]
        left, values, _ = np.linalg.svd(rows)
        null = left[:, int((values > 1e-9 * max(1.0, values[0] if len(values) else 1.0)).sum()):]
        used = [(key, not np.abs(null[number]).max(initial=0) > 1e-9)
                for number, (key, weight) in enumerate(zip(keys, weights)) if key is not None and key not in keep and abs(weight) > 1e-9]
        used.sort(key=lambda pair: (not pair[1], pair[0] not in beside.get(target, ()), counts[pair[0]].n, str(pair[0])))
        return used[0][0] if used else None

    beyond_help: set[Hashable] = set()
    while exposed := [key for key in following(hidden) if key not in beyond_help]:
        target = exposed[0]
        second = second_for(target)
        if second is None:
            beyond_help.add(target)
        else:
            hidden[second] = HIDDEN_SECONDARY
    # Still given by what is shown: hiding it protects nothing (showing it changes nothing that follows).
    for key in following(hidden):
        if hidden[key] == HIDDEN_SECONDARY and key not in hidden_elsewhere:
            del hidden[key]
