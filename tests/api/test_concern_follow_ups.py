"""A child's comment with a concern word raises a follow-up for a person to read."""

from pace_forms.extensions import db
from pace_forms.models import FollowUp


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


def test_a_parent_comment_is_not_scanned(app, client, make_invitation, make_item):
    item = make_item(make_invitation())
    item["answers"]["comment"] = "I was scared to speak"
    client.post("/api/v1/responses", json={"responses": [item]})
    assert follow_up_reasons(app) == []
