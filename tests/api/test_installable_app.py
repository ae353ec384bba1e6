"""What lets a phone or tablet install the app and open a form with no
signal: the web app manifest, its icons, and the service worker's list of
files to keep (every picture included, so any form's pictures show offline)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pace_forms.config import PROJECT_ROOT

PICTURES = sorted((PROJECT_ROOT / "static" / "pictures").glob("*.svg"))


def fetch(client, url: str):
    """GET and read a reply, closing it (a static file reply holds the file open)."""
    reply = client.get(url)
    reply.get_data()
    reply.close()
    return reply


def manifest(client) -> dict:
    reply = client.get("/manifest.webmanifest")
    assert reply.status_code == 200
    assert reply.mimetype == "application/manifest+json"
    return json.loads(reply.get_data(as_text=True))


def test_the_manifest_names_the_app_and_opens_it_standalone(client):
    body = manifest(client)

    assert body["name"]
    assert body["short_name"]
    assert len(body["short_name"]) <= 12  # fits under an icon on a home screen
    assert body["display"] == "standalone"
    assert body["start_url"] == "/"
    assert fetch(client, body["start_url"]).status_code == 200


def test_the_manifest_has_192_and_512_pixel_png_icons_and_a_maskable_one(client):
    icons = manifest(client)["icons"]

    pngs = {icon["sizes"] for icon in icons if icon.get("type") == "image/png"}
    assert {"192x192", "512x512"} <= pngs
    maskable = [icon for icon in icons if "maskable" in icon.get("purpose", "").split()]
    assert len(maskable) == 1
    assert maskable[0]["type"] == "image/png"


def test_every_icon_in_the_manifest_can_be_fetched_as_what_it_says(client):
    for icon in manifest(client)["icons"]:
        reply = fetch(client, icon["src"])
        assert reply.status_code == 200, icon["src"]
        assert reply.mimetype == icon["type"], icon["src"]


def test_each_png_icon_is_the_size_the_manifest_says(client):
    for icon in manifest(client)["icons"]:
        if icon["type"] != "image/png":
            continue
        reply = client.get(icon["src"])
        data = reply.get_data()
        reply.close()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", icon["src"]
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"], icon["src"]


def test_pages_link_the_manifest(client):
    body = client.get("/").get_data(as_text=True)

    assert re.search(r'<link rel="manifest" href="/manifest.webmanifest"', body)


def precache(client) -> list[dict[str, str]]:
    reply = client.get("/sw.js")
    assert reply.status_code == 200
    assert reply.mimetype == "text/javascript"
    match = re.search(r"^const PRECACHE = (.*);$", reply.get_data(as_text=True), re.MULTILINE)
    assert match, "the service worker has no PRECACHE list"
    return json.loads(match.group(1))


def test_there_are_pictures_to_keep():
    assert len(PICTURES) >= 10
    assert {"tick", "question", "cross"} <= {path.stem for path in PICTURES}


def test_the_service_worker_keeps_every_picture_for_offline_use(client):
    urls = [entry["url"] for entry in precache(client)]

    missing = [path.name for path in PICTURES if f"/static/pictures/{path.name}" not in urls]
    assert missing == [], f"not kept for offline use: {missing}"


def test_the_service_worker_keeps_the_scripts_of_the_pictorial_forms_and_the_icons(client):
    urls = {entry["url"] for entry in precache(client)}

    for name in ("js/picture-sort.js", "js/read-aloud.js", "js/strings.js", "js/survey.js", "icons/icon-192.png", "icons/icon-512.png"):
        assert f"/static/{name}" in urls, name
    for icon in manifest(client)["icons"]:
        assert icon["src"] in urls, icon["src"]


def test_every_file_the_service_worker_keeps_can_be_fetched(client):
    for entry in precache(client):
        assert fetch(client, entry["url"]).status_code == 200, entry["url"]
        assert re.fullmatch(r"[0-9a-f]{16}", entry["revision"]), entry


def test_a_picture_changes_the_service_worker_version(client, app, tmp_path, monkeypatch):
    before = re.search(r'^const VERSION = "([0-9a-f]+)";$', client.get("/sw.js").get_data(as_text=True), re.MULTILINE)
    static = tmp_path / "static"
    (static / "pictures").mkdir(parents=True)
    for path in (PROJECT_ROOT / "static").rglob("*"):
        if path.is_file():
            target = static / path.relative_to(PROJECT_ROOT / "static")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (static / "pictures" / "new-picture.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    monkeypatch.setattr(app, "static_folder", str(static))

    after_text = client.get("/sw.js").get_data(as_text=True)

    after = re.search(r'^const VERSION = "([0-9a-f]+)";$', after_text, re.MULTILINE)
    assert before and after
    assert before.group(1) != after.group(1)
    assert "/static/pictures/new-picture.svg" in after_text
    assert Path(static / "pictures" / "new-picture.svg").is_file()
