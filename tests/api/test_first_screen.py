"""The honest first screen of every form, and the promises an area sets
(issue 8): the page says only what the running settings keep. Numbers come
from MIN_CELL and PACE_RETENTION_MONTHS, or the area's stated months; who is
told about a follow-up, and by when, only where the area has said; the
child's "seeing my family" card in the area's words, or left out."""

from __future__ import annotations

import pytest

from pace_forms.cli import cli
from pace_forms.config import PROJECT_ROOT
from pace_forms.extensions import db
from pace_forms.forms.definitions import load_forms
from pace_forms.models import Area
from tests.api.pages import hidden_field, page_text

FORMS = load_forms(PROJECT_ROOT / "forms")


@pytest.fixture
def open_form(client, make_invitation):
    """open_form(form_key, area=...) -> the survey page's words as read."""

    def open_(form_key: str, area: str = "TEST") -> str:
        token = make_invitation(audience=FORMS[form_key].audience, form_key=form_key, area=area)
        reply = client.get(f"/s/{token}")
        assert reply.status_code == 200
        return page_text(reply)

    return open_


@pytest.fixture
def set_area(app, runner, make_invitation, monkeypatch):
    """set_area(code, *options) -> the result of `pace-forms area set CODE ...`."""
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)

    def run(code: str, *options: str):
        make_invitation(area=code)
        return runner.invoke(cli, args=["area", "set", code, *options])

    return run


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_every_form_says_what_it_is_for_who_reads_it_and_that_it_changes_nothing(open_form, form_key):
    text = open_form(form_key)

    assert "Before you start" in text
    first_question = text.index(FORMS[form_key].counted_questions()[0].text)
    # What it is for (to make reviews or meetings better), no name, who reads what, how long it is kept.
    for promise in ("better", "ask your name", "groups of 5 or more", "up to 36 months"):
        assert -1 < text.find(promise) < first_question, f"{form_key}: {promise!r} is not said before the first question"
    assert "not change" in text or "changes nothing" in text
    assert "file" in text


@pytest.mark.parametrize("form_key", [key for key, form in FORMS.items() if form.is_for_a_child])
def test_a_child_hears_the_limit_of_confidentiality_before_the_first_question(open_form, form_key):
    text = open_form(form_key)

    said = text.find("If you tell us something that makes us worried you are not safe, we will tell someone who can help.")
    assert -1 < said < text.index(FORMS[form_key].counted_questions()[0].text)


def test_an_adult_is_told_of_the_limit_only_where_their_comments_are_read_for_concerns(app_with, backend, make_invitation):
    # CONCERN_AUDIENCES and ADULT_CONCERN_AUDIENCES (the deployment's settings)
    # decide whether a parent's comment can raise a follow-up; by default it can.
    worried = "worried about someone's safety"
    for settings, expected in (
        ({}, True),
        ({"ADULT_CONCERN_AUDIENCES": []}, False),
        ({"ADULT_CONCERN_AUDIENCES": [], "CONCERN_AUDIENCES": ["child-8-11", "parent"]}, True),
    ):
        app = app_with(backend, **settings)
        client = app.test_client()
        token = _invitation(app)
        assert (worried in page_text(client.get(f"/s/{token}"))) is expected, settings


def _invitation(app) -> str:
    from datetime import date, datetime, timezone

    from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review

    with app.app_context():
        review = find_or_create_review(find_or_create_child(find_or_create_area("ADL", "Adult Council"), "A-1", "8-11"), date(2026, 11, 2), "later")
        token = create_invitation(review, "parent", "parent-review", valid_days=28, now=datetime.now(timezone.utc)).token
        db.session.commit()
        return token


def test_the_numbers_are_the_running_settings(app_with, backend):
    app = app_with(backend, MIN_CELL=8, RETENTION_MONTHS=24)
    text = page_text(app.test_client().get(f"/s/{_invitation(app)}"))

    assert "groups of 8 or more" in text
    assert "up to 24 months" in text
    assert "groups of 5" not in text
    # The footer too.
    assert "others see numbers for groups of 8 or more" in text


def test_an_area_may_say_it_keeps_answers_longer_never_shorter_than_the_purge(set_area, open_form, app):
    assert set_area("LNG", "--retention-months", "60").exit_code == 0
    assert "up to 60 months" in open_form("parent-review", area="LNG")

    refused = set_area("SHT", "--retention-months", "12")
    assert refused.exit_code != 0
    assert "shorter than this deployment keeps answers (36 months" in refused.output
    assert "up to 36 months" in open_form("parent-review", area="SHT")


def test_the_privacy_notice_is_linked_from_the_first_screen_where_the_area_has_one(set_area, client, make_invitation):
    assert set_area("PRV", "--privacy-url", "https://example.org/privacy").exit_code == 0
    token = make_invitation(area="PRV")

    html = client.get(f"/s/{token}").get_data(as_text=True)
    promises = html[html.index('id="promises"') : html.index("</section>")]
    assert 'href="https://example.org/privacy"' in promises
    assert "Read the privacy notice" in promises

    other = client.get(f"/s/{make_invitation(area='NOP', child='C-9')}").get_data(as_text=True)
    assert "Read the privacy notice" not in other


def test_who_is_told_and_by_when_is_said_only_as_the_area_sets_it(set_area, open_form):
    default = open_form("child-8-11-review", area="DEF")
    assert "We will tell the people who look after follow-ups in your area." in default
    assert "within" not in default and "2 days" not in default

    result = set_area("FUP", "--follow-up-who", "your worker and the duty team", "--follow-up-days", "2")
    assert result.exit_code == 0, result.output
    text = open_form("child-8-11-review", area="FUP")
    assert "We will tell your worker and the duty team. Someone will get in touch within 2 days." in text

    assert set_area("BAD", "--follow-up-days", "soon").exit_code != 0


def test_an_area_can_reword_or_leave_out_the_seeing_my_family_card(set_area, open_form, app):
    assert "Seeing my family" in open_form("child-4-7-review", area="FAM")

    assert set_area("WRD", "--family-card-words", "People I love").exit_code == 0
    reworded = open_form("child-4-7-review", area="WRD")
    assert "People I love" in reworded and "Seeing my family" not in reworded

    assert set_area("HID", "--hide-family-card").exit_code == 0
    hidden = open_form("child-4-7-review", area="HID")
    assert "Seeing my family" not in hidden
    assert "My home" in hidden and "My worker" in hidden
    with app.app_context():
        area = db.session.execute(db.select(Area).where(Area.code == "HID")).scalar_one()
        assert area.family_card_hidden is True


def test_the_young_childs_counted_questions_leave_out_the_adults(open_form):
    text = open_form("child-4-7-review")

    assert "Question 6 of 6" in text
    assert "Question 7 of" not in text
    assert text.count("For the grown-up helping") == 2


@pytest.mark.parametrize(("form_key", "shown"), [("parent-review", True), ("carer-review", True), ("child-8-11-review", False), ("worker-review", False)])
def test_parents_and_carers_are_given_adult_helplines_at_the_end(client, make_invitation, form_key, shown):
    token = make_invitation(audience=FORMS[form_key].audience, form_key=form_key)
    page = client.get(f"/s/{token}")
    fields = {"response_id": hidden_field(page, "response_id"), "csrf_token": hidden_field(page, "csrf_token")}

    sent = client.post(f"/s/{token}", data=fields)
    assert sent.status_code == 303, page_text(sent)
    text = page_text(client.get(sent.headers["Location"]))

    assert ("Samaritans for free on 116 123" in text) is shown
    assert ("call 0800 83 85 87" in text) is shown
