"""Reach into the offline client from a browser test: the page's own modules
(the outbox, the app's sync), the service worker's caches, and the network
cut for real (server stopped, browser offline). Shared by the browser tests
of the outbox and of the offline life of a survey page."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.filling import FORMS, fill_one_screen_at_a_time

API = "**/api/v1/responses"

# The page's modules, imported from the very URLs the page loaded them from
# (so the test talks to the same module instances the page uses). A call that
# never settles (an IndexedDB open blocked for good) fails the test, not hangs it.
IMPORT = """async ([name, call, args]) => {
  const base = document.querySelector('script[src*="/js/app.js"]').src;
  const module = await import(new URL(name, base).href);
  const tooLong = new Promise((_, reject) => setTimeout(() => reject(new Error(`${call}() did not settle in 20 s`)), 20000));
  const result = await Promise.race([module[call](...args), tooLong]);
  return result === undefined ? null : JSON.parse(JSON.stringify(result));
}"""


def call_module(page: Page, module: str, function: str, *args: Any) -> Any:
    return page.evaluate(IMPORT, [module, function, list(args)])


def outbox(page: Page) -> list[dict]:
    """What waits in the device's outbox (IndexedDB), record by record."""
    return call_module(page, "./outbox.js", "pending")


def link_state(page: Page, token: str) -> dict | None:
    return call_module(page, "./outbox.js", "linkState", token)


FLUSH = """async () => {
  const base = document.querySelector('script[src*="/js/app.js"]').src;
  const { flush } = await import(new URL("./outbox.js", base).href);
  try {
    return { summary: await flush() };
  } catch (error) {
    return { error: error.kind || String(error) };
  }
}"""


def flush(page: Page) -> dict:
    """Run the outbox's send once, as a trigger would; {summary} or {error: kind}."""
    return page.evaluate(FLUSH)


def token_of(path: str) -> str:
    return path.rsplit("/", 1)[1]


def ready_offline(page: Page) -> None:
    """Wait until the service worker is in charge and this page is kept."""
    expect(page.locator("html[data-offline-ready='true']")).to_have_count(1, timeout=15000)


def go_offline(context: BrowserContext, live_server) -> None:
    live_server.stop()
    context.set_offline(True)
    assert not live_server.is_listening()


def go_online(context: BrowserContext, live_server) -> None:
    live_server.start()
    context.set_offline(False)


def fill_parent_form(page: Page) -> dict:
    return fill_one_screen_at_a_time(page, FORMS["parent-review"])


def send_form(page: Page) -> None:
    page.get_by_role("button", name="Send my answers").click()


class CountingRoute:
    """A Playwright route in front of the sync API: counts every request and
    the ids it carried, and answers as the test says (passing to the real
    server by default)."""

    def __init__(self, context: BrowserContext):
        self.requests: list[list[str]] = []
        self.answer = self.pass_through
        context.route(API, self._handle)

    def _handle(self, route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        body = json.loads(route.request.post_data or "{}")
        self.requests.append([item.get("id") for item in body.get("responses", [])])
        self.answer(route)

    @property
    def items_sent(self) -> list[str]:
        return [item for request in self.requests for item in request]

    @staticmethod
    def pass_through(route: Route) -> None:
        route.fulfill(response=route.fetch())


class HeldRoute:
    """Holds the sync API's first request (from a page or the service worker)
    until the test lets it go, then passes everything through."""

    def __init__(self, context: BrowserContext):
        self.held: list[Route] = []
        context.route(API, self._handle)

    def _handle(self, route: Route) -> None:
        if route.request.method == "POST" and not self.held:
            self.held.append(route)  # left unanswered until release()
        else:
            route.fulfill(response=route.fetch())

    def release(self) -> None:
        for route in self.held:
            route.fulfill(response=route.fetch())
