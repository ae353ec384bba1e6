"""The demo's synthetic answers (issue 10, point 4): reviews of the demo
journeys' children over the last two years, an invitation for each person
asked, and answers from most of them, stored through the one recording path
(responses.recording.record_responses) so that answers, positives and the
comments' sentiment are worked out exactly as for real ones.

Seeded, so every run makes the same answers for the same day. The shares
drift a little, and workers' time to prepare (B6) dips after the demo's
change idea (faster steps to the agency decision maker mean less time to
write reports), then partly recovers: something for the charts to show."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask import current_app
from sqlalchemy import update

from pace_forms.extensions import db
from pace_forms.forms.catalogue import current_forms
from pace_forms.forms.definitions import FormDefinition, Question
from pace_forms.invitations.services import create_invitation, find_or_create_child, find_or_create_review
from pace_forms.models import Area, Child, Response
from pace_forms.responses.recording import CREATED, record_responses
from pace_forms.timescales.reading import JourneyRow

# Which child's form suits which age band (none for a child under 4).
CHILD_AUDIENCE = {"4-7": "child-4-7", "8-11": "child-8-11", "12-15": "young-person", "16+": "young-person"}
ANSWER_DAYS = 730  # reviews over the last two years
AGE_BAND_WEIGHTS = {"0-3": 20, "4-7": 25, "8-11": 25, "12-15": 24, "16+": 6}
# How likely each person asked is to answer.
ANSWER_RATES = {"parent": 0.45, "carer": 0.55, "worker": 0.8, "child-4-7": 0.7, "child-8-11": 0.65, "young-person": 0.55}
# How likely an answer to a construct is positive, before the drift below.
POSITIVE_SHARES = {"HEARD": 0.78, "UNDER": 0.74, "WHY": 0.68, "PREP": 0.7, "SAY": 0.8, "NEXT": 0.66, "TIME": 0.72, "CONF": 0.78}
POSITIVE_SHARE = 0.74
HOW_TAKEN_PART = {"all": 72, "part": 16, "not_there": 12}
WHO_HELPED = {"alone": 55, "carer": 45, "family": 15, "worker": 12, "advocate": 10, "other": 3}
COMMENT_RATE = 0.35
# Short comments in respondents' words (no names), good and bad.
COMMENTS = {
    ("adult", True): (
        "The chair explained everything clearly and gave me time to speak.",
        "I felt listened to this time and I understood the plan.",
        "The social worker phoned me before the meeting, which helped a lot.",
        "Good meeting, everyone was respectful.",
        "I got the reports a week before so I could read them properly.",
    ),
    ("adult", False): (
        "Nobody told me what happens next and I felt ignored.",
        "The reports came the night before, far too late to read them.",
        "Too many people in the room and I could not get a word in.",
        "I still do not understand why the decision was made.",
        "The meeting was moved twice and nobody let me know.",
    ),
    ("worker", True): (
        "Well prepared meeting, the plan is clear and realistic.",
        "Good to have the child's views written down in their own words.",
        "Enough time to get the assessment done properly.",
    ),
    ("worker", False): (
        "The reports were due too soon after the last meeting to do them well.",
        "Not enough time to prepare, I was writing the report the night before.",
        "The timescale for the paperwork is not realistic with my caseload.",
    ),
    ("child", True): (
        "It was good, they asked me what I wanted.",
        "I liked that I could say things without everyone there.",
        "My worker explained what will happen next.",
    ),
    ("child", False): (
        "Too many adults and it was boring.",
        "Nobody asked me what I think.",
        "I did not understand the words they used.",
    ),
}
COMMENTER = {"parent": "adult", "carer": "adult", "worker": "worker", "child-8-11": "child", "young-person": "child"}


@dataclass(frozen=True)
class DemoReview:
    child_ref: str
    held_on: date
    kind: str
    away_from_home: bool


def reviews_of(journey: JourneyRow, today: date, rng: random.Random) -> list[DemoReview]:
    """A journey's reviews: a planning meeting within days of becoming looked
    after away from home, the first review, then about every three months
    in the first year and six after, until the journey ended; the first after
    the permanence decision is a permanence review."""
    dates = journey.dates
    away, at_home = dates.get("looked_after_away_on"), dates.get("looked_after_at_home_on")
    ended = dates.get("ended_on") or today
    decided = dates.get("permanence_decision_on")
    held: list[tuple[date, str]] = []
    if away:
        held.append((away + timedelta(days=rng.randrange(1, 4)), "planning"))
        if dates.get("first_review_on"):
            held.append((dates["first_review_on"], "first"))
        start, step = dates.get("first_review_on") or away, 90
    else:
        start, step = at_home, 180
    next_on, permanence_due = start + timedelta(days=step + rng.randrange(-10, 11)), bool(decided)
    while next_on <= ended:
        kind = "later"
        if permanence_due and next_on > decided:
            kind, permanence_due = "permanence", False
        held.append((next_on, kind))
        step = 180 if next_on - start > timedelta(days=365) else 90
        next_on += timedelta(days=step + rng.randrange(-10, 11))
    earliest = today - timedelta(days=ANSWER_DAYS)
    return [DemoReview(journey.child_ref, on, kind, bool(away)) for on, kind in held if earliest <= on < today]


def positive_share(code: str, held_on: date, change_on: date) -> float:
    share = POSITIVE_SHARES.get(code, POSITIVE_SHARE)
    if code == "TIME" and held_on >= change_on:
        # The dip after the change idea, easing as teams adjust.
        share -= 0.28 if held_on < change_on + timedelta(days=240) else 0.12
    return share


def weighted(rng: random.Random, values: Iterable[Any], weights: Mapping[Any, int]) -> Any:
    values = list(values)
    return rng.choices(values, [weights.get(value, 5) for value in values])[0]


def answer_to(question: Question, share: float, rng: random.Random) -> Any:
    """An answer to one question: positive with probability `share`, now and
    then a neutral one ("not sure") where the question has one."""
    options = question.options()
    measure = question.spec.get("measure") or {}
    if question.spec.get("meta") == "helped_by":
        return weighted(rng, (option.value for option in options), WHO_HELPED)
    if measure.get("code") == "ATTEND":
        return weighted(rng, (option.value for option in options), HOW_TAKEN_PART)
    if measure.get("positive"):
        neutral = [option.value for option in options if option.is_neutral]
        if neutral and rng.random() < 0.05:
            return rng.choice(neutral)
        positive = list(measure["positive"])
        if rng.random() < share:
            return rng.choice(positive)
        return rng.choice([option.value for option in options if not option.is_neutral and option.value not in positive])
    cards = question.cards()
    if cards:
        # A picture sort: each card under good, not sure or not good, mostly good.
        return {card.value: rng.choices([option.value for option in options], [6, 2, 2])[0] for card in cards}
    if options:
        return rng.choice(options).value
    return None  # free text: see answers_for


def answers_for(form: FormDefinition, held_on: date, change_on: date, rng: random.Random) -> dict[str, Any]:
    """One respondent's answers to `form`; a comment, now and then, in tune with them."""
    answers: dict[str, Any] = {}
    positives: list[bool] = []
    # One mood per respondent, so that their answers (and comment) hang together.
    mood = rng.uniform(-0.12, 0.12)
    asks_for_contact = form.follow_up["question"] if form.follow_up else None
    for question in form.questions:
        code = (question.spec.get("measure") or {}).get("code")
        if question.key == asks_for_contact:
            # "Do you want someone to get in touch?": an answer that raises a follow-up is not wanted here.
            answers[question.key] = next(option.value for option in question.options() if str(option.value) not in form.follow_up_answers)
            continue
        value = answer_to(question, positive_share(code or "", held_on, change_on) + mood, rng)
        if value is not None:
            answers[question.key] = value
            if code and code != "ATTEND" and question.kind.is_positive(question.spec, value) is not None:
                positives.append(bool(question.kind.is_positive(question.spec, value)))
    comment = next((question for question in form.questions if question.measure_code == "TXT"), None)
    if comment is not None and form.audience in COMMENTER and rng.random() < COMMENT_RATE:
        pleased = sum(positives) >= len(positives) / 2 if positives else True
        answers[comment.key] = rng.choice(COMMENTS[(COMMENTER[form.audience], pleased)])
    return answers


