"""Time to the first usable question on a cheap phone on a slow network
(issue 12, point 11): our parent and child 4-7 forms against a SurveyJS 2.5
page with the parent form's questions, in the same run.

    .venv/bin/python bench/first_question.py [--loads 3] [--no-surveyjs] [--forms parent-review child-4-7-review] [--http1 | --h2]

Chromium (Playwright) at 360 px, each load cold: a fresh browser context (no
cache, no cookies, service workers blocked). Through the DevTools protocol:
a slow 3G network (Network.emulateNetworkConditions: 400 kbps down and up,
400 ms round trip) and a 4x slower CPU (Emulation.setCPUThrottlingRate).
Everything is served on loopback behind a gzip layer (level 6, as a
production proxy compresses text, scripts, styles and SVG), so the bytes on
the throttled wire are what a phone would download, by two servers:
- as deployed: HTTP/2 over TLS (hypercorn serving the WSGI app; a throwaway
  self-signed certificate that Chromium is told to trust by its key's hash):
  one connection, compressed headers;
- HTTP/1.1 without TLS (werkzeug's threaded server, like the dev server):
  at most six connections to the host, every header in full.
By default our forms are loaded over both (side by side in one table) and
SurveyJS over HTTP/2 only; --http1 or --h2 keeps to one. Each load checks
which protocol the page really came over.

"First usable question": milliseconds from the start of navigation
(performance.now() in the page) until
- ours: survey.js has set up the one-question-a-screen form (`form.is-stepped`,
  added with the first step shown) and the first shown question's answer
  controls are visible, enabled and have a label with a size;
- SurveyJS: its first question's answer inputs are rendered, visible and
  enabled, the same test.
Checked every animation frame. Prints each load and the median.

SurveyJS is installed at run time with npm (survey-core@2.5,
survey-js-ui@2.5, npm's configured registry) into the user's cache folder
(PACE_BENCH_CACHE, else $XDG_CACHE_HOME or ~/.cache, pace-forms-bench/), not
into the project. Its page loads the two UMD bundles and the default CSS from
<head>, as SurveyJS's own "get started" page does, and renders the parent
form's questions, converted from the form definition (scales as radio
groups with the same five words, choices, the comment), one question a page.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import ipaddress
import json
import mimetypes
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Gzip, chromium_path, free_port, serving, survey_app  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

FORMS = ("parent-review", "child-4-7-review")
SURVEYJS_PACKAGES = ("survey-core@2.5", "survey-js-ui@2.5")
SURVEYJS_PATH = "/surveyjs/"
KBPS = 400
RTT_MS = 400
CPU_SLOWDOWN = 4
TARGET_MS = 1000
# Server (label, URL scheme, what the page's navigation timing must say it came over).
H2, HTTP1 = ("HTTP/2 + TLS", "https", "h2"), ("HTTP/1.1", "http", "http/1.1")

# In the page: is this answer control shown, enabled, with a label to tap?
USABLE_JS = """
(control) => !control.disabled && control.checkVisibility({visibilityProperty: true, opacityProperty: false}) &&
  [...(control.labels || [])].concat(control.closest('label') || []).some((label) => {
    const box = label.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  })
