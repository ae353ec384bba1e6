"""A form that gives a recorded audio file plays it for read-aloud, and the
recording is kept on the device for offline use with its page."""

from __future__ import annotations

import wave
from datetime import date

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from pace_forms.extensions import db
from pace_forms.invitations.services import (
    create_invitation,
    find_or_create_area,
    find_or_create_child,
    find_or_create_review,
)
from tests.browser.conftest import PHONE, LiveServer
from tests.conftest import make_test_app

FORM = """
key: sound-check
version: 1
title: A form with a recording
audience: child-8-11
locale: en-GB
questions:
  - key: listened_to
    type: faces
    faces: 3
    text: Did the grown-ups listen to you?
    audio: en/listened.wav
    measure: {code: HEARD, positive: [3]}
"""


def write_recording(path) -> None:
    """Half a second of quiet, as a real WAV file."""
    path.parent.mkdir(parents=True)
    with wave.open(str(path), "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\0\0" * 4000)


@pytest.fixture
def audio_server(tmp_path):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "sound-check.yaml").write_text(FORM)
    write_recording(tmp_path / "audio" / "en" / "listened.wav")
    app = make_test_app(
        f"sqlite:///{tmp_path / 'audio.sqlite'}",
        TESTING=False,
        FORMS_DIR=str(tmp_path / "forms"),
        AUDIO_DIR=str(tmp_path / "audio"),
    )
    with app.app_context():
        upgrade()
        from pace_forms.surveys.catalogue import publish_form_versions

        publish_form_versions()
        area = find_or_create_area("SND")
        review = find_or_create_review(find_or_create_child(area, "S-1", "8-11"), date(2026, 11, 20))
        token = create_invitation(review, "child-8-11", "sound-check", valid_days=28).token
        db.session.commit()
    server = LiveServer(app)
    server.start()
    yield server, f"/s/{token}"
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_read_aloud_plays_the_forms_recording_also_offline(browser, audio_server):
    server, path = audio_server
    context = browser.new_context(base_url=server.url, viewport=PHONE, service_workers="allow")
    page = context.new_page()
    page.goto(path)
    expect(page.locator("html[data-offline-ready='true']")).to_have_count(1, timeout=15000)
    server.stop()
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("A form with a recording")
    page.get_by_role("button", name="Read aloud").click()
    # The recording, loaded from the device's cache, is playing.
    expect(page.locator("html")).to_have_attribute("data-read-aloud", "no-voice")
    # Every question has a recording, so no voice is no problem here.
    expect(page.locator("#no-voice-notice")).to_be_hidden()
    playing = page.evaluate(
        """() => new Promise((resolve) => {
            const audio = document.getElementById("audio-listened_to");
            if (!audio.paused) resolve(true);
            audio.addEventListener("playing", () => resolve(true), { once: true });
            audio.addEventListener("error", () => resolve(false), { once: true });
            setTimeout(() => resolve(!audio.paused), 3000);
        })"""
    )
    assert playing is True
    context.close()
