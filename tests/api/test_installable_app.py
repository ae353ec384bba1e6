"""What lets a phone or tablet install the app and open a form with no
signal: the web app manifest, its icons, the service worker's list of files
to keep (built from the files: every script and stylesheet), and the app
shell served as one version."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pace_forms.config import PROJECT_ROOT
from pace_forms.forms.question_types import QUESTION_TYPES
from pace_forms.offline.shell import KIOSK_SCRIPT, ON_DEMAND_SCRIPTS

STATIC = PROJECT_ROOT / "static"
PICTURES = sorted((STATIC / "pictures").glob("*.svg"))


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


def precache(client) -> list[str]:
    reply = client.get("/sw.js")
    assert reply.status_code == 200
    assert reply.mimetype == "text/javascript"
    match = re.search(r"^const PRECACHE = (.*);$", reply.get_data(as_text=True), re.MULTILINE)
    assert match, "the service worker has no PRECACHE list"
    return json.loads(match.group(1))


def shell_version_in(text: str) -> set[str]:
    return set(re.findall(r"/static/([0-9a-f]{12})/", text))


def test_there_are_pictures_to_keep():
    assert len(PICTURES) >= 10
    assert {"tick", "question", "cross"} <= {path.stem for path in PICTURES}


def test_the_service_worker_keeps_every_shell_script_and_stylesheet_and_the_offline_page(client):
    """Every page's scripts and styles up front; a question type's own script
    (the picture sort's) is kept with the pages that use it, so a parent's
    phone never downloads it; nor does it download seal.js, which only kiosk
    mode imports, or remind.js, asked for online (each kept when first fetched), or kiosk mode's own script (kept
    by the meeting page that loads it); the staff pages' files (static/staff/)
    are never used offline, so never precached."""
    urls = precache(client)
    [version] = shell_version_in(" ".join(urls))
    question_scripts = {kind.script for kind in QUESTION_TYPES.values() if kind.script}

    on_disk = sorted(path.relative_to(STATIC).as_posix() for path in STATIC.rglob("*") if path.suffix in (".js", ".css"))
    assert on_disk and question_scripts <= set(on_disk)
    for name in on_disk:
        expected = name not in {*question_scripts, KIOSK_SCRIPT, *ON_DEMAND_SCRIPTS} and not name.startswith("staff/")
        assert (f"/static/{version}/{name}" in urls) == expected, name
    assert "/offline" in urls


def test_the_service_worker_keeps_no_install_icons_and_no_pictures_up_front(client):
    """Icons are fetched by the browser from the manifest; pictures are kept
    with the pages that show them. A first load stays small."""
    urls = precache(client)

    assert not [url for url in urls if url.endswith((".png", ".svg"))]
    for icon in manifest(client)["icons"]:
        assert icon["src"] not in urls, icon["src"]


def test_every_file_the_service_worker_keeps_can_be_fetched(client):
    for url in precache(client):
        assert fetch(client, url).status_code == 200, url


def test_a_page_and_its_assets_are_one_version(client):
    page = client.get("/").get_data(as_text=True)
    worker = client.get("/sw.js").get_data(as_text=True)

    assert len(shell_version_in(page)) == 1
    assert shell_version_in(worker) == shell_version_in(page)
    # The worker's own imports are pinned to that version too.
    assert re.findall(r'from\s*"(/static/[^"]+)"', worker)
    assert all(shell_version_in(url) == shell_version_in(page) for url in re.findall(r'from\s*"(/static/[^"]+)"', worker))


def test_only_this_versions_files_are_served_under_a_version_and_for_good(client):
    [version] = shell_version_in(client.get("/").get_data(as_text=True))

    reply = fetch(client, f"/static/{version}/js/app.js")
    assert reply.status_code == 200
    assert "immutable" in reply.headers["Cache-Control"]
    assert fetch(client, "/static/0123456789ab/js/app.js").status_code == 404


def test_a_picture_changes_the_version(client, app, tmp_path, monkeypatch):
    before = shell_version_in(client.get("/sw.js").get_data(as_text=True))
    static = tmp_path / "static"
    (static / "pictures").mkdir(parents=True)
    for path in STATIC.rglob("*"):
        if path.is_file():
            target = static / path.relative_to(STATIC)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (static / "pictures" / "new-picture.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    monkeypatch.setattr(app, "static_folder", str(static))

    after = shell_version_in(client.get("/sw.js").get_data(as_text=True))

    assert len(before) == len(after) == 1
    assert before != after
    assert shell_version_in(client.get("/").get_data(as_text=True)) == after
    assert Path(static / "pictures" / "new-picture.svg").is_file()


def test_scripts_and_styles_are_served_minified_and_still_revalidate(client):
    """Served without comments (a third less to download on a phone); a
    second ask with the ETag is a 304, as the service worker's are."""
    from pace_forms.offline.shell import shell_version

    with client.application.app_context():
        version = shell_version()
    source = (STATIC / "js" / "outbox.js").read_text(encoding="utf-8")
    served = client.get(f"/static/{version}/js/outbox.js")
    assert served.status_code == 200 and served.mimetype == "text/javascript"
    assert "//" in source and len(served.data) < 0.8 * len(source.encode())
    assert "export" in served.get_data(as_text=True)
    again = client.get(f"/static/{version}/js/outbox.js", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304
    css = client.get(f"/static/{version}/css/app.css")
    assert css.mimetype == "text/css" and b"/*" not in css.data
    assert client.get(f"/static/{version}/js/../../pace_forms/config.py").status_code == 404
