"""A follow-up notice on a duty contact's phone, from push to page (issue 11,
point 3): the server's payload for a follow-up is delivered to the service
worker as a push message (Chromium's DevTools ServiceWorker.deliverPushMessage,
the same event a push service's message raises), the service worker shows
the notice in fixed words with no personal data, and a click opens that
follow-up's page, through sign-in when the phone is signed out; when the page
is already open, the click brings it forward instead of opening another.

Headless Chromium has no notification tray to click, so the click is the
service worker's own notificationclick event, made from the notice it shows;
and since the browser lets only a real click open a window, the test takes
the address the handler asks to open and opens it as the browser would."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import PushSubscription, User
from pace_forms.push.reasons import DueSettings, follow_ups_due
from tests.api.test_retention import add_follow_up, add_response
from tests.browser.conftest import PHONE
from tests.browser.test_follow_ups import PASSWORD, sign_in

SHOWN = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const notices = await registration.getNotifications();
  return notices.map((notice) => ({ title: notice.title, body: notice.body, url: notice.data && notice.data.url }));
}"""

# In the service worker: click the notice it shows, and say what the click
# handler asked for (a window opened at an address, or one already open focused).
CLICK = """async () => {
  const asked = [];
  const openWindow = self.clients.openWindow.bind(self.clients);
  self.clients.openWindow = async (url) => { asked.push(["open", url]); return null; };
  const focus = WindowClient.prototype.focus;
  WindowClient.prototype.focus = async function () { asked.push(["focus", this.url]); return this; };
  try {
    const [notice] = await self.registration.getNotifications();
    const click = new NotificationEvent("notificationclick", { notification: notice });
    let settled;
    const done = new Promise((resolve) => { settled = resolve; });
    click.waitUntil = (promise) => { Promise.resolve(promise).then(settled, settled); };
    self.dispatchEvent(click);
    await done;
    const left = await self.registration.getNotifications();
    return { asked, left: left.length };
  } finally {
    self.clients.openWindow = openWindow;
    WindowClient.prototype.focus = focus;
  }
}"""


def _follow_up_notice(server_app) -> tuple[int, dict]:
    """A child's request in area PSH, a duty contact who turned follow-up
    notices on before it, and the payload send-due would send them."""
    with server_app.app_context():
        area = find_or_create_area("PSH", "Push Council")
        create_user("duty@example.org", "worker", ["PSH"], PASSWORD, duty_contact=True)
        review = find_or_create_review(find_or_create_child(area, "C-PUSH", "8-11"), date(2026, 11, 2), "later")
        link = create_invitation(review, "child", "child-8-11-review", valid_days=28).invitation
        duty = db.session.execute(db.select(User).where(User.email == "duty@example.org")).scalar_one()
        now = datetime.now(timezone.utc)
        db.session.add(PushSubscription(endpoint="https://push.example.net/send/1", p256dh="k", auth="a", purpose="follow-up",
                                        user_id=duty.id, created_at=now - timedelta(hours=1)))
        add_follow_up(add_response(review, link, 0), is_open=True)
        db.session.commit()
        settings = DueSettings(24, 30, server_app.config["FOLLOW_UP_OVERDUE_HOURS"], server_app.config["SECRET_KEY"])
        [notice] = follow_ups_due(now + timedelta(minutes=1), settings)
        follow_up_id = int(notice.url.rsplit("/", 1)[1])
        db.session.remove()
    return follow_up_id, notice.payload()


def _phone_with_notices(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, service_workers="allow")
    context.grant_permissions(["notifications"])
    return context, context.new_page()


def _push(context, page, payload: dict) -> None:
    """Delivers a push message to this site's service worker, as a push service would."""
    registrations: list[str] = []
    session = context.new_cdp_session(page)
    session.on("ServiceWorker.workerRegistrationUpdated",
               lambda event: registrations.extend(r["registrationId"] for r in event["registrations"] if not r["isDeleted"]))
    session.send("ServiceWorker.enable")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    deadline = datetime.now() + timedelta(seconds=15)
    while not registrations and datetime.now() < deadline:
        page.wait_for_timeout(50)
    assert registrations, "the service worker's registration was never reported"
    origin = page.evaluate("location.origin")
    session.send("ServiceWorker.deliverPushMessage", {"origin": origin, "registrationId": registrations[-1], "data": json.dumps(payload)})
    while not page.evaluate(SHOWN) and datetime.now() < deadline:
        page.wait_for_timeout(50)


def test_a_follow_up_notice_opens_its_page_signing_in_first(browser, live_server, server_app):
    follow_up_id, payload = _follow_up_notice(server_app)
    context, page = _phone_with_notices(browser, live_server)
    page.goto("/")

    _push(context, page, payload)
    [shown] = page.evaluate(SHOWN)
    assert shown == {"title": "A follow-up for your area is waiting",
                     "body": "Someone asked for contact or wrote something that needs reading. Open it to take it on.",
                     "url": f"/follow-ups/{follow_up_id}"}

    [worker] = context.service_workers
    clicked = worker.evaluate(CLICK)
    assert clicked == {"asked": [["open", f"{live_server.url}/follow-ups/{follow_up_id}"]], "left": 0}

    # The phone is signed out: the page asks for sign-in, then shows the follow-up.
    page.goto(clicked["asked"][0][1])
    expect(page).to_have_url(f"{live_server.url}/sign-in?next=%2Ffollow-ups%2F{follow_up_id}")
    page.locator("#email").fill("duty@example.org")
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#password").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/follow-ups/{follow_up_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Follow-up")
    context.close()


def test_a_notice_for_a_page_already_open_brings_it_forward(browser, live_server, server_app):
    follow_up_id, payload = _follow_up_notice(server_app)
    context, page = _phone_with_notices(browser, live_server)
    # The service worker came with turning notices on (static/staff/push.js).
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    sign_in(page, "duty@example.org")
    page.goto(f"/follow-ups/{follow_up_id}")

    _push(context, page, payload)
    [worker] = context.service_workers
    clicked = worker.evaluate(CLICK)
    assert clicked == {"asked": [["focus", f"{live_server.url}/follow-ups/{follow_up_id}"]], "left": 0}
    context.close()


def test_a_notice_pointing_off_the_site_opens_the_home_page(browser, live_server, server_app):
    """A payload naming another site (a tampered or mistaken one) never sends the phone there."""
    context, page = _phone_with_notices(browser, live_server)
    page.goto("/")
    _push(context, page, {"title": "A follow-up for your area is waiting", "body": "", "url": "https://evil.example/phish"})
    page.goto("/sign-in")
    [worker] = context.service_workers
    assert worker.evaluate(CLICK) == {"asked": [["open", f"{live_server.url}/"]], "left": 0}
    context.close()
