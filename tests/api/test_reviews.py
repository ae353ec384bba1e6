"""Reviews in the app: a worker records a review and gets one working link per
person (a QR code that decodes to it), every validation error in words, no
duplicate, CSRF; invitations go invited -> opened -> answered or expired; the
area's response rates hide small numbers from everyone but an admin; a new
link kills the old one; another area's people get 404 (audited), signed-out
people the sign-in page or 401, consultants cannot record; the JSON list
works with an API token and stops at once when the token is revoked."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher

from pace_forms.accounts import services as accounts_services
from pace_forms.accounts.services import create_api_token, create_user, revoke_api_token
from pace_forms.extensions import db
from pace_forms.forms.catalogue import current_forms
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, mark_opened
from pace_forms.models import AuditEvent, Invitation, Review, User, utc_now
from tests.api.pages import hidden_field, page_text, squeezed
from tests.api.test_accounts import sign_in
from tests.qr_images import decode_qr_svgs

PASSWORD = "correct horse battery"
WORKER, CONSULTANT, ADMIN = "worker@fife.example", "consultant@fife.example", "admin@example.org"
OTHER_WORKER, OTHER_CONSULTANT = "worker@loth.example", "consultant@loth.example"
FOUR = ["parent", "carer", "young-person", "worker"]


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    """Still argon2, at its smallest cost: these tests sign in many times."""
    monkeypatch.setattr(accounts_services, "password_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def people(app):
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        find_or_create_area("LOTH", "Lothian")
        create_user(WORKER, "worker", ["FIFE"], PASSWORD)
        create_user(CONSULTANT, "consultant", ["FIFE"], PASSWORD)
        create_user(OTHER_WORKER, "worker", ["LOTH"], PASSWORD)
        create_user(OTHER_CONSULTANT, "consultant", ["LOTH"], PASSWORD)
        create_user(ADMIN, "admin", [], PASSWORD)
        db.session.commit()


def a_few_days_ago(days: int = 3) -> date:
    return utc_now().date() - timedelta(days=days)


def review_fields(**changes) -> dict:
    fields = {
        "child_reference": "FC/2026-0042",
        "held_on": a_few_days_ago().isoformat(),
        "kind": "later",
        "age_band": "12-15",
        "audiences": FOUR,
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


def record(client, code: str = "FIFE", **changes):
    token = hidden_field(client.get(f"/areas/{code}/reviews/new"), "csrf_token")
    return client.post(f"/areas/{code}/reviews/new", data={**review_fields(**changes), "csrf_token": token})


def links_on(reply) -> list[str]:
    return re.findall(r'<code id="link-\d+">([^<]+)</code>', reply.get_data(as_text=True))


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.fixture
def worker_client(app, client, people):
    assert sign_in(client, WORKER, PASSWORD).status_code == 302
    return client


def client_of(app, email: str):
    other = app.test_client()
    assert sign_in(other, email, PASSWORD).status_code == 302
    return other


def audit_rows(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        rows = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars().all()
        db.session.expunge_all()
        db.session.remove()
        return rows


def only_review_id(app) -> int:
    with app.app_context():
        review_id = db.session.execute(db.select(Review.id)).scalar_one()
        db.session.remove()
        return review_id


def answer(app, link: str, form_key: str, **changes):
    """Answers through the sync API, as the survey page's outbox does."""
    with app.app_context():
        version = current_forms()[form_key].version
    client = app.test_client()
    item = {
        "id": str(uuid.uuid4()),
        "form": form_key,
        "form_version": version,
        "invitation": link.rsplit("/", 1)[1],
        "submitted_at": datetime.now(timezone.utc).isoformat(),
        "answers": {},
        **changes,
    }
    reply = client.post("/api/v1/responses", json={"responses": [item]})
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()["results"][0]["status"]


# Recording a review


