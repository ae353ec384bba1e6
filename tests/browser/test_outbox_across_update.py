"""Answers queued offline outlive closing the browser and an update of the
app, and then reach the server exactly once (issue 12, item 3).

One Chromium profile on disk, as a phone's browser keeps it: two surveys are
answered with no signal, the browser is closed, a new version of the app is
deployed while the phone is away, the browser is opened again on the same
profile, the new service worker installs and takes over while the answers
still wait (the sync API out of reach meanwhile), and only then are they sent.
Rows in the database and the requests the browser made are both counted."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import CHROMIUM_ARGS, PHONE, responses_in, wait_until
from tests.browser.offline_helpers import CountingRoute, fill_parent_form, go_offline, go_online, outbox, ready_offline, send_form, token_of
from tests.browser.test_every_form import answers_of
from tests.browser.test_new_version import WAIT_FOR_NEW_WORKER, changing_server, new_link, versions_on  # noqa: F401 (a fixture)
from tests.evidence import tally

SAVED = "Saved on this phone"
SENT = "Thank you, your answers have been sent"
SUITE = "Browser outbox across an app update (Chromium)"


@pytest.fixture
def open_profile(browser, chromium_path, tmp_path):
    """open_profile(server) -> Chromium started (again) on one profile folder,
    as a phone's browser keeps it; whatever is still open is closed after."""
    opened: list[BrowserContext] = []

    def launch(server) -> BrowserContext:
        context = browser.browser_type.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=chromium_path,
            headless=True,
            args=CHROMIUM_ARGS,
            base_url=server.url,
            viewport=PHONE,
            service_workers="allow",
        )
        opened.append(context)
        return context

    yield launch
    for context in opened:
        context.close()


def test_answers_queued_offline_survive_closing_the_browser_and_a_new_version_and_are_sent_once(open_profile, changing_server):
    server, app, static = changing_server
    paths = [new_link(app), new_link(app)]

    # Online: both survey links are opened once, and kept for offline use.
    first = open_profile(server)
    page = first.new_page()
    for path in paths:
        page.goto(path)
        ready_offline(page)
    [old] = versions_on(page)

    # No signal: both surveys are answered and queued on the phone.
    go_offline(first, server)
    expected = {}
    for path in paths:
        page.goto(path)
        expected[path] = fill_parent_form(page)
        send_form(page)
        expect(page.get_by_role("heading", name=SAVED)).to_be_visible()
    queued = {record["item"]["invitation"]: record for record in outbox(page)}
    assert len(queued) == 2
    ids = {record["id"] for record in queued.values()}
    first.close()  # the browser is closed with the answers on the device

    # A new version is deployed while the phone is away.
    (static / "js" / "strings.js").write_text((static / "js" / "strings.js").read_text() + "\n// a new version\n")

    # The browser is opened again, still with no signal: the answers are there.
    second = open_profile(server)
    second.set_offline(True)
    page = second.new_page()
    page.goto(paths[0])
    expect(page.get_by_role("heading", name=SAVED)).to_be_visible()
    assert versions_on(page) == {old}
    assert {record["id"] for record in outbox(page)} == ids
    expect(page.locator("#outbox-status")).to_contain_text("2 sets of answers are waiting on this device to be sent.")

    # Signal again, but the sync API cannot be reached yet: every try is
    # counted and refused, while the new version installs and takes over.
    api = CountingRoute(second)
    refused: list[str] = []
    delivered: list[str] = []

    def unreachable(route):
        refused.extend(api.requests[-1])
        route.abort("internetdisconnected")

    def reachable(route):
        delivered.extend(api.requests[-1])
        CountingRoute.pass_through(route)

    api.answer = unreachable
    go_online(second, server)
    assert page.evaluate(WAIT_FOR_NEW_WORKER) == "installed"
    notice = page.locator("#update-notice")
    expect(notice).to_contain_text("A new version of this page is ready.")
    with page.expect_event("load"):
        notice.get_by_role("button", name="Use the new version").click()
    ready_offline(page)
    [new] = versions_on(page)
    assert new != old
    # The old version's caches are gone; the answers are not.
    assert not [name for name in page.evaluate("caches.keys()") if name.endswith(old)]
    assert {record["id"] for record in outbox(page)} == ids
    expect(page.get_by_role("heading", name=SAVED)).to_be_visible()
    assert responses_in(app) == [] and delivered == []

    # The API is back: opening the link again sends them, once.
    api.answer = reachable
    page.reload()
    expect(page.get_by_role("heading", name=SENT)).to_be_visible(timeout=20000)
    wait_until(lambda: len(responses_in(app)) == 2)
    wait_until(lambda: outbox(page) == [])
    page.wait_for_timeout(500)  # room for a second send, if one were coming
    responses = responses_in(app)
    by_link = {token_of(path): path for path in paths}
    for token, record in queued.items():
        [response] = [response for response in responses if str(response.id) == record["id"]]
        assert response.status == "accepted", response.problems
        assert answers_of(response) == expected[by_link[token]]
    assert sorted(delivered) == sorted(ids), "each set of answers went to the server exactly once"
    expect(page.locator("#outbox-status")).not_to_contain_text("waiting")
    second.close()

    lost = len(ids - {str(response.id) for response in responses})
    doubled = len(delivered) - len(set(delivered))
    tally(SUITE, inputs=len(ids), browser_restarts=1, updates=1, refused_items=len(refused), lost=lost, doubled=doubled)
    assert lost == 0 and doubled == 0
