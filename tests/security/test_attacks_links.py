"""Links a person sets (issue 12, item 7): an area's privacy notice link and
logo are the only typed addresses the app puts in a page (in href and src;
tests/browser/test_stored_xss.py checks no page offers a javascript: link).
Each script-running or off-site spelling is refused when it is set, and the
area keeps what it had."""

from __future__ import annotations

import pytest

from pace_forms.areas.services import AreaSettingsError, set_area_settings
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from tests.evidence import tally

SCRIPTS = ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "jav&#x61;script:alert(1)",
           "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "http://privacy.example.org/"]
REFUSED = {
    "privacy_url": SCRIPTS + ["//evil.example/privacy", "https:evil.example", "https://evil.example/a b"],
    "logo_url": SCRIPTS + ["//evil.example/logo.svg", "/\\evil.example/logo.svg", "https://evil.example/logo.svg"],
}
KEPT = {"privacy_url": "https://privacy.example.org/notice", "logo_url": "/static/logos/area.svg"}


@pytest.mark.parametrize("setting", sorted(REFUSED))
def test_a_link_that_could_run_script_or_leave_the_site_is_refused(app, setting):
    with app.app_context():
        find_or_create_area("ALBA", "Alba Council")
        set_area_settings("ALBA", {setting: KEPT[setting]})
        db.session.commit()
        wrong = []
        for value in REFUSED[setting]:
            try:
                set_area_settings("ALBA", {setting: value})
            except AreaSettingsError as error:
                assert setting in str(error), error  # refused for the link, not for want of the area
                continue
            wrong.append(value)
            db.session.rollback()
        assert not wrong, f"{setting} accepted {wrong}"
        assert getattr(find_or_create_area("ALBA"), setting) == KEPT[setting]
    tally("stored XSS", attacks=len(REFUSED[setting]))
