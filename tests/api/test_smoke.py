from pace_forms.extensions import db
from pace_forms.models import Response


def test_a_parent_answer_is_stored_once(client, app, make_invitation, make_item):
    item = make_item(make_invitation())
    first = client.post("/api/v1/responses", json={"responses": [item]})
    second = client.post("/api/v1/responses", json={"responses": [item]})
    assert first.json["results"][0]["status"] == "created"
    assert second.json["results"][0]["status"] == "duplicate"
    with app.app_context():
        assert db.session.query(Response).count() == 1
