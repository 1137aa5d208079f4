"""What a browser runs in the public copy of a leaked web page: nothing, where the
original runs its scripts. Each page logs "RAN" when a browser runs what it holds."""

import pytest

from proposals.ingest.public_copy import public_copy

RUNNING = {
    "script": b"<script>console.log('RAN')</script>",
    "handler": b"<img src=missing.png onerror=\"console.log('RAN')\">",
    "handler-after-slash": b"<svg/onload=console.log('RAN')>",
    # A stray quote in an unquoted value: a pattern reads the tag otherwise than a browser.
    "stray-quote": b"<img b=y'z c='>' src=missing.png onerror=console.log('RAN')>",
    "frame-page": b"<iframe srcdoc=\"&lt;script&gt;console.log('RAN')&lt;/script&gt;\"></iframe>",
    "before-the-doctype": b"\x0b<!DOCTYPE html><html><body><iframe "
    b"srcdoc=\"&lt;script&gt;console.log('RAN')&lt;/script&gt;\"></iframe>",
}


def ran(browser, tmp_path, data: bytes) -> bool:
    page_file = tmp_path / "page.html"
    page_file.write_bytes(data)
    context = browser.new_context()
    tab = context.new_page()
    messages = []
    tab.on("console", lambda message: messages.append(message.text))
    tab.goto(page_file.as_uri())
    tab.wait_for_timeout(300)
    context.close()
    return "RAN" in messages


@pytest.mark.browser
@pytest.mark.parametrize("name", RUNNING)
def test_a_browser_runs_nothing_in_a_web_pages_public_copy(browser, tmp_path, name):
    original = b"<html><body><p>Text.</p>" + RUNNING[name] + b"</body></html>"
    if name == "before-the-doctype":
        original = RUNNING[name] + b"</body></html>"
    assert ran(browser, tmp_path, original)  # what the test looks for, the original does
    assert not ran(browser, tmp_path, public_copy(original, "html"))
