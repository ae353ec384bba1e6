"""Sample data for `pace-forms demo`: one area, a few children and reviews,
and a survey link for each respondent. Pseudonymous references only."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from pace_forms.invitations.services import (
    create_invitation,
    find_or_create_area,
    find_or_create_child,
    find_or_create_review,
)
from pace_forms.models import utc_now
from pace_forms.forms.catalogue import current_forms

DEMO_CHILDREN = [
    ("DEMO-001", "4-7", "first"),
    ("DEMO-002", "8-11", "later"),
    ("DEMO-003", "12-15", "permanence"),
    ("DEMO-004", "0-3", "planning"),
]
# Which child's form suits which age band; adults' forms go to every review.
CHILD_AUDIENCE = {"4-7": "child-4-7", "8-11": "child-8-11", "12-15": "young-person", "16+": "young-person"}
ADULT_AUDIENCES = ("parent", "carer", "worker")


def seed_demo(base_url: str) -> list[tuple[str, str]]:
    """Create the demo records; return (label, survey URL) pairs. Flushes only."""
    area = find_or_create_area("DEMO", "Demo Council")
    today = utc_now().date()
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
            links.append((f"{form.audience:<12} child {reference} ({age_band}), {kind} review", f"{base_url}/s/{new.token}"))
    return links