def test_a_worker_records_a_review_and_gets_one_working_link_per_person(app, worker_client):
    reply = record(worker_client)
    assert reply.status_code == 200
    text = page_text(reply)
    assert "The review of FC/2026-0042 on" in text and "is recorded" in text
    assert "These links are shown only now" in text and 'choose "Make a new link"' in text
    for who in ("Parent (or someone with parental responsibility)", "Foster or kinship carer", "The young person, 12 or over", "A worker at the review"):
        assert f"For: {who}" in text
    links = links_on(reply)
    assert len(links) == 4 and len(set(links)) == 4
    assert all(link.startswith("http://localhost/s/") for link in links)
    survey = app.test_client()
    titles = [page_text(survey.get(path_of(link))) for link in links]
    assert "Your say about the review" in titles[0] and "Your view of the review" in titles[3]
    with app.app_context():
        review = db.session.execute(db.select(Review)).scalar_one()
        worker = db.session.execute(db.select(User).where(User.email == WORKER)).scalar_one()
        assert review.recorded_by_user_id == worker.id and review.recorded_at is not None
        assert review.child.reference == "FC/2026-0042" and review.child.age_band == "12-15"
        assert sorted(i.audience for i in db.session.execute(db.select(Invitation)).scalars()) == sorted(FOUR)
        db.session.remove()
    recorded = audit_rows(app, "review.recorded")
    assert len(recorded) == 1 and recorded[0].actor == WORKER and recorded[0].area_code == "FIFE"


def test_each_qr_code_decodes_to_its_own_link(worker_client):
    reply = record(worker_client)
    assert decode_qr_svgs(reply.get_data(as_text=True)) == links_on(reply)


def test_the_links_name_the_host_the_page_was_reached_on(worker_client):
    token = hidden_field(worker_client.get("/areas/FIFE/reviews/new"), "csrf_token")
    reply = worker_client.post(
        "/areas/FIFE/reviews/new", data={**review_fields(), "csrf_token": token}, base_url="https://pace.example.org"
    )
    assert all(link.startswith("https://pace.example.org/s/") for link in links_on(reply))


def test_a_slip_says_nothing_about_the_child(worker_client):
    reply = record(worker_client)
    slips = re.findall(r'<section class="slip".*?</section>', reply.get_data(as_text=True), re.S)
    assert len(slips) == 4
    assert not any("FC/2026-0042" in slip for slip in slips)
    assert "we would like to hear how it went for you. Scan the code or type the link." in slips[0]
    assert "there are 12 short questions" in slips[0]  # the parent form's own count


def test_the_form_says_which_child_survey_fits_each_age_band(worker_client):
    text = page_text(worker_client.get("/areas/FIFE/reviews/new"))
    assert "0 to 3: none: the child is not asked" in text
    assert "8 to 11: The child, aged 4 to 7, or older and not using words (a picture survey, read aloud); or The child, aged 8 to 11" in text
    assert "16 or over: The child, aged 4 to 7, or older and not using words (a picture survey, read aloud); or The young person, 12 or over" in text


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"child_reference": None}, "Enter the child's case reference."),
        ({"child_reference": "Jane Smith"}, "The child's case reference can only have letters, digits, - and /: never a name or a date of birth."),
        ({"child_reference": "A" * 65}, "The child's case reference has 65 characters; it can have at most 64."),
        ({"held_on": None}, "Enter the date of the review."),
        ({"held_on": "20/11/2026"}, "'20/11/2026' is not a date: enter it as year-month-day"),
        ({"held_on": (utc_now().date() - timedelta(days=366)).isoformat()}, "is more than a year ago"),
        ({"held_on": (utc_now().date() + timedelta(days=61)).isoformat()}, "is more than 60 days ahead: check the year and month."),
        ({"kind": None}, "Choose the kind of review."),
        ({"kind": "annual"}, "Choose one of the kinds of review listed."),
        ({"age_band": None}, "Choose the child's age band."),
        ({"age_band": "99"}, "Choose one of the age bands listed."),
        ({"audiences": None}, "Tick at least one person to ask."),
        ({"audiences": ["parent", "grandparent"]}, "There is no survey for grandparent."),
        ({"age_band": "4-7", "audiences": ["young-person"]}, "The child is aged 4 to 7, so this survey does not fit: The young person, 12 or over."),
        ({"age_band": "0-3", "audiences": ["parent", "child-4-7"]}, "The child is aged 0 to 3, so this survey does not fit"),
        ({"age_band": "8-11", "audiences": ["child-4-7", "child-8-11"]}, "Tick only one of the child's surveys: a child answers once."),
    ],
)
def test_each_mistake_is_named_in_words_and_nothing_is_stored(app, worker_client, changes, message):
    reply = record(worker_client, **changes)
    assert reply.status_code == 400
    text = page_text(reply)
    assert "There is a problem" in text and message in text
    # The summary's link goes to the field, which carries the same words.
    assert text.count(message) == 2
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Review)).scalar_one() == 0
        assert db.session.execute(db.select(db.func.count()).select_from(Invitation)).scalar_one() == 0
        db.session.remove()


