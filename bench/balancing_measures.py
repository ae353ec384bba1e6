"""Benchmark: an area's balancing measures over 1,000,000 answers (issue 10),
against reading those answers from the database once, in the same run.

    .venv/bin/python bench/balancing_measures.py [--answers 1000000] [--database URL]

Fills a fresh SQLite database (or --database, an empty migrated one, such as
a PostgreSQL schema) with one area's reviews, responses and answers coded as
the forms code them, then times (1) reading every answer of the area with its
response's audience and review date (the baseline: the least any measure
must do), (2) count_answers + balancing_report by month, as the dashboard
computes them, (3) one measure (B1) split four ways (measures.splits: by the
child's aim 2 status, review kind, attendance, who helped) with its
protected tables, (4) P2 and P3 (measures.process), and (5, 6) the pages a
consultant opens: the area's dashboard overview and B1's own page, served
whole (templates and charts) through the app, as a consultant of the area.
Each child has a journey. Prints seconds and the ratio."""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KEY = "bench-" + "k" * 40
# Audience: the codes its form answers (one answer each).
CODES = {
    "parent": ("ATTEND", "PREP", "SAY", "HEARD", "UNDER", "WHY", "NEXT", "RESP", "CONTACT", "OVR"),
    "carer": ("PREP", "SAY", "HEARD", "UNDER", "NEXT", "CHILDV", "RESP", "CONTACT"),
    "child-8-11": ("SAY", "HEARD", "NEXT", "INFL", "CONTACT", "OVR"),
    "worker": ("TIME", "CHILDV", "FAMV", "NEXT", "CONF", "FEAS", "LOAD"),
}
KINDS = ("planning", "first", "later", "later", "permanence")
SPLITS = ("aim", "kind", "attend", "helper")


def journey_of(rng: random.Random, area_id: int, child_id: int, held_on: date) -> dict:
    """A child's journey with every milestone a timescale aim counts (some
    not reached yet), its first review before `held_on`."""
    away = held_on - timedelta(days=rng.randrange(20, 300))
    journey = {"area_id": area_id, "child_id": child_id, "looked_after_away_on": away,
               "first_review_on": away + timedelta(days=rng.randrange(5, 30)),
               "recommendation_on": away + timedelta(days=rng.randrange(100, 300)) if rng.random() < 0.8 else None}
    if journey["recommendation_on"] and rng.random() < 0.5:
        journey["recommendation"] = "permanence_away"
        journey["permanence_decision_on"] = decided = journey["recommendation_on"] + timedelta(days=rng.randrange(10, 60))
        journey["adm_approval_on"] = approved = decided + timedelta(days=rng.randrange(40, 160))
        journey["court_lodged_on"] = approved + timedelta(days=rng.randrange(30, 200)) if rng.random() < 0.7 else None
    elif journey["recommendation_on"]:
        journey["recommendation"] = "return_home"
    return journey


def fill(app, answers_wanted: int, journeys: int | None = None) -> int:
    """One area's reviews, four respondents each and their answers. Each
    review's child is new (one journey a review) or, with `journeys`, one of
    that many children, who then have several reviews each."""
    from pace_forms.extensions import db
    from pace_forms.invitations.services import find_or_create_area
    from pace_forms.models import Answer, Child, Journey, Response, Review

    rng = random.Random(1)
    with app.app_context():
        area = find_or_create_area("BENCH", "Bench")
        db.session.commit()
        made = 0
        review_number = 0
        start = date(2023, 1, 1)
        while made < answers_wanted:
            children, new_journeys, reviews, responses, answers = [], [], [], [], []
            for _ in range(500):
                review_number += 1
                held_on = start + timedelta(days=review_number % 1000)
                child_id = (review_number - 1) % journeys + 1 if journeys else review_number
                if child_id == review_number:  # the child's first review
                    children.append({"id": child_id, "area_id": area.id, "reference": f"B-{child_id}"})
                    new_journeys.append(journey_of(rng, area.id, child_id, held_on))
                reviews.append({"id": review_number, "child_id": child_id, "area_id": area.id, "held_on": held_on, "kind": rng.choice(KINDS)})
                for audience, codes in CODES.items():
                    response_id = str(uuid.UUID(int=rng.getrandbits(128)))
                    responses.append({"id": response_id, "form_key": f"{audience}-review", "form_version_number": 1, "area_id": area.id,
                                      "review_id": review_number, "audience": audience, "status": "accepted", "problems": [], "raw": {},
                                      "content_hash": response_id.replace("-", "")})
                    answers.extend({"response_id": response_id, "question_key": code.lower(), "measure": code,
                                    "value_text": rng.choice(("all", "all", "part", "not_there")) if code == "ATTEND" else None,
                                    "is_positive": rng.random() < 0.7 if rng.random() > 0.05 else None} for code in codes)
                    if audience != "worker":
                        answers.append({"response_id": response_id, "question_key": "helped_by", "measure": None,
                                        "value_text": rng.choice(("alone", "alone", "family", "advocate")), "is_positive": None})
            if children:
                db.session.execute(db.insert(Child), children)
                db.session.execute(db.insert(Journey), new_journeys)
            db.session.execute(db.insert(Review), reviews)
            db.session.execute(db.insert(Response), responses)
            db.session.execute(db.insert(Answer), answers)
            db.session.commit()
            made += len(answers)
        return area.id


