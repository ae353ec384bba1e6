""""You said, we did" (issue 10, point 7): a consultant publishes a note for
their area, with its errors in words beside the fields and a preview;
respondents of that area see the latest shown note on the thank-you page and
every area's on the home page, as text; withdrawing one brings back the one
before it. Another area's consultant gets 404 (audited), a worker 403."""

from __future__ import annotations

import html
import re

import pytest

from pace_forms.demo import DEMO_NOTE_WE_DID, DEMO_NOTE_YOU_SAID, seed_demo
from pace_forms.extensions import db
from pace_forms.models import AreaNote, AuditEvent
from pace_forms.notes.services import MAX_PART_LENGTH
from tests.api.pages import hidden_field, page_text
from tests.api.test_survey_page import form_fields
from tests.api.test_timescale_pages import signed_in

SAID = "Parents told us the review letters were hard to follow."
DID = "We rewrote the letters with parents, in short sentences."


@pytest.fixture
def people(fife_and_angus):
    """FIFE and ANGUS, a consultant of each and a worker of FIFE."""
    return fife_and_angus


def publish(client, you_said: str = SAID, we_did: str = DID, *, action: str = "publish", code: str = "FIFE"):
    token = hidden_field(client.get("/home"), "csrf_token")
    return client.post(f"/areas/{code}/notes", data={"you_said": you_said, "we_did": we_did, "action": action, "csrf_token": token})


def withdraw(client, note_id: int, code: str = "FIFE"):
    token = hidden_field(client.get("/home"), "csrf_token")
    return client.post(f"/areas/{code}/notes/{note_id}/withdraw", data={"csrf_token": token})


def stored_notes(app) -> list[tuple[int, str, str, bool]]:
    with app.app_context():
        rows = db.session.execute(db.select(AreaNote).order_by(AreaNote.id)).scalars().all()
        found = [(row.id, row.you_said, row.we_did, row.withdrawn_at is None) for row in rows]
        db.session.remove()
        return found


def audit_rows(app, prefix: str) -> list[tuple[str, str | None, str | None, str | None, dict]]:
    with app.app_context():
        rows = db.session.execute(
            db.select(AuditEvent.action, AuditEvent.actor, AuditEvent.area_code, AuditEvent.subject, AuditEvent.detail)
            .where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)
        ).all()
        db.session.remove()
        return [tuple(row) for row in rows]


@pytest.fixture
def thank_you_page(app, make_invitation):
    """thank_you_page(code="FIFE", lang=None) -> the thank-you page after a
    parent of that area answers by a plain post (no JavaScript)."""

    def answer(code: str = "FIFE", lang: str | None = None):
        client = app.test_client()
        token = make_invitation(area=code)
        query = f"?lang={lang}" if lang else ""
        page = client.get(f"/s/{token}{query}")
        fields = form_fields(page)
        if lang:
            fields["lang"] = lang
        sent = client.post(f"/s/{token}", data=fields)
        assert sent.status_code == 303, page_text(sent)
        return client.get(sent.headers["Location"])

    return answer


def test_a_consultant_publishes_a_note_and_parents_see_it_after_answering(app, people, client, thank_you_page):
    consultant = signed_in(app, "fife@example.org")
    page = consultant.get("/areas/FIFE/notes")
    assert page.status_code == 200
    text = page_text(page)
    assert "on the thank-you page after they answer a survey" in text and "on the home page of these surveys" in text
    assert "No note: the thank-you and home pages show nothing for Fife Council." in text
    assert "You said, we did" not in page_text(client.get("/"))

    reply = publish(consultant)
    assert reply.status_code == 302
    shown = page_text(consultant.get(reply.headers["Location"]))
    assert "The note is published" in shown and "Shown to respondents now." in shown and SAID in shown

    [(note_id, said, did, is_shown)] = stored_notes(app)
    assert (said, did, is_shown) == (SAID, DID, True)
    [(action, actor, area, subject, detail)] = audit_rows(app, "note.")
    assert (action, actor, area, subject) == ("note.published", "fife@example.org", "FIFE", f"area_note {note_id}")
    assert detail["you_said"] == SAID and detail["we_did"] == DID

    thanks = page_text(thank_you_page())
    assert "You said, we did" in thanks and f"You said {SAID} We did {DID}" in thanks
    home = page_text(client.get("/"))
    assert f"Fife Council You said {SAID} We did {DID}" in home
    # Another area's respondents do not see Fife's note on their thank-you page.
    assert SAID not in page_text(thank_you_page("ANGUS"))


