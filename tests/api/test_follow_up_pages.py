"""Follow-ups where they are seen: who sees one (the area's duty contacts,
the worker who recorded the review, admins; nobody else, 404 and audited),
the follow-ups page and the home page (open first, what was asked, how long
it has waited, OVERDUE in words), "I have taken this on" (once; CSRF needed),
and GET /api/v1/follow-ups for the page's poll and for API tokens."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from pace_forms.accounts.services import create_api_token, create_user
from pace_forms.extensions import db
from pace_forms.forms.definitions import load_forms
from pace_forms.config import PROJECT_ROOT
from pace_forms.invitations.services import find_or_create_area
from pace_forms.models import AuditEvent, FollowUp, Review, User, utc_now
from tests.api.pages import hidden_field, page_text
from tests.api.test_accounts import PASSWORD, sign_in

FORMS = load_forms(PROJECT_ROOT / "forms")
DUTY = "duty@north.example.org"
NAMED = "named.worker@north.example.org"
OTHER_DUTY = "duty@south.example.org"
CONSULTANT = "consultant@north.example.org"
ADMIN = "admin@example.org"
PLAIN_WORKER = "worker@north.example.org"


@pytest.fixture
def people(app):
    with app.app_context():
        find_or_create_area("NORTH", "North Council")
        find_or_create_area("SOUTH", "South Council")
        create_user(DUTY, "worker", ["NORTH"], PASSWORD, duty_contact=True)
        create_user(NAMED, "worker", ["NORTH"], PASSWORD)
        create_user(PLAIN_WORKER, "worker", ["NORTH"], PASSWORD)
        create_user(OTHER_DUTY, "worker", ["SOUTH"], PASSWORD, duty_contact=True)
        create_user(CONSULTANT, "consultant", ["NORTH"], PASSWORD)
        create_user(ADMIN, "admin", [], PASSWORD)
        db.session.commit()


def child_item(token: str, answers: dict, form_key: str = "child-8-11-review") -> dict:
    return {
        "id": str(uuid.uuid4()),
        "form": form_key,
        "form_version": FORMS[form_key].version,
        "invitation": token,
        "submitted_at": "2026-11-03T18:45:00+00:00",
        "locale": "en-GB",
        "answers": answers,
    }


@pytest.fixture
def raise_follow_up(app, client, people, make_invitation):
    """raise_follow_up(answers, hours_ago=0) -> the id of the follow-up a child's answers raise in NORTH,
    on a review recorded by NAMED."""

    def make(answers: dict | None = None, *, hours_ago: float = 0, child: str = "C-0042") -> int:
        token = make_invitation(audience="child-8-11", form_key="child-8-11-review", area="NORTH", child=child)
        reply = client.post("/api/v1/responses", json={"responses": [child_item(token, answers or {"contact_me": "yes"})]})
        assert reply.json["results"][0]["status"] == "created"
        with app.app_context():
            follow_up = db.session.execute(db.select(FollowUp).order_by(FollowUp.id.desc())).scalars().first()
            follow_up.created_at = utc_now() - timedelta(hours=hours_ago)
            named = db.session.execute(db.select(User).where(User.email == NAMED)).scalar_one()
            db.session.get(Review, follow_up.review_id).recorded_by_user_id = named.id
            db.session.commit()
            return follow_up.id

    return make


def audit_actions(app) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        rows = db.session.execute(db.select(AuditEvent.action, AuditEvent.actor, AuditEvent.subject).order_by(AuditEvent.id)).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def follow_up_row(app, follow_up_id: int) -> dict:
    with app.app_context():
        row = db.session.execute(db.select(FollowUp.__table__).where(FollowUp.id == follow_up_id)).mappings().one()
        db.session.remove()
        return dict(row)


# Who sees a follow-up: every kind of person, on its page, on the list and through the API.
VISIBILITY = [
    (DUTY, True),
    (NAMED, True),
    (ADMIN, True),
    (OTHER_DUTY, False),
    (CONSULTANT, False),
    (PLAIN_WORKER, False),
]


@pytest.mark.parametrize(("email", "sees"), VISIBILITY, ids=["duty-contact", "named-worker", "admin", "other-area-duty", "consultant", "worker-not-duty"])
def test_who_sees_a_follow_up(app, client, raise_follow_up, email, sees):
    follow_up_id = raise_follow_up()
    sign_in(client, email, PASSWORD)

    page = client.get(f"/follow-ups/{follow_up_id}")
    listed = page_text(client.get("/follow-ups"))
    polled = client.get("/api/v1/follow-ups").json["follow_ups"]

    assert page.status_code == (200 if sees else 404)
    assert (f"Follow-up {follow_up_id}: child C-0042" in listed) is sees
    assert [each["id"] for each in polled] == ([follow_up_id] if sees else [])
    refused = [row for row in audit_actions(app) if row[0] == "access.refused"]
    assert refused == ([] if sees else [("access.refused", email, f"follow_up {follow_up_id}")])


def test_a_follow_up_that_does_not_exist_is_404(client, people):
    sign_in(client, DUTY, PASSWORD)
    assert client.get("/follow-ups/999999").status_code == 404


def test_signed_out_the_page_asks_to_sign_in_and_the_api_answers_401(client, raise_follow_up):
    raise_follow_up()
    assert client.get("/follow-ups").status_code == 302
    reply = client.get("/api/v1/follow-ups")
    assert reply.status_code == 401 and reply.json["error"]["code"] == "unauthorised"


def test_an_api_token_reads_the_follow_ups_its_user_sees(app, client, raise_follow_up):
    follow_up_id = raise_follow_up()
    with app.app_context():
        duty = db.session.execute(db.select(User).where(User.email == DUTY)).scalar_one()
        other = db.session.execute(db.select(User).where(User.email == OTHER_DUTY)).scalar_one()
        duty_token = create_api_token(duty, "duty script", utc_now()).secret
        other_token = create_api_token(other, "south script", utc_now()).secret
        db.session.commit()

    mine = client.get("/api/v1/follow-ups", headers={"Authorization": f"Bearer {duty_token}"})
    theirs = client.get("/api/v1/follow-ups", headers={"Authorization": f"Bearer {other_token}"})

    assert mine.status_code == 200
    [listed] = mine.json["follow_ups"]
    assert listed["id"] == follow_up_id and listed["area"] == "NORTH" and listed["reasons"] == ["asked_for_contact"]
    assert listed["overdue"] is False and listed["url"].endswith(f"/follow-ups/{follow_up_id}")
    assert theirs.json == {"follow_ups": []}


def test_the_page_says_what_was_asked_by_whom_and_how_long_it_has_waited(client, raise_follow_up):
    raise_follow_up(hours_ago=3.5)
    sign_in(client, DUTY, PASSWORD)

    text = page_text(client.get("/follow-ups"))

    assert "Asked for someone to get in touch" in text
    assert "Who answered: A child (8 to 11)" in text
    assert "Review: 2 November 2026" in text
    assert "waiting 3 hours" in text
    assert "OVERDUE" not in text
    assert "Responses on this survey link that asked or worried: 1" in text


@pytest.mark.parametrize(("hours_ago", "overdue"), [(23.5, False), (24.5, True)])
def test_overdue_is_said_in_words_after_the_settings_hours(client, raise_follow_up, hours_ago, overdue):
    raise_follow_up(hours_ago=hours_ago)
    sign_in(client, DUTY, PASSWORD)

    text = page_text(client.get("/follow-ups"))
    polled = client.get("/api/v1/follow-ups").json["follow_ups"]

    assert ("OVERDUE" in text) is overdue
    assert ("overdue, as it is not taken on within 24 hours" in text) is overdue
    assert polled[0]["overdue"] is overdue


def test_overdue_follows_the_setting(app, client, raise_follow_up):
    app.config["FOLLOW_UP_OVERDUE_HOURS"] = 2
    follow_up_id = raise_follow_up(hours_ago=3)
    sign_in(client, DUTY, PASSWORD)

    assert "overdue, as it is not taken on within 2 hours" in page_text(client.get(f"/follow-ups/{follow_up_id}"))


def test_not_sure_raises_a_follow_up_the_page_names_as_not_sure(client, raise_follow_up):
    raise_follow_up({"contact_me": "not_sure"})
    sign_in(client, DUTY, PASSWORD)

    text = page_text(client.get("/follow-ups"))

    assert 'Said "not sure" when asked if they want someone to get in touch' in text
    assert "Asked for someone to get in touch" not in text


def test_the_childs_own_words_are_shown_escaped_where_concern_words_raised_it(client, raise_follow_up):
    raise_follow_up({"comment": "<b>I am scared</b> at home"})
    sign_in(client, DUTY, PASSWORD)

    html = client.get("/follow-ups").get_data(as_text=True)
    text = page_text(client.get("/follow-ups"))

    assert "Wrote words that may mean a concern" in text
    assert "&lt;b&gt;I am scared&lt;/b&gt; at home" in html and "<b>I am scared</b>" not in html
    assert "words that raised it: scared" in text


def test_a_follow_up_asked_for_contact_shows_no_words(client, raise_follow_up):
    # Only a concern-word match puts the child's words on the page.
    raise_follow_up({"contact_me": "yes", "comment": "It was fine"})
    sign_in(client, DUTY, PASSWORD)
    assert "It was fine" not in page_text(client.get("/follow-ups"))


def take_on(client, follow_up_id: int, note: str | None, *, page: str = "/follow-ups", with_csrf: bool = True):
    prefix = f"follow-up-{follow_up_id}-"
    data = {prefix + "back": "accounts.home" if page == "/home" else "safeguarding.follow_ups"}
    if note is not None:
        data[prefix + "action_taken"] = note
    if with_csrf:
        data[prefix + "csrf_token"] = hidden_field(client.get(page), "csrf_token")  # the sign-out form's: one session, one token
    return client.post(f"/follow-ups/{follow_up_id}/take-on", data=data)


def test_the_duty_contacts_home_page_lists_open_follow_ups_first(client, raise_follow_up):
    older = raise_follow_up(hours_ago=5, child="C-0001")
    newer = raise_follow_up(hours_ago=1, child="C-0002")
    sign_in(client, DUTY, PASSWORD)

    text = page_text(client.get("/home"))

    assert text.index("Open follow-ups: 2") < text.index("You are signed in as")
    assert text.index(f"Follow-up {older}: child C-0001") < text.index(f"Follow-up {newer}: child C-0002")
    assert "I have taken this on" in text


def test_a_duty_contact_with_none_open_is_told_so_at_home(client, people):
    sign_in(client, DUTY, PASSWORD)
    assert "There are no open follow-ups for your areas." in page_text(client.get("/home"))


def test_taking_one_on_from_the_home_page_moves_it_to_taken_on(app, client, raise_follow_up):
    follow_up_id = raise_follow_up()
    sign_in(client, DUTY, PASSWORD)

    reply = take_on(client, follow_up_id, "Phoned the foster carer; visiting the child tomorrow.", page="/home")

    assert reply.status_code == 302 and reply.headers["Location"].endswith("/home")
    home = page_text(client.get("/home"))
    assert f"You have taken on follow-up {follow_up_id}" in home
    assert "There are no open follow-ups for your areas." in home
    listed = page_text(client.get("/follow-ups"))
    assert "There are no open follow-ups for you." in listed
    assert f"Taken on by {DUTY} at" in listed
    assert "What they did or will do: Phoned the foster carer; visiting the child tomorrow." in listed
    row = follow_up_row(app, follow_up_id)
    assert row["acknowledged_by"] == DUTY and row["acknowledged_by_user_id"] is not None and row["acknowledged_at"] is not None
    assert ("follow_up.taken_on", DUTY, f"follow_up {follow_up_id}") in audit_actions(app)


def test_a_second_take_on_says_who_was_first_and_changes_nothing(app, client, raise_follow_up):
    follow_up_id = raise_follow_up()
    sign_in(client, DUTY, PASSWORD)
    assert take_on(client, follow_up_id, "First note").status_code == 302
    second = app.test_client()
    sign_in(second, NAMED, PASSWORD)
    token = hidden_field(second.get("/follow-ups"), "csrf_token")  # the sign-out form's; one session token serves all

    reply = second.post(
        f"/follow-ups/{follow_up_id}/take-on",
        data={f"follow-up-{follow_up_id}-action_taken": "Second note", f"follow-up-{follow_up_id}-csrf_token": token},
        follow_redirects=True,
    )

    assert f"Nothing was changed: {DUTY} already took this on at" in page_text(reply)
    row = follow_up_row(app, follow_up_id)
    assert row["acknowledged_by"] == DUTY and row["action_taken"] == "First note"
    assert [action for action, *_ in audit_actions(app)].count("follow_up.taken_on") == 1


def test_taking_on_needs_the_csrf_token(app, client, raise_follow_up):
    follow_up_id = raise_follow_up()
    sign_in(client, DUTY, PASSWORD)

    reply = take_on(client, follow_up_id, "A note", with_csrf=False)

    assert reply.status_code == 400
    assert follow_up_row(app, follow_up_id)["acknowledged_at"] is None


@pytest.mark.parametrize(("note", "error"), [("   ", "Say what you did or will do"), ("x" * 2001, "Keep it to 2000 characters or fewer")])
def test_taking_on_needs_a_note_of_at_most_2000_characters(app, client, raise_follow_up, note, error):
    follow_up_id = raise_follow_up()
    sign_in(client, DUTY, PASSWORD)

    reply = take_on(client, follow_up_id, note)

    assert reply.status_code == 400
    assert error in page_text(reply)
    assert follow_up_row(app, follow_up_id)["acknowledged_at"] is None


def test_another_areas_duty_contact_cannot_take_one_on(app, client, raise_follow_up):
    follow_up_id = raise_follow_up()
    sign_in(client, OTHER_DUTY, PASSWORD)
    token = hidden_field(client.get("/home"), "csrf_token")

    reply = client.post(
        f"/follow-ups/{follow_up_id}/take-on", data={f"follow-up-{follow_up_id}-action_taken": "Mine", f"follow-up-{follow_up_id}-csrf_token": token}
    )

    assert reply.status_code == 404
    assert follow_up_row(app, follow_up_id)["acknowledged_at"] is None
