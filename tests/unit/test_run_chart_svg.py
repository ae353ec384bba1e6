"""Run charts as accessible SVG that the pages' CSP allows (issue 9, point 5)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from pace_forms.measures.charts import ChartPoint, RunChart, notes_in_order, render_run_chart


def chart(**changes) -> RunChart:
    points = tuple(
        ChartPoint(f"C-{n}", date(2024, 1, 1) + timedelta(days=10 * n), 100 + (n % 5) * 7 - (30 if n > 12 else 0), f"/journeys/{n}?a=1&b=2", n > 12)
        for n in range(20)
    )
    fields = dict(
        chart_id="aim3", title="Days to agency decision maker approval", description="20 children <one point each>.", y_label="Days",
        points=points, median=110.0, median_signal=True, aim=98, aim_label="National aim 98 days",
        notes=notes_in_order([(date(2024, 4, 1), "Two-week review")]),
    )
    return RunChart(**{**fields, **changes})


def test_the_chart_is_named_and_described_for_screen_readers():
    svg = render_run_chart(chart())
    assert svg.startswith("<svg ") and 'aria-labelledby="aim3-title"' in svg and 'aria-describedby="aim3-desc"' in svg
    assert '<title id="aim3-title">Days to agency decision maker approval</title>' in svg
    assert '<desc id="aim3-desc">20 children &lt;one point each&gt;.</desc>' in svg
    assert not re.search(r'\swidth="', svg.split(">", 1)[0]), "the chart scales to its box"


def test_no_inline_styles_that_the_content_security_policy_would_refuse():
    svg = render_run_chart(chart())
    assert " style=" not in svg and "<style" not in svg
    assert 'fill="#b00020"' in svg  # signal points keep their colour as attributes


def test_each_point_is_a_link_with_words_in_the_same_tab():
    svg = render_run_chart(chart())
    links = re.findall(r"<a [^>]*>", svg)
    assert len(links) == 20 and not any("_blank" in link for link in links)
    assert '<a href="/journeys/0?a=1&amp;b=2" aria-label="C-0: 100 days, 2024-01-01">' in links
    assert any('aria-label="C-13: 91 days, 2024-05-10 (part of a signal)"' in link for link in links)


def test_signal_points_are_their_own_group_so_they_differ_by_shape():
    svg = render_run_chart(chart())
    assert 'id="aim3-signal"' in svg and 'id="aim3-points"' in svg


def test_a_chart_is_drawn_once_and_then_served_from_the_cache():
    first = render_run_chart(chart(title="Cached once"))
    assert render_run_chart(chart(title="Cached once")) is first
    assert render_run_chart(chart(title="Cached twice")) is not first


def test_the_same_chart_draws_the_same_bytes():
    from pace_forms.measures.charts import draw

    assert draw(chart()) == draw(chart())