def migrate(database: str) -> str:
    """Migrates a fresh database (in a process of its own) and returns its URL."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "pace_forms", "db", "upgrade", "-d", str(ROOT / "pace_forms" / "migrations")],
                   cwd=ROOT, env={**os.environ, "PACE_DATABASE_URL": database, "PACE_SECRET_KEY": KEY}, capture_output=True, check=True)
    return database


def consultant_client(app):
    """A test client signed in as a consultant of the bench area."""
    from pace_forms.accounts.services import create_user
    from pace_forms.extensions import db

    password = "bench " + uuid.uuid4().hex
    with app.app_context():
        create_user("bench-consultant@example.org", "consultant", ["BENCH"], password)
        db.session.commit()
    client = app.test_client()
    reply = client.post("/sign-in", data={"email": "bench-consultant@example.org", "password": password})
    assert reply.status_code == 302, reply.status_code
    return client


def options_parser(doc: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--database", help="an empty, migrated database URL (default: a fresh SQLite file)")
    return parser


def filled_app(folder: str, database: str | None, answers: int, journeys: int | None = None):
    """(app, the bench area's id, a consultant's test client) on `database`
    or a fresh SQLite file in `folder`, filled by fill()."""
    from pace_forms import create_app

    database = database or migrate(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": KEY, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    started = time.perf_counter()
    area_id = fill(app, answers, journeys)
    print(f"Filled {answers:,}+ answers{f', {journeys:,} journeys' if journeys else ''} in {time.perf_counter() - started:.0f} s"
          f" ({database.split(':')[0]})")
    return app, area_id, consultant_client(app)


def read_answers(session, area_id: int) -> list:
    """Every answer of the area with its response's audience and review date: the least any measure must read."""
    from sqlalchemy import select

    from pace_forms.models import Answer, Response, Review

    return session.execute(
        select(Response.audience, Review.held_on, Answer.measure, Answer.is_positive)
        .join(Response, Response.id == Answer.response_id).join(Review, Review.id == Response.review_id)
        .where(Response.area_id == area_id)
    ).all()


def main() -> None:
    options = options_parser(__doc__).parse_args()
    from pace_forms.extensions import db
    from pace_forms.measures.balancing import balancing_report, count_answers
    from pace_forms.measures.process import PROCESS_MEASURES, count_process
    from pace_forms.measures.splits import count_split, split_report

    with tempfile.TemporaryDirectory() as folder:
        app, area_id, client = filled_app(folder, options.database, options.answers)
        with app.app_context():
            timings = {"read every answer once": [], "balancing measures": [], "B1 split four ways": [], "P2 and P3": [],
                       "dashboard overview page": [], "B1's page": []}
            for _ in range(3):
                started = time.perf_counter()
                rows = read_answers(db.session, area_id)
                timings["read every answer once"].append(time.perf_counter() - started)
                started = time.perf_counter()
                report = balancing_report(count_answers(db.session, area_id), period="month", min_cell=5, sees_everything=False)
                timings["balancing measures"].append(time.perf_counter() - started)
                started = time.perf_counter()
                splits = [split_report(count_split(db.session, area_id, "B1", split, aim="aim2_to_recommendation", as_of=date(2026, 1, 1)),
                                       min_cell=5, sees_everything=False, period="quarter") for split in SPLITS]
                timings["B1 split four ways"].append(time.perf_counter() - started)
                started = time.perf_counter()
                process = balancing_report(count_process(db.session, area_id), period="month", min_cell=5, sees_everything=False, measures=PROCESS_MEASURES)
                timings["P2 and P3"].append(time.perf_counter() - started)
                for step, path in (("dashboard overview page", "/areas/BENCH/measures?from=2023-01&to=2025-12"),
                                   ("B1's page", "/areas/BENCH/measures/B1?from=2023-01&to=2025-12")):
                    started = time.perf_counter()
                    page = client.get(path)
                    assert page.status_code == 200, (path, page.status_code)
                    timings[step].append(time.perf_counter() - started)
        print(f"{len(rows):,} answers read; {len(report['measures'])} measures, {sum(len(m['periods']) for m in report['measures'].values())} cells;"
              f" {sum(len(split['cells']) for split in splits)} split cells; {len(process['measures'])} process measures")
        print_timings(timings, "read every answer once", "x reading once")


def print_timings(timings: dict[str, list[float]], baseline: str, ratio_heading: str) -> float:
    """Each step's best time and its ratio to the baseline step's; returns the baseline's."""
    base = min(timings[baseline])
    print(f"{'step':<26}{'best of 3 (s)':>15}{ratio_heading:>16}")
    for step, seconds in timings.items():
        print(f"{step:<26}{min(seconds):>15.2f}{min(seconds) / base:>16.2f}")
    return base


if __name__ == "__main__":
    main()
