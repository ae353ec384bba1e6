"""A child's comment with a concern word, or a parent's or carer's with one
of the adult list (PACE_ADULT_CONCERN_WORDS), raises a follow-up for a person
to read, through the one recording path."""

import pytest

from pace_forms.extensions import db
from pace_forms.models import FollowUp


@pytest.fixture
def app_config():
    """Settings of this module's app; a test parametrizes it to change them."""
    return {}


@pytest.fixture
def app(backend, app_with, app_config):
    return app_with(backend, **app_config)


def child_item(make_item, token, comment, form="child-8-11-review"):
    from pace_forms.forms.catalogue import current_forms

    version = current_forms()[form].version
    return make_item(token, form=form, form_version=version, answers={"comment": comment})


def follow_up_reasons(app):
    with app.app_context():
        return sorted(db.session.execute(db.select(FollowUp.reason)).scalars())


def test_a_child_comment_with_a_concern_word_raises_a_follow_up(app, client, make_invitation, make_item):
    token = make_invitation("child-8-11", "child-8-11-review")
    with app.app_context():
        item = child_item(make_item, token, "My brother hits me")
    reply = client.post("/api/v1/responses", json={"responses": [item]})
    assert reply.json["results"][0]["status"] == "created"
    assert follow_up_reasons(app) == ["concern_words"]


def test_an_ordinary_child_comment_raises_none(app, client, make_invitation, make_item):
    token = make_invitation("child-8-11", "child-8-11-review")
    with app.app_context():
        item = child_item(make_item, token, "It was a bit long but OK")
    client.post("/api/v1/responses", json={"responses": [item]})
    assert follow_up_reasons(app) == []


def test_a_parent_comment_is_not_read_for_the_childrens_words(app, client, make_invitation, make_item):
    item = make_item(make_invitation())
    item["answers"]["comment"] = "I was scared to speak"
    client.post("/api/v1/responses", json={"responses": [item]})
    assert follow_up_reasons(app) == []


def send_parent_comment(client, make_invitation, make_item, comment):
    item = make_item(make_invitation())
    item["answers"]["comment"] = comment
    reply = client.post("/api/v1/responses", json={"responses": [item]})
    assert reply.json["results"][0]["status"] == "created"


def test_a_parent_who_writes_of_suicide_raises_a_follow_up(app, client, make_invitation, make_item):
    send_parent_comment(client, make_invitation, make_item, "I have thought about suicide")

    assert follow_up_reasons(app) == ["concern_words"]


def test_a_carers_comment_is_read_for_the_adult_words_too(app, client, make_invitation, make_item):
    with app.app_context():
        from pace_forms.forms.catalogue import current_forms

        version = current_forms()["carer-review"].version
    token = make_invitation("carer", "carer-review")
    item = make_item(token, form="carer-review", form_version=version, answers={"comment": "There is domestic abuse in our home"})
    reply = client.post("/api/v1/responses", json={"responses": [item]})

    assert reply.json["results"][0]["status"] == "created"
    assert follow_up_reasons(app) == ["concern_words"]


def test_an_ordinary_parent_complaint_raises_none(app, client, make_invitation, make_item):
    send_parent_comment(client, make_invitation, make_item, "The meeting was too long and I was hurt that nobody listened to me")

    assert follow_up_reasons(app) == []


@pytest.mark.parametrize("app_config", [{"ADULT_CONCERN_WORDS": ["at the end of my rope"]}])
def test_the_setting_replaces_the_adult_list(app, client, make_invitation, make_item):
    send_parent_comment(client, make_invitation, make_item, "I have thought about suicide")
    assert follow_up_reasons(app) == []

    send_parent_comment(client, make_invitation, make_item, "I am at the end of my rope")
    assert follow_up_reasons(app) == ["concern_words"]


@pytest.mark.parametrize("app_config", [{"ADULT_CONCERN_AUDIENCES": []}])
def test_an_area_can_stop_reading_adults_comments(app, client, make_invitation, make_item):
    send_parent_comment(client, make_invitation, make_item, "I have thought about suicide")

    assert follow_up_reasons(app) == []


def test_the_follow_up_list_names_the_adult_words_it_found(app, client, runner, make_invitation, make_item, monkeypatch):
    from pace_forms.cli import cli

    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    send_parent_comment(client, make_invitation, make_item, "Some days I want to end it all")

    result = runner.invoke(cli, ["follow-ups", "list"])

    assert result.exit_code == 0, result.output
    assert "parent comment with concern words" in result.output
    assert "concern words: end it all" in result.output


def test_a_changed_copy_sent_through_another_link_adds_to_the_responses_follow_up(app, client, make_invitation, make_item):
    """Found by schemathesis in CI: a response already holding a follow-up,
    sent again changed (a conflict) with a concern through another link, tried
    to raise a second follow-up for the same response: a 500, and the
    batch lost. Now it is noted on the response's one follow-up."""
    first_link = make_invitation("child-8-11", "child-8-11-review")
    other_link = make_invitation("child-8-11", "child-8-11-review")
    with app.app_context():
        item = child_item(make_item, first_link, "My brother hits me")
        changed = {**child_item(make_item, other_link, "My dad hits me"), "id": item["id"]}
    assert client.post("/api/v1/responses", json={"responses": [item]}).json["results"][0]["status"] == "created"

    reply = client.post("/api/v1/responses", json={"responses": [changed]})

    assert reply.status_code == 200 and reply.json["results"][0]["status"] == "conflict"
    with app.app_context():
        [follow_up] = db.session.execute(db.select(FollowUp)).scalars()
        assert follow_up.response_id == item["id"]
        assert [note["reason"] for note in follow_up.more_reasons] == ["concern_words"]
        db.session.remove()
