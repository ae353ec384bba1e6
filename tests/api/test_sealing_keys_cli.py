"""`pace-forms sealing-keys new | list`: a new key is current at once, kept
readable by its owner only, and the one before it is listed as accepted until
its grace ends. No database is needed."""

from __future__ import annotations

import re
import stat


def test_a_new_key_becomes_current_and_the_older_one_stays_accepted(app, runner, client, tmp_path):
    folder = tmp_path / "keys"
    app.config["SEALING_KEYS_DIR"] = str(folder)
    app.config["SEALING_KEY_GRACE_DAYS"] = 30

    empty = runner.invoke(args=["sealing-keys", "list"])
    first = runner.invoke(args=["sealing-keys", "new"])
    first_kid = client.get("/api/v1/sealing-key").json["kid"]
    second = runner.invoke(args=["sealing-keys", "new"])
    listed = runner.invoke(args=["sealing-keys", "list"])

    assert "sealing is unavailable" in empty.output
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    [path] = [path for path in folder.glob("*.pem") if path.stem == first_kid]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert f"Answers sealed with {first_kid} are accepted until" in second.output
    second_kid = client.get("/api/v1/sealing-key").json["kid"]
    assert second_kid != first_kid
    lines = listed.output.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(first_kid) and re.search(r"accepted until \d\d \w+ \d{4}", lines[0])
    assert lines[1].startswith(second_kid) and lines[1].endswith("current")