def test_the_survey_page_carries_the_note_for_when_answers_are_saved_offline(app, people, client, make_invitation):
    publish(signed_in(app, "fife@example.org"))
    token = make_invitation(area="FIFE")
    body = client.get(f"/s/{token}").get_data(as_text=True)
    # In the page itself, hidden until the answers are saved or sent (survey-outcome.js).
    assert '<section class="notice area-note" id="area-note" hidden>' in body
    assert SAID in body and DID in body


def test_the_headings_are_in_the_pages_language_and_the_note_as_written(app, people, thank_you_page):
    publish(signed_in(app, "fife@example.org"))
    body = thank_you_page(lang="pl").get_data(as_text=True)
    assert "Wasze zdanie i nasze zmiany" in body and "Co zmieniliśmy" in body
    assert f'<p class="note-text" lang="en-GB">{SAID}</p>' in body


@pytest.mark.parametrize(
    ("you_said", "we_did", "field", "words"),
    [
        ("", "", "you_said", 'Write the "You said" part: a note needs both parts.'),
        (SAID, "   \n  ", "we_did", 'Write the "We did" part: a note needs both parts.'),
        ("x" * (MAX_PART_LENGTH + 1), DID, "you_said", f'Keep "You said" to {MAX_PART_LENGTH} characters or fewer; it has {MAX_PART_LENGTH + 1}.'),
        (SAID, "We did\x07 this", "we_did", '"We did" has a hidden control character (U+0007) that cannot be shown'),
        (SAID, "We did \u202ethis", "we_did", "(U+202E)"),
    ],
)
def test_a_note_that_cannot_be_published_says_why_beside_the_field(app, people, you_said, we_did, field, words):
    consultant = signed_in(app, "fife@example.org")
    reply = publish(consultant, you_said, we_did)
    assert reply.status_code == 400
    body = reply.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', body, re.S)
    assert error and words in page_text_of(error.group(1))
    assert 'aria-invalid="true"' in body and "There is a problem" in page_text(reply)
    assert stored_notes(app) == [] and audit_rows(app, "note.") == []


def page_text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def test_a_part_is_kept_with_its_line_breaks_and_no_spaces_at_the_ends(app, people):
    consultant = signed_in(app, "fife@example.org")
    assert publish(consultant, "  First line.  \r\n\r\n\r\n\r\nSecond line.\t ", DID).status_code == 302
    [(_, said, _, _)] = stored_notes(app)
    assert said == "First line.\n\nSecond line."


def test_preview_shows_what_respondents_will_see_and_publishes_nothing(app, people):
    consultant = signed_in(app, "fife@example.org")
    reply = publish(consultant, action="preview")
    assert reply.status_code == 200
    text = page_text(reply)
    assert "Preview: what respondents will see Not published yet." in text
    assert f"You said, we did What people told us after meetings like yours, and what we changed because of it. You said {SAID} We did {DID}" in text
    # What was typed stays in the form, to change or publish.
    assert f">{SAID}</textarea>" in reply.get_data(as_text=True)
    assert stored_notes(app) == [] and audit_rows(app, "note.") == []


