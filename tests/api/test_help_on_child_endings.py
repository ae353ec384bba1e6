"""A child's or young person's form ends by saying where to get help now:
Childline's number, and 999 or an adult they trust in danger (issue 7), in
the words read aloud too. A parent's does not."""

from __future__ import annotations

import html
import re

import pytest

from tests.api.pages import hidden_field, page_text

CHILDLINE = "You can call Childline for free on 0800 1111, at any time, about anything."
DANGER = "If you are in danger now, tell an adult you trust or call 999."
CHILD_FORMS = {"child-4-7": "child-4-7-review", "child-8-11": "child-8-11-review", "young-person": "young-person-review"}


def read_aloud_scripts(reply) -> list[str]:
    return [html.unescape(say) for say in re.findall(r'data-say="([^"]*)"', reply.get_data(as_text=True))]


@pytest.mark.parametrize("audience", CHILD_FORMS)
def test_a_child_forms_ending_gives_childline_and_999_and_reads_them_aloud(client, make_invitation, audience):
    page = client.get(f"/s/{make_invitation(audience=audience, form_key=CHILD_FORMS[audience])}")

    text = page_text(page)
    assert CHILDLINE in text and DANGER in text
    assert any(CHILDLINE in say and DANGER in say for say in read_aloud_scripts(page))


def test_the_young_persons_thank_you_page_gives_them_too(client, make_invitation):
    token = make_invitation(audience="young-person", form_key="young-person-review")
    page = client.get(f"/s/{token}")
    reply = client.post(
        f"/s/{token}",
        data={"answer-contact_me": "no", "response_id": hidden_field(page, "response_id"), "csrf_token": hidden_field(page, "csrf_token")},
        follow_redirects=True,
    )
    text = page_text(reply)
    assert "Your answers have been sent" in text
    assert CHILDLINE in text and DANGER in text


def test_a_parents_form_does_not(client, make_invitation):
    text = page_text(client.get(f"/s/{make_invitation()}"))
    assert "Childline" not in text and "999" not in text
