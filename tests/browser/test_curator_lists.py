"""What a curator works through in the admin's lists, on a 1,400-pixel screen."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def curator_page(browser, demo_site, django_user_model, request):
    django_user_model.objects.create_superuser("curator", password="a long pass phrase")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto(demo_site + "/admin/login/")
    tab.fill("#id_username", "curator")
    tab.fill("#id_password", "a long pass phrase")
    tab.click("input[type=submit]")
    yield tab
    context.close()


def visible_in_list(page, header: str) -> bool:
    """Whether the list's column `header` is inside the visible part of the list (the
    admin scrolls a list wider than its box sideways, out of sight)."""
    box = page.locator(".results").bounding_box()
    column = page.locator("#result_list thead th", has_text=header).first.bounding_box()
    return column["x"] + column["width"] <= box["x"] + box["width"]


@pytest.mark.parametrize(
    ("model", "headers"),
    [("proposal", ["To review", "Published", "Conference"]), ("document", ["To review"])],
)
def test_the_columns_a_curator_works_with_are_in_sight(curator_page, demo_site, model, headers):
    curator_page.goto(f"{demo_site}/admin/proposals/{model}/")
    for header in headers:
        assert visible_in_list(curator_page, header), header
