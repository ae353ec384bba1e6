"""How fast the sync API stores responses, by batch size, on SQLite and (when
PACE_BENCH_DATABASE_URL is set) PostgreSQL.

Each round posts the same number of new responses (each on its own survey
link) through the Flask test client, so the figures are the server's own cost:
validation, the savepoint per item, the answer rows, the commit. Then it posts
every batch again, which must all come back "duplicate". The baseline is one
response per request, measured in the same run.

    .venv/bin/python bench/sync_throughput.py [--responses 600]
    PACE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/sync_throughput.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from pace_forms import create_app  # noqa: E402
from pace_forms.extensions import db  # noqa: E402
from pace_forms.invitations.services import (  # noqa: E402
    create_invitation,
    find_or_create_area,
    find_or_create_child,
    find_or_create_review,
)
from pace_forms.models import Base  # noqa: E402
from pace_forms.forms.catalogue import current_forms, publish_form_versions  # noqa: E402

BATCH_SIZES = (1, 10, 100)
ANSWERS = {"understood_plan": 4, "listened_to": 5, "had_say": 3, "knows_next": "not_sure", "overall": 4, "comment": "Fine."}


def make_tokens(count: int) -> list[str]:
    from datetime import date

    area = find_or_create_area("BENCH")
    tokens = []
    for number in range(count):
        child = find_or_create_child(area, f"B-{number:06d}", "8-11")
        review = find_or_create_review(child, date.today(), "later")
        tokens.append(create_invitation(review, "parent", "parent-review", valid_days=28).token)
    db.session.commit()
    return tokens


def run(url: str, label: str, responses: int) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" * 8})
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        for table in reversed(Base.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        publish_form_versions()
        db.session.commit()
        version = current_forms()["parent-review"].version
        tokens = make_tokens(responses * len(BATCH_SIZES))
    client = app.test_client()
    print(f"\n{label}: {responses} new responses per batch size")
    print(f"  {'batch size':>10} {'new /s':>10} {'ratio':>7} {'resend /s':>10} {'ratio':>7}")
    baseline_new = baseline_resend = None
    for round_number, size in enumerate(BATCH_SIZES):
        mine = tokens[round_number * responses : (round_number + 1) * responses]
        items = [
            {"id": str(uuid.uuid4()), "form": "parent-review", "form_version": version, "invitation": token,
             "submitted_at": "2026-11-29T10:00:00+00:00", "locale": "en-GB", "answers": ANSWERS}
            for token in mine
        ]
        batches = [items[start : start + size] for start in range(0, len(items), size)]
        rates = []
        for expected in ("created", "duplicate"):
            started = time.perf_counter()
            for batch in batches:
                reply = client.post("/api/v1/responses", json={"responses": batch})
                statuses = {result["status"] for result in reply.get_json()["results"]}
                assert statuses == {expected}, statuses
            rates.append(len(items) / (time.perf_counter() - started))
        baseline_new = baseline_new or rates[0]
        baseline_resend = baseline_resend or rates[1]
        print(f"  {size:>10} {rates[0]:>10.0f} {rates[0] / baseline_new:>7.2f} {rates[1]:>10.0f} {rates[1] / baseline_resend:>7.2f}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=600)
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pace-bench-"))
    try:
        run(f"sqlite:///{workdir / 'bench.sqlite'}", "SQLite (WAL)", arguments.responses)
        if os.environ.get("PACE_BENCH_DATABASE_URL"):
            run(os.environ["PACE_BENCH_DATABASE_URL"], "PostgreSQL", arguments.responses)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
