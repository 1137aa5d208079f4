"""What an analyst does in a browser, on the demo data."""

import csv
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_search_highlights_the_word(page, demo_site):
    page.goto(demo_site + "/")
    page.get_by_label("Search the proposals").fill("spam")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/proposals/\?q=spam$"))
    expect(page.locator(".results h2")).to_contain_text("matching “spam”")
    marks = page.locator(".snippet mark")
    expect(marks.first).to_be_visible()
    assert marks.first.inner_text().lower() == "spam"
    page.screenshot_as("search")


def test_two_facets_narrow_the_results(page, demo_site):
    page.goto(demo_site + "/proposals/")
    everything = result_count(page)
    page.locator('.facet a[data-facet="topic"][data-value="spam"]').click()
    expect(page).to_have_url(re.compile(r"topic=spam"))
    on_spam = result_count(page)
    page.locator('.facet a[data-facet="proposer"][data-value="RUS"]').click()
    expect(page).to_have_url(re.compile(r"topic=spam.*proposer=RUS|proposer=RUS.*topic=spam"))
    both = result_count(page)
    assert everything > on_spam > both >= 1
    expect(page.locator(".facet a.selected")).to_have_count(2)
    page.screenshot_as("two-facets")
    # A selected facet is a link that switches it off again.
    page.locator('.facet a.selected[data-facet="proposer"]').click()
    assert result_count(page) == on_spam


def test_open_a_proposal_then_its_provision_side_by_side(page, demo_site):
    page.goto(demo_site + "/proposals/?q=TUN%2F25%2F1")
    page.get_by_role("link", name="TUN/25/1").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proposal TUN/25/1")
    expect(page.locator(".badge-leaked").first).to_be_visible()
    expect(page.locator("#citation")).to_contain_text("TUN/25/1")
    page.screenshot_as("proposal")

    page.locator(".facts").get_by_role("link", name=re.compile(r"^ITRs 1988 1\b")).click()
    expect(page.get_by_role("heading", name="Proposals side by side")).to_be_visible()
    columns = page.locator(".side-by-side .column")
    assert columns.count() >= 2
    expect(columns.first.locator(".diff ins").first).to_be_visible()
    page.screenshot_as("provision")


def test_a_member_states_direct_and_group_proposals(page, demo_site):
    page.goto(demo_site + "/states/")
    page.get_by_role("link", name="Russia", exact=True).click()
    expect(page).to_have_url(re.compile(r"/states/RUS/$"))
    direct = page.locator("section[aria-labelledby=direct-heading] .proposal-card")
    via_groups = page.locator("section[aria-labelledby=via-heading] .proposal-card")
    assert direct.count() >= 1 and via_groups.count() >= 1
    expect(page.locator("#via-heading")).to_contain_text(str(via_groups.count()))
    page.screenshot_as("member-state")


def test_export_the_current_view_as_csv(page, demo_site):
    page.goto(demo_site + "/proposals/?topic=spam")
    shown = result_count(page)
    page.screenshot_as("before-export")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these as CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.DictReader(exported))
    assert len(rows) == shown
    assert all("spam" in row["topics"] for row in rows)


def result_count(page) -> int:
    heading = page.locator(".results h2").inner_text()
    return int(heading.split()[0])


def test_charts_read_in_dark_mode_and_the_keyboard_reaches_the_content(page, demo_site):
    page.emulate_media(color_scheme="dark")
    page.goto(demo_site + "/conferences/wcit-12/")
    background = luminance(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    label = page.locator(".chart-label").first
    label_colour = luminance(label.evaluate("element => getComputedStyle(element).fill"))
    bar_colour = luminance(
        page.locator(".chart-bar").first.evaluate("element => getComputedStyle(element).fill")
    )
    assert background < 0.1 and label_colour > 0.6 and bar_colour > background + 0.2
    page.screenshot_as("dark")

    # The first Tab shows the skip link; following it moves focus to the content.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def luminance(css_colour: str) -> float:
    """Relative luminance (0 black to 1 white) of an rgb() colour, as WCAG defines it."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_colour)[:3])

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
