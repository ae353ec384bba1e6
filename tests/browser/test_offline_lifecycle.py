"""A survey link's life on one device: answered online then reopened offline,
answers the server keeps aside, sent offline then reopened online, leaving
the page, Background Sync with the tab closed, and the pages the service
worker keeps. "Offline" is the server stopped and the browser offline."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import expect

from pace_forms.extensions import db
from pace_forms.invitations.services import find_invitation
from pace_forms.models import utc_now
from pace_forms.responses.recording import record_responses
from tests.browser.conftest import wait_until
from tests.browser.filling import FORMS
from tests.browser.offline_helpers import (
    HeldRoute,
    call_module,
    fill_parent_form,
    go_offline,
    go_online,
    link_state,
    outbox,
    ready_offline,
    send_form,
    token_of,
)

SENT = "Thank you, your answers have been sent"
SAVED = "Saved on this phone"
ALREADY = "We already have your answers to this survey."

CACHED_URLS = """async () => {
  const kept = {};
  for (const name of await caches.keys()) {
    kept[name] = (await (await caches.open(name)).keys()).map((request) => request.url);
  }
  return kept;
}"""


def kept_pages_of(page, token: str) -> list[str]:
    kept = page.evaluate(CACHED_URLS)
    return [url for name, urls in kept.items() if name.startswith("pace-pages") for url in urls if f"/s/{token}" in url]


def test_a_link_answered_online_says_so_when_opened_again_offline(context, live_server, survey_path_for, stored_responses):
    path = survey_path_for("parent-review")
    page = context.new_page()
    page.goto(path)
    ready_offline(page)
    assert kept_pages_of(page, token_of(path)), "the survey page is kept for offline use"
    fill_parent_form(page)
    send_form(page)
    expect(page.get_by_role("heading", name=SENT)).to_be_visible()
    assert len(stored_responses()) == 1
    # Its page is no longer kept: the link is answered.
    wait_until(lambda: kept_pages_of(page, token_of(path)) == [])
    page.close()

    go_offline(context, live_server)
    again = context.new_page()
    again.goto(path)
    expect(again.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(again.get_by_text(ALREADY)).to_be_visible()
    # No blank survey offered for a second set of answers.
    expect(again.locator("fieldset.question")).to_have_count(0)
    expect(again.get_by_role("button", name="Send my answers")).to_have_count(0)


def answer_on_another_device(server_app, path: str) -> None:
    with server_app.app_context():
        item = {
            "id": str(uuid.uuid4()),
            "form": "parent-review",
            "form_version": FORMS["parent-review"].version,
            "invitation": token_of(path),
            "submitted_at": utc_now().isoformat(),
            "locale": "en-GB",
            "answers": {"overall": 5},
        }
        assert record_responses([item])[0].status == "created"
        db.session.commit()
        db.session.remove()


def test_a_link_answered_elsewhere_is_remembered_once_the_server_says_so(context, live_server, survey_path_for, server_app):
    path = survey_path_for("parent-review")
    page = context.new_page()
    page.goto(path)
    ready_offline(page)
    answer_on_another_device(server_app, path)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")  # the server's page
    wait_until(lambda: kept_pages_of(page, token_of(path)) == [])
    assert link_state(page, token_of(path))["state"] == "answered"

    go_offline(context, live_server)
    page.reload()
    expect(page.get_by_text(ALREADY)).to_be_visible()
    expect(page.locator("fieldset.question")).to_have_count(0)


def test_answers_the_server_keeps_aside_are_never_called_sent(context, live_server, survey_path_for, stored_responses, server_app):
    path = survey_path_for("parent-review")
    page = context.new_page()
    page.goto(path)
    ready_offline(page)
    answer_on_another_device(server_app, path)

    fill_parent_form(page)
    send_form(page)
    notice = page.locator("#kept-aside-notice")
    expect(notice.get_by_role("heading", name="Your answers were kept aside")).to_be_visible()
    expect(notice).to_contain_text("this survey link had already been used or had closed")
    expect(notice).to_contain_text("are not counted")
    expect(page.get_by_text(SENT)).to_be_hidden()
    statuses = sorted(response.status for response in stored_responses())
    assert statuses == ["accepted", "quarantined"]
    assert link_state(page, token_of(path))["state"] == "kept_aside"

    # Opened again, offline: the same plain words, still not "sent".
    page.close()
    go_offline(context, live_server)
    again = context.new_page()
    again.goto(path)
    expect(again.get_by_role("heading", level=1)).to_have_text("Your answers were kept aside")
    expect(again.get_by_text("are not counted")).to_be_visible()
    expect(again.locator("fieldset.question")).to_have_count(0)


def test_answers_sent_offline_show_the_thank_you_at_once_when_the_link_is_opened_online(context, live_server, survey_path_for, stored_responses):
    path = survey_path_for("parent-review")
    page = context.new_page()
    page.goto(path)
    ready_offline(page)
    go_offline(context, live_server)
    fill_parent_form(page)
    send_form(page)
    expect(page.get_by_role("heading", name=SAVED)).to_be_visible()
    page.close()

    # Online again; the first send is held in flight until the page is open.
    sending = HeldRoute(context)
    go_online(context, live_server)
    again = context.new_page()
    again.goto(path)
    expect(again.get_by_role("heading", name=SAVED)).to_be_visible()
    sending.release()
    # The same load, no second reload: the thank-you, and nothing still "to be sent".
    expect(again.get_by_role("heading", name=SENT)).to_be_visible()
    expect(again.get_by_role("heading", name=SAVED)).to_be_hidden()
    expect(again.locator("#outbox-status")).to_contain_text("Answers were last sent today")
    expect(again.locator("#outbox-status")).not_to_contain_text("waiting")
    assert len(stored_responses()) == 1


def test_leaving_asks_first_only_while_answers_are_not_saved_on_the_device(context, live_server, survey_path_for):
    page = context.new_page()
    page.goto(survey_path_for("parent-review"))
    ready_offline(page)
    page.locator("#q-attended label.option").first.click()
    # An answer chosen but not saved anywhere: closing asks first.
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # stay
    expect(page.locator("#q-attended input:checked")).to_have_count(1)
    assert not page.is_closed()

    # Saved on the device (offline, waiting to be sent): nothing can be lost, nothing asked.
    go_offline(context, live_server)
    fill_parent_form(page)
    send_form(page)
    expect(page.get_by_role("heading", name=SAVED)).to_be_visible()
    asked_again = []
    page.on("dialog", lambda dialog: (asked_again.append(dialog.type), dialog.accept()))
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert asked_again == []


def test_background_sync_is_asked_for_after_answers_are_queued_and_sends_them_with_the_tab_closed(context, live_server, survey_path_for, stored_responses):
    # The page's log of Background Sync registrations and of its sends, in order.
    context.add_init_script(
        """(() => {
          window.__log = [];
          const send = window.fetch;
          window.fetch = function (resource, ...rest) {
            if (String(resource).includes("/api/v1/responses")) window.__log.push("send");
            return send.call(this, resource, ...rest);
          };
          if (!self.SyncManager) return;
          const register = SyncManager.prototype.register;
          SyncManager.prototype.register = function (tag) { window.__log.push(`sync:${tag}`); return register.call(this, tag); };
        })();"""
    )
    page = context.new_page()
    page.goto(survey_path_for("parent-review"))
    ready_offline(page)
    expect(page.locator("#outbox-status[data-waiting='0']")).to_have_count(1)
    assert page.evaluate("window.__log") == [], "nothing waits, so nothing to send or ask for at page load"

    go_offline(context, live_server)
    fill_parent_form(page)
    send_form(page)
    expect(page.get_by_role("heading", name=SAVED)).to_be_visible()
    # Asked for as soon as the answers are queued, before the page's own try
    # (which may start just after the notice shows: wait for it, not a time).
    wait_until(lambda: len(page.evaluate("window.__log")) >= 2, timeout=10)
    assert page.evaluate("window.__log")[:2] == ["sync:pace-outbox", "send"]
    assert "pace-outbox" in page.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags())")
    page.close()
    assert context.pages == []

    # With no page open, the service worker sends once the network is back.
    with context.expect_event("requestfinished", lambda request: "/api/v1/responses" in request.url, timeout=30000) as sent:
        go_online(context, live_server)
    assert sent.value.service_worker is not None
    assert sent.value.response().status == 200
    assert len(stored_responses()) == 1


def test_the_page_of_an_expired_link_is_not_kept(context, live_server, survey_path_for, server_app):
    path = survey_path_for("parent-review")
    page = context.new_page()
    page.goto(path)
    ready_offline(page)
    assert kept_pages_of(page, token_of(path))
    with server_app.app_context():
        invitation = find_invitation(token_of(path))
        invitation.expires_at = utc_now() - timedelta(days=1)
        db.session.commit()
        db.session.remove()
    reply = page.reload()
    assert reply.status == 410
    wait_until(lambda: kept_pages_of(page, token_of(path)) == [])


KEEP_MANY = """async (count) => {
  const base = document.querySelector('script[src*="/js/app.js"]').src;
  const { keepPage } = await import(new URL("./kept-pages.js", base).href);
  const { VERSION } = await import(new URL("./offline-names.js", base).href);
  const html = `<!doctype html><link rel="stylesheet" href="/static/${VERSION}/css/app.css"><body data-offline-page>kept`;
  for (let n = 0; n < count; n += 1) {
    // Each a day older than the next, so "oldest" is plain.
    const date = new Date(Date.UTC(2026, 0, 1 + n)).toUTCString();
    await keepPage(`${location.origin}/s/page-${n}`, new Response(html, { headers: { "Content-Type": "text/html", Date: date } }));
  }
}"""


def test_at_most_twenty_survey_pages_are_kept_the_oldest_going_first(context, survey_path_for):
    page = context.new_page()
    page.goto(survey_path_for("parent-review"))
    ready_offline(page)
    page.evaluate(KEEP_MANY, 22)
    kept = [url for name, urls in page.evaluate(CACHED_URLS).items() if name.startswith("pace-pages") for url in urls if "/s/" in url]
    assert len(kept) == 20
    assert not any(url.endswith(("/s/page-0", "/s/page-1")) for url in kept)
    assert any(url.endswith("/s/page-21") for url in kept)


def test_queued_answers_outlive_an_upgrade_of_the_device_store(context, live_server, survey_path_for, stored_responses):
    """A device with the first version of the store (outbox and meta only)
    and answers waiting in it: the upgrade adds a store and drops nothing."""
    path = survey_path_for("parent-review")
    page = context.new_page()
    page.route("**/blank", lambda route: route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>blank</title>"))
    page.goto("/blank")
    page.evaluate(
        """([token, version]) => new Promise((resolve, reject) => {
          const open = indexedDB.open("pace-forms", 1);
          open.onupgradeneeded = () => {
            open.result.createObjectStore("outbox", { keyPath: "id" });
            open.result.createObjectStore("meta");
          };
          open.onsuccess = () => {
            const tx = open.result.transaction("outbox", "readwrite");
            tx.objectStore("outbox").put({ id: "0b7b8f0e-2f7a-4c1a-9d55-6c1f7d2e9a10", queuedAt: new Date().toISOString(), attempts: 0, problem: null,
              item: { id: "0b7b8f0e-2f7a-4c1a-9d55-6c1f7d2e9a10", form: "parent-review", form_version: version, invitation: token,
                      submitted_at: new Date().toISOString(), locale: "en-GB", answers: { overall: 4 } } });
            tx.oncomplete = () => { open.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
          };
        })""",
        [token_of(path), FORMS["parent-review"].version],
    )
    page.goto(path)
    responses = wait_until(stored_responses)
    assert [str(response.id) for response in responses] == ["0b7b8f0e-2f7a-4c1a-9d55-6c1f7d2e9a10"]
    expect(page.get_by_role("heading", name=re.compile("^Thank you"))).to_be_visible()
    assert outbox(page) == []
    assert call_module(page, "./outbox.js", "linkState", token_of(path))["state"] == "answered"


def test_the_pictures_of_a_pictorial_form_are_kept_with_its_page(context, live_server, survey_path_for):
    path = survey_path_for("child-4-7-review")
    page = context.new_page()
    page.goto(path)
    ready_offline(page)
    go_offline(context, live_server)
    page.reload()
    expect(page.locator("form.is-stepped")).to_have_count(1)
    pictures = page.locator("img")
    assert pictures.count() > 10
    page.wait_for_function("[...document.images].every((image) => image.complete)")
    broken = page.evaluate("[...document.images].filter((image) => !image.naturalWidth).map((image) => image.src)")
    assert broken == []


def test_without_storage_on_the_device_sending_posts_the_plain_way_without_asking_to_leave(context, survey_path_for, stored_responses):
    # Some private modes give no IndexedDB: the page then sends the plain way.
    context.add_init_script("Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });")
    page = context.new_page()
    page.goto(survey_path_for("parent-review"))
    expect(page.locator("form.is-stepped")).to_have_count(1)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    fill_parent_form(page)
    with page.expect_navigation():
        send_form(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert asked == []
    assert len(stored_responses()) == 1
