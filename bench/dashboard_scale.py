"""Benchmark: every measure of an area with 1,000,000 answers and 20,000
journeys (issue 12, point 13), against one read of those rows, in the same run.

    .venv/bin/python bench/dashboard_scale.py [--answers 1000000] [--journeys 20000] [--database URL]

Fills a fresh SQLite database (or --database, an empty migrated one) with
balancing_measures.py's builder: one area's reviews over three years, four
respondents a review and their coded answers, here for `--journeys` children,
each with a journey carrying every milestone the timescale aims count (so
most children have several reviews). Then times, best of three in one
process:

1. one read of the rows every measure needs: each answer of the area with
   its response's audience and review date, and each journey with its child's
   reference and milestone dates (the baseline);
2. every measure, as the dashboard overview computes them: count_answers and
   every_measure_report (balancing B1-B8, process P2-P4), and timescale_report
   over the area's journeys (the four timescale aims and aim 1's two years
   at home);
3. the dashboard overview page, GET /areas/<code>/measures through the app
   as a consultant of the area (server time: counting, protection, charts,
   templates). Its first, cold request (charts drawn) is printed too.

Target: every measure at most 3x the read.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from balancing_measures import filled_app, options_parser, print_timings, read_answers  # noqa: E402

WINDOW = "?from=2023-01&to=2025-12"
AS_OF = date(2026, 1, 1)


def main() -> None:
    parser = options_parser(__doc__)
    parser.add_argument("--journeys", type=int, default=20_000)
    options = parser.parse_args()
    from pace_forms.extensions import db
    from pace_forms.measures.balancing import count_answers
    from pace_forms.measures.process import every_measure_report
    from pace_forms.measures.report import timescale_report
    from pace_forms.models import Area, Child, Journey
    from pace_forms.timescales.services import FIELDS, journeys_of, local_targets_of

    with tempfile.TemporaryDirectory() as folder:
        app, area_id, client = filled_app(folder, options.database, options.answers, options.journeys)
        started = time.perf_counter()
        assert client.get(f"/areas/BENCH/measures{WINDOW}").status_code == 200
        cold_page = time.perf_counter() - started
        timings: dict[str, list[float]] = {"one read of the rows": [], "every measure": [], "dashboard overview page": []}
        with app.app_context():
            area = db.session.get(Area, area_id)
            for _ in range(3):
                started = time.perf_counter()
                answers = read_answers(db.session, area_id)
                journeys = db.session.execute(
                    db.select(Child.reference, *[getattr(Journey, name) for name in FIELDS])
                    .join(Journey, Journey.child_id == Child.id).where(Journey.area_id == area_id)
                ).all()
                timings["one read of the rows"].append(time.perf_counter() - started)
                started = time.perf_counter()
                balancing = every_measure_report(db.session, area_id, count_answers(db.session, area_id), period="month", min_cell=5,
                                                 sees_everything=False)
                times = timescale_report(journeys_of(area), AS_OF, local_targets_of(area), window=(date(2023, 1, 1), date(2025, 12, 31)))
                timings["every measure"].append(time.perf_counter() - started)
                started = time.perf_counter()
                page = client.get(f"/areas/BENCH/measures{WINDOW}")
                assert page.status_code == 200, page.status_code
                timings["dashboard overview page"].append(time.perf_counter() - started)
        points = sum(figures["n"] for figures in times["measures"].values())
        print(f"{len(answers):,} answers and {len(journeys):,} journeys read; {len(balancing['measures'])} balancing and process measures,"
              f" {len(times['measures'])} timescale aims over {points:,} journey steps")
        base = print_timings(timings, "one read of the rows", "x one read")
        print(f"{'overview page, cold':<26}{cold_page:>15.2f}{cold_page / base:>16.2f}")
        ratio = min(timings["every measure"]) / base
        print(f"every measure / one read: {ratio:.2f} (target at most 3): {'met' if ratio <= 3 else 'MISSED'}")


if __name__ == "__main__":
    main()