def test_what_was_typed_stays_in_the_form_after_a_mistake(worker_client):
    reply = record(worker_client, held_on="soon", audiences=["parent", "carer"])
    html = reply.get_data(as_text=True)
    assert 'value="FC/2026-0042"' in html and 'value="soon"' in html
    assert re.search(r'value="parent" checked', html) and re.search(r'value="carer" checked', html)
    assert not re.search(r'value="worker" checked', html)


def test_the_older_picture_survey_may_be_asked_for_an_older_child_who_does_not_use_words(worker_client):
    reply = record(worker_client, age_band="12-15", audiences=["child-4-7"])
    assert reply.status_code == 200 and len(links_on(reply)) == 1


def test_a_second_review_for_the_same_child_and_date_is_refused_with_a_link_to_the_first(app, worker_client):
    assert record(worker_client).status_code == 200
    review_id = only_review_id(app)
    again = record(worker_client, audiences=["parent"])
    assert again.status_code == 409
    text = page_text(again)
    assert "There is already a review for FC/2026-0042 on" in text
    assert f'href="/reviews/{review_id}"' in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Review)).scalar_one() == 1
        assert db.session.execute(db.select(db.func.count()).select_from(Invitation)).scalar_one() == 4
        db.session.remove()
    # Another date for the same child is another review.
    assert record(worker_client, held_on=a_few_days_ago(10).isoformat()).status_code == 200


def test_two_recordings_of_one_new_child_at_the_same_moment_make_one_review(app, people, at_once):
    ready = threading.Barrier(4)

    def send(client, index):
        assert sign_in(client, WORKER, PASSWORD).status_code == 302
        token = hidden_field(client.get("/areas/FIFE/reviews/new"), "csrf_token")
        ready.wait(timeout=30)  # signed in, all four: now send together
        return client.post("/areas/FIFE/reviews/new", data={**review_fields(child_reference="FC/RACE"), "csrf_token": token}).status_code

    assert sorted(at_once(send, 4)) == [200, 409, 409, 409]
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Review)).scalar_one() == 1
        db.session.remove()


def test_recording_needs_the_csrf_token(app, worker_client):
    reply = worker_client.post("/areas/FIFE/reviews/new", data=review_fields())
    assert reply.status_code == 400
    assert "Nothing was changed" in page_text(reply)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Review)).scalar_one() == 0
        db.session.remove()


