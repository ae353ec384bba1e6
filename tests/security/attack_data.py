"""What a reviewer would try (issue 12, item 7): the attack strings, and one
world of two areas whose every free-text field a person can type holds them.

``seed_world(text_for)`` builds the world in the current app context: area A
("ALBA") with a review, links, counted comments (a group of five, so the
comments page lists them), an open and a taken-on follow-up, a held response,
a held conflict, a journey, a chart annotation, a "you said, we did" note,
area settings, an API token and audit rows; area B ("BUTE") with a review of
its own. Every text a person types is ``text_for(field, most)``, at most
``most`` characters long. The ids come back under the names
tests/api/test_access_matrix.py fills path parameters with (PARAMS), plus
``*_b`` ids of area B, and ``texts``: field name -> the text stored."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Callable

from pace_forms.accounts.services import create_api_token, create_user
from pace_forms.areas.services import set_area_settings
from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.measures.sentiment import score_sentiment
from pace_forms.models import Answer, AuditEvent, FollowUp, Journey, Response, ResponseConflict, utc_now
from pace_forms.notes.services import publish_note
from pace_forms.safeguarding.services import take_on_follow_up
from pace_forms.timescales.services import add_annotation

PASSWORD = "correct horse battery"
ADMIN = "admin@example.org"
CONSULTANT_A = "consultant-a@example.org"
CONSULTANT_B = "consultant-b@example.org"
WORKER_B = "worker-b@example.org"

# Stored cross-site scripting: each must come back as the same text, running nothing.
XSS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</textarea><svg onload=alert(4)>",
    "{{7*7}}",
    "javascript:alert(5)",
)

# SQL injection strings: each must be taken as plain data.
SQLI = (
    "' OR 1=1--",
    "1; DROP TABLE response",
    "%' --",
    "1' OR '1'='1",
    "\u2019 OR 1=1--",  # a typographic quote, which some drivers fold to '
    "\u02bc OR \u02bc\u02bc=\u02bc",
    "1 UNION SELECT email, password_hash FROM app_user--",
    '" OR ""="',
    "%%",
    "\\",
)


def xss_text(field: str, most: int) -> str:
    """The field's name and as many whole XSS payloads as fit in ``most`` characters."""
    text = field
    for payload in XSS:
        if len(text) + 1 + len(payload) <= most:
            text += " " + payload
    return text


Texts = Callable[[str, int], str]


def _response(review, audience: str, *, status: str = "accepted", invitation=None, raw=None, comment: str | None = None,
              problem: str = "") -> Response:
    response = Response(
        id=str(uuid.uuid4()), form_key=f"{audience}-review", form_version_number=1, area_id=review.area_id, review_id=review.id,
        invitation_id=invitation.id if invitation else None, audience=audience, status=status,
        problems=[{"field": "answers.comment", "message": problem}] if status == "quarantined" else [],
        raw=raw or {}, content_hash=uuid.uuid4().hex,
    )
    if comment is not None:
        response.answers = [Answer(question_key="comment", measure="TXT", value_text=comment, sentiment=score_sentiment(comment))]
    db.session.add(response)
    db.session.flush()
    return response


