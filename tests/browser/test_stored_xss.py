"""Stored cross-site scripting (issue 12, item 7): every free-text field a
person can type (area settings, a child's reference, comments, follow-up
notes, held answers, chart annotations, "you said, we did" notes, a user's
email address, API token names, audit reasons) holds script, markup,
template and javascript: payloads; then Chromium opens every page of the app (each GET route of app.url_map that
answers HTML, its path filled as tests/api/test_access_matrix.py fills it) as
an admin, who may see all of them.

On no page may a dialog open, an injected element or event handler appear, a
javascript: link be offered or the Content-Security-Policy have to block
anything; and every field's text comes back whole, as text, on some page.

Translations and form wording are not typed by a person (they are files
checked at start-up), so they are not here."""

from __future__ import annotations

import json
import re

import pytest

from pace_forms.extensions import db
from tests.api.test_access_matrix import EXPECTATIONS, PUBLIC, path_of
from tests.browser.test_admin import sign_in
from tests.evidence import tally
from tests.security.attack_data import ADMIN, PASSWORD, XSS, seed_world, xss_text

# GET routes that answer something other than a page, and why they are left out.
NOT_PAGES = {
    "static": "files",
    "surveys.audio": "recordings",
    "offline.manifest": "JSON",
    "offline.service_worker": "JavaScript",
    "accounts.sign_out": "POST only",
}
# Public pages with a path parameter: the world's paths for them.
PUBLIC_PATHS = {"surveys.take": "survey_paths_a"}

WATCH_FOR_CSP = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
"""

# What an injection would leave in the page: elements from the payloads, event
# handler attributes (the app has none: its CSP forbids them), javascript: links.
INJECTED = """() => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith('on')) found.push(element.tagName + ' ' + attribute.name + '=' + attribute.value);
    }
  }
  for (const element of document.querySelectorAll('img[src="x"], [href^="javascript:" i], [src^="javascript:" i], [action^="javascript:" i]')) {
    found.push(element.outerHTML.slice(0, 120));
  }
  return {found, violations: window.__violations, text: document.documentElement.textContent};
}"""


def page_paths(app, world: dict) -> list[str]:
    paths = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.rule.startswith("/api/") or "extension" in rule.arguments:
            continue
        if rule.rule.endswith(".csv"):
            continue  # a download
        if rule.endpoint in PUBLIC_PATHS:
            paths += world[PUBLIC_PATHS[rule.endpoint]]
        elif rule.endpoint in PUBLIC:
            assert not rule.arguments, f"{rule.rule}: give its path in PUBLIC_PATHS"
            paths.append(rule.rule)
        else:
            expected = EXPECTATIONS.get(("GET", rule.rule))
            assert expected is not None, f"GET {rule.rule} has no line in test_access_matrix.EXPECTATIONS"
            paths.append(path_of(rule.rule, expected, world))
    return paths


@pytest.fixture
def world(server_app, live_server):
    with server_app.app_context():
        made = seed_world(xss_text)
        db.session.remove()
    return made


def test_no_typed_text_runs_on_any_page(browser, live_server, server_app, world, sealing_key_folder):
    paths = page_paths(server_app, world)
    assert len(paths) >= 25, paths
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800}, service_workers="block")
    context.add_init_script(WATCH_FOR_CSP)
    dialogs = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
    try:
        sign_in(page, ADMIN, PASSWORD)
        assert page.url.endswith("/home"), page.url
        wrong, shown_on = [], {field: [] for field in world["texts"]}
        for path in paths:
            reply = page.goto(path)
            if reply.status != 200:
                wrong.append(f"{path}: {reply.status}")
                continue
            found = page.evaluate(INJECTED)
            if found["found"] or found["violations"]:
                wrong.append(f"{path}: injected {found['found']}, blocked by CSP {found['violations']}")
            text = re.sub(r"\s+", " ", found["text"])
            for field, stored in world["texts"].items():
                # The audit log shows each row's detail as JSON: the text in its quoted form there.
                if stored in text or json.dumps(stored)[1:-1] in text:
                    shown_on[field].append(path)
        never_shown = sorted(field for field, where in shown_on.items() if not where)
        assert not wrong, "\n".join(wrong)
        assert not dialogs, dialogs
        assert not never_shown, f"typed text never shown whole as text on any page: {never_shown}"
        stored = sum(text.count(payload) for text in world["texts"].values() for payload in XSS)
        tally("stored XSS", attacks=stored * len(paths), pages=len(paths), fields=len(world["texts"]), dialogs=len(dialogs))
    finally:
        context.close()