def test_a_consultant_can_read_but_not_record(app, client, people):
    assert record(client_of(app, WORKER)).status_code == 200
    consultant = client_of(app, CONSULTANT)
    assert consultant.get("/areas/FIFE/reviews").status_code == 200
    assert "Record a review" not in page_text(consultant.get("/areas/FIFE/reviews"))
    assert consultant.get("/areas/FIFE/reviews/new").status_code == 403
    token = hidden_field(consultant.get("/home"), "csrf_token")
    assert consultant.post("/areas/FIFE/reviews/new", data={**review_fields(held_on=a_few_days_ago(9).isoformat()), "csrf_token": token}).status_code == 403
    review_id = only_review_id(app)
    page = consultant.get(f"/reviews/{review_id}")
    assert page.status_code == 200 and "Make a new link" not in page_text(page)
    assert consultant.post(f"/reviews/{review_id}/invitations/1/new-link", data={"csrf_token": token}).status_code == 403
    refused = audit_rows(app, "access.refused")
    assert len(refused) == 3 and {row.actor for row in refused} == {CONSULTANT}


# Statuses


def statuses(client, review_id: int) -> list[str]:
    text = page_text(client.get(f"/reviews/{review_id}"))
    return re.findall(r"\b(invited|opened|answered|expired)\b (?:\d\d \w+ \d{4})", text)


def test_an_invitation_goes_invited_opened_answered_and_a_quarantined_answer_does_not_count(app, worker_client):
    links = links_on(record(worker_client))
    review_id = only_review_id(app)
    assert statuses(worker_client, review_id) == ["invited"] * 4
    survey = app.test_client()
    survey.get(path_of(links[0]))
    survey.get(path_of(links[1]))
    assert statuses(worker_client, review_id) == ["opened", "opened", "invited", "invited"]
    assert "0 of 4 answered" in page_text(worker_client.get(f"/reviews/{review_id}"))
    assert answer(app, links[0], "parent-review") == "created"
    # Sent on a version that does not exist: kept aside for an admin, not counted.
    assert answer(app, links[1], "carer-review", form_version=999) == "quarantined"
    assert statuses(worker_client, review_id) == ["answered", "opened", "invited", "invited"]
    assert "1 of 4 answered" in page_text(worker_client.get(f"/reviews/{review_id}"))


def test_opening_a_link_again_keeps_the_first_opening(app, worker_client):
    links = links_on(record(worker_client, audiences=["parent"]))
    survey = app.test_client()
    survey.get(path_of(links[0]))
    with app.app_context():
        first = db.session.execute(db.select(Invitation.opened_at)).scalar_one()
    survey.get(path_of(links[0]))
    with app.app_context():
        assert db.session.execute(db.select(Invitation.opened_at)).scalar_one() == first
        db.session.remove()


def test_only_the_first_opening_is_kept_even_when_two_arrive_together(app, worker_client):
    record(worker_client, audiences=["parent"])
    first, later = utc_now() - timedelta(minutes=5), utc_now()
    with app.app_context():
        invitation_id = db.session.execute(db.select(Invitation.id)).scalar_one()
        assert mark_opened(invitation_id, first) is True
        assert mark_opened(invitation_id, later) is False
        db.session.commit()
        assert db.session.execute(db.select(Invitation.opened_at)).scalar_one() == first
        db.session.remove()


def expire_every_invitation(app) -> None:
    with app.app_context():
        db.session.execute(db.update(Invitation).values(expires_at=utc_now() - timedelta(minutes=1)))
        db.session.commit()
        db.session.remove()


def test_an_unanswered_link_past_its_date_is_expired_and_an_answered_one_stays_answered(app, worker_client):
    links = links_on(record(worker_client, audiences=["parent", "carer"]))
    review_id = only_review_id(app)
    assert answer(app, links[0], "parent-review") == "created"
    expire_every_invitation(app)
    assert statuses(worker_client, review_id) == ["answered", "expired"]
    reply = worker_client.get("/api/v1/areas/FIFE/reviews")
    assert reply.get_json()["reviews"][0]["invitations"] == [
        {"audience": "parent", "status": "answered"},
        {"audience": "carer", "status": "expired"},
    ]


# A new link


