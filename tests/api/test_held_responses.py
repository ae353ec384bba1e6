"""An admin can see what the sync kept but did not count, and why."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pace_forms.cli import cli


def post(client, *items):
    return [result["status"] for result in client.post("/api/v1/responses", json={"responses": list(items)}).json["results"]]


def test_quarantined_and_conflicting_responses_are_listed_with_their_reasons(client, runner, make_invitation, make_item):
    long_ago = datetime.now(timezone.utc) - timedelta(days=400)
    expired = make_item(make_invitation(child="C-OLD", now=long_ago, valid_days=1))
    first = make_item(make_invitation(child="C-NEW"))
    changed = {**first, "answers": {**first["answers"], "overall": 1}}
    assert post(client, expired, first) == ["quarantined", "created"]
    assert post(client, changed) == ["conflict"]

    result = runner.invoke(cli, ["responses", "held", "--area", "TEST"], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert f"QUARANTINED {expired['id']}" in result.output
    assert "invitation: this survey link expired on" in result.output
    assert f"CONFLICT {first['id']}" in result.output
    assert "the first is kept and counted" in result.output
    assert "2 response(s) held." in result.output


def test_nothing_held_says_so(runner):
    result = runner.invoke(cli, ["responses", "held"], catch_exceptions=False)
    assert "0 response(s) held." in result.output
