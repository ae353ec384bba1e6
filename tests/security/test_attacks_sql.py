"""SQL injection (issue 12, item 7): attack_data.SQLI in every path parameter
of every route of app.url_map, and in every query parameter and form field the
code reads (found in its source, so a new one is tried without a line here),
on SQLite and PostgreSQL. As an admin, who reaches every route: never a 500,
and every table keeps its rows (reading pages changes none but the audit
log's); as area B's worker: never a word of area A.

The attack strings go through the test client as a browser would send them:
percent-encoded in the path and query, form-encoded or JSON in bodies."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

import pace_forms
from pace_forms.extensions import db
from pace_forms.models import Base
from pace_forms.responses.sealing import make_key
from tests.api.test_access_matrix import PARAMS, PUBLIC
from tests.evidence import tally
from tests.security.attack_data import ADMIN, SQLI, WORKER_B, cheap_passwords, seed_world, signed_in

SECRET = "ALBA-SECRET"
# Not the app's own code, or nothing read from a request.
LEFT_OUT = {"static": "files", "surveys.audio": "recordings", "accounts.sign_out": "ends the session the attack runs in"}
READS = [
    re.compile(r"""\b(?:args|form|values)\.get(?:list)?\(\s*["']([\w-]+)["']"""),
    re.compile(r"""_in_query\(\s*["']([\w-]+)["']"""),
    re.compile(r"""_month_field\(\s*\w+,\s*["']([\w-]+)["']"""),
    re.compile(r"""^\s+(\w+)\s*=\s*\w*Field\(""", re.M),  # WTForms fields
]


def field_names() -> list[str]:
    names = set()
    for source in Path(pace_forms.__file__).parent.rglob("*.py"):
        text = source.read_text()
        for pattern in READS:
            names.update(pattern.findall(text))
    return sorted(names - {"csrf_token"})


# Every string on SQLite; on PostgreSQL (what production runs, much slower
# here) the ones its parser would take differently, for the time it takes.
ATTACKS = {"sqlite": SQLI, "postgresql": (SQLI[0], SQLI[1], SQLI[3])}


@pytest.fixture
def app(backend, app_with, monkeypatch, tmp_path):
    cheap_passwords(monkeypatch)
    make_key(tmp_path, datetime.now(timezone.utc) - timedelta(days=1))  # so that /api/v1/sealing-key has a key to give
    return app_with(backend, SEALING_KEYS_DIR=str(tmp_path))


@pytest.fixture
def world(app):
    with app.app_context():
        return seed_world(lambda field, most: f"{SECRET} {field}"[:most])


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {table.name: db.session.execute(db.select(db.func.count()).select_from(table)).scalar_one() for table in Base.metadata.sorted_tables}
        db.session.remove()
        return counts


def attack_paths(rule, world: dict, attack: str) -> list[str]:
    """The route's path with its parameters as they should be, then with each
    parameter that takes text replaced by the attack (which names nothing)."""
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "IntegerConverter":
            values[name] = PARAMS[name].format(**world)
        elif kind == "AnyConverter":
            values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else "csv"
        else:
            values[name] = PARAMS[name].format(**world) if name in PARAMS else "x"
    texts = [name for name, converter in rule._converters.items() if type(converter).__name__ not in ("IntegerConverter", "AnyConverter")]
    paths = [{**values}] + [{**values, name: attack} for name in texts]
    return [rule.rule if not rule.arguments else re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda found: quote(chosen[found.group(1)], safe=""), rule.rule)
            for chosen in paths]


def attack_routes(app):
    return [(method, rule) for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule) if rule.endpoint not in LEFT_OUT
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def sent(client, method: str, path: str, fields: list[str], attack: str, token: str):
    """The request with every field (query string and body) set to the attack; a 500 comes back as an exception in tests."""
    query = urlencode({name: attack for name in fields})
    if method == "GET":
        return client.get(f"{path}?{query}")
    if path.startswith("/api/"):
        return client.open(path, method=method, json={name: attack for name in fields}, headers={"X-CSRFToken": token})
    return client.open(f"{path}?{query}", method=method, data={**{name: attack for name in fields}, "csrf_token": token})


def test_injection_strings_in_every_parameter_are_only_data(app, world, backend):
    fields = field_names()
    assert {"from", "as_of", "next", "description", "you_said", "action_taken", "child_reference"} <= set(fields), fields
    routes = attack_routes(app)
    admin, admin_token = signed_in(app, ADMIN)
    worker_b, worker_b_token = signed_in(app, WORKER_B)
    before = row_counts(app)
    wrong, tried = [], 0
    for writes in (False, True):  # every page first, then every write
        for method, rule in routes:
            if (method != "GET") != writes:
                continue
            for attack in ATTACKS[backend]:
                for number, path in enumerate(attack_paths(rule, world, attack)):
                    # Area B's worker reads pages only: what a write may do is the IDOR and CSRF tests' matter.
                    for who, client, token in (("admin", admin, admin_token), ("worker B", worker_b, worker_b_token))[: 1 + (not writes)]:
                        tried += 1
                        try:
                            reply = sent(client, method, path, fields, attack, token)
                            body = reply.get_data(as_text=True)
                        except Exception as error:  # a 500: TESTING passes the error through
                            wrong.append(f"{method} {path} as {who}: {type(error).__name__}: {error}"[:300])
                            continue
                        if reply.status_code >= 500:
                            wrong.append(f"{method} {path} as {who}: {reply.status_code}")
                        if number and reply.status_code < 400:  # no record is called that: a match is the injection's
                            wrong.append(f"{method} {path} as {who}: {reply.status_code}, found something")
                        if who == "worker B" and SECRET in body and rule.endpoint not in PUBLIC:  # "/" shows every area's latest note
                            wrong.append(f"{method} {path} as worker B: shows area A's words")
        after = row_counts(app)
        if not writes:
            changed = {name: (before[name], after[name]) for name in before if before[name] != after[name] and name != "audit_event"}
            assert not changed, f"reading pages changed rows: {changed}"
        lost = {name: (before[name], after[name]) for name in before if after[name] < before[name]}
        assert not lost, f"rows lost: {lost}"
        assert not wrong, "\n".join(wrong[:40])
    assert admin.get("/home").status_code == 200, "the admin's session ended"
    tally("SQL injection", attacks=tried, lost=0)
