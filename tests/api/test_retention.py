"""pace-forms purge: removes, in batches, responses and links past the
retention period (never one whose follow-up is open) and audit rows past the
audit log's own; --dry-run changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from pace_forms.audit.services import COMMAND_LINE_ACTOR, list_events, record_event
from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import (
    Answer,
    AuditEvent,
    CommentReading,
    FollowUp,
    HeldDecision,
    Invitation,
    Response,
    ResponseConflict,
    utc_now,
)
from pace_forms.retention.services import Cutoffs, months_before, purge_in_batches

TABLES = {
    "responses": Response,
    "answers": Answer,
    "comment readings": CommentReading,
    "conflicts": ResponseConflict,
    "held decisions": HeldDecision,
    "follow-ups": FollowUp,
    "invitations": Invitation,
    "audit events": AuditEvent,
}


@dataclass
class World:
    kept_responses: set[str]
    kept_invitations: set[int]


def days_ago(days: int):
    return utc_now() - timedelta(days=days)


OLD = 40 * 31  # days: past 36 months
RECENT = 30


def add_response(review, invitation, received_days_ago: int, answers: int = 2) -> Response:
    response = Response(
        id=str(uuid.uuid4()),
        form_key="parent-review",
        form_version_number=1,
        area_id=review.child.area_id,
        review_id=review.id,
        invitation_id=invitation.id if invitation else None,
        audience="parent",
        mode="link" if invitation else "kiosk",
        status="accepted",
        problems=[],
        raw={},
        content_hash=uuid.uuid4().hex,
        received_at=days_ago(received_days_ago),
    )
    response.answers = [Answer(question_key=f"q{n}", value_number=n) for n in range(answers)]
    db.session.add(response)
    db.session.flush()
    return response


def add_follow_up(response: Response, *, is_open: bool) -> None:
    db.session.add(
        FollowUp(
            response_id=response.id,
            invitation_id=response.invitation_id,
            area_id=response.area_id,
            review_id=response.review_id,
            reason="asked_for_contact",
            created_at=response.received_at,
            acknowledged_at=None if is_open else response.received_at + timedelta(hours=2),
            acknowledged_by=None if is_open else "duty@example.org",
        )
    )


@pytest.fixture
def world(app) -> World:
    """Old and recent responses and links in one area, and audit rows of three ages."""
    with app.app_context():
        area = find_or_create_area("OLD", "Old Council")
        review = find_or_create_review(find_or_create_child(area, "C-1", "8-11"), date(2022, 1, 10), "later")

        def link(made_days_ago: int) -> Invitation:
            return create_invitation(review, "parent", "parent-review", valid_days=28, now=days_ago(made_days_ago)).invitation

        answered = add_response(review, link(OLD + 5), OLD)
        conflict = ResponseConflict(response_id=answered.id, invitation_id=answered.invitation_id, raw={}, content_hash="c" * 64, received_at=days_ago(OLD))
        db.session.add(conflict)
        db.session.flush()
        db.session.add(HeldDecision(response_id=answered.id, conflict_id=conflict.id, decision="kept_stored", reason="same person", decided_by="admin@example.org"))
        link(OLD + 5)  # never answered
        closed = add_response(review, link(OLD + 5), OLD, answers=1)
        add_follow_up(closed, is_open=False)
        add_response(review, None, OLD, answers=3)  # kiosk: no link
        still_open = add_response(review, link(OLD + 5), OLD)
        add_follow_up(still_open, is_open=True)
        recent = add_response(review, link(RECENT + 5), RECENT)
        # A consultant's reading of a comment goes with its answer, and only then.
        for read in (answered, recent):
            db.session.add(CommentReading(answer_id=read.answers[0].id, area_id=area.id, themes=["waiting"], sentiment="negative"))
        unanswered_recent = link(RECENT)
        for months_ago in (80, 50, 1):
            record_event("sign_in.succeeded", COMMAND_LINE_ACTOR, at=days_ago(months_ago * 31))
        db.session.commit()
        return World(
            kept_responses={still_open.id, recent.id},
            kept_invitations={still_open.invitation_id, recent.invitation_id, unanswered_recent.id},
        )


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {kind: db.session.query(model).count() for kind, model in TABLES.items()}
        db.session.remove()
        return counts


EXPECTED_REMOVED = {
    "responses": 3,
    "answers": 2 + 1 + 3,
    "comment readings": 1,
    "conflicts": 1,
    "held decisions": 1,
    "follow-ups": 1,
    "invitations": 3,
    "audit events": 1,
}


def printed_counts(output: str) -> dict[str, int]:
    lines = [line.strip() for line in output.splitlines() if line.startswith("  ")]
    return {kind: int(count) for kind, _, count in (line.rpartition(": ") for line in lines)}


def test_a_dry_run_says_what_would_go_and_changes_nothing(app, runner, world):
    before = row_counts(app)
    result = runner.invoke(args=["purge", "--older-than", "36", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would remove (dry run, nothing changed):" in result.output
    assert printed_counts(result.output) == EXPECTED_REMOVED
    assert "Kept 1 old response(s) whose follow-up is still open." in result.output
    assert row_counts(app) == before


def test_the_purge_removes_exactly_the_old_rows_and_keeps_an_open_follow_ups(app, runner, world):
    before = row_counts(app)
    result = runner.invoke(args=["purge", "--older-than", "36"])
    assert result.exit_code == 0, result.output
    assert printed_counts(result.output) == EXPECTED_REMOVED
    assert "Kept 1 old response(s) whose follow-up is still open." in result.output
    assert "(72 months ago, PACE_AUDIT_RETENTION_MONTHS)" in result.output
    after = row_counts(app)
    # The purge's own audit row is added after the old one went.
    assert {kind: before[kind] - after[kind] for kind in TABLES} == {**EXPECTED_REMOVED, "audit events": 0}
    with app.app_context():
        assert set(db.session.execute(db.select(Response.id)).scalars()) == world.kept_responses
        assert set(db.session.execute(db.select(Invitation.id)).scalars()) == world.kept_invitations
        assert db.session.query(FollowUp).filter(FollowUp.acknowledged_at.is_(None)).count() == 1
        [purged] = list_events(action="retention.purged")
        assert purged.actor == "command line"
        assert purged.detail["removed"] == EXPECTED_REMOVED and purged.detail["kept_open_follow_up"] == 1
        # The 50-month-old audit row is inside the audit log's 72 months.
        assert len(list_events(action="sign_in.succeeded")) == 2


def test_a_second_purge_finds_nothing_more(runner, world):
    runner.invoke(args=["purge", "--older-than", "36"])
    result = runner.invoke(args=["purge", "--older-than", "36"])
    assert printed_counts(result.output) == dict.fromkeys(EXPECTED_REMOVED, 0)


def test_batches_of_two_remove_the_same_rows_in_more_than_one_batch(app, world):
    with app.app_context():
        now = utc_now()
        cutoffs = Cutoffs(data=months_before(now, 36), audit=months_before(now, 72))
        batches = []
        for batch in purge_in_batches(cutoffs, batch_size=2):
            db.session.commit()  # as the command does
            batches.append(batch)
        db.session.remove()
    # 3 responses in 2 batches, 3 links in 2, 1 audit row in 1.
    assert [next(iter(batch)) if len(batch) == 1 else "responses" for batch in batches] == [
        "responses", "responses", "invitations", "invitations", "audit events"
    ]
    totals = {kind: sum(batch.get(kind, 0) for batch in batches) for kind in EXPECTED_REMOVED}
    assert totals == EXPECTED_REMOVED


def test_the_command_takes_a_batch_size(app, runner, world):
    result = runner.invoke(args=["purge", "--older-than", "36", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert printed_counts(result.output) == EXPECTED_REMOVED


def test_the_default_period_is_the_setting(app_with, backend):
    app = app_with(backend, RETENTION_MONTHS=1)
    with app.app_context():
        area = find_or_create_area("NEW", "New Council")
        review = find_or_create_review(find_or_create_child(area, "C-2", "8-11"), date(2026, 1, 1), "later")
        add_response(review, create_invitation(review, "parent", "parent-review", valid_days=28, now=days_ago(60)).invitation, 45)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert "(1 months ago)" in result.output
    assert printed_counts(result.output)["responses"] == 1


@pytest.mark.parametrize("months", ["0", "-3", "many"])
def test_a_bad_period_is_refused_in_words(runner, months):
    result = runner.invoke(args=["purge", "--older-than", months])
    assert result.exit_code == 2
    assert "Invalid value for '--older-than'" in result.output
