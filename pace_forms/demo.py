"""Sample data for `pace-forms demo`: one area, a few children and reviews,
a survey link for each respondent, one user per role, synthetic case data
(journeys) with a dated change idea for the run charts, and two years of
those children's reviews with answers (demo_answers). Pseudonymous
references only.

The demo keeps its database from one start to the next (stopping the server
is the easy way to try the app "offline", and answers queued on a phone must
still find their link), so its links are kept in a file beside it: only a
hash of each token is in the database."""

from __future__ import annotations

import json
import os
import random
import secrets
import uuid
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func

from pace_forms.accounts.services import create_user, find_user
from pace_forms.audit.services import COMMAND_LINE_ACTOR
from pace_forms.database import create_private_file
from pace_forms.demo_answers import CHILD_AUDIENCE, seed_demo_answers
from pace_forms.extensions import db

from pace_forms.invitations.services import (
    create_invitation,
    find_or_create_area,
    find_or_create_child,
    find_or_create_review,
)
from pace_forms.models import Area, Response, utc_now
from pace_forms.forms.catalogue import current_forms
from pace_forms.notes.services import notes_of, publish_note
from pace_forms.responses.recording import record_responses
from pace_forms.responses.sealing import app_keyring, keys_dir_of, make_key
from pace_forms.timescales.reading import MILESTONES, JourneyRow, ReadResult
from pace_forms.timescales.services import add_annotation, import_journeys

DEMO_CHILDREN = [
    ("DEMO-001", "4-7", "first"),
    ("DEMO-002", "8-11", "later"),
    ("DEMO-003", "12-15", "permanence"),
    ("DEMO-004", "0-3", "planning"),
]
# Adults' forms go to every review; a child's by its age band (CHILD_AUDIENCE).
ADULT_AUDIENCES = ("parent", "carer", "worker")


# The demo's synthetic case data: children over three years, and a dated
# change idea after which permanence steps get faster (as PACE areas saw).
DEMO_JOURNEYS = 80
DEMO_CHILDREN_AT_HOME = 12
CHANGE_IDEA = "Permanence planning meeting within two weeks of a permanence recommendation"
CHANGE_DAYS_AGO = 540
# The demo area's "you said, we did", about the same change idea.
DEMO_NOTE_YOU_SAID = (
    "Many parents and carers told us that, after a decision about where a child would live, "
    "they waited a long time and were not sure what would happen next."
)
DEMO_NOTE_WE_DID = (
    "We now hold a planning meeting within two weeks of that decision. "
    "At the meeting everyone hears the next steps and who will do them."
)


def demo_journeys(today: date, rng: random.Random) -> list[JourneyRow]:
    """Synthetic journeys ending no later than `today`: slower before the
    change idea, faster after, with the spread real areas show."""
    change_on = today - timedelta(days=CHANGE_DAYS_AGO)
    rows = []
    for number in range(DEMO_JOURNEYS):
        away = today - timedelta(days=1095) + timedelta(days=number * 12 + rng.randrange(0, 10))
        dates = dict.fromkeys(MILESTONES)
        dates["looked_after_away_on"] = away
        dates["first_review_on"] = away + timedelta(days=rng.randrange(5, 24) if away < change_on else rng.randrange(4, 16))
        recommendation_on = away + timedelta(days=rng.randrange(150, 260) if away < change_on else rng.randrange(110, 200))
        recommendation = None
        if recommendation_on <= today:
            recommendation = "permanence_away" if rng.random() < 0.7 else "return_home"
            dates["recommendation_on"] = recommendation_on
        if recommendation == "permanence_away":
            decided = recommendation_on + timedelta(days=rng.randrange(0, 21))
            faster = decided >= change_on
            steps = [
                ("permanence_decision_on", decided),
                ("adm_approval_on", decided + timedelta(days=rng.randrange(55, 115) if faster else rng.randrange(95, 190))),
            ]
            steps.append(("court_lodged_on", steps[-1][1] + timedelta(days=rng.randrange(60, 130) if faster else rng.randrange(90, 170))))
            for name, on in steps:
                if on > today:
                    break
                dates[name] = on
        elif recommendation == "return_home" and recommendation_on + timedelta(days=60) <= today:
            dates["ended_on"] = recommendation_on + timedelta(days=rng.randrange(20, 60))
        rows.append(JourneyRow(line=number + 2, child_ref=f"DEMO-J{number + 1:03d}", dates=dates, recommendation=recommendation))
    for number in range(DEMO_CHILDREN_AT_HOME):
        at_home = today - timedelta(days=rng.randrange(760, 1300))
        dates = dict.fromkeys(MILESTONES)
        dates["looked_after_at_home_on"] = at_home
        if number % 3:
            dates["home_plan_review_on"] = min(today, at_home + timedelta(days=730 + rng.randrange(5, 60)))
        rows.append(JourneyRow(line=DEMO_JOURNEYS + number + 2, child_ref=f"DEMO-H{number + 1:03d}", dates=dates, recommendation=None))
    return rows


