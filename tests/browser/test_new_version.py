"""A new version of the app arrives while a survey is open: the page and its
scripts stay one version (offline too), the new version waits while answers
are half filled, and is offered, then taken, once they are saved."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from pace_forms.config import PROJECT_ROOT
from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from tests.browser.conftest import PHONE, LiveServer
from tests.browser.offline_helpers import fill_parent_form, go_offline, go_online, ready_offline, send_form
from tests.conftest import empty_database, make_test_app

VERSIONED = re.compile(r"/static/([0-9a-f]{12})/")

WAIT_FOR_NEW_WORKER = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  await registration.update();
  const worker = registration.installing || registration.waiting;
  if (!worker) return "none";
  while (worker.state === "installing") {
    await new Promise((resolve) => worker.addEventListener("statechange", resolve, { once: true }));
  }
  return worker.state;
}"""

CACHE_NAMES = "caches.keys()"


@pytest.fixture
def changing_server(tmp_path):
    """A live server over a copy of static/, which the test can change."""
    static = tmp_path / "static"
    shutil.copytree(PROJECT_ROOT / "static", static)
    app = make_test_app(f"sqlite:///{tmp_path / 'version.sqlite'}", TESTING=False)
    app.static_folder = str(static)
    with app.app_context():
        upgrade()
        empty_database()
    server = LiveServer(app)
    server.start()
    yield server, app, static
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def versions_on(page) -> set[str]:
    """The asset versions a page loaded its scripts and styles from."""
    urls = page.evaluate("[...document.querySelectorAll('script[src], link[rel=stylesheet]')].map((e) => e.src || e.href)")
    urls += page.evaluate("performance.getEntriesByType('resource').map((entry) => entry.name)")
    return {match.group(1) for url in urls if (match := VERSIONED.search(url))}


def new_link(app) -> str:
    with app.app_context():
        area = find_or_create_area("VER", "Version Council")
        review = find_or_create_review(find_or_create_child(area, "V-1", "8-11"), date(2026, 11, 20), "later")
        token = create_invitation(review, "parent", "parent-review", valid_days=28).token
        db.session.commit()
        db.session.remove()
    return f"/s/{token}"


def test_a_new_version_waits_for_half_filled_answers_and_never_mixes_with_the_old_one(browser, changing_server):
    server, app, static = changing_server
    path, other_path = new_link(app), new_link(app)
    context = browser.new_context(base_url=server.url, viewport=PHONE, service_workers="allow")
    page = context.new_page()
    page.goto(other_path)  # a second link, kept for later
    ready_offline(page)
    page.goto(path)
    ready_offline(page)
    [old] = versions_on(page)
    page.locator("#q-attended label.option").first.click()  # half filled

    # A new version is deployed (one script changes) and the browser finds it.
    (static / "js" / "strings.js").write_text((static / "js" / "strings.js").read_text() + "\n// a new version\n")
    assert page.evaluate(WAIT_FOR_NEW_WORKER) == "installed"
    names = page.evaluate(CACHE_NAMES)
    [new] = {name.removeprefix("pace-shell-") for name in names if name.startswith("pace-shell-")} - {old}
    # Not offered, and not taken, under a half-filled form.
    expect(page.locator("html[data-new-version='held-back']")).to_have_count(1)
    expect(page.locator("#update-notice")).to_have_count(0)
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => Boolean(r.waiting))")

    # Offline meanwhile, another tab opens a kept page: one version throughout (the old one, still in charge).
    go_offline(context, server)
    offline_tab = context.new_page()
    offline_tab.goto(other_path)
    expect(offline_tab.locator("form.is-stepped")).to_have_count(1)
    assert versions_on(offline_tab) == {old}
    offline_tab.close()
    go_online(context, server)

    # Answers saved: now the new version is offered, and taken when asked.
    fill_parent_form(page)
    send_form(page)
    expect(page.get_by_role("heading", name="Thank you, your answers have been sent")).to_be_visible()
    notice = page.locator("#update-notice")
    expect(notice).to_contain_text("A new version of this page is ready.")
    with page.expect_event("load"):
        notice.get_by_role("button", name="Use the new version").click()
    ready_offline(page)
    assert versions_on(page) == {new}
    assert sorted(page.evaluate(CACHE_NAMES)) == sorted([f"pace-pages-{new}", f"pace-shell-{new}"])

    # The other kept link was carried over to the new version, whole, and works offline.
    go_offline(context, server)
    later = context.new_page()
    later.goto(other_path)
    expect(later.locator("form.is-stepped")).to_have_count(1)
    assert versions_on(later) == {new}
    context.close()
