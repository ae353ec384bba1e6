"""A worker signs in, records a review for four people, gets their links with
QR codes, copies one, and prints slips that say nothing about the child; two
of the four answer on their own phones, and the review then shows 2 of 4.
Each new page passes axe-core at 360 and 1280 px, and the links page has no
sideways scroll at 320 px."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from pace_forms.accounts.services import create_user
from pace_forms.extensions import db
from pace_forms.invitations.services import find_or_create_area
from pace_forms.models import utc_now
from tests.browser.filling import FORMS, answer
from tests.browser.test_accessibility import serious_problems

EMAIL = "worker@fife.example"
PASSWORD = "correct horse battery"
REFERENCE = "FC/2026-0042"
WIDTHS = (360, 1280)


def no_serious_problem_at_each_width(page) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        problems = serious_problems(page)
        assert problems == [], f"{page.url} at {width} px: {problems}"


def sign_in(page) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def answer_on_a_phone_of_their_own(browser, live_server, link: str, form_key: str) -> None:
    """A respondent opens the link and sends every answer as a plain form."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(link)
    form = FORMS[form_key]
    for question in form.questions:
        answer(page, form, question)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Your answers have been sent.")).to_be_visible()
    context.close()


def test_a_worker_records_a_review_for_four_and_sees_2_of_4_after_two_answer(browser, context, server_app, live_server):
    with server_app.app_context():
        find_or_create_area("FIFE", "Fife Council")
        create_user(EMAIL, "worker", ["FIFE"], PASSWORD)
        db.session.commit()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    sign_in(page)

    page.get_by_role("navigation", name="Staff pages").get_by_role("link", name="Reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews")
    no_serious_problem_at_each_width(page)
    page.get_by_role("link", name="Fife Council (FIFE)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews in Fife Council")
    no_serious_problem_at_each_width(page)

    page.get_by_role("link", name="Record a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a review in Fife Council")
    no_serious_problem_at_each_width(page)
    # A mistake first: the summary names it and leads to the field.
    page.get_by_role("button", name="Record the review and make the links").click()
    expect(page.locator("#error-summary")).to_contain_text("Enter the child's case reference.")
    no_serious_problem_at_each_width(page)

    page.get_by_label("Child's case reference").fill(REFERENCE)
    page.get_by_label("Date of the review").fill((utc_now().date() - timedelta(days=2)).isoformat())
    page.get_by_label("A later review").check()
    page.get_by_label("12 to 15").check()
    # Only the child's surveys that fit 12 to 15 stay on offer.
    expect(page.get_by_label("The child, aged 8 to 11")).to_be_hidden()
    expect(page.get_by_label("The young person, 12 or over")).to_be_visible()
    expect(page.locator("[data-for-band]:visible")).to_have_count(1)
    for who in ("Parent (or someone with parental responsibility)", "Foster or kinship carer", "The young person, 12 or over", "A worker at the review"):
        page.get_by_label(who).check()
    page.get_by_role("button", name="Record the review and make the links").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Survey links for the review")
    expect(page.locator(".slip")).to_have_count(4)
    expect(page.locator(".slip svg[role=img]")).to_have_count(4)
    links = [text.strip() for text in page.locator(".slip-link code").all_inner_texts()]
    assert all(link.startswith(f"{live_server.url}/s/") for link in links)
    no_serious_problem_at_each_width(page)
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "the links page scrolls sideways at 320 px"

    # Copy link puts the link on the clipboard, and says so.
    first = page.locator(".slip").first
    first.get_by_role("button", name="Copy link").click()
    expect(first.locator(".copy-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == links[0]
    expect(page.get_by_role("button", name="Print slips")).to_be_visible()

    # On paper: the four slips, each with its words, code and link, and nothing about the child.
    page.emulate_media(media="print")
    printed = page.locator("body").inner_text()
    assert REFERENCE not in printed and "12 or over" not in printed  # not even the child's age
    assert "For the young person" in printed and "For the parent" in printed
    assert printed.count("we would like to hear how it went for you") == 4
    assert all(link in printed for link in links)
    expect(page.locator(".staff-nav")).to_be_hidden()
    page.emulate_media(media="screen")

    answer_on_a_phone_of_their_own(browser, live_server, links[0], "parent-review")
    answer_on_a_phone_of_their_own(browser, live_server, links[1], "carer-review")

    page.set_viewport_size({"width": 360, "height": 900})
    page.get_by_role("link", name="Go to the review's page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Review of {REFERENCE} on")
    expect(page.locator(".response-rate")).to_have_text("2 of 4 answered")
    statuses = [text.strip() for text in page.locator("td .status-tag").all_inner_texts()]
    assert statuses == ["answered", "answered", "invited", "invited"]
    no_serious_problem_at_each_width(page)