def seed_world(text_for: Texts = lambda field, most: field) -> dict:
    texts: dict[str, str] = {}

    def text(field: str, most: int, *, shown: bool = True) -> str:
        """``shown``: some page shows it again (a child's comment on a follow-up is not: only its concern words)."""
        made = text_for(field, most)
        if shown:
            texts[field] = made
        return made

    today = utc_now().date()
    area_a = find_or_create_area("ALBA", text("area name", 200))
    area_b = find_or_create_area("BUTE", "Bute Council")
    set_area_settings("ALBA", {
        "display_name": text("area display name", 200),
        "contact_text": text("area contact line", 300),
        "follow_up_who": text("area follow-up who", 200),
        "family_card_words": text("area family card words", 100),
        "privacy_url": "https://privacy.example.org/?q=" + '"><svg/onload=alert(6)>',
    })
    child = find_or_create_child(area_a, text("child", 64), "8-11")
    review = find_or_create_review(child, today, "later")
    review_b = find_or_create_review(find_or_create_child(area_b, "B-1", "8-11"), today, "later")
    users = {email: create_user(email, role, areas, PASSWORD) for email, role, areas in (
        (ADMIN, "admin", []), (CONSULTANT_A, "consultant", ["ALBA"]), (CONSULTANT_B, "consultant", ["BUTE"]),
        ("worker-a@example.org", "worker", ["ALBA"]), (WORKER_B, "worker", ["BUTE"]),
    )}
    spare = create_user("spare@example.org", "worker", ["ALBA"], PASSWORD)
    link = create_invitation(review, "young-person", "young-person-review", valid_days=28)
    unanswered = create_invitation(review, "parent", "parent-review", valid_days=28)
    unanswered_b = create_invitation(review_b, "parent", "parent-review", valid_days=28)
    # A child's and a young person's form show the area's own words too (a picture card, who is told).
    more_links = [create_invitation(review, audience, f"{audience}-review", valid_days=28) for audience in ("child-4-7", "young-person")]

    # Five parents' comments: a group the comments page may list.
    comments = [_response(review, "parent", comment=text(f"comment {number}", 2000)) for number in range(5)]
    # A follow-up still open, and one taken on with a note of what was done.
    asked = _response(review, "young-person", invitation=link.invitation, comment=text("young person's comment", 2000, shown=False))
    db.session.add(FollowUp(response_id=asked.id, invitation_id=link.invitation.id, area_id=area_a.id, review_id=review.id, reason="asked_for_contact"))
    concern = _response(review, "young-person", comment=text("concern comment", 2000, shown=False))
    taken = FollowUp(response_id=concern.id, area_id=area_a.id, review_id=review.id, reason="concern_words")
    db.session.add(taken)
    db.session.flush()
    take_on_follow_up(taken, users[ADMIN], text("follow-up action taken", 2000))
    # Held: a late response (its answers as sent), and a conflict over the first comment.
    # The held page shows what the device said its time was, and why each is held.
    held_raw = {"id": str(uuid.uuid4()), "form": "parent-review", "submitted_at": text("held time", 64),
                "answers": {"comment": text("held answer", 2000, shown=False)}}
    held = _response(review, "parent", status="quarantined", raw=held_raw, problem=text("held problem", 500))
    conflict_raw = {"id": comments[0].id, "submitted_at": text("conflict time", 64), "answers": {"comment": text("conflicting answer", 2000, shown=False)}}
    conflict = ResponseConflict(response_id=comments[0].id, raw=conflict_raw, content_hash="0" * 64)
    journey = Journey(area_id=area_a.id, child_id=child.id, looked_after_away_on=today - timedelta(days=400),
                      first_review_on=today - timedelta(days=380), permanence_decision_on=today - timedelta(days=200))
    db.session.add_all([conflict, journey])
    annotation = add_annotation(area_a, today - timedelta(days=300), text("chart annotation", 200), None, ADMIN, utc_now())
    note = publish_note(area_a, text("you said", 500), text("we did", 500), by=users[CONSULTANT_A], now=utc_now())
    token = create_api_token(users[ADMIN], text("API token name", 100), utc_now())
    db.session.add(AuditEvent(action="held.released", actor=ADMIN, area_code="ALBA", subject=text("audit subject", 200),
                              detail={"reason": text("audit reason", 2000)}))
    db.session.flush()
    journey_b = Journey(area_id=area_b.id, child_id=review_b.child_id, looked_after_away_on=date(2024, 1, 1))
    db.session.add(journey_b)
    db.session.commit()
    return {
        "area_a": "ALBA",
        "review_a": str(review.id),
        "response_a": held.id,
        "follow_up_a": str(taken.id),
        "open_follow_up_a": str(db.session.execute(db.select(FollowUp.id).where(FollowUp.response_id == asked.id)).scalar_one()),
        "spare_user": str(spare.id),
        "admin_token": str(token.token.id),
        "unanswered_link_a": str(unanswered.invitation.id),
        "conflict_a": str(conflict.id),
        "journey_a": str(journey.id),
        "annotation_a": str(annotation.id),
        "note_a": str(note.id),
        "comment_a": str(comments[1].answers[0].id),
        "survey_paths_a": [f"/s/{new.token}" for new in (unanswered, *more_links)],
        "area_b": "BUTE",
        "review_b": str(review_b.id),
        "journey_b": str(journey_b.id),
        "unanswered_link_b": str(unanswered_b.invitation.id),
        "texts": texts,
    }