def test_a_new_link_replaces_the_old_one_which_stops_working(app, worker_client):
    old = links_on(record(worker_client, audiences=["parent", "carer"]))
    review_id = only_review_id(app)
    survey = app.test_client()
    survey.get(path_of(old[1]))
    expire_every_invitation(app)
    with app.app_context():
        carer_id = db.session.execute(db.select(Invitation.id).where(Invitation.audience == "carer")).scalar_one()
    page = worker_client.get(f"/reviews/{review_id}")
    token = hidden_field(page, "csrf_token")
    reply = worker_client.post(f"/reviews/{review_id}/invitations/{carer_id}/new-link", data={"csrf_token": token})
    assert reply.status_code == 200
    text = page_text(reply)
    assert "The new link is made, and the old one no longer works." in text and "These links are shown only now" in text
    [new] = links_on(reply)
    assert new != old[1]
    assert decode_qr_svgs(reply.get_data(as_text=True)) == [new]
    assert survey.get(path_of(old[1])).status_code == 404
    assert survey.get(path_of(new)).status_code == 200
    # Renewed: running again, and opened just now by the new link.
    assert statuses(worker_client, review_id) == ["expired", "opened"]
    renewed = audit_rows(app, "invitation.renewed")
    assert len(renewed) == 1 and renewed[0].subject == f"invitation {carer_id}" and renewed[0].actor == WORKER


def test_an_answered_invitation_gets_no_new_link(app, worker_client):
    links = links_on(record(worker_client, audiences=["parent"]))
    review_id = only_review_id(app)
    assert answer(app, links[0], "parent-review") == "created"
    with app.app_context():
        invitation_id = db.session.execute(db.select(Invitation.id)).scalar_one()
    page = worker_client.get(f"/reviews/{review_id}")
    assert "Make a new link" not in page_text(page)
    reply = worker_client.post(f"/reviews/{review_id}/invitations/{invitation_id}/new-link", data={"csrf_token": hidden_field(page, "csrf_token")})
    assert reply.status_code == 409 and "has already answered" in page_text(reply)
    assert app.test_client().get(path_of(links[0])).status_code == 200  # the old link still shows "answered"


def test_a_new_link_needs_the_csrf_token(app, worker_client):
    links = links_on(record(worker_client, audiences=["parent"]))
    review_id = only_review_id(app)
    with app.app_context():
        invitation_id = db.session.execute(db.select(Invitation.id)).scalar_one()
    assert worker_client.post(f"/reviews/{review_id}/invitations/{invitation_id}/new-link").status_code == 400
    assert app.test_client().get(path_of(links[0])).status_code == 200


# Response rates


def invite(app, area_code: str, month_day: date, audience: str, count: int, answered: int) -> None:
    """`count` invitations of `audience` for reviews on `month_day`, `answered` of them answered."""
    with app.app_context():
        area = find_or_create_area(area_code)
        form_key = f"{audience}-review"
        tokens = []
        for number in range(count):
            child = find_or_create_child(area, f"R-{audience}-{month_day:%Y%m}-{number}", "12-15")
            review = Review(child=child, area_id=area.id, held_on=month_day, kind="later")
            db.session.add(review)
            db.session.flush()
            tokens.append(create_invitation(review, audience, form_key, valid_days=28).token)
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    for token in tokens[:answered]:
        assert answer(app, f"http://localhost/s/{token}", form_key) == "created"


@pytest.fixture
def rates(app, people):
    this_month = a_few_days_ago(0).replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    invite(app, "FIFE", this_month, "parent", 5, 3)
    invite(app, "FIFE", this_month, "carer", 2, 1)
    invite(app, "FIFE", last_month, "parent", 4, 4)
    return this_month, last_month


def rate_rows_of(reply) -> list[str]:
    html = reply.get_data(as_text=True)
    table = html[html.index('class="staff-table rate-table"') :]
    return [page_text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]


def page_text_of(fragment: str) -> str:
    return squeezed(re.sub(r"<[^>]+>", " ", fragment))


WORKER_SEES = ["3 of 5 (60%) fewer than 5 invited", "fewer than 5 invited none invited"]
ADMIN_SEES = ["3 of 5 (60%) 1 of 2 (50%)", "4 of 4 (100%) none invited"]


