"""Imports run one way (ARCHITECTURE.md): pages and APIs over features,
features over the form library and models. A reader can then find the one
file that owns a behaviour, and the form library can be used anywhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pace_forms"
# What each layer may import from inside pace_forms (by module prefix).
FOUNDATION = ("pace_forms.extensions", "pace_forms.models", "pace_forms.config", "pace_forms.database", "pace_forms.errors")
FORM_LIBRARY = ("pace_forms.forms",)
PAGES_AND_APIS = (
    "pace_forms.surveys.views",
    "pace_forms.sync",
    "pace_forms.offline",
    "pace_forms.accounts.views",
    "pace_forms.accounts.admin",
    "pace_forms.accounts.access",
    "pace_forms.audit.views",
    "pace_forms.timescales.views",
    "pace_forms.reviews.views",
    "pace_forms.kiosk.views",
    "pace_forms.measures.views",
    "pace_forms.notes.views",
    "pace_forms.measures.exports",
)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("pace_forms")}


def modules_in(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).glob("*.py"))


@pytest.mark.parametrize("path", modules_in("forms"), ids=lambda path: path.name)
def test_the_form_library_imports_only_itself_and_the_foundation(path):
    outside = {
        name for name in imports_of(path) if not name.startswith(FORM_LIBRARY + FOUNDATION)
    }
    assert not outside, f"pace_forms/forms/{path.name} reaches up to {sorted(outside)}"


FEATURES = ("responses", "safeguarding", "invitations", "areas", "forms", "accounts", "audit", "retention", "timescales", "measures", "reviews", "notes")
# A feature's own pages and API modules sit in its folder but in the upper layer.
PAGE_MODULES = ("views.py", "admin.py", "access.py", "api.py", "exports.py")


def service_modules() -> list[Path]:
    return [path for feature in FEATURES for path in modules_in(feature) if path.name not in PAGE_MODULES]


@pytest.mark.parametrize(
    "path",
    service_modules(),
    ids=lambda path: f"{path.parent.name}/{path.name}",
)
def test_features_never_import_a_page_or_an_api(path):
    upward = {name for name in imports_of(path) if name.startswith(PAGES_AND_APIS)}
    assert not upward, f"{path.parent.name}/{path.name} imports {sorted(upward)}"


def test_the_survey_page_reaches_recording_through_the_responses_feature():
    imported = imports_of(PACKAGE / "surveys" / "views.py")
    assert any(name.startswith("pace_forms.responses") for name in imported)
    assert not any(name.startswith("pace_forms.sync") for name in imported)
