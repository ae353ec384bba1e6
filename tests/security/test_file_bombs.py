"""File bombs through the real journeys import (issue 12, item 7): an XLSX
whose sheet inflates from under 1 MB to 300 MB, and a CSV with a million
columns (in its header, or in its first row, where the CSV parser would make
an index of the extra cells). Each is refused with words saying what and
where, in bounded time and memory, on the import page and in the CLI.

Memory: on the page, tracemalloc's peak (every Python and numpy allocation);
in the CLI, the peak resident size the operating system measured for a real
`pace-forms import-journeys` process (C parsers included), as growth over
what it had after its imports. Before the bounds in reading.py these took
a gigabyte and 37 s (the CSV) and over two minutes (the workbook)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
from contextlib import contextmanager

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from pace_forms.models import Journey
from tests.api.pages import hidden_field, page_text
from tests.api.test_accounts import sign_in
from tests.conftest import TEST_SECRET
from tests.evidence import tally

MB = 2**20
MAX_GROWTH = 200 * MB
MAX_SECONDS = 10
UPLOAD_LIMIT = 1024 * 1024  # MAX_CONTENT_LENGTH: each bomb is smaller than what the page takes
PASSWORD = "correct horse battery"
SHEET_START = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
               b'<row r="1"><c t="inlineStr"><is><t>child_ref</t></is></c><c t="inlineStr"><is><t>looked_after_away_on</t></is></c></row>')
WORKBOOK_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Journeys" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def xlsx_bomb(unpacked_mb: int) -> bytes:
    """A well-formed workbook whose one sheet holds `unpacked_mb` MB of rows."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in WORKBOOK_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START)
            rows = b"<row><c><v>1</v></c></row>" * 40_000
            for _ in range(unpacked_mb * MB // len(rows)):
                sheet.write(rows)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


MILLION = 1_000_000
BOMBS = {
    "zip bomb.xlsx": (lambda: xlsx_bomb(300), "it would unpack to 300 MB"),
    "wide header.csv": (lambda: b"child_ref" + b"," * (MILLION - 1) + b"\n", "line 1 has 1,000,000 columns"),
    "wide row.csv": (lambda: b"child_ref,looked_after_away_on\nC-1" + b"," * (MILLION - 1) + b"\n", "line 2 has 1,000,000 columns"),
}


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    made = {name: make() for name, (make, _) in BOMBS.items()}
    assert all(len(data) < UPLOAD_LIMIT for data in made.values()), {name: len(data) for name, data in made.items()}
    with zipfile.ZipFile(io.BytesIO(made["zip bomb.xlsx"])) as archive:
        assert sum(part.file_size for part in archive.infolist()) > 290 * MB
    return made


@pytest.fixture
def area(app_with):
    app = app_with("sqlite")
    with app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        create_user("consultant@fife.example", "consultant", ["FIFE"], PASSWORD)
        db.session.commit()
    return app


def journeys_stored(app) -> int:
    with app.app_context():
        count = db.session.execute(db.select(db.func.count(Journey.id))).scalar_one()
        db.session.remove()
        return count


@contextmanager
def bounded_in_process():
    """Fails the test if what runs inside takes more than MAX_SECONDS or
    allocates more than MAX_GROWTH at its peak (tracemalloc)."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        yield
    finally:
        took = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MAX_GROWTH, f"peak allocation {peak / MB:.0f} MB"
    assert took < MAX_SECONDS, f"took {took:.1f} s"


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_bomb_uploaded_on_the_import_page_is_refused_in_words(area, bombs, name):
    client = area.test_client()
    assert sign_in(client, "consultant@fife.example", PASSWORD).status_code == 302
    token = hidden_field(client.get("/areas/FIFE/timescales/import"), "csrf_token")
    # Encoded here: given the file, the test client would spool it to a temporary file it never closes.
    boundary, body = encode_multipart({"csrf_token": token, "file": FileStorage(io.BytesIO(bombs[name]), name)})

    with bounded_in_process():
        reply = client.post("/areas/FIFE/timescales/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
        text = page_text(reply)

    assert reply.status_code == 400
    assert f"{name} is not imported: {BOMBS[name][1]}" in text, text[:500]
    assert journeys_stored(area) == 0
    tally("file bombs", attacks=1, refused=1)


# Run as a real process: its peak resident size after its imports, as the
# kernel counts it, printed last (the import's own output comes first).
CLI_SCRIPT = """
import resource, sys
import openpyxl, pandas, pace_forms.cli
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    pace_forms.cli.main()
except SystemExit as leaving:
    code = leaving.code
print("growth_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, "exit", code)
"""


@pytest.mark.parametrize("name", ["zip bomb.xlsx", "wide row.csv"])
def test_a_bomb_given_to_the_cli_is_refused_in_bounded_time_and_memory(area, bombs, name, tmp_path, database_urls):
    path = tmp_path / name
    path.write_bytes(bombs[name] if name.endswith(".xlsx") else bombs[name] + b"C-2,2024-01-01\n" * 1000)
    environment = {**os.environ, "PACE_DATABASE_URL": database_urls["sqlite"], "PACE_SECRET_KEY": TEST_SECRET, "PACE_RATELIMIT_ENABLED": "false"}
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", CLI_SCRIPT, "import-journeys", str(path), "--area", "FIFE"], env=environment,
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pace-forms import-journeys {name} still ran after 60 s")
    took = time.monotonic() - started
    *output, last = done.stdout.strip().splitlines() or [""]
    said = "\n".join(output) + done.stderr
    growth_kb, exit_code = int(last.split()[1]), last.split()[3]

    assert f"{name} is not imported: {BOMBS[name][1]}" in said, said[-2000:]
    assert exit_code != "0" and exit_code != "None"
    assert growth_kb * 1024 < MAX_GROWTH, f"the process grew by {growth_kb / 1024:.0f} MB"
    assert took < 30, f"took {took:.1f} s (with the interpreter's start)"
    assert journeys_stored(area) == 0
    tally("file bombs", attacks=1, refused=1)
