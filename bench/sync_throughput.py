"""How fast the sync API stores new responses, over HTTP against gunicorn,
compared with a raw SQLAlchemy Core insert of the same rows in the same run.

For each database (SQLite always; PostgreSQL when PACE_BENCH_DATABASE_URL is
set) and each gunicorn worker count (1 and 3), the script:

1. starts gunicorn on a free loopback port and waits until it answers;
2. in each of 5 rounds (API and raw insert take turns, so both meet the same
   load on a shared machine):
   a. makes one survey link per response of the round;
   b. posts them in batches of 100 from 2 x workers client threads, each
      batch built and encoded beforehand; every item must come back
      `created`. Then posts every batch again: every item must be `duplicate`;
   c. reads back the rows the API stored (responses and their answers),
      deletes them, and times inserting exactly those rows again with
      SQLAlchemy Core, one transaction per 100 responses, as the API commits;
3. stops gunicorn and prints responses a second for each, the ratio
   API / raw insert, and the p50 and p99 time per request.

    .venv/bin/python bench/sync_throughput.py [--responses 5000] [--rounds 5] [--workers 1 3]
    PACE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/sync_throughput.py

On PostgreSQL the run works in a schema of its own, dropped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import free_port  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, delete, insert, select, text  # noqa: E402

from pace_forms import create_app  # noqa: E402
from pace_forms.config import database_url  # noqa: E402
from pace_forms.extensions import db  # noqa: E402
from pace_forms.forms.catalogue import current_forms  # noqa: E402
from pace_forms.invitations.tokens import hash_token, new_token  # noqa: E402
from pace_forms.models import Answer, Area, Child, Invitation, Response, Review  # noqa: E402

BATCH = 100
# Fresh each run: production refuses a key with a pattern in it.
SECRET = secrets.token_urlsafe(48)
ANSWERS = {"understood_plan": 4, "listened_to": 5, "had_say": 3, "knows_next": "not_sure", "overall": 4, "comment": "Fine."}


def prepare(url: str) -> None:
    """Migrate, publish the forms (create_app does), and one review to hang links off."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})  # publishes the forms into the migrated database
    with app.app_context():
        area = db.session.execute(insert(Area).values(code="BENCH", name="Bench").returning(Area.id)).scalar_one()
        child = db.session.execute(insert(Child).values(area_id=area, reference="B-1", age_band="8-11").returning(Child.id)).scalar_one()
        db.session.execute(insert(Review).values(child_id=child, area_id=area, held_on=date.today() - timedelta(days=1), kind="later"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def make_items(engine, count: int, version: int) -> list[dict]:
    tokens = [new_token() for _ in range(count)]
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        review_id = connection.execute(select(Review.id)).scalar_one()
        connection.execute(
            insert(Invitation),
            [
                {"review_id": review_id, "audience": "parent", "form_key": "parent-review", "token_hash": hash_token(token),
                 "created_at": now, "expires_at": now + timedelta(days=28)}
                for token in tokens
            ],
        )
    submitted_at = now.isoformat()
    return [
        {"id": str(uuid.uuid4()), "form": "parent-review", "form_version": version, "invitation": token,
         "submitted_at": submitted_at, "locale": "en-GB", "answers": ANSWERS}
        for token in tokens
    ]


def start_gunicorn(url: str, workers: int, app: str = "wsgi:app") -> tuple[subprocess.Popen, int]:
    """gunicorn (sync workers) serving `app` on a free loopback port, once it answers."""
    port = free_port()
    environment = {**os.environ, "PACE_DATABASE_URL": url, "PACE_SECRET_KEY": SECRET, "PACE_ENV": "production",
                   "PACE_RATELIMIT_ENABLED": "false", "PACE_BASE_URL": f"http://127.0.0.1:{port}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=ROOT,
        env=environment,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.1)  # not listening yet
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def post_all(port: int, bodies: list[bytes], senders: int, expected: str) -> tuple[float, list[float]]:
    """Wall time to post every body from `senders` threads, and each request's time."""
    pending = list(reversed(bodies))
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []

    def send() -> None:
        while True:
            with lock:
                if not pending:
                    return
                body = pending.pop()
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("POST", "/api/v1/responses", body=body, headers={"Content-Type": "application/json"})
            reply = connection.getresponse()
            payload = reply.read()
            connection.close()
            elapsed = time.perf_counter() - started
            statuses = {result["status"] for result in json.loads(payload)["results"]} if reply.status == 200 else {reply.status}
            with lock:
                latencies.append(elapsed)
                if statuses != {expected}:
                    failures.append(f"{reply.status} {statuses}")

    threads = [threading.Thread(target=send) for _ in range(senders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise AssertionError(f"expected every item {expected}: {failures[:3]}")
    return wall, latencies


def raw_insert_seconds(engine, ids: list[str]) -> float:
    """Read back what the API stored, delete it, and time a Core insert of the same rows."""
    responses, answers = Response.__table__, Answer.__table__
    with engine.begin() as connection:
        response_rows = [dict(row) for row in connection.execute(select(responses).where(responses.c.id.in_(ids))).mappings()]
        answer_rows = [dict(row) for row in connection.execute(select(answers).where(answers.c.response_id.in_(ids))).mappings()]
        connection.execute(delete(answers).where(answers.c.response_id.in_(ids)))
        connection.execute(delete(responses).where(responses.c.id.in_(ids)))
    answers_of: dict[str, list[dict]] = {}
    for row in answer_rows:
        row.pop("id")
        answers_of.setdefault(row["response_id"], []).append(row)
    batches = [response_rows[start : start + BATCH] for start in range(0, len(response_rows), BATCH)]
    started = time.perf_counter()
    for batch in batches:
        with engine.begin() as connection:
            connection.execute(insert(responses), batch)
            connection.execute(insert(answers), [answer for row in batch for answer in answers_of[row["id"]]])
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1] if len(values) > 1 else values[0]


def run(url: str, label: str, responses: int, rounds: int, worker_counts: list[int]) -> None:
    prepare(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context():
        version = current_forms()["parent-review"].version
    engine = create_engine(database_url({"DATABASE_URL": url}, ""))
    per_round = responses // rounds
    print(f"\n{label}: {per_round * rounds} new responses in batches of {BATCH}, {rounds} rounds of API then raw insert")
    print(f"  {'workers':>7} {'senders':>7} {'API new/s':>10} {'raw/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'resend/s':>9}")
    try:
        for workers in worker_counts:
            senders = 2 * workers
            api_seconds = resend_seconds = raw_seconds = 0.0
            latencies: list[float] = []
            server, port = start_gunicorn(url, workers)
            try:
                # API and raw insert take turns, so that both meet the same load on a shared machine.
                for _ in range(rounds):
                    items = make_items(engine, per_round, version)
                    bodies = [json.dumps({"responses": items[start : start + BATCH]}).encode() for start in range(0, len(items), BATCH)]
                    wall, round_latencies = post_all(port, bodies, senders, "created")
                    resend_wall, _ = post_all(port, bodies, senders, "duplicate")
                    api_seconds += wall
                    resend_seconds += resend_wall
                    latencies += round_latencies
                    raw_seconds += raw_insert_seconds(engine, [item["id"] for item in items])
            finally:
                stop(server)
            count = per_round * rounds
            api_rate, raw_rate = count / api_seconds, count / raw_seconds
            print(
                f"  {workers:>7} {senders:>7} {api_rate:>10.0f} {raw_rate:>8.0f} {api_rate / raw_rate:>6.2f} "
                f"{1000 * percentile(latencies, 0.5):>7.0f} {1000 * percentile(latencies, 0.99):>7.0f} {count / resend_seconds:>9.0f}"
            )
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=5000, help="new responses in all (default 5000)")
    parser.add_argument("--rounds", type=int, default=5, help="API and raw insert take turns this many times (default 5)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 3], help="gunicorn worker counts (default 1 3)")
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pace-bench-"))
    try:
        run(f"sqlite:///{workdir / 'bench.sqlite'}", "SQLite (WAL)", arguments.responses, arguments.rounds, arguments.workers)
        base = os.environ.get("PACE_BENCH_DATABASE_URL")
        if base:
            schema = f"pace_bench_{os.getpid()}"
            admin = create_engine(database_url({"DATABASE_URL": base}, ""))
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                separator = "&" if "?" in base else "?"
                run(f"{base}{separator}options=-csearch_path%3D{schema}", "PostgreSQL", arguments.responses, arguments.rounds, arguments.workers)
            finally:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
