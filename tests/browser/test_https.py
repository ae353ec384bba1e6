"""The no-JavaScript form over HTTPS, as in production. Flask-WTF refuses a
secure form post without a same-origin Referer, so the pages' Referrer-Policy
must let the browser send one to our own origin, and never to another (the
survey address holds the link's secret). The server speaks TLS with a
certificate made for this run; Chromium is told to accept it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from datetime import date

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from werkzeug.serving import make_server

from pace_forms.extensions import db
from pace_forms.forms.catalogue import publish_form_versions
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import Response
from tests.browser.conftest import PHONE, OneShotHandler, closing
from tests.conftest import IN_CI, make_test_app


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """(certificate file, key file): self-signed for 127.0.0.1, made now."""
    openssl = shutil.which("openssl")
    if openssl is None:
        message = "openssl not found (apt-get install openssl): the HTTPS test makes its certificate with it"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def serve_tls(wsgi_app, certificate: tuple[str, str]):
    """Start a TLS server on a free loopback port; return (its https URL, stop)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = make_server("127.0.0.1", port, closing(wsgi_app), threaded=True, request_handler=OneShotHandler, ssl_context=certificate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"https://127.0.0.1:{port}", stop


@pytest.fixture
def production_app(tmp_path):
    """The app as production runs it: PACE_ENV=production (Secure cookies,
    HSTS), CSRF on, SSL-strict CSRF as Flask-WTF defaults it."""
    app = make_test_app(f"sqlite:///{tmp_path / 'https.sqlite'}", TESTING=False, ENV="production")
    with app.app_context():
        upgrade()
        publish_form_versions()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def https_server(production_app, certificate):
    url, stop = serve_tls(production_app, certificate)
    yield url
    stop()


@pytest.fixture
def survey_path(production_app) -> str:
    with production_app.app_context():
        area = find_or_create_area("TLS", "Secure Council")
        review = find_or_create_review(find_or_create_child(area, "T-1", "8-11"), date(2026, 11, 20), "later")
        token = create_invitation(review, "parent", "parent-review", valid_days=28).token
        db.session.commit()
        db.session.remove()
    return f"/s/{token}"


def test_without_javascript_the_form_is_sent_over_https(browser, production_app, https_server, survey_path):
    context = browser.new_context(base_url=https_server, viewport=PHONE, java_script_enabled=False, ignore_https_errors=True)
    page = context.new_page()
    page.goto(survey_path)
    page.locator("#q-overall input[type=radio]").first.check()
    page.locator("#q-comment textarea").fill("Sent over TLS.")

    with page.expect_response(lambda reply: reply.request.method == "POST") as posted:
        page.get_by_role("button", name="Send my answers").click()

    assert posted.value.status == 303, posted.value.text()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text("Your answers have been sent.")).to_be_visible()
    assert page.url.startswith(https_server)
    with production_app.app_context():
        [stored] = db.session.execute(db.select(Response)).scalars().all()
        assert stored.status == "accepted" and stored.raw["answers"]["comment"] == "Sent over TLS."
        db.session.remove()
    context.close()


def test_another_site_reached_from_a_survey_page_gets_no_referrer(browser, https_server, survey_path, certificate):
    seen: list[str | None] = []

    def other_site(environ, start_response):
        # Only the navigation from our page: the other site's own favicon
        # request carries that site's own address, which is not ours to judge.
        if environ.get("PATH_INFO") == "/":
            seen.append(environ.get("HTTP_REFERER"))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"another site"]

    other_url, stop_other = serve_tls(other_site, certificate)
    context = browser.new_context(base_url=https_server, viewport=PHONE, ignore_https_errors=True)
    page = context.new_page()
    page.goto(survey_path)
    try:
        # A link on the page to another origin (a privacy page elsewhere, say).
        with page.expect_navigation(url=f"{other_url}/"):
            page.evaluate("url => { const link = document.createElement('a'); link.href = url; document.body.append(link); link.click(); }", f"{other_url}/")
    finally:
        context.close()
        stop_other()

    assert seen == [None]