"""
OURS_READY = f"""() => {{
  const usable = {USABLE_JS};
  const form = document.querySelector('form.survey.is-stepped');
  const first = form && [...form.querySelectorAll('fieldset.question')].find((fieldset) => !fieldset.hidden);
  const controls = first ? [...first.querySelectorAll('input:not([type=hidden]), textarea, select')] : [];
  return controls.length > 0 && controls.every(usable) ? performance.now() : false;
}}"""
SURVEYJS_READY = f"""() => {{
  const usable = {USABLE_JS};
  const first = document.querySelector('.sd-question');
  const controls = first ? [...first.querySelectorAll('input:not([type=hidden]), textarea, select')] : [];
  return controls.length > 0 && controls.every(usable) ? performance.now() : false;
}}"""


def cache_folder() -> Path:
    base = os.environ.get("PACE_BENCH_CACHE") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pace-forms-bench" / "surveyjs-2.5"


def install_surveyjs() -> Path:
    """node_modules with survey-core and survey-js-ui 2.5, installed once into the cache folder."""
    folder = cache_folder()
    modules = folder / "node_modules"
    if not all((modules / name.split("@")[0] / "package.json").exists() for name in SURVEYJS_PACKAGES):
        folder.mkdir(parents=True, exist_ok=True)
        npm = shutil.which("npm")
        if not npm:
            raise SystemExit("npm is needed for the SurveyJS page (or run with --no-surveyjs)")
        subprocess.run([npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--silent", *SURVEYJS_PACKAGES], check=True, timeout=600)
    return modules


def surveyjs_json(form) -> dict:
    """The form's questions in SurveyJS's JSON: one question a page, as ours."""
    elements = []
    for question in form.questions:
        element = {"name": question.key, "title": question.text}
        if question.spec.get("hint"):
            element["description"] = question.spec["hint"]
        if question.type == "text":
            element.update(type="comment", maxLength=question.spec.get("max_length", 2000))
        else:
            element.update(type="radiogroup", choices=[{"value": option.value, "text": option.label} for option in question.options()])
        elements.append(element)
    return {"title": form.title, "description": form.intro or "", "questionsOnPageMode": "questionPerPage", "pages": [{"elements": elements}]}


def surveyjs_page(form) -> bytes:
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{form.title}</title>
  <link rel="stylesheet" href="{SURVEYJS_PATH}survey-core/survey-core.min.css">
  <script src="{SURVEYJS_PATH}survey-core/survey.core.min.js"></script>
  <script src="{SURVEYJS_PATH}survey-js-ui/survey-js-ui.min.js"></script>
</head>
<body>
  <div id="survey"></div>
  <script>
    const survey = new Survey.Model({json.dumps(surveyjs_json(form))});
    SurveyUI.renderSurvey(survey, document.getElementById("survey"));
  </script>
</body>
</html>
""".encode()


class WithSurveyJS:
    """WSGI: /surveyjs/ from the npm folder (and its page at /surveyjs/page.html); the rest to the app."""

    def __init__(self, wsgi_app, modules: Path, page: bytes):
        self.wsgi_app, self.modules, self.page = wsgi_app, modules.resolve(), page

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if not path.startswith(SURVEYJS_PATH):
            return self.wsgi_app(environ, start_response)
        if path == f"{SURVEYJS_PATH}page.html":
            body, kind = self.page, "text/html; charset=utf-8"
        else:
            file = (self.modules / path[len(SURVEYJS_PATH) :]).resolve()
            if self.modules not in file.parents or not file.is_file():
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"not found"]
            body, kind = file.read_bytes(), mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]


