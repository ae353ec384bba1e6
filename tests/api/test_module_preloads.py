"""A survey page names every script module its scripts import in
<link rel="modulepreload">, so that a phone on a slow network asks for them
all at once instead of one level of imports per round trip
(bench/first_question.py measured 0.3 s off the first usable question)."""

from __future__ import annotations

import re

MODULE_SCRIPT = re.compile(r'<script type="module" src="([^"]+)"')
PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)"')
IMPORTED = re.compile(r'(?:\bfrom|^import)\s*"\./([\w-]+\.js)"', re.MULTILINE)


def imports_of(client, url: str) -> set[str]:
    script = client.get(url)
    assert script.status_code == 200, url
    folder = url.rsplit("/", 1)[0]
    return {f"{folder}/{name}" for name in IMPORTED.findall(script.get_data(as_text=True))}


def test_the_survey_page_preloads_every_module_its_scripts_import_and_nothing_else(client, make_invitation):
    page = client.get(f"/s/{make_invitation()}").get_data(as_text=True)
    entries = MODULE_SCRIPT.findall(page)
    preloaded = PRELOAD.findall(page)

    needed: set[str] = set()
    pending = list(entries)
    while pending:
        for imported in imports_of(client, pending.pop()) - needed:
            needed.add(imported)
            pending.append(imported)

    assert {url.rsplit("/", 1)[1] for url in entries} == {"app.js", "survey.js"}
    assert len(needed) >= 5  # outbox, kept pages, names, status, strings ...
    assert sorted(preloaded) == sorted(needed - set(entries))
    assert len(preloaded) == len(set(preloaded))