@pytest.mark.parametrize("email, cells, is_explained", [(WORKER, WORKER_SEES, True), (ADMIN, ADMIN_SEES, False)], ids=["worker", "admin"])
def test_rates_by_type_and_month_hide_small_cells_and_say_why_except_to_an_admin(app, client, rates, email, cells, is_explained):
    this_month, last_month = rates
    reply = client_of(app, email).get("/areas/FIFE/reviews")
    assert rate_rows_of(reply) == [f"{this_month:%B %Y} {cells[0]}", f"{last_month:%B %Y} {cells[1]}"]
    assert ("A figure about fewer than 5 people could tell who they are" in page_text(reply)) is is_explained


@pytest.mark.parametrize(
    "configured, invited, shown",
    [(3, 4, "fewer than 5 invited"), (5, 5, "2 of 5 (40%)"), (6, 5, "fewer than 6 invited")],
)
def test_the_threshold_follows_the_setting_but_never_goes_below_5(app_with, backend, configured, invited, shown):
    app = app_with(backend, MIN_CELL=configured)
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        create_user(WORKER, "worker", ["FIFE"], PASSWORD)
        db.session.commit()
    invite(app, "FIFE", a_few_days_ago(), "parent", invited, 2)
    assert rate_rows_of(client_of(app, WORKER).get("/areas/FIFE/reviews")) == [f"{a_few_days_ago():%B %Y} {shown}"]


def test_the_area_page_lists_reviews_newest_first_with_answered_of_invited(app, worker_client):
    record(worker_client, child_reference="OLD-1", held_on=a_few_days_ago(20).isoformat(), audiences=["parent", "carer"])
    links = links_on(record(worker_client, child_reference="NEW-1", audiences=["parent"]))
    answer(app, links[0], "parent-review")
    text = page_text(worker_client.get("/areas/FIFE/reviews"))
    assert text.index("NEW-1") < text.index("OLD-1")
    assert f"NEW-1 {a_few_days_ago():%d %B %Y} A later review 1 of 1" in text
    assert f"OLD-1 {a_few_days_ago(20):%d %B %Y} A later review 0 of 2" in text
    viewed = audit_rows(app, "data.viewed")
    assert viewed[-1].area_code == "FIFE" and viewed[-1].actor == WORKER


def test_the_reviews_page_lists_only_the_areas_one_may_see(app, client, people):
    assert "Lothian" not in page_text(client_of(app, WORKER).get("/reviews"))
    assert "Fife Council (FIFE)" in page_text(client_of(app, WORKER).get("/reviews"))
    text = page_text(client_of(app, ADMIN).get("/reviews"))
    assert "Fife Council (FIFE)" in text and "Lothian (LOTH)" in text


# Who may see what


def test_another_areas_people_get_404_everywhere_and_each_attempt_is_audited(app, client, people):
    record(client_of(app, WORKER))
    review_id = only_review_id(app)
    with app.app_context():
        invitation_id = db.session.execute(db.select(Invitation.id).limit(1)).scalar()
    for email in (OTHER_WORKER, OTHER_CONSULTANT):
        other = client_of(app, email)
        token = hidden_field(other.get("/home"), "csrf_token")
        assert other.get("/areas/FIFE/reviews").status_code == 404
        assert other.get(f"/reviews/{review_id}").status_code == 404
        assert other.get("/api/v1/areas/FIFE/reviews").status_code == 404
        assert other.get("/api/v1/areas/FIFE/reviews").get_json()["error"]["status"] == 404
        if email == OTHER_WORKER:
            assert other.get("/areas/FIFE/reviews/new").status_code == 404
            assert other.post(f"/reviews/{review_id}/invitations/{invitation_id}/new-link", data={"csrf_token": token}).status_code == 404
    refused = audit_rows(app, "access.refused")
    assert [row.actor for row in refused] == [OTHER_WORKER] * 6 + [OTHER_CONSULTANT] * 4
    assert {row.area_code for row in refused} == {"FIFE"}
    # A made-up area is a plain 404, like another's.
    assert client_of(app, OTHER_WORKER).get("/areas/NOPE/reviews").status_code == 404


