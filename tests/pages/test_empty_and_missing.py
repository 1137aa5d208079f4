"""Every page on an empty database, and every detail page for a key that does not exist."""

import pytest

EMPTY_PAGES = {
    "/": "No conferences yet",
    "/proposals/": "No proposals match.",
    "/topics/": "No proposals are tagged with a topic",
    "/states/": "No member states yet",
    "/groups/": "No regional groups yet",
}


@pytest.mark.parametrize("path", EMPTY_PAGES)
def test_list_pages_have_an_empty_state(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert EMPTY_PAGES[path] in response.content.decode()


def test_detail_pages_have_empty_states(client, small_world, topic_factory, conference_factory):
    lonely = conference_factory(slug="pp-14")
    assert "No documents recorded" in client.get(lonely.get_absolute_url()).content.decode()
    assert "Nothing to count yet" in client.get(lonely.get_absolute_url()).content.decode()
    topic_factory(slug="quiet")
    assert (
        "No proposals are tagged with this topic" in client.get("/topics/quiet/").content.decode()
    )
    body = client.get("/provisions/itr-1988/3.1/?conference=pp-14").content.decode()
    assert "No proposals on this provision at" in body


@pytest.mark.parametrize(
    "path",
    [
        "/proposals/wcit-12/NOPE-1-1/",
        "/proposals/no-such-conference/RUS-27-1/",
        "/proposals/wcit-12/RUS-27-1~999999/",
        "/provisions/itr-1988/99.9/",
        "/provisions/no-such-instrument/3.1/",
        "/conferences/no-such/",
        "/documents/999999/",
        "/topics/no-such/",
        "/states/ZZZ/",
        "/groups/NOPE/",
    ],
)
def test_unknown_keys_are_not_found(client, small_world, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_a_document_a_state_and_a_group_with_nothing_recorded(
    client, db, document_factory, member_state_factory, regional_group_factory
):
    document = document_factory()
    body = client.get(document.get_absolute_url()).content.decode()
    assert "No proposals recorded from this document." in body
    assert "No file has been received" in body
    state = member_state_factory()
    body = client.get(state.get_absolute_url()).content.decode()
    assert body.count("None recorded.") == 2 and "No group memberships recorded." in body
    group = regional_group_factory()
    body = client.get(group.get_absolute_url()).content.decode()
    assert "None recorded." in body and "No member list found in a source yet." in body
