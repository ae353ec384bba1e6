"""requirements.lock (issue 12, item 9) is what `make setup` installs, with
`pip install --require-hashes`: it must pin every dependency pyproject.toml
declares (and the test extra's), at a version the declaration accepts, with
everything those need in turn, each with a hash, and name no package index.
So a dependency added to pyproject.toml without `make lock` fails here, not
later on a fresh machine."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from pace_forms.config import PROJECT_ROOT
from tests.evidence import tally

LOCK = PROJECT_ROOT / "requirements.lock"
PINNED = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;(?P<marker>[^\\]*))?\\?$")
HASH = re.compile(r"^\s+--hash=sha256:[0-9a-f]{64}")


def locked() -> dict[str, tuple[Version, int]]:
    """{canonical name: (pinned version, how many hashes)} from the lock, for
    this interpreter and platform: the lock is universal, so a package may be
    pinned once per Python version range, each behind its marker."""
    entries: dict[str, tuple[Version, int]] = {}
    current = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if match := PINNED.match(line):
            applies = match["marker"] is None or Marker(match["marker"]).evaluate()
            current = canonicalize_name(match["name"]) if applies else None
            if current is not None:
                assert current not in entries, f"{current} pinned twice for this Python"
                entries[current] = (Version(match["version"]), 0)
        elif HASH.match(line) and current is not None:
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
    return entries


def declared() -> list[Requirement]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    return [Requirement(text) for text in [*project["dependencies"], *extras.get("test", [])]]


def needs_of(requirement: Requirement) -> list[Requirement]:
    """What an installed package asks for, with the extras this requirement names, on this machine."""
    try:
        lines = metadata.requires(requirement.name) or []
    except metadata.PackageNotFoundError:
        pytest.fail(f"{requirement.name} is not installed: run `make setup`", pytrace=False)
    found = []
    for line in lines:
        need = Requirement(line)
        if need.marker is None or any(need.marker.evaluate({"extra": extra}) for extra in [""] + sorted(requirement.extras)):
            found.append(need)
    return found


def test_every_declared_dependency_is_pinned_at_a_version_it_accepts():
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is in pyproject.toml but not in requirements.lock: run `make lock`"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {name}=={version}, which pyproject.toml's {requirement} refuses: run `make lock`"
        )
    tally("Dependency lock", inputs=len(declared()))


def test_everything_the_dependencies_need_is_pinned_too_extras_included():
    pins = locked()
    seen: set[tuple[str, frozenset[str]]] = set()
    waiting = declared()
    while waiting:
        requirement = waiting.pop()
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        assert key[0] in pins, f"{requirement.name} (needed by the dependencies) is not in requirements.lock: run `make lock`"
        waiting.extend(needs_of(requirement))
    # psycopg[binary] must bring its binary package: the extras are followed.
    assert ("psycopg-binary", frozenset()) in seen
    tally("Dependency lock", inputs=len(seen))


def test_every_pin_has_a_hash_and_the_lock_names_no_index():
    text = LOCK.read_text(encoding="utf-8")
    pins = locked()
    assert len(pins) > 50
    assert [name for name, (_, hashes) in pins.items() if hashes == 0] == []
    # No --index-url, --extra-index-url or --find-links, and no address at all:
    # the installer's own configuration says where packages come from.
    assert "://" not in text
    assert [line for line in text.splitlines() if line.lstrip().startswith("-") and not HASH.match(line)] == []