def test_signed_out_people_are_sent_to_sign_in_and_the_api_answers_401(app, client, people):
    record(client_of(app, WORKER))
    review_id = only_review_id(app)
    for path in ("/reviews", "/areas/FIFE/reviews", "/areas/FIFE/reviews/new", f"/reviews/{review_id}"):
        reply = client.get(path)
        assert reply.status_code == 302 and "/sign-in" in reply.headers["Location"], path
    assert client.post(f"/reviews/{review_id}/invitations/1/new-link").status_code in (302, 400)
    reply = client.get("/api/v1/areas/FIFE/reviews")
    assert reply.status_code == 401 and reply.get_json()["error"]["code"] == "unauthorised"


# The JSON list


def make_token(app, email: str) -> tuple[str, int]:
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        made = create_api_token(user, "report script", utc_now())
        db.session.commit()
        result = made.secret, made.token.id
        db.session.remove()
        return result


def test_the_json_list_works_with_a_bearer_token_and_stops_at_once_when_revoked(app, client, people):
    worker = client_of(app, WORKER)
    record(worker, child_reference="OLD-1", held_on=a_few_days_ago(20).isoformat(), kind="first", audiences=["parent"])
    record(worker, child_reference="NEW-1", audiences=["parent", "worker"])
    secret, token_id = make_token(app, CONSULTANT)
    headers = {"Authorization": f"Bearer {secret}"}
    reply = client.get("/api/v1/areas/FIFE/reviews", headers=headers)
    assert reply.status_code == 200
    reviews = reply.get_json()["reviews"]
    assert [(r["child"], r["held_on"], r["kind"]) for r in reviews] == [
        ("NEW-1", a_few_days_ago().isoformat(), "later"),
        ("OLD-1", a_few_days_ago(20).isoformat(), "first"),
    ]
    assert reviews[0]["invitations"] == [{"audience": "parent", "status": "invited"}, {"audience": "worker", "status": "invited"}]
    assert all(isinstance(r["id"], int) for r in reviews)
    # Another area's, with a token too: 404.
    assert client.get("/api/v1/areas/LOTH/reviews", headers=headers).status_code == 404
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == CONSULTANT)).scalar_one()
        revoke_api_token(user, token_id, utc_now())
        db.session.commit()
        db.session.remove()
    assert client.get("/api/v1/areas/FIFE/reviews", headers=headers).status_code == 401


def test_the_json_list_filters_by_date_and_says_where_a_date_is_wrong(app, client, people):
    worker = client_of(app, WORKER)
    record(worker, child_reference="OLD-1", held_on=a_few_days_ago(20).isoformat(), audiences=["parent"])
    record(worker, child_reference="NEW-1", audiences=["parent"])
    since = a_few_days_ago(10).isoformat()
    assert [r["child"] for r in worker.get(f"/api/v1/areas/FIFE/reviews?from={since}").get_json()["reviews"]] == ["NEW-1"]
    assert [r["child"] for r in worker.get(f"/api/v1/areas/FIFE/reviews?to={since}").get_json()["reviews"]] == ["OLD-1"]
    for query, where in (("from=yesterday", "from"), ("to=2026-13-01", "to"), (f"from={since}&to={a_few_days_ago(30).isoformat()}", "from")):
        reply = worker.get(f"/api/v1/areas/FIFE/reviews?{query}")
        assert reply.status_code == 400 and reply.get_json()["error"]["where"] == where, query
    viewed = audit_rows(app, "data.viewed")
    assert viewed[-1].subject == "reviews" and viewed[-1].area_code == "FIFE"


def test_the_openapi_document_describes_the_reviews_list(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert "/api/v1/areas/{code}/reviews" in document["paths"]
