"""Answers filled in offline while a link was valid still count when they
arrive after it expired, within a grace period (PACE_EXPIRED_LINK_GRACE_DAYS);
a submitted_at far in the future or before the review is quarantined; an
admin sees submitted_at among held responses. Both backends."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from pace_forms.cli import cli

TODAY = datetime.now(timezone.utc).date()


@pytest.fixture
def link_that_expired(make_invitation):
    """link_that_expired(days_ago) -> a token whose link ran out at the end of
    the day `days_ago` days back; its review was five days before that."""

    def make(days_ago: int, **options) -> str:
        held_on = TODAY - timedelta(days=days_ago + 5)
        made_at = datetime.combine(held_on, time(9), tzinfo=timezone.utc)
        return make_invitation(held_on=held_on, now=made_at, valid_days=5, **options)

    return make


def at(days_ago: float) -> str:
    """A submitted_at that many days before now, as a UK phone would send it."""
    return (datetime.now(timezone.utc) - timedelta(days=days_ago)).astimezone(timezone(timedelta(hours=1))).isoformat()


def result_of(reply) -> dict:
    assert reply.status_code == 200, reply.get_data(as_text=True)
    [result] = reply.json["results"]
    return result


def test_answers_filled_in_before_the_link_expired_count_when_they_arrive_within_the_grace(
    post_batch, stored_responses, invitation_rows, link_that_expired, make_item
):
    item = make_item(link_that_expired(days_ago=10), submitted_at=at(days_ago=12))

    assert result_of(post_batch(item)) == {"id": item["id"], "status": "created", "errors": []}
    [response] = stored_responses()
    assert (response.status, len(response.answers)) == ("accepted", 6)
    assert [row["used_by_response_id"] for row in invitation_rows()] == [item["id"]]


def test_after_the_grace_they_are_quarantined_as_expired(post_batch, link_that_expired, make_item):
    result = result_of(post_batch(make_item(link_that_expired(days_ago=15), submitted_at=at(days_ago=16))))

    assert result["status"] == "quarantined"
    assert [error["field"] for error in result["errors"]] == ["invitation"]
    assert "expired on" in result["errors"][0]["message"]


def test_answers_filled_in_after_the_link_expired_are_quarantined(post_batch, link_that_expired, make_item):
    result = result_of(post_batch(make_item(link_that_expired(days_ago=5), submitted_at=at(days_ago=2))))

    assert result["status"] == "quarantined"
    assert "expired on" in result["errors"][0]["message"]


def test_within_the_grace_a_link_still_counts_only_once(post_batch, link_that_expired, make_item):
    token = link_that_expired(days_ago=3)
    first, second = make_item(token, submitted_at=at(5)), make_item(token, submitted_at=at(4.5))

    reply = post_batch(first, second)

    assert [result["status"] for result in reply.json["results"]] == ["created", "quarantined"]
    assert "already been used" in reply.json["results"][1]["errors"][0]["message"]


class TestWithNoGrace:
    @pytest.fixture
    def app(self, backend, app_with):
        return app_with(backend, EXPIRED_LINK_GRACE_DAYS=0)

    def test_answers_filled_in_time_but_arriving_late_are_quarantined(self, post_batch, link_that_expired, make_item):
        result = result_of(post_batch(make_item(link_that_expired(days_ago=1), submitted_at=at(days_ago=2))))

        assert result["status"] == "quarantined"
        assert "expired on" in result["errors"][0]["message"]


@pytest.mark.parametrize(("ahead", "status"), [(timedelta(minutes=50), "created"), (timedelta(minutes=70), "quarantined"), (timedelta(days=30), "quarantined")])
def test_a_submitted_at_over_an_hour_ahead_of_the_server_is_quarantined(post_batch, make_invitation, make_item, ahead, status):
    submitted_at = (datetime.now(timezone.utc) + ahead).isoformat()

    result = result_of(post_batch(make_item(make_invitation(), submitted_at=submitted_at)))

    assert result["status"] == status
    if status == "quarantined":
        assert [error["field"] for error in result["errors"]] == ["submitted_at"]
        assert "clock may be wrong" in result["errors"][0]["message"]


def test_a_future_submitted_at_cannot_stretch_an_expired_link(post_batch, link_that_expired, make_item):
    future = (datetime.now(timezone.utc) + timedelta(days=400)).isoformat()

    result = result_of(post_batch(make_item(link_that_expired(days_ago=2), submitted_at=future)))

    assert result["status"] == "quarantined"
    assert sorted(error["field"] for error in result["errors"]) == ["invitation", "submitted_at"]


def test_a_submitted_at_before_the_review_is_quarantined_saying_so(post_batch, stored_responses, make_invitation, make_item):
    token = make_invitation(held_on=TODAY - timedelta(days=3))
    day_before = datetime.combine(TODAY - timedelta(days=4), time(23, 30), tzinfo=timezone(timedelta(hours=1))).isoformat()

    result = result_of(post_batch(make_item(token, submitted_at=day_before)))

    assert result["status"] == "quarantined"
    assert [error["field"] for error in result["errors"]] == ["submitted_at"]
    assert f"before the review on {TODAY - timedelta(days=3):%d %B %Y}" in result["errors"][0]["message"]
    assert [response.status for response in stored_responses()] == ["quarantined"]


def test_the_review_day_itself_in_the_device_s_own_time_counts(post_batch, make_invitation, make_item):
    review_day = TODAY - timedelta(days=3)
    token = make_invitation(held_on=review_day)
    # 00:30 on the review day in UK summer time is still the day before in UTC.
    early = datetime.combine(review_day, time(0, 30), tzinfo=timezone(timedelta(hours=1))).isoformat()

    assert result_of(post_batch(make_item(token, submitted_at=early)))["status"] == "created"


def test_held_responses_show_when_they_were_submitted(post_batch, runner, link_that_expired, make_item):
    late = at(days_ago=1)
    post_batch(make_item(link_that_expired(days_ago=30), submitted_at=late), make_item(link_that_expired(days_ago=30, child="C-2"), submitted_at="yesterday"))

    output = runner.invoke(cli, ["responses", "held"], catch_exceptions=False).output

    assert f"submitted {late}, received" in output
    assert "submitted yesterday, received" in output
