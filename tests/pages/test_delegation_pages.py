def test_a_member_state_page_splits_direct_and_group_proposals(client, small_world):
    response = client.get("/states/RUS/")
    assert [p.number for p in response.context["direct"]] == ["RUS/27/1", "RUS/27/2"]
    assert [p.number for p in response.context["via_groups"]] == ["RCC/10/1", "RCC/10/2"]
    assert [
        (row["member_state__itu_code"], row["count"]) for row in response.context["co_proposers"]
    ] == [("ARS", 2)]
    body = response.content.decode()
    assert "Through its groups" in body and "Signed" in body and "RCC</a>" in body


def test_signatures_not_in_the_sources_are_unknown(client, small_world):
    body = client.get("/states/ARS/").content.decode()
    assert "Unknown" in body and "Not in the sourced lists" in body


def test_observers_do_not_back_their_groups_proposals(client, small_world):
    membership = small_world.state.group_memberships.get()
    membership.status = "observer"
    membership.save()
    assert client.get("/states/RUS/").context["via_groups"].paginator.count == 0


def test_iso_codes_redirect_to_the_itu_code(client, small_world):
    response = client.get("/states/ru/")
    assert response.status_code == 301 and response.url == "/states/RUS/"
    # The page asked for stays the page shown.
    assert client.get("/states/ru/", {"direct": 2, "via": 3}).url == "/states/RUS/?direct=2&via=3"
    assert client.get("/groups/rcc/", {"page": 2}).url == "/groups/RCC/?page=2"


def test_a_group_page_lists_members_and_common_proposals(client, small_world):
    response = client.get("/groups/RCC/")
    assert [m.member_state.itu_code for m in response.context["memberships"]] == ["RUS"]
    assert [p.number for p in response.context["page"]] == ["RCC/10/1", "RCC/10/2"]
    assert client.get("/groups/rcc/").url == "/groups/RCC/"


def test_lists_count_what_each_proposed(client, small_world):
    states = {s.itu_code: s.proposal_count for s in client.get("/states/").context["states"]}
    assert states == {"RUS": 2, "ARS": 2}
    groups = {
        g.code: (g.member_count, g.proposal_count) for g in client.get("/groups/").context["groups"]
    }
    assert groups == {"RCC": (1, 2)}


def test_each_list_of_a_state_pages_on_its_own(client, big_world):
    response = client.get("/states/RUS/", {"direct": 2})
    assert response.context["direct"].number == 2 and len(response.context["direct"]) == 5
    assert response.context["via_groups"].number == 1
    body = response.content.decode()
    assert 'href="?direct=2&amp;via=2"' in body  # the other list's page keeps this one
