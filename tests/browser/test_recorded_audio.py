"""A form that gives a recorded audio file plays it for read-aloud, and the
recording is kept on the device for offline use with its page."""

from __future__ import annotations

import wave

from playwright.sync_api import expect

from tests.browser.conftest import PHONE

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
        recording.writeframes(b"\\0\\0" * 4000)


def test_read_aloud_plays_the_forms_recording_also_offline(browser, custom_form_server):
    server, path = custom_form_server(FORM, audio={"en/listened.wav": write_recording})
    context = browser.new_context(base_url=server.url, viewport=PHONE, service_workers="allow")
    page = context.new_page()
    page.goto(path)
    expect(page.locator("html[data-offline-ready='true']")).to_have_count(1, timeout=15000)
    server.stop()
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("A form with a recording")
    page.get_by_role("button", name="Read aloud").click()
    expect(page.locator("html")).to_have_attribute("data-read-aloud", "no-voice")
    # Every question has a recording, so no voice is no problem here.
    expect(page.locator("#no-voice-notice")).to_be_hidden()
    # The recording, loaded from the device's cache, is playing.
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
