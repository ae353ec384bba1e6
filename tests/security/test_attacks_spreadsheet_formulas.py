"""Formula injection (issue 12, item 7): text a person typed and the app
exports (a child's reference from an imported case file is the one that
reaches the CSV and XLSX downloads; comments go out by `pace-forms export`,
tests/api/test_cli.py) never starts a cell with = + - @ or a tab, so a
spreadsheet shows it rather than running it; every download route of the
app is read, each cell of each CSV and each sheet of each XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests.evidence import tally
from tests.security.attack_data import ADMIN, cheap_passwords, seed_world, signed_in

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0", "\t=1+1"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def app(app_with, monkeypatch):
    cheap_passwords(monkeypatch)
    return app_with("sqlite")


def journeys_file() -> str:
    away = date.today() - timedelta(days=300)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["child_ref", "looked_after_away_on", "first_review_on"])
    writer.writerows([reference, away, away + timedelta(days=20)] for reference in FORMULAS)
    return out.getvalue()


def download_paths(app) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "extension" in rule.arguments:
            paths += [rule.rule.replace("<any(csv, xlsx):extension>", extension) for extension in ("csv", "xlsx")]
        elif rule.rule.endswith(".csv"):
            paths.append(rule.rule)
    return sorted(path.replace("<code>", "ALBA").replace("<key>", "first_review" if "values" in path or path.count("<") == 0 else "B2")
                  for path in paths)


def cells(reply) -> list[str]:
    if reply.mimetype == "text/csv":
        return [cell for row in csv.reader(io.StringIO(reply.get_data(as_text=True))) for cell in row]
    book = load_workbook(io.BytesIO(reply.get_data()))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            found += [("=" if cell.data_type == "f" else "") + str(cell.value) for cell in row if isinstance(cell.value, str)]
    return found


def looks_like_a_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_no_download_cell_is_a_formula(app):
    with app.app_context():
        seed_world()
    admin, token = signed_in(app, ADMIN)
    loaded = admin.post("/areas/ALBA/timescales/import", data={
        "csrf_token": token, "action": "load", "file": (io.BytesIO(journeys_file().encode()), "journeys.csv")})
    assert "Loaded: 6 new journeys" in loaded.get_data(as_text=True)
    paths = download_paths(app)
    assert len(paths) >= 7, paths
    wrong, read = [], 0
    shown = set()
    for path in paths:
        reply = admin.get(path)
        assert reply.status_code == 200, path
        for cell in cells(reply):
            read += 1
            if cell.startswith(DANGEROUS) and not looks_like_a_number(cell):
                wrong.append(f"{path}: {cell!r}")
            shown.update(reference for reference in FORMULAS if cell == "'" + reference.strip())  # the import trims a reference
    assert not wrong, "\n".join(wrong)
    assert shown == set(FORMULAS), "each child's reference should be in the timescale tables, with a ' before it"
    tally("formula injection", attacks=len(FORMULAS) * len(paths), cells=read)