def set_age_bands(area: Area, references: Iterable[str], rng: random.Random) -> dict[str, str]:
    """A made-up age band for each demo journey's child (the case data holds none)."""
    bands = {reference: weighted(rng, AGE_BAND_WEIGHTS, AGE_BAND_WEIGHTS) for reference in sorted(references)}
    for reference, band in bands.items():
        db.session.execute(update(Child).where(Child.area_id == area.id, Child.reference == reference).values(age_band=band))
    return bands


def seed_demo_answers(area: Area, journeys: list[JourneyRow], change_on: date, today: date, rng: random.Random) -> int:
    """Reviews, invitations and recorded answers for the demo journeys'
    children; how many responses were stored. Nothing if the area has
    answers already (a second run keeps them). Flushes only."""
    if db.session.scalar(db.select(db.func.count()).select_from(Response).where(Response.area_id == area.id)):
        return 0
    forms = {form.audience: form for form in current_forms().values() if form.key == f"{form.audience}-review"}
    bands = set_age_bands(area, (journey.child_ref for journey in journeys), rng)
    valid_days = current_app.config["INVITATION_DAYS"]
    stored = 0
    reviews = sorted((review for journey in journeys for review in reviews_of(journey, today, rng)), key=lambda review: (review.held_on, review.child_ref))
    for demo in reviews:
        review = find_or_create_review(find_or_create_child(area, demo.child_ref), demo.held_on, demo.kind)
        audiences = ["parent", "carer", "worker"] if demo.away_from_home else ["parent", "worker"]
        if bands[demo.child_ref] in CHILD_AUDIENCE:
            audiences.append(CHILD_AUDIENCE[bands[demo.child_ref]])
        asked_at = datetime.combine(demo.held_on, time(17, 0), tzinfo=timezone.utc)
        items = []
        for audience in audiences:
            form = forms[audience]
            link = create_invitation(review, audience, form.key, valid_days=valid_days, now=asked_at)
            answered_at = asked_at + timedelta(hours=rng.randrange(1, 24 * 9))
            if rng.random() >= ANSWER_RATES[audience] or answered_at.date() >= today:
                continue
            items.append({
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "form": form.key,
                "form_version": form.version,
                "invitation": link.token,
                "submitted_at": answered_at.isoformat(),
                "locale": "en-GB",
                "answers": answers_for(form, demo.held_on, change_on, rng),
            })
        if items:
            received_at = max(datetime.fromisoformat(item["submitted_at"]) for item in items) + timedelta(minutes=5)
            results = record_responses(items, now=received_at)
            problems = [result.to_json() for result in results if result.status != CREATED]
            if problems:
                raise RuntimeError(f"the demo's answers were not all recorded: {problems}")
            stored += len(items)
    return stored
