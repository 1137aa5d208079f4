import pytest

pytestmark = pytest.mark.usefixtures("reference_data")


def test_member_state_by_iso_code_in_any_case(api):
    body = api.get("/api/v1/member-states/ru/").json()
    assert body["url"] == "http://testserver/api/v1/member-states/RU/"
    assert body["itu_code"] == "RUS"
    assert {m["group"] for m in body["memberships"]} == {"RCC", "CEPT"}


def test_a_state_that_left_a_group_and_joined_again_is_listed_once(api, client):
    import datetime

    from delegations.models import GroupMembership, MemberState

    state = MemberState.objects.get(iso2="RU")
    membership = state.group_memberships.get(group__code="CEPT")
    before = api.get("/api/v1/member-states/", {"group": "CEPT", "page_size": 200}).json()
    GroupMembership.objects.filter(pk=membership.pk).update(
        since=datetime.date(1994, 1, 1), until=datetime.date(2000, 1, 1)
    )
    GroupMembership.objects.create(
        group=membership.group,
        member_state=state,
        status=membership.status,
        since=datetime.date(2005, 1, 1),
        source="t",
    )
    after = api.get("/api/v1/member-states/", {"group": "CEPT", "page_size": 200}).json()
    assert after["count"] == before["count"]
    assert [row["iso2"] for row in after["results"]].count("RU") == 1
    groups = {group.code: group.member_count for group in client.get("/groups/").context["groups"]}
    assert groups["CEPT"] == before["count"]


def test_sector_members_by_slug_in_any_case(api):
    body = api.get("/api/v1/sector-members/ETNO/").json()
    assert body["url"] == "http://testserver/api/v1/sector-members/etno/"


def test_unknown_member_state_is_not_found(api):
    assert api.get("/api/v1/member-states/ZZ/").status_code == 404


def test_regional_group_lists_its_members(api):
    body = api.get("/api/v1/regional-groups/rcc/").json()
    assert body["code"] == "RCC"
    statuses = {m["iso2"]: m["status"] for m in body["members"]}
    assert statuses["RU"] == "full" and statuses["BG"] == "observer"


def test_member_states_filter_by_group_and_region(api):
    cept = api.get("/api/v1/member-states/", {"group": "CEPT", "page_size": 200}).json()
    assert cept["count"] == 48
    in_b = api.get("/api/v1/member-states/", {"region": "B", "group": "CEPT"}).json()
    assert in_b["count"] > 0 and all(r["region"] == "B" for r in in_b["results"])
    assert api.get("/api/v1/member-states/", {"group": "NOPE"}).status_code == 400
    assert api.get("/api/v1/member-states/", {"region": "F"}).status_code == 400


def test_wcit12_non_signers(api):
    rows = api.get(
        "/api/v1/delegations/", {"conference": "wcit-12", "signed_final_acts": "not-signed"}
    ).json()["results"]
    assert sorted(r["member_state"] for r in rows) == [
        "AU",
        "CA",
        "DE",
        "GB",
        "IN",
        "JP",
        "NZ",
        "US",
    ]
    assert api.get("/api/v1/delegations/", {"member_state": "XX"}).status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/member-states/", "/api/v1/regional-groups/"])
def test_list_queries_are_pinned_whatever_the_size(api, django_assert_num_queries, path):
    # Reference data is loaded (193 states, 9 groups): the page, its count, the memberships.
    with django_assert_num_queries(3):
        response = api.get(path, {"page_size": 200})
    assert len(response.json()["results"]) > 1
    with django_assert_num_queries(3):
        api.get(path, {"page_size": 1})
