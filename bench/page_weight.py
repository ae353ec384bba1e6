"""What a phone downloads the first time it opens a survey link.

Starts the app on a free loopback port with a throwaway SQLite database, makes
an invitation for each form, opens each survey page in Chromium at 360 px with
a fresh profile, waits until the service worker is in charge and the page is
kept for offline use, and counts every reply that reached the browser from the
server: a WSGI middleware in front of the app sees each request whoever made
it (the page, the service worker's precache, the page keeping itself), as a
proxy would; what the browser's own HTTP cache answered never reaches it.
`Sec-Fetch-Dest` says what asked: document, style, script, image, empty (a
script's fetch: the precache and the page kept offline), serviceworker.

Prints raw and gzip -9 bytes per request and in total, against the budgets
of a first load set in issue 6: 30 KB for the parent form, 60 KB for the
child 4-7 form (the other forms are printed for comparison).

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import gzip
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import chromium_path, serving, survey_app  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from pace_forms.extensions import db  # noqa: E402
from pace_forms.invitations.services import find_or_create_area  # noqa: E402
from pace_forms.models import utc_now  # noqa: E402
from pace_forms.notes.services import MAX_PART_LENGTH, publish_note  # noqa: E402

KB = 1000
BUDGETS = {"parent-review": 30 * KB, "child-4-7-review": 60 * KB}
# The area's "you said, we did" travels in every survey page: measured at its
# longest (each part cut to MAX_PART_LENGTH characters), in varied sentences.
NOTE_YOU_SAID = (
    "Parents and carers told us that the letters we sent before a review were long and hard to follow. "
    "Some of you did not know who would be at the meeting, or why. Children said they wanted more time "
    "to say what they think, and a few said nobody asked them at all. Workers said meetings often started "
    "late and ran over. Many of you found it hard to get to the office in the morning, and some had to "
    "take time off work. Young people asked for a say in where the meeting happens. Carers asked to see "
    "the plan before the meeting, not on the day, so that they could talk it over with the child first. "
    "A few of you said the room was too small for everyone."
)
NOTE_WE_DID = (
    "We rewrote every review letter with a group of parents, in short sentences, and each letter now says "
    "who will be there and why. Every child is now asked, before the meeting, how they want to give their "
    "views: in person, in writing, with drawings or through someone they trust. Meetings start on time and "
    "we keep them to an hour. You can now choose a morning or an afternoon, and the meeting can be held "
    "nearer home, at a school or a family centre. Carers get the plan a week before. Young people can ask "
    "to meet somewhere they choose. We booked bigger rooms. We will ask you again next year whether these "
    "changes helped, and tell you what we find."
)


def longest_part(words: str) -> str:
    return words if len(words) <= MAX_PART_LENGTH else words[: words.rfind(" ", 0, MAX_PART_LENGTH)]


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="pace-bench-"))
    app, paths = survey_app(workdir, "bench-" * 8)
    with app.app_context():
        publish_note(find_or_create_area("BENCH"), longest_part(NOTE_YOU_SAID), longest_part(NOTE_WE_DID), by=None, now=utc_now())
        db.session.commit()
    log = TransferLog(app.wsgi_app)
    app.wsgi_app = log
    try:
        with serving(app) as port, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            totals = {}
            for key, path in sorted(paths.items()):
                context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="allow")
                log.transfers.clear()
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}{path}")
                page.locator("html[data-offline-ready='true']").wait_for(state="attached", timeout=15000)
                page.wait_for_load_state("networkidle")
                totals[key] = report(key, list(log.transfers), BUDGETS.get(key))
                context.close()
            summarise(totals)
            browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


class TransferLog:
    """WSGI middleware: what the server really sent, request by request (a
    304 revalidation sends no body), and what asked for it."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.transfers: list[tuple[str, str, int, bytes]] = []

    def __call__(self, environ, start_response):
        seen = {}

        def recording_start(status, headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        body = b"".join(self.wsgi_app(environ, recording_start))
        asked_by = environ.get("HTTP_SEC_FETCH_DEST", "?")
        self.transfers.append((environ["PATH_INFO"], asked_by, seen["status"], body))
        return [body]


def report(key: str, transfers: list[tuple[str, str, int, bytes]], budget: int | None) -> tuple[int, int, int]:
    print(f"\n{key}: first load at 360 px, counted at the server (page and service worker)")
    print(f"  {'resource':<44} {'asked by':<14} {'status':>6} {'raw':>9} {'gzip -9':>9}")
    total_raw = total_gzip = 0
    for path, asked_by, status, body in transfers:
        name = re.sub(r"^/static/[0-9a-f]{12}/", "/static/<v>/", path if not path.startswith("/s/") else "/s/<token>")
        packed = len(gzip.compress(body, 9)) if body else 0
        total_raw += len(body)
        total_gzip += packed
        print(f"  {name:<44} {asked_by:<14} {status:>6} {len(body):>9,} {packed:>9,}")
    print(f"  {'total (' + str(len(transfers)) + ' requests)':<44} {'':<14} {'':>6} {total_raw:>9,} {total_gzip:>9,}")
    if budget:
        print(f"  gzip total {total_gzip / KB:.1f} KB of a {budget // KB} KB budget: {total_gzip / budget:.2f}")
    return len(transfers), total_raw, total_gzip


def summarise(totals: dict[str, tuple[int, int, int]]) -> None:
    print("\n| form | requests | raw bytes | gzip -9 bytes | budget | share of budget |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for key, (requests, raw, packed) in totals.items():
        budget = BUDGETS.get(key)
        share = f"{packed / budget:.2f}{'' if packed <= budget else ' OVER'}" if budget else ""
        print(f"| {key} | {requests} | {raw:,} | {packed:,} | {f'{budget // KB} KB' if budget else ''} | {share} |")


if __name__ == "__main__":
    main()