def seed_demo_journeys(area: Area, today: date) -> list[JourneyRow]:
    """The demo area's case data and its change idea; the journeys. Flushes only."""
    rows = demo_journeys(today, random.Random(2026))
    import_journeys(area, ReadResult(rows=rows, rows_read=DEMO_JOURNEYS + DEMO_CHILDREN_AT_HOME), utc_now())
    add_annotation(area, today - timedelta(days=CHANGE_DAYS_AGO), CHANGE_IDEA, None, COMMAND_LINE_ACTOR.name, utc_now())
    return rows


def seed_demo_reviews(area: Area, today: date) -> int:
    """The case data, and two years of reviews of those children with answers
    recorded as real ones are (demo_answers); how many responses. Flushes only."""
    journeys = seed_demo_journeys(area, today)
    return seed_demo_answers(area, journeys, today - timedelta(days=CHANGE_DAYS_AGO), today, random.Random(2027))


# Comments for the comments page and B8, in each of the last three months:
# enough parents and workers for their comments to be listed, too few carers
# (their comments are hidden, and the page says so). Sent as each person's
# answers through their own survey link, as a family's phone would.
DEMO_COMMENT_MONTHS = 3
DEMO_COMMENTERS = {"parent": 5, "worker": 5, "carer": 2}
DEMO_COMMENTS = {
    "parent": [
        "Nobody told me what happens next and I felt ignored.",
        "The reviewing officer explained the plan well.",
        "We waited months for the meeting date.",
        "I got the report the night before, too late to read it properly.",
        "I felt listened to this time.",
        "I still don't know when I will see my children again.",
        "The meeting was at a time I could get to on the bus.",
        "I have had four different workers in a year.",
        "They explained why the plan changed.",
        "It was good to have my advocate with me.",
        "Family time was cut and nobody said why.",
        "The room was too small for everyone.",
        "I understood the plan better after the chair went through it.",
        "The meeting was moved three times.",
        "Thank you for asking what I thought.",
    ],
    "worker": [
        "Reports were due the same week as two court deadlines.",
        "Good chair; the family were involved throughout.",
        "Not enough time to prepare the family for the meeting.",
        "The plan is clear and everyone agreed it.",
        "Minutes from the last review never arrived.",
        "Still waiting for the medical, which holds up the plan.",
        "Helpful discussion of family contact.",
        "The new two-week meeting made the decision much quicker.",
        "Third change of reviewing officer this year for this child.",
        "Parents were given the reports in good time.",
        "The meeting ran over and the carer had to leave.",
        "Clear actions, with names and dates.",
        "The child's views were read out and taken seriously.",
        "Too many people in the room for the young person.",
        "I felt confident in the plan we agreed.",
    ],
    "carer": ["We were told about the meeting two days before.", "Very well organised, thank you.",
              "Nobody asked what we had noticed at home.", "The plan for school was explained clearly.",
              "We still don't know when the next review is.", "Good to meet the new worker."],
}


def seed_demo_comments(area: Area, today: date) -> int:
    """Each month's commenters answer the comment question of their form
    through a link of their own, on reviews of children made for it.
    Returns how many responses were recorded. Flushes only."""
    forms = {form.audience: form for form in current_forms().values() if form.key == f"{form.audience}-review"}
    items, used = [], dict.fromkeys(DEMO_COMMENTERS, 0)
    month_start = date(today.year, today.month, 1)
    for month in range(DEMO_COMMENT_MONTHS):
        month_start = (month_start - timedelta(days=1)).replace(day=1)
        for number in range(max(DEMO_COMMENTERS.values())):
            child = find_or_create_child(area, f"DEMO-K{month + 1}{number + 1:02d}", "8-11")
            review = find_or_create_review(child, month_start + timedelta(days=4 * number), "later")
            for audience, count in DEMO_COMMENTERS.items():
                if number >= count:
                    continue
                link = create_invitation(review, audience, forms[audience].key, valid_days=current_app.config["INVITATION_DAYS"])
                words = DEMO_COMMENTS[audience][used[audience] % len(DEMO_COMMENTS[audience])]
                used[audience] += 1
                items.append({"id": str(uuid.uuid4()), "form": forms[audience].key, "form_version": forms[audience].version,
                              "invitation": link.token, "submitted_at": utc_now().isoformat(), "locale": "en-GB", "answers": {"comment": words}})
    results = record_responses(items)
    return sum(1 for result in results if result.status == "created")


