"""The duty contact lists safeguarding follow-ups and records taking them on."""

from __future__ import annotations

from pace_forms.cli import cli
from pace_forms.forms.catalogue import current_forms


def send_child_answers(app, client, make_invitation, make_item, answers, child="C-0001"):
    token = make_invitation("child-8-11", "child-8-11-review", child=child)
    with app.app_context():
        version = current_forms()["child-8-11-review"].version
    item = make_item(token, form="child-8-11-review", form_version=version, answers=answers)
    assert client.post("/api/v1/responses", json={"responses": [item]}).json["results"][0]["status"] == "created"


def run(runner, *arguments):
    return runner.invoke(cli, list(arguments), catch_exceptions=False)


def test_a_child_who_asked_to_be_contacted_is_listed_with_what_they_said(app, client, runner, make_invitation, make_item):
    send_child_answers(app, client, make_invitation, make_item, {"contact_me": "yes", "comment": "I miss my gran"}, child="C-0042")
    result = run(runner, "follow-ups", "list", "--area", "TEST")
    assert result.exit_code == 0, result.output
    assert "WAITING" in result.output
    assert "child C-0042" in result.output
    assert "asked for someone to get in touch" in result.output
    assert "said: I miss my gran" in result.output
    assert "1 follow-up(s) waiting." in result.output


def test_a_concern_is_listed_with_its_words(app, client, runner, make_invitation, make_item):
    send_child_answers(app, client, make_invitation, make_item, {"comment": "My brother hits me"})
    result = run(runner, "follow-ups", "list")
    assert "comment with concern words" in result.output
    assert "concern words: hits" in result.output


def test_acknowledging_records_who_and_takes_it_off_the_waiting_list(app, client, runner, make_invitation, make_item):
    send_child_answers(app, client, make_invitation, make_item, {"contact_me": "yes"})
    listed = run(runner, "follow-ups", "list").output
    follow_up_id = listed.split("#", 1)[1].split(" ", 1)[0]
    acknowledged = run(runner, "follow-ups", "acknowledge", follow_up_id, "--by", "Duty social worker")
    assert acknowledged.exit_code == 0
    assert "acknowledged by Duty social worker" in acknowledged.output
    assert "0 follow-up(s) waiting." in run(runner, "follow-ups", "list").output
    assert "acknowledged" in run(runner, "follow-ups", "list", "--all").output
    # Acknowledging again keeps the first person's name.
    again = run(runner, "follow-ups", "acknowledge", follow_up_id, "--by", "Someone else")
    assert "Duty social worker" in again.output


def test_acknowledging_an_unknown_follow_up_says_so(runner):
    result = run(runner, "follow-ups", "acknowledge", "999", "--by", "Me")
    assert result.exit_code != 0
    assert "no follow-up 999" in result.output
