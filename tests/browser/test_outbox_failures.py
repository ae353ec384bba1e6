"""The outbox's failure handling (static/js/outbox.js), in Chromium against the
real server with a Playwright route in front of the sync API: what stays in
the outbox (IndexedDB) and how many requests and items went out, when the
server fails before or after storing, limits the rate, finds a batch too
large, rejects an item, answers with something unreadable, or the connection
is cut after the server stored the answers.

Service workers are blocked here: the page is then the only sender, so the
counts are those of the rule under test, not of a Background Sync racing it.
Every wait is on a request or on a promise of the page, never a fixed time."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.offline_helpers import (
    CountingRoute,
    call_module,
    fill_parent_form,
    flush,
    link_state,
    outbox,
    send_form,
    token_of,
)

ANSWERS = {"understood_plan": 4, "listened_to": 5, "had_say": 2, "knows_next": "not_sure", "overall": 4}


@pytest.fixture
def page_context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, service_workers="block")
    yield context
    context.close()


@pytest.fixture
def api(page_context) -> CountingRoute:
    return CountingRoute(page_context)


@pytest.fixture
def survey_page(page_context, survey_path_for):
    """A parent's survey page, settled (its sync on load done: nothing waited)."""
    path = survey_path_for("parent-review")
    page = page_context.new_page()
    page.goto(path)
    expect(page.locator("form.is-stepped")).to_have_count(1)
    expect(page.locator("#outbox-status[data-waiting='0']")).to_have_count(1)
    page.survey_path = path
    return page


def queue(page, survey_path_for, count: int = 1, token: str | None = None) -> list[str]:
    """Put answers for `count` new links straight into the outbox; their ids."""
    ids = []
    version = int(page.locator("#survey").get_attribute("data-form-version"))
    for _ in range(count):
        item = {
            "id": str(uuid.uuid4()),
            "form": "parent-review",
            "form_version": version,
            "invitation": token or token_of(survey_path_for("parent-review")),
            "submitted_at": datetime.now(timezone.utc).isoformat(),
            "locale": "en-GB",
            "answers": ANSWERS,
        }
        call_module(page, "./outbox.js", "enqueue", item)
        ids.append(item["id"])
    return ids


def ids_in_outbox(page) -> list[str]:
    return sorted(record["id"] for record in outbox(page))


def stored_ids(stored_responses) -> list[str]:
    return sorted(str(response.id) for response in stored_responses())


def test_a_500_before_storing_keeps_the_answers_and_the_next_send_stores_them_once(survey_page, api, stored_responses):
    page = survey_page
    api.answer = lambda route: route.fulfill(status=500, json={"error": {"status": 500, "message": "boom"}})
    fill_parent_form(page)
    with page.expect_response("**/api/v1/responses"):
        send_form(page)
    # The person is told the answers are safe here, and they are.
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    expect(page.locator("#outbox-status")).to_contain_text("1 set of answers is waiting on this device")
    assert len(outbox(page)) == 1
    assert api.requests == [[outbox(page)[0]["id"]]]
    assert stored_responses() == []

    api.answer = api.pass_through
    assert flush(page)["summary"]["sent"] == 1
    assert outbox(page) == []
    assert len(stored_responses()) == 1
    assert len(api.requests) == 2


def test_a_500_after_storing_keeps_the_answers_until_the_server_says_it_has_them(survey_page, api, survey_path_for, stored_responses):
    page = survey_page
    [sent] = queue(page, survey_path_for)

    def stored_then_failed(route):
        route.fetch()  # the server stores it...
        route.fulfill(status=500, json={"error": {"status": 500, "message": "failed after commit"}})  # ...but says 500

    api.answer = stored_then_failed
    assert flush(page) == {"error": "server"}
    assert ids_in_outbox(page) == [sent]
    assert stored_ids(stored_responses) == [sent]

    api.answer = api.pass_through
    assert flush(page)["summary"]["sent"] == 1  # the server answers "duplicate"
    assert outbox(page) == []
    assert stored_ids(stored_responses) == [sent]
    assert api.requests == [[sent], [sent]]


def test_a_429_keeps_everything_and_waits_longer_before_the_next_try(browser, live_server, survey_path_for, stored_responses):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, service_workers="block")
    api = CountingRoute(context)
    page = context.new_page()
    page.clock.install()
    page.goto(survey_path_for("parent-review"))
    expect(page.locator("#outbox-status[data-waiting='0']")).to_have_count(1)
    api.answer = lambda route: route.fulfill(status=429, headers={"Retry-After": "60"}, json={"error": {"status": 429, "message": "slow down"}})
    fill_parent_form(page)
    with page.expect_response("**/api/v1/responses"):
        send_form(page)
    expect(page.locator("#outbox-status")).to_contain_text("1 set of answers is waiting on this device")
    assert len(outbox(page)) == 1
    assert len(api.requests) == 1

    # No new try straight away: the page backs off (30 s after a first failure, plus jitter).
    page.clock.run_for(25_000)
    assert len(api.requests) == 1
    api.answer = api.pass_through
    with page.expect_response("**/api/v1/responses"):
        page.clock.run_for(15_000)
    expect(page.get_by_role("heading", name="Thank you, your answers have been sent")).to_be_visible()
    assert outbox(page) == []
    assert len(stored_responses()) == 1
    assert len(api.requests) == 2
    context.close()


