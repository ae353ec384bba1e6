"""Publishing, withdrawing and finding an area's "you said, we did" notes.

A note is plain text in two parts, each checked here (the staff page shows
the same words beside its fields). Write operations flush; the view (or
command) commits and audits. Respondents see an area's latest note that is
not withdrawn; a new note replaces the one before it, which stays in the
history."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import aliased

from pace_forms.extensions import db
from pace_forms.models import Area, AreaNote, User

MAX_PART_LENGTH = 400
# The two parts, by field name, as the staff page names them.
PART_NAMES = {"you_said": "You said", "we_did": "We did"}
# Line breaks are kept (a part may have short paragraphs); other control
# characters, and the marks that reorder how text is drawn, are refused.
KEPT_CONTROLS = {"\n"}
REORDERING_MARKS = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
MANY_BLANK_LINES = re.compile(r"\n{3,}")


class NoteRefused(ValueError):
    """A note that cannot be published as written: `problems` maps each
    field to what is wrong with it, in words."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def tidy_part(text: str | None) -> str:
    """The part as it will be shown: one kind of line break, no spaces at the
    ends of lines or of the whole, at most one blank line in a row, tabs as spaces."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n")
    return MANY_BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in lines)).strip()


def part_problem(name: str, text: str) -> str | None:
    """Why this (tidied) part cannot be published, in words; None if it can."""
    label = PART_NAMES[name]
    if not text:
        return f'Write the "{label}" part: a note needs both parts.'
    if len(text) > MAX_PART_LENGTH:
        return f'Keep "{label}" to {MAX_PART_LENGTH} characters or fewer; it has {len(text)}.'
    for character in text:
        if character in REORDERING_MARKS or (unicodedata.category(character) == "Cc" and character not in KEPT_CONTROLS):
            return f'"{label}" has a hidden control character (U+{ord(character):04X}) that cannot be shown: type the text again without it.'
    return None


def publish_note(area: Area, you_said: str, we_did: str, *, by: User | None, now: datetime) -> AreaNote:
    """Publishes a new note for the area (it becomes the one respondents see).
    Raises NoteRefused naming each part that cannot be published. Flushes."""
    parts = {"you_said": tidy_part(you_said), "we_did": tidy_part(we_did)}
    problems = {name: problem for name, text in parts.items() if (problem := part_problem(name, text))}
    if problems:
        raise NoteRefused(problems)
    note = AreaNote(area_id=area.id, you_said=parts["you_said"], we_did=parts["we_did"], published_at=now,
                    published_by_user_id=by.id if by else None)
    db.session.add(note)
    db.session.flush()
    return note


def withdraw_note(note: AreaNote, *, by: User | None, now: datetime) -> bool:
    """Stops respondents seeing the note (the one before it, if still shown,
    takes its place). False when it was already withdrawn. Flushes."""
    if note.withdrawn_at is not None:
        return False
    note.withdrawn_at = now
    note.withdrawn_by_user_id = by.id if by else None
    db.session.flush()
    return True


def latest_note(area_id: int) -> AreaNote | None:
    """The note respondents of this area see: the latest not withdrawn."""
    return db.session.execute(
        db.select(AreaNote)
        .where(AreaNote.area_id == area_id, AreaNote.withdrawn_at.is_(None))
        .order_by(AreaNote.published_at.desc(), AreaNote.id.desc())
        .limit(1)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class AreaNoteShown:
    """One area's latest note, as the home page shows it."""

    area_name: str
    note: AreaNote


def latest_notes() -> list[AreaNoteShown]:
    """Every area's latest shown note, by area name (areas with none are left out)."""
    ranked = (
        db.select(
            AreaNote.id,
            db.func.row_number()
            .over(partition_by=AreaNote.area_id, order_by=(AreaNote.published_at.desc(), AreaNote.id.desc()))
            .label("rank"),
        )
        .where(AreaNote.withdrawn_at.is_(None))
        .subquery()
    )
    rows = db.session.execute(
        db.select(Area, AreaNote)
        .join(AreaNote, AreaNote.area_id == Area.id)
        .join(ranked, db.and_(ranked.c.id == AreaNote.id, ranked.c.rank == 1))
    ).all()
    shown = [AreaNoteShown(area.display_name or area.name, note) for area, note in rows]
    return sorted(shown, key=lambda item: item.area_name.casefold())


@dataclass(frozen=True)
class NoteRow:
    """One note of an area's history, as the staff page lists it."""

    id: int
    you_said: str
    we_did: str
    published_at: datetime
    published_by: str | None
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    is_shown: bool  # the one respondents see now


def notes_of(area: Area, limit: int = 50) -> list[NoteRow]:
    """The area's notes, newest first, with who published and withdrew each."""
    publisher, withdrawer = aliased(User), aliased(User)
    rows = db.session.execute(
        db.select(AreaNote, publisher.email, withdrawer.email)
        .outerjoin(publisher, publisher.id == AreaNote.published_by_user_id)
        .outerjoin(withdrawer, withdrawer.id == AreaNote.withdrawn_by_user_id)
        .where(AreaNote.area_id == area.id)
        .order_by(AreaNote.published_at.desc(), AreaNote.id.desc())
        .limit(limit)
    ).all()
    shown = latest_note(area.id)
    return [
        NoteRow(note.id, note.you_said, note.we_did, note.published_at, published_by, note.withdrawn_at, withdrawn_by,
                shown is not None and note.id == shown.id)
        for note, published_by, withdrawn_by in rows
    ]
