"""The benchmarks under bench/ still run against the code as it is (a bench
that no longer starts hides a slowdown). Tiny sizes: no figure is judged
here; bench/README.md holds the figures."""

from __future__ import annotations

import os
import subprocess
import sys

from pace_forms.config import PROJECT_ROOT
from tests.evidence import tally


def test_the_sync_benchmark_runs_against_gunicorn_and_prints_its_ratio():
    environment = {key: value for key, value in os.environ.items() if key != "PACE_BENCH_DATABASE_URL"}
    output = run_bench("sync_throughput.py", "--responses", "200", "--rounds", "1", "--workers", "1", environment=environment)

    assert "ratio" in output
    [figures] = [line.split() for line in output.splitlines() if line.strip().startswith("1 ")]
    assert float(figures[4]) > 0  # the ratio column


def run_bench(script: str, *arguments: str, environment: dict | None = None) -> str:
    run = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / script), *arguments], capture_output=True, text=True, timeout=180,
                         env=environment or dict(os.environ))
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def table_rows(output: str) -> list[list[str]]:
    """The cells of the printed Markdown table's data rows."""
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in output.splitlines() if line.startswith("| ") and "---" not in line][1:]


def test_the_first_question_benchmark_times_a_form_in_a_throttled_browser():
    output = run_bench("first_question.py", "--loads", "1", "--no-surveyjs", "--forms", "parent-review")

    medians = {row[0]: float(row[2]) for row in table_rows(output)}
    # Over both servers: HTTP/2 + TLS as deployed, and HTTP/1.1 (the bench stops if a page came over another protocol).
    assert set(medians) == {"parent-review, HTTP/2 + TLS", "parent-review, HTTP/1.1"}
    # At least the two throttled round trips (page, then its scripts), and not stuck.
    assert all(800 < milliseconds < 60_000 for milliseconds in medians.values()), medians
    tally("first question bench (smoke)", throttled_loads=len(medians))
