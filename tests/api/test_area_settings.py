"""An area's header settings: set with `pace-forms area set`, shown in the
header of its respondents' pages, and nothing shown where nothing is set."""

from __future__ import annotations

import pytest

from pace_forms.cli import cli
from pace_forms.extensions import db
from pace_forms.models import Area
from tests.api.pages import page_text


@pytest.fixture
def pace_forms(runner, monkeypatch):
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)

    def run(*args: str):
        return runner.invoke(cli, args=list(args))

    return run


@pytest.fixture
def area_of(app):
    def read(code: str) -> dict:
        with app.app_context():
            area = db.session.execute(db.select(Area).where(Area.code == code)).scalar_one()
            return {name: getattr(area, name) for name in ("name", "display_name", "contact_text", "privacy_url", "logo_url")}

    return read


def header_of(reply) -> str:
    html = reply.get_data(as_text=True)
    return html[html.index("<header") : html.index("</header>")]


def test_area_set_stores_what_the_header_shows(pace_forms, make_invitation, area_of):
    make_invitation(area="FIF")

    result = pace_forms(
        "area", "set", "FIF",
        "--name", "Fife Council",
        "--contact", "Questions? Call 01592 583 000",
        "--privacy-url", "https://www.fife.gov.uk/privacy",
        "--logo-url", "/static/logos/fife.svg",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert area_of("FIF") == {
        "name": "FIF Council",
        "display_name": "Fife Council",
        "contact_text": "Questions? Call 01592 583 000",
        "privacy_url": "https://www.fife.gov.uk/privacy",
        "logo_url": "/static/logos/fife.svg",
    }
    assert "privacy-url: https://www.fife.gov.uk/privacy" in result.output


def test_area_set_changes_only_what_it_is_given_and_an_empty_value_clears(pace_forms, make_invitation, area_of):
    make_invitation(area="FIF")
    pace_forms("area", "set", "FIF", "--name", "Fife Council", "--contact", "Call us")

    result = pace_forms("area", "set", "FIF", "--contact", "")

    assert result.exit_code == 0, result.output
    assert (area_of("FIF")["display_name"], area_of("FIF")["contact_text"]) == ("Fife Council", None)
    assert "contact: (not set: nothing shown)" in result.output


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--privacy-url", "http://www.fife.gov.uk/privacy", "full https:// address"),
        ("--privacy-url", "www.fife.gov.uk/privacy", "full https:// address"),
        ("--logo-url", "https://elsewhere.example/logo.png", "a path on this server"),
        ("--logo-url", "//elsewhere.example/logo.png", "a path on this server"),
        ("--contact", "Call\nus", "one line"),
        ("--name", "x" * 201, "the most is 200"),
    ],
)
def test_area_set_refuses_a_setting_it_cannot_use_saying_which_and_why(pace_forms, make_invitation, area_of, option, value, said):
    make_invitation(area="FIF")

    result = pace_forms("area", "set", "FIF", option, value)

    assert result.exit_code == 2
    assert option in result.output
    assert said in result.output
    assert area_of("FIF")["display_name"] is None


def test_area_set_on_an_unknown_area_lists_the_known_ones(pace_forms, make_invitation):
    make_invitation(area="FIF")

    result = pace_forms("area", "set", "FIFE", "--name", "Fife Council")

    assert result.exit_code == 2
    assert "there is no area 'FIFE' (areas: FIF)" in result.output


def test_area_set_with_nothing_to_set_says_what_it_takes(pace_forms, make_invitation):
    make_invitation(area="FIF")

    result = pace_forms("area", "set", "FIF")

    assert result.exit_code == 2
    assert "--name" in result.output and "--privacy-url" in result.output


def test_the_survey_page_header_shows_the_areas_settings(client, pace_forms, make_invitation):
    token = make_invitation(area="FIF")
    pace_forms(
        "area", "set", "FIF", "--name", "Fife Council", "--contact", "Questions? Call 01592 583 000",
        "--privacy-url", "https://www.fife.gov.uk/privacy", "--logo-url", "/static/icons/icon.svg",
    )  # fmt: skip

    header = header_of(client.get(f"/s/{token}"))

    assert "Fife Council" in header
    assert "Questions? Call 01592 583 000" in header
    assert 'href="https://www.fife.gov.uk/privacy"' in header and "Privacy notice" in header
    assert 'src="/static/icons/icon.svg"' in header


def test_with_nothing_set_the_header_shows_the_areas_name_and_nothing_untrue(client, make_invitation):
    token = make_invitation(area="FIF")  # named "FIF Council" when made

    header = header_of(client.get(f"/s/{token}"))

    assert "FIF Council" in header
    assert "Privacy" not in header and "<img" not in header and "area-details" not in header


def test_an_area_known_only_by_its_code_shows_no_name(app, client, make_invitation):
    token = make_invitation(area="FIF")
    with app.app_context():
        area = db.session.execute(db.select(Area).where(Area.code == "FIF")).scalar_one()
        area.name = "FIF"  # as `invite --area FIF` makes it without --area-name
        db.session.commit()

    header = header_of(client.get(f"/s/{token}"))

    assert "FIF" not in header


def test_the_thank_you_and_expired_pages_show_the_area_too(client, pace_forms, make_invitation):
    from datetime import date, datetime, timezone

    expired = make_invitation(area="FIF", held_on=date(2024, 1, 9), now=datetime(2024, 1, 10, tzinfo=timezone.utc), valid_days=3)
    pace_forms("area", "set", "FIF", "--name", "Fife Council")

    reply = client.get(f"/s/{expired}")

    assert reply.status_code == 410
    assert "Fife Council" in header_of(reply)


def test_pages_that_belong_to_no_area_show_none(client, pace_forms, make_invitation):
    make_invitation(area="FIF")
    pace_forms("area", "set", "FIF", "--name", "Fife Council")

    for path in ("/", "/s/not-a-real-link", "/offline"):
        assert "Fife Council" not in page_text(client.get(path)), path