def self_signed(folder: Path) -> tuple[Path, Path, str]:
    """A throwaway certificate for 127.0.0.1 (EC P-256, valid a day) and its
    key, in `folder`, and the base64 SHA-256 of its public key, which Chromium
    is told to trust (--ignore-certificate-errors-spki-list)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .sign(key, hashes.SHA256()))
    certfile, keyfile = folder / "bench-cert.pem", folder / "bench-key.pem"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return certfile, keyfile, base64.b64encode(hashlib.sha256(spki).digest()).decode()


@contextmanager
def serving_h2(wsgi_app, certfile: Path, keyfile: Path) -> Iterator[int]:
    """hypercorn serving `wsgi_app` over TLS (HTTP/2 by ALPN, HTTP/1.1 else) on
    a free loopback port, in a thread with its own event loop; stopped on
    leaving (even on failure)."""
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    port = free_port()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.certfile, config.keyfile = str(certfile), str(keyfile)
    config.alpn_protocols = ["h2", "http/1.1"]
    config.accesslog = config.errorlog = None
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    failed: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(serve(wsgi_app, config, mode="wsgi", shutdown_trigger=stop.wait))
        except BaseException as error:  # noqa: BLE001 - reported to the caller below
            failed.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not failed and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise SystemExit(f"hypercorn did not start on port {port}: {failed or 'timed out'}")
        yield port
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()


def cold_load(browser, url: str, ready: str, throttled: bool = True) -> tuple[float, int, set[str]]:
    """Milliseconds from navigation to the first usable question on a fresh,
    throttled context, the bytes that crossed the (compressed) wire, and the
    protocols the page and its resources came over."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    try:
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        devtools.send("Network.enable")
        if throttled:
            bytes_per_second = KBPS * 1000 / 8
            devtools.send("Network.emulateNetworkConditions",
                          {"offline": False, "latency": RTT_MS, "downloadThroughput": bytes_per_second, "uploadThroughput": bytes_per_second})
            devtools.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        received = []
        devtools.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
        page.goto(url, wait_until="commit", timeout=120_000)
        milliseconds = page.wait_for_function(ready, polling="raf", timeout=120_000).json_value()
        protocols = page.evaluate("() => [...new Set([...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]"
                                  ".filter((entry) => entry.name.startsWith(location.origin + '/')).map((entry) => entry.nextHopProtocol))]")
        return float(milliseconds), int(sum(received)), set(protocols)
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=3, help="cold loads per page; the median is reported (default 3)")
    parser.add_argument("--no-surveyjs", action="store_true", help="measure our forms only (no npm install)")
    parser.add_argument("--forms", nargs="+", choices=FORMS, default=list(FORMS), help="our forms to load (default both)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--http1", action="store_true", help="over HTTP/1.1 only (no TLS), SurveyJS too")
    only.add_argument("--h2", action="store_true", help="over HTTP/2 + TLS only")
    options = parser.parse_args()
    servers = [HTTP1] if options.http1 else [H2] if options.h2 else [H2, HTTP1]
    modules = None if options.no_surveyjs else install_surveyjs()
    workdir = Path(tempfile.mkdtemp(prefix="pace-bench-"))
    try:
        app, paths = survey_app(workdir, "bench-" * 8)
        with app.app_context():
            from pace_forms.forms.catalogue import current_forms

            parent = current_forms()["parent-review"]
            page = surveyjs_page(parent) if modules else b""
        app.wsgi_app = Gzip(WithSurveyJS(app.wsgi_app, modules, page) if modules else app.wsgi_app)
        # (name, server, path, ready): ours over every server; SurveyJS over the first (as deployed, unless --http1).
        pages = [(f"{key}, {server[0]}", server, paths[key], OURS_READY) for server in servers for key in options.forms]
        if modules:
            pages.append((f"SurveyJS 2.5, parent questions, {servers[0][0]}", servers[0], f"{SURVEYJS_PATH}page.html", SURVEYJS_READY))
        certfile, keyfile, spki = self_signed(workdir)
        print(f"Chromium, 360 px, cold loads; {KBPS} kbps each way, {RTT_MS} ms round trip, CPU {CPU_SLOWDOWN}x slower; gzip in front;"
              f" served over {' and '.join(server[0] for server in servers)}")
        results = {}
        with ExitStack() as running, sync_playwright() as playwright:
            ports = {HTTP1: running.enter_context(serving(app)) if HTTP1 in servers else None,
                     H2: running.enter_context(serving_h2(app, certfile, keyfile)) if H2 in servers else None}
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", f"--ignore-certificate-errors-spki-list={spki}"])
            try:

                def load(name, server, path, ready, throttled=True):
                    label, scheme, protocol = server
                    milliseconds, wire, protocols = cold_load(browser, f"{scheme}://127.0.0.1:{ports[server]}{path}", ready, throttled)
                    if protocols != {protocol}:
                        raise SystemExit(f"{name}: expected every request over {protocol}, the page says {sorted(protocols)}")
                    return milliseconds, wire

                # An app in use: templates compiled, scripts minified (one load of each page, not counted).
                for name, server, path, ready in pages:
                    if server == servers[0]:
                        load(name, server, path, ready, throttled=False)
                # Loads take turns across the pages and servers, so that each meets the same machine load.
                for _ in range(options.loads):
                    for name, server, path, ready in pages:
                        started = time.perf_counter()
                        milliseconds, wire = load(name, server, path, ready)
                        results.setdefault(name, []).append((milliseconds, wire))
                        print(f"  {name:<48} {milliseconds:>8.0f} ms  {wire:>9,} bytes on the wire  ({time.perf_counter() - started:.1f} s)")
            finally:
                browser.close()
        summarise(results)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def summarise(results: dict[str, list[tuple[float, int]]]) -> None:
    medians = {name: statistics.median(ms for ms, _ in loads) for name, loads in results.items()}
    # Against our parent form as deployed (the first server it was loaded over).
    ours = next((median for name, median in medians.items() if name.startswith("parent-review")), next(iter(medians.values())))
    print(f"\n| page | loads (ms) | median (ms) | bytes on the wire | x parent form | target {TARGET_MS} ms |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for name, loads in results.items():
        target = ("met" if medians[name] <= TARGET_MS else "missed") if not name.startswith("SurveyJS") else ""
        print(f"| {name} | {', '.join(f'{ms:.0f}' for ms, _ in loads)} | {medians[name]:.0f} | {statistics.median(wire for _, wire in loads):,.0f} |"
              f" {medians[name] / ours:.2f} | {target} |")


if __name__ == "__main__":
    main()
