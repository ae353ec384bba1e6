"""Load: simulated phones syncing against gunicorn on PostgreSQL, side by side
with a "floor" server that only parses the batch and bulk-inserts its rows
(issue 12, point 12).

    PACE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/load.py [--devices 50] [--seconds 60] [--workers 3]

Works in a PostgreSQL schema of its own (dropped at the end). Starts
gunicorn (`--workers`, sync workers, on a free loopback port) with the floor
(bench/floor_app.py: one INSERT ... executemany of the batch's answers into a
plain table), then with the app (wsgi:app); once each server has answered a
second of batches (not counted), two runs, in which `--devices` threads, each a
phone, post batches of 1 to 3 new parent-review responses (each on its own
survey link) to /api/v1/responses for `--seconds`, a new connection a
request, as the outbox does:

- paced: a phone waits 0.5 to 1.5 s (at random) between batches, like a
  phone sending its outbox as people finish;
- burst: no pauses, every phone sends again as soon as it has its answer:
  the capacity of the server.

For each: requests and responses a second, p50/p95/p99 per request, errors
(anything but 200 with every item `created`, or no answer), and the peak
memory of gunicorn's master and workers (RSS summed, sampled every 0.2 s).
At the end every response the server said it created must be in the
database, exactly once. Targets: paced p99 at most 2x the floor's, 0 errors;
burst requests a second given as a ratio to the floor's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sync_throughput import ANSWERS, SECRET, make_items, percentile, prepare, start_gunicorn, stop  # noqa: E402

from pace_forms import create_app  # noqa: E402
from pace_forms.config import database_url  # noqa: E402
from pace_forms.forms.catalogue import current_forms  # noqa: E402

FLOOR_APP = "bench.floor_app:app"
PAUSE = (0.5, 1.5)
BATCH = (1, 3)
TOPUP = 1000  # survey links made at a time, as phones run short
WARM_UP_SECONDS = 1.0


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and its children (gunicorn's master and workers)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue  # a worker that just exited
    return total


class Items:
    """New responses for the phones, each on its own link: links are made in
    the database as needed (the real app checks them); the floor checks
    nothing, so its items carry tokens no link has."""

    def __init__(self, engine, version: int, real_links: bool):
        self.engine, self.version, self.real_links = engine, version, real_links
        self.pool: list[dict] = []
        self.lock = threading.Lock()

    def take(self, count: int) -> list[dict]:
        with self.lock:
            if len(self.pool) < count:
                self.pool += make_items(self.engine, TOPUP, self.version) if self.real_links else self.unchecked(TOPUP)
            taken, self.pool = self.pool[:count], self.pool[count:]
            return taken

    def unchecked(self, count: int) -> list[dict]:
        submitted_at = datetime.now(timezone.utc).isoformat()
        return [{"id": str(uuid.uuid4()), "form": "parent-review", "form_version": self.version, "invitation": uuid.uuid4().hex,
                 "submitted_at": submitted_at, "locale": "en-GB", "answers": ANSWERS} for _ in range(count)]


def drive(port: int, server_pid: int, items: Items, devices: int, seconds: float, paced: bool, seed: int) -> dict:
    """`devices` phones posting for `seconds`; the figures of the run."""
    latencies: list[float] = []
    errors: list[str] = []
    created: list[str] = []
    lock = threading.Lock()
    peak = [rss_bytes(server_pid)]
    finished = threading.Event()

    def sample() -> None:
        while not finished.wait(0.2):
            peak[0] = max(peak[0], rss_bytes(server_pid))

    def phone(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        time.sleep(rng.uniform(0, PAUSE[1]) if paced else 0)  # phones do not start in step
        while time.monotonic() < deadline:
            batch = items.take(rng.randint(*BATCH))
            body = json.dumps({"responses": batch}).encode()
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("POST", "/api/v1/responses", body=body, headers={"Content-Type": "application/json"})
                reply = connection.getresponse()
                payload = reply.read()
                connection.close()
                problem = None if reply.status == 200 else f"HTTP {reply.status}"
                results = json.loads(payload)["results"] if reply.status == 200 else []
            except (OSError, http.client.HTTPException, ValueError) as error:
                problem, results = f"{type(error).__name__}: {error}", []
            elapsed = time.perf_counter() - started
            stored = [result["id"] for result in results if result.get("status") == "created"]
            if problem is None and len(stored) != len(batch):
                problem = f"not created: {sorted({result.get('status') for result in results})}"
            with lock:
                latencies.append(elapsed)
                created.extend(stored)
                if problem:
                    errors.append(problem)
            if paced:
                time.sleep(rng.uniform(*PAUSE))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    phones = [threading.Thread(target=phone, args=(number,)) for number in range(devices)]
    began = time.perf_counter()
    deadline = time.monotonic() + seconds
    for each in phones:
        each.start()
    for each in phones:
        each.join()
    wall = time.perf_counter() - began
    finished.set()
    sampler.join()
    return {"requests": len(latencies), "wall": wall, "latencies": latencies, "errors": errors, "created": created, "peak": peak[0]}


def stored_ids(engine, floor: bool) -> list[str]:
    # The floor stores a row an answer: one question's rows, one a response.
    query = "SELECT response_id FROM floor_answer WHERE question_key = 'overall'" if floor else "SELECT id FROM response"
    with engine.connect() as connection:
        return [str(row[0]) for row in connection.execute(text(query))]


def clear(engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM floor_answer"))
        connection.execute(text("DELETE FROM answer"))
        connection.execute(text("DELETE FROM response"))


def run(url: str, devices: int, seconds: float, workers: int) -> None:
    prepare(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context():
        version = current_forms()["parent-review"].version
    engine = create_engine(database_url({"DATABASE_URL": url}, ""))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE floor_answer (response_id text NOT NULL, form_key text NOT NULL, question_key text NOT NULL, value text)"))
    rows = []
    try:
        for name, served in (("floor", FLOOR_APP), ("app", "wsgi:app")):
            server, port = start_gunicorn(url, workers, served)
            items = Items(engine, version, real_links=name == "app")
            try:
                # A server in use: every worker has answered a few batches (not counted).
                drive(port, server.pid, items, 2 * workers, min(WARM_UP_SECONDS, seconds), paced=False, seed=-1)
                for paced in (True, False):
                    clear(engine)
                    figures = drive(port, server.pid, items, devices, seconds, paced, seed=len(rows))
                    stored = stored_ids(engine, floor=name == "floor")
                    figures["lost"] = len(set(figures["created"]) - set(stored))
                    figures["doubled"] = len(stored) - len(set(stored)) + len(figures["created"]) - len(set(figures["created"]))
                    rows.append(("paced" if paced else "burst", name, figures))
                    report(*rows[-1])
            finally:
                stop(server)
    finally:
        engine.dispose()
    summarise(rows, devices, seconds, workers)


def report(run_name: str, server: str, figures: dict) -> None:
    latencies = figures["latencies"]
    print(f"  {run_name} {server:<5}: {figures['requests']:,} requests in {figures['wall']:.1f} s, {len(figures['created']):,} responses created,"
          f" {len(figures['errors'])} errors{' (' + '; '.join(sorted(set(figures['errors']))[:3]) + ')' if figures['errors'] else ''},"
          f" p99 {1000 * percentile(latencies, 0.99):.0f} ms, lost {figures['lost']}, doubled {figures['doubled']}")


def summarise(rows: list[tuple[str, str, dict]], devices: int, seconds: float, workers: int) -> None:
    print(f"\n{devices} devices, {seconds:g} s a run, gunicorn {workers} sync workers, PostgreSQL")
    print("\n| run | server | requests/s | responses/s | p50 ms | p95 ms | p99 ms | errors | peak RSS MB | lost | doubled |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    by = {}
    for run_name, server, figures in rows:
        latencies = figures["latencies"]
        by[run_name, server] = figures
        print(f"| {run_name} | {server} | {figures['requests'] / figures['wall']:.1f} | {len(figures['created']) / figures['wall']:.1f} |"
              f" {1000 * statistics.median(latencies):.0f} | {1000 * percentile(latencies, 0.95):.0f} | {1000 * percentile(latencies, 0.99):.0f} |"
              f" {len(figures['errors'])} | {figures['peak'] / 1e6:.0f} | {figures['lost']} | {figures['doubled']} |")
    paced_ratio = percentile(by["paced", "app"]["latencies"], 0.99) / percentile(by["paced", "floor"]["latencies"], 0.99)
    capacity = (by["burst", "app"]["requests"] / by["burst", "app"]["wall"]) / (by["burst", "floor"]["requests"] / by["burst", "floor"]["wall"])
    errors = sum(len(figures["errors"]) for figures in by.values())
    print(f"\npaced p99, app / floor: {paced_ratio:.2f} (target at most 2): {'met' if paced_ratio <= 2 else 'MISSED'}")
    print(f"errors: {errors} (target 0): {'met' if errors == 0 else 'MISSED'}")
    print(f"burst capacity, app requests/s / floor requests/s: {capacity:.2f}")
    if any(figures["lost"] or figures["doubled"] for figures in by.values()):
        raise SystemExit("responses the server said it created are missing or stored twice")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=50, help="simulated phones (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each of the four runs (default 60)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers, app and floor alike (default 3)")
    parser.add_argument("--database", default=os.environ.get("PACE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
                        help="a PostgreSQL database to work in (a schema of its own; default PACE_BENCH_DATABASE_URL, else the local test database)")
    options = parser.parse_args()
    schema = f"pace_load_{os.getpid()}"
    admin = create_engine(database_url({"DATABASE_URL": options.database}, ""))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in options.database else "?"
        run(f"{options.database}{separator}options=-csearch_path%3D{schema}", options.devices, options.seconds, options.workers)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