def seed_demo() -> list[tuple[str, str]]:
    """Create the demo records; return (label, survey path) pairs. Flushes only."""
    area = find_or_create_area("DEMO", "Demo Council")
    today = utc_now().date()
    seed_demo_reviews(area, today)
    if not notes_of(area, limit=1):
        publish_note(area, DEMO_NOTE_YOU_SAID, DEMO_NOTE_WE_DID, by=None, now=utc_now())
    seed_demo_comments(area, today)
    links = []
    forms = current_forms()
    for days_ago, (reference, age_band, kind) in enumerate(DEMO_CHILDREN, start=1):
        child = find_or_create_child(area, reference, age_band)
        review = find_or_create_review(child, today - timedelta(days=days_ago), kind)
        audiences = {*ADULT_AUDIENCES, CHILD_AUDIENCE.get(age_band)}
        for form in forms.values():
            if form.audience not in audiences:
                continue
            new = create_invitation(review, form.audience, form.key, valid_days=current_app.config["INVITATION_DAYS"])
            links.append((f"{form.audience:<12} child {reference} ({age_band}), {kind} review", f"/s/{new.token}"))
    return links


# One user per role, all in the demo area; the worker is its duty contact.
DEMO_USERS = (
    ("admin", "demo-admin@example.org", False),
    ("consultant", "demo-consultant@example.org", False),
    ("worker", "demo-worker@example.org", True),
)


def demo_users() -> tuple[list[tuple[str, str, str]], list[str]]:
    """Makes the demo users that do not exist yet, each with a new random
    password. ([(role, email, password)] of those made, [emails] of those kept
    from before, whose passwords were printed when they were made). Flushes only."""
    made, kept = [], []
    for role, email, is_duty_contact in DEMO_USERS:
        if find_user(email) is not None:
            kept.append(email)
            continue
        password = secrets.token_urlsafe(12)
        areas = [] if role == "admin" else ["DEMO"]
        create_user(email, role, areas, password, duty_contact=is_duty_contact, actor=COMMAND_LINE_ACTOR)
        made.append((role, email, password))
    return made, kept


def demo_sealing_key() -> str:
    """The demo's sealing key, made at the first start (kiosk mode seals with
    it), in words for the start-up message."""
    keyring = app_keyring(current_app)
    if keyring.current is not None:
        return f"Sealing key for kiosk mode: {keyring.current.kid} (kept from before)."
    key = make_key(keys_dir_of(current_app.config, current_app.instance_path), utc_now())
    return f"Sealing key for kiosk mode: {key.kid} (made now)."


def links_file_of(database: Path) -> Path:
    return database.with_name(f"{database.stem}-links.json")


def delete_demo_data(database: Path) -> None:
    """Remove the demo database (with SQLite's -wal and -shm) and its links."""
    db.session.remove()
    db.engine.dispose()
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), links_file_of(database)):
        path.unlink(missing_ok=True)
    create_private_file(database)


def demo_links(base_url: str, database: Path, *, has_earlier_data: bool) -> tuple[list[tuple[str, str]], str]:
    """The demo's links, and a sentence on what happened: the links kept from
    before (they still work), or new ones made. Flushes only."""
    links_file = links_file_of(database)
    if has_earlier_data and links_file.exists():
        paths = json.loads(links_file.read_text(encoding="utf-8"))
        kept = db.session.scalar(db.select(func.count()).select_from(Response))
        return [(label, base_url + path) for label, path in paths], (
            f"Kept the demo data from before ({kept} response(s) so far); its links still work. "
            "To start again from empty: pace-forms demo --reset (or make demo RESET=1)."
        )
    labelled_paths = seed_demo()
    _save_private_json(links_file, labelled_paths)
    if has_earlier_data:
        happened = "Kept the demo data from before; its earlier links were not saved, so new ones were made (the earlier ones still work)."
    else:
        happened = "Made a new demo database with sample data."
    return [(label, base_url + path) for label, path in labelled_paths], happened


def _save_private_json(path: Path, data) -> None:
    # The file holds live link tokens: readable by its owner only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)
