"""Small-number protection (issue 10, point 2; DOMAIN.md "Small numbers")."""

from __future__ import annotations

import pytest

from pace_forms.measures.suppression import HIDDEN_SECONDARY, HIDDEN_SMALL, Count, effective_min_cell, protect


def test_a_cell_under_the_threshold_is_hidden():
    shown = protect({"parents": Count(4, 3), "carers": Count(12, 9)}, min_cell=5)
    assert shown["parents"].hidden == HIDDEN_SMALL and shown["parents"].n is None and shown["parents"].share_pct is None
    assert shown["carers"].n == 12 and shown["carers"].share_pct == 75.0


def test_the_threshold_can_be_raised_but_never_below_5():
    assert effective_min_cell(3) == 5 and effective_min_cell(None) == 5 and effective_min_cell(8) == 8
    assert protect({"a": Count(4, 2)}, min_cell=1)["a"].hidden == HIDDEN_SMALL
    assert protect({"a": Count(7, 2)}, min_cell=8)["a"].hidden == HIDDEN_SMALL


def test_a_hidden_cell_cannot_be_found_by_subtracting_from_a_shown_total():
    # March: all respondents 30 = parents 3 + carers 12 + workers 15. With
    # the total shown, hiding parents alone leaves 30 - 12 - 15 = 3.
    counts = {("2026-03", "all"): Count(30, 20), ("2026-03", "parent"): Count(3, 1), ("2026-03", "carer"): Count(12, 9), ("2026-03", "worker"): Count(15, 10)}
    shown = protect(counts, [list(counts)], min_cell=5)
    assert shown[("2026-03", "parent")].hidden == HIDDEN_SMALL
    assert shown[("2026-03", "carer")].hidden == HIDDEN_SECONDARY  # the smallest other part
    assert shown[("2026-03", "worker")].hidden is None and shown[("2026-03", "all")].n == 30
    # Whatever is left on show, no hidden n can be recovered by subtraction.
    visible = {key: cell.n for key, cell in shown.items() if cell.n is not None}
    assert visible == {("2026-03", "all"): 30, ("2026-03", "worker"): 15}


def test_secondary_suppression_follows_through_crossing_totals():
    # Rows (months) and columns (audiences) both have shown totals.
    counts = {
        ("m1", "parent"): Count(3, 2), ("m1", "carer"): Count(20, 10), ("m1", "all"): Count(23, 12),
        ("m2", "parent"): Count(8, 4), ("m2", "carer"): Count(9, 5), ("m2", "all"): Count(17, 9),
        ("all", "parent"): Count(11, 6), ("all", "carer"): Count(29, 15), ("all", "all"): Count(40, 21),
    }
    rows = [[(month, audience) for audience in ("parent", "carer", "all")] for month in ("m1", "m2", "all")]
    columns = [[(month, audience) for month in ("m1", "m2", "all")] for audience in ("parent", "carer", "all")]
    shown = protect(counts, rows + columns, min_cell=5)
    hidden = {key for key, cell in shown.items() if cell.hidden}
    # No row or column may hold exactly one hidden cell.
    for group in rows + columns:
        assert sum(1 for key in group if key in hidden) != 1, group


def test_a_small_unanimous_group_gets_a_band_not_100_percent():
    shown = protect({"all yes": Count(7, 7), "all no": Count(6, 0), "mixed": Count(7, 5), "large": Count(12, 12)}, min_cell=5)
    assert (shown["all yes"].band, shown["all yes"].share_pct) == ("80-100%", None)
    assert shown["all no"].band == "0-20%"
    assert shown["mixed"].band is None and shown["mixed"].share_pct == 71.4
    assert shown["large"].share_pct == 100.0


def test_an_admin_sees_every_figure():
    counts = {"all": Count(30, 20), "parent": Count(3, 1), "carer": Count(27, 19)}
    shown = protect(counts, [list(counts)], min_cell=5, sees_everything=True)
    assert shown["parent"].n == 3 and shown["carer"].n == 27 and shown["parent"].hidden is None


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_words_say_what_was_hidden(n):
    assert protect({"a": Count(n, 1)}, min_cell=5)["a"].words == "fewer than the threshold"