def test_a_413_sends_the_batch_again_in_halves(survey_page, api, survey_path_for, stored_responses):
    page = survey_page
    queued = queue(page, survey_path_for, count=4)

    def at_most_two(route):
        if len(api.requests[-1]) > 2:
            route.fulfill(status=413, json={"error": {"status": 413, "message": "too many"}})
        else:
            api.pass_through(route)

    api.answer = at_most_two
    assert flush(page)["summary"]["sent"] == 4
    assert [len(request) for request in api.requests] == [4, 2, 2]
    assert sorted(api.items_sent[4:]) == sorted(queued)  # each sent once after the 413
    assert outbox(page) == []
    assert stored_ids(stored_responses) == sorted(queued)


def test_an_item_too_large_on_its_own_stays_with_its_reason_and_the_rest_still_go(survey_page, api, survey_path_for, stored_responses):
    page = survey_page
    big, small = queue(page, survey_path_for, count=2)

    def too_large_with_big(route):
        if big in api.requests[-1]:
            route.fulfill(status=413, json={"error": {"status": 413, "message": "too large"}})
        else:
            api.pass_through(route)

    api.answer = too_large_with_big
    summary = flush(page)["summary"]
    assert summary["sent"] == 1 and summary["kept"] == 1
    first, second = api.requests[0]  # the outbox's own order
    assert sorted([first, second]) == sorted([big, small])
    assert api.requests == [[first, second], [first], [second]]
    [kept] = outbox(page)
    assert kept["id"] == big and kept["problem"] == "too large"
    assert stored_ids(stored_responses) == [small]


def test_a_rejected_item_stays_with_its_reason_while_the_others_leave(survey_page, api, survey_path_for, stored_responses):
    page = survey_page
    [unknown] = queue(page, survey_path_for, token="no-such-link-token")
    [good] = queue(page, survey_path_for)

    summary = flush(page)["summary"]
    assert summary["sent"] == 1 and summary["kept"] == 1
    [kept] = outbox(page)
    assert kept["id"] == unknown and kept["attempts"] == 1 and kept["problem"]
    assert stored_ids(stored_responses) == [good]
    expect(page.locator("#outbox-status")).to_contain_text("Some could not be sent yet")
    # In the respondent's words, never the server's own.
    expect(page.locator("#outbox-status")).not_to_contain_text(kept["problem"])
    # The next send carries only what is still waiting.
    flush(page)
    assert [sorted(request) for request in api.requests] == [sorted([unknown, good]), [unknown]]


def test_an_unreadable_reply_keeps_everything(survey_page, api, survey_path_for, stored_responses):
    page = survey_page
    queued = queue(page, survey_path_for, count=2)
    api.answer = lambda route: route.fulfill(status=200, content_type="text/html", body="<h1>Proxy error</h1>")
    assert flush(page) == {"error": "server"}
    assert ids_in_outbox(page) == sorted(queued)

    # A reply that is JSON but does not answer for every item is no better.
    api.answer = lambda route: route.fulfill(status=200, json={"results": []})
    assert flush(page) == {"error": "server"}
    assert ids_in_outbox(page) == sorted(queued)
    assert stored_responses() == []

    api.answer = api.pass_through
    assert flush(page)["summary"]["sent"] == 2
    assert outbox(page) == []
    assert stored_ids(stored_responses) == sorted(queued)
    assert len(api.requests) == 3


def test_a_connection_cut_after_storing_keeps_the_answers_and_the_resend_stores_nothing_twice(survey_page, api, survey_path_for, stored_responses):
    page = survey_page
    [sent] = queue(page, survey_path_for)

    def stored_then_cut(route):
        route.fetch()  # the server stores it, then the connection drops
        route.abort("connectionreset")

    api.answer = stored_then_cut
    assert flush(page) == {"error": "offline"}
    assert ids_in_outbox(page) == [sent]
    assert stored_ids(stored_responses) == [sent]

    api.answer = api.pass_through
    assert flush(page)["summary"]["sent"] == 1
    assert outbox(page) == []
    assert stored_ids(stored_responses) == [sent]
    assert api.requests == [[sent], [sent]]


def test_answers_the_server_has_are_never_sent_again(survey_page, api, stored_responses):
    page = survey_page
    fill_parent_form(page)
    send_form(page)
    expect(page.get_by_role("heading", name="Thank you, your answers have been sent")).to_be_visible()
    assert len(api.requests) == 1
    assert link_state(page, token_of(page.survey_path))["state"] == "answered"

    # Every later trigger finds nothing to send: no request at all.
    page.reload()
    expect(page.locator("#outbox-status[data-waiting='0']")).to_have_count(1)
    assert flush(page)["summary"]["sent"] == 0
    assert call_module(page, "./app.js", "syncNow")["sent"] == 0  # as on the "online" event or the timer
    assert len(api.requests) == 1
    assert len(api.items_sent) == 1
    assert len(stored_responses()) == 1
