"""Pages for what did not work speak to respondents in their words, in their
language where it is known; the server's own words ("Not Found") never reach
them. And a page title names the page once."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from flask_migrate import upgrade

from pace_forms.extensions import db
from tests.api.pages import page_text
from tests.conftest import make_test_app

SERVER_WORDS = ("Not Found", "Gone", "Internal Server Error", "Method Not Allowed", "not known", "Too Many Requests")


def title_of(reply) -> str:
    return re.search(r"<title>(.*?)</title>", reply.get_data(as_text=True), re.S).group(1).strip()


def assert_in_respondents_words(reply) -> str:
    text = page_text(reply)
    for words in SERVER_WORDS:
        assert words not in text, f"the page says {words!r}"
    assert reply.mimetype == "text/html"
    return text


def test_an_address_with_no_page_says_so_in_plain_words(client):
    reply = client.get("/no-such-page")

    assert reply.status_code == 404
    text = assert_in_respondents_words(reply)
    assert "We cannot find this page" in text
    assert "ask the person who sent it for a new one" in text
    assert title_of(reply) == "We cannot find this page – Your say"


def test_a_missing_recording_or_picture_is_a_friendly_404_too(client):
    for path in ("/audio/en/none.mp3", "/static/pictures/none.svg"):
        reply = client.get(path)
        assert reply.status_code == 404
        assert "We cannot find this page" in assert_in_respondents_words(reply)


def test_the_page_is_in_polish_when_polish_was_asked_for(client):
    reply = client.get("/no-such-page?lang=pl")

    assert reply.status_code == 404
    assert "Nie możemy znaleźć tej strony" in page_text(reply)
    assert '<html lang="pl">' in reply.get_data(as_text=True)


def test_an_unknown_link_is_in_polish_when_asked(client):
    reply = client.get("/s/not-a-real-link?lang=pl")

    assert reply.status_code == 404
    assert "Ten link nie działa" in assert_in_respondents_words(reply)


def test_an_expired_link_gives_its_date_in_the_respondents_language(client, make_invitation):
    token = make_invitation(held_on=date(2024, 1, 9), now=datetime(2024, 1, 10, tzinfo=timezone.utc), valid_days=3)

    english = page_text(client.get(f"/s/{token}"))
    polish = page_text(client.get(f"/s/{token}?lang=pl"))

    assert "This survey closed on 13 January 2024." in english
    assert "Ta ankieta była dostępna do 13.01.2024." in polish


def test_a_wrong_method_is_not_shown_in_server_words(client):
    reply = client.delete("/")

    assert reply.status_code == 405
    assert "That did not work" in assert_in_respondents_words(reply)


@pytest.fixture
def failing_app(tmp_path):
    """An app as in production (not testing), with a page that fails."""
    app = make_test_app(f"sqlite:///{tmp_path / 'failing.sqlite'}", TESTING=False)
    with app.app_context():
        upgrade()  # a database at the code's schema: the failure is the page's own

    @app.get("/s/broken/page")
    def broken():
        raise RuntimeError("the database went away")

    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_our_own_failure_says_sorry_in_plain_words(failing_app):
    reply = failing_app.test_client().get("/s/broken/page")

    assert reply.status_code == 500
    text = assert_in_respondents_words(reply)
    assert "Something went wrong on our side" in text
    assert "this is our fault, not yours" in text
    assert "database" not in text


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "Your say"),
        ("/offline", "You are offline – Your say"),
        ("/s/not-a-real-link", "This link does not work – Your say"),
    ],
)
def test_a_page_title_names_the_page_and_the_service_once(client, path, title):
    assert title_of(client.get(path)) == title


def test_the_survey_page_title_is_the_form_the_service_and_the_area(client, make_invitation):
    token = make_invitation(area="FIF")

    assert title_of(client.get(f"/s/{token}")) == "Your say about the review – Your say – FIF Council"