def test_the_latest_note_wins_and_withdrawing_it_brings_back_the_one_before(app, people, client, thank_you_page):
    consultant = signed_in(app, "fife@example.org")
    publish(consultant, "Older: we heard meetings ran late.", "Older: we start on time now.")
    publish(consultant)
    [(older_id, *_), (newer_id, *_)] = stored_notes(app)

    thanks, home = page_text(thank_you_page()), page_text(client.get("/"))
    for text in (thanks, home):
        assert SAID in text and "Older:" not in text
    history = page_text(consultant.get("/areas/FIFE/notes"))
    assert "Not shown: a later note took its place." in history

    reply = withdraw(consultant, newer_id)
    assert reply.status_code == 302
    assert "Respondents now see the note published before it." in page_text(consultant.get(reply.headers["Location"]))
    thanks, home = page_text(thank_you_page()), page_text(client.get("/"))
    for text in (thanks, home):
        assert "Older: we heard meetings ran late." in text and SAID not in text

    withdraw(consultant, older_id)
    assert "You said, we did" not in page_text(thank_you_page())
    assert "You said, we did" not in page_text(client.get("/"))
    assert [row[3] for row in stored_notes(app)] == [False, False]
    withdrawn = [(actor, area, subject) for _, actor, area, subject, _ in audit_rows(app, "note.withdrawn")]
    assert withdrawn == [("fife@example.org", "FIFE", f"area_note {newer_id}"), ("fife@example.org", "FIFE", f"area_note {older_id}")]
    # Twice is harmless, and said.
    again = withdraw(consultant, older_id)
    assert "That note was already withdrawn." in page_text(consultant.get(again.headers["Location"]))
    assert len(audit_rows(app, "note.withdrawn")) == 2


def test_another_areas_consultant_gets_not_found_and_it_is_audited(app, people):
    publish(signed_in(app, "fife@example.org"))
    [(note_id, *_)] = stored_notes(app)
    angus = signed_in(app, "angus@example.org")

    assert angus.get("/areas/FIFE/notes").status_code == 404
    assert publish(angus, "Angus words", "Angus deeds", code="ANGUS").status_code == 302  # their own area: fine
    token = hidden_field(angus.get("/home"), "csrf_token")
    assert angus.post("/areas/FIFE/notes", data={"you_said": "x", "we_did": "y", "csrf_token": token}).status_code == 404
    # Fife's note through Angus's own address: still not found.
    assert withdraw(angus, note_id, code="ANGUS").status_code == 404
    assert withdraw(angus, note_id, code="FIFE").status_code == 404

    refused = [(actor, area) for _, actor, area, _, _ in audit_rows(app, "access.refused")]
    assert refused == [("angus@example.org", "FIFE")] * 4
    assert [(said, is_shown) for _, said, _, is_shown in stored_notes(app)] == [(SAID, True), ("Angus words", True)]


def test_a_worker_may_not_publish(app, people):
    worker = signed_in(app, "worker@example.org")
    assert worker.get("/areas/FIFE/notes").status_code == 403
    token = hidden_field(worker.get("/home"), "csrf_token")
    assert worker.post("/areas/FIFE/notes", data={"you_said": SAID, "we_did": DID, "csrf_token": token}).status_code == 403
    assert stored_notes(app) == []
    assert [(actor, area) for _, actor, area, _, _ in audit_rows(app, "access.refused")] == [("worker@example.org", None)] * 2
    assert "You said, we did" not in page_text(worker.get("/home"))  # not in the worker's navigation


def test_publishing_without_the_pages_csrf_token_changes_nothing(app, people):
    consultant = signed_in(app, "fife@example.org")
    reply = consultant.post("/areas/FIFE/notes", data={"you_said": SAID, "we_did": DID, "action": "publish"})
    assert reply.status_code == 400 and "Nothing was changed" in page_text(reply)
    assert stored_notes(app) == []


def test_a_script_in_a_note_is_shown_as_text_to_respondents(app, people, client, thank_you_page):
    script = '<script>alert("hi")</script> & <b>bold</b>'
    publish(signed_in(app, "fife@example.org"), script, DID)
    for reply in (thank_you_page(), client.get("/")):
        body = reply.get_data(as_text=True)
        assert "<script>alert" not in body and "<b>bold" not in body
        assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in body


def test_the_home_page_is_never_kept_by_a_cache_without_asking(client):
    assert "no-cache" in client.get("/").headers["Cache-Control"]


def test_the_demo_area_has_a_note_once_however_often_it_is_seeded(app, client):
    with app.app_context():
        seed_demo()
        seed_demo()  # a later start whose links file was lost seeds again
        db.session.commit()
    assert [(said, is_shown) for _, said, _, is_shown in stored_notes(app)] == [(DEMO_NOTE_YOU_SAID, True)]
    home = page_text(client.get("/"))
    assert f"Demo Council You said {DEMO_NOTE_YOU_SAID} We did {DEMO_NOTE_WE_DID}" in home
