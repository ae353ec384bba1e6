"""Benchmark: importing 100,000 journeys (issue 9), time and peak memory, as
ratios to pandas reading the same file alone, measured in the same run.

    .venv/bin/python bench/import_journeys.py [--rows 100000] [--database URL]

Makes a realistic CSV (UK day-first and ISO dates mixed, a BOM, semicolons),
then runs each step in a fresh process so that peak memory (ru_maxrss) is its
own: (1) pandas.read_csv alone; (2) reading and checking every row
(timescales.reading.read_journeys); (3) the whole import into a fresh SQLite
database (or --database, e.g. PostgreSQL), as `pace-forms import-journeys`
does it; (4) importing the same file again (nothing changes)."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["child_ref", "looked_after_at_home_on", "looked_after_away_on", "first_review_on", "recommendation_on", "recommendation",
          "permanence_decision_on", "adm_approval_on", "court_lodged_on"]


def make_file(path: Path, rows: int) -> None:
    rng = random.Random(20261130)
    lines = [";".join(HEADER)]
    for n in range(rows):
        away = date(2018, 1, 1) + timedelta(days=rng.randrange(1800))
        first = away + timedelta(days=rng.randrange(5, 40))
        recommended = away + timedelta(days=rng.randrange(60, 400))
        decided = recommended + timedelta(days=rng.randrange(0, 30))
        adm = decided + timedelta(days=rng.randrange(30, 250))
        lodged = adm + timedelta(days=rng.randrange(30, 200))
        complete = rng.random()
        cells = [f"C-{n:07d}", "", away, first, recommended if complete > .2 else "", "permanence_away" if complete > .2 else "",
                 decided if complete > .4 else "", adm if complete > .5 else "", lodged if complete > .7 else ""]
        # Half the dates as a UK export writes them, half as ISO.
        lines.append(";".join(cell.strftime("%d/%m/%Y") if isinstance(cell, date) and n % 2 else str(cell) for cell in cells))
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))


STEP = r'''
import json, resource, sys, time
from datetime import date
path, step, database = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
if step == "pandas":
    import io, pandas as pd
    data = open(path, "rb").read()
    frame = pd.read_csv(io.StringIO(data.decode("utf-8-sig")), sep=";", dtype=str, keep_default_na=False)
    rows = len(frame)
elif step == "read":
    from pace_forms.timescales.reading import read_journeys
    result = read_journeys(open(path, "rb").read(), "journeys.csv", today=date(2026, 11, 30))
    rows = len(result.rows)
    assert not result.problems, result.problems[:3]
else:
    from pace_forms import create_app
    from pace_forms.extensions import db
    from pace_forms.invitations.services import find_or_create_area
    from pace_forms.models import utc_now
    from pace_forms.timescales.reading import read_journeys
    from pace_forms.timescales.services import import_journeys
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "bench-" + "k" * 40, "RATELIMIT_ENABLED": False})
    with app.app_context():
        area = find_or_create_area("BENCH", "Bench")
        result = read_journeys(open(path, "rb").read(), "journeys.csv", today=date(2026, 11, 30))
        summary = import_journeys(area, result, utc_now())
        db.session.commit()
        rows = summary.created + summary.updated + summary.unchanged
        print(json.dumps({"created": summary.created, "unchanged": summary.unchanged}), file=sys.stderr)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def run_step(path: Path, step: str, database: str) -> dict:
    done = subprocess.run([sys.executable, "-c", STEP, str(path), step, database], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"step {step} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journeys.csv"
        make_file(path, options.rows)
        database = options.database or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        if not options.database:
            subprocess.run([sys.executable, "-m", "flask", "--app", "pace_forms", "db", "upgrade", "-d", str(ROOT / "pace_forms" / "migrations")],
                           cwd=ROOT, env={**os.environ, "PACE_DATABASE_URL": database, "PACE_SECRET_KEY": "bench-" + "k" * 40},
                           capture_output=True, check=True)
        print(f"{options.rows:,} journeys, {path.stat().st_size / 1e6:.1f} MB CSV; database {database.split(':')[0]}")
        results = {step: run_step(path, step, database) for step in ("pandas", "read", "import", "import again")}
    base = results["pandas"]
    print(f"{'step':<14}{'seconds':>9}{'rows/s':>11}{'peak MB':>9}{'time x pandas':>15}{'memory x pandas':>17}")
    for step, figures in results.items():
        print(f"{step:<14}{figures['seconds']:>9.2f}{figures['rows'] / figures['seconds']:>11,.0f}{figures['peak_mb']:>9.0f}"
              f"{figures['seconds'] / base['seconds']:>15.1f}{figures['peak_mb'] / base['peak_mb']:>17.2f}")


if __name__ == "__main__":
    main()
