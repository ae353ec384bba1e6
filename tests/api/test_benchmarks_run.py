"""The benchmarks under bench/ still run against the code as it is (a bench
that no longer starts hides a slowdown). Tiny sizes: no figure is judged
here; bench/README.md holds the figures."""

from __future__ import annotations

import os
import subprocess
import sys

from pace_forms.config import PROJECT_ROOT


def test_the_sync_benchmark_runs_against_gunicorn_and_prints_its_ratio():
    environment = {key: value for key, value in os.environ.items() if key != "PACE_BENCH_DATABASE_URL"}
    run = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "sync_throughput.py"), "--responses", "200", "--rounds", "1", "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=180,
        env=environment,
    )

    assert run.returncode == 0, run.stderr[-2000:]
    assert "ratio" in run.stdout
    [figures] = [line.split() for line in run.stdout.splitlines() if line.strip().startswith("1 ")]
    assert float(figures[4]) > 0  # the ratio column
