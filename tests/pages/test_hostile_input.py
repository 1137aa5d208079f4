"""Odd query strings on the analyst pages: a clear 400 or a normal page, never a 500."""

import pytest

from proposals.filters import ProposalFilterSet

HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "\x01",
    "a\x1fb\x0b",
    "x" * 10_000,
    "%00",
    "'; DROP TABLE x; --",
    "\ud7ff\u202e",
    " ",
    "-1",
]
PAGES_WITH_PARAMETERS = {
    "/proposals/": [*ProposalFilterSet.base_filters, "sort", "page"],
    "/proposals/feed/": list(ProposalFilterSet.base_filters),
    "/provisions/itr-1988/3.1/": ["conference"],
    "/topics/": ["conference"],
    "/topics/spam/": ["page"],
}


@pytest.mark.parametrize("path", PAGES_WITH_PARAMETERS)
def test_hostile_parameters_never_cause_a_server_error(client, small_world, path):
    for name in PAGES_WITH_PARAMETERS[path]:
        for value in HOSTILE_VALUES:
            response = client.get(path, {name: value})
            assert response.status_code in (200, 302, 400), (path, name, value[:20])


@pytest.mark.parametrize("key", ["RUS-27-1~abc", "RUS-27-1~", "~", "99999999999999999999", "a%2Fb"])
def test_odd_proposal_keys_are_not_found(client, small_world, key):
    assert client.get(f"/proposals/wcit-12/{key}/").status_code == 404


def test_the_feed_carries_text_xml_cannot_hold(client, proposal_factory):
    # A vertical tab is Word's line break in its text exports; XML 1.0 has no place for it.
    proposal_factory(text="Member States shall\x0bensure it.")
    response = client.get("/proposals/feed/", {"zz": "\x0b"})
    assert response.status_code == 200
    assert b"Member States shall ensure it." in response.content
