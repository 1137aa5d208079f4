import io

import pytest
from django.core.management import call_command

from delegations.choices import MembershipStatus, SignatureStatus
from delegations.models import Delegation, GroupMembership, MemberState, RegionalGroup
from proposals.models import Conference, Provision, Topic

pytestmark = pytest.mark.usefixtures("reference_data")


def test_loads_the_193_member_states_each_with_an_itu_code():
    assert MemberState.objects.count() == 193
    assert not MemberState.objects.filter(itu_code="").exists()
    assert MemberState.objects.get(iso2="GB").itu_code == "G"
    assert MemberState.objects.get(iso2="SA").itu_code == "ARS"


def test_palau_is_not_a_member_and_vatican_city_is():
    assert not MemberState.objects.filter(iso2="PW").exists()
    assert MemberState.objects.filter(iso2="VA").exists()


def test_regions_are_filled_only_where_a_source_gives_them():
    with_region = MemberState.objects.exclude(region="")
    assert with_region.count() == 58
    assert not with_region.filter(region_source="").exists()
    # Kept exactly as the 2018 press release gives it.
    assert MemberState.objects.get(iso2="HU").region == "B"


def test_every_row_of_the_member_files_becomes_a_membership():
    # Every group member is a known state by construction (a foreign key); what can go
    # wrong is a row skipped or misread, so count against the source files.
    counts = {group.code: group.memberships.count() for group in RegionalGroup.objects.all()}
    assert counts["CEPT"] == 48
    assert counts["ATU"] == 46
    assert counts["CITEL"] == 35
    assert counts["RCC"] == 15
    assert counts["ARB"] == 21  # 22 League members less Palestine, not an ITU Member State


def test_apt_exists_with_its_members_left_to_curators():
    apt = RegionalGroup.objects.get(code="APT")
    assert apt.proposal_prefix == "ACP"
    assert apt.memberships.count() == 0


def test_rcc_observers_are_not_full_members():
    observers = GroupMembership.objects.filter(group__code="RCC", status=MembershipStatus.OBSERVER)
    assert sorted(m.member_state.iso2 for m in observers) == ["BG", "LT", "LV", "SI"]


def test_every_reference_record_has_a_source():
    for model in [MemberState, RegionalGroup, GroupMembership, Conference, Provision, Topic]:
        assert not model.objects.filter(source="").exists(), model


def test_conferences_have_sourced_dates_and_venues():
    wcit = Conference.objects.get(slug="wcit-12")
    assert (str(wcit.starts_on), str(wcit.ends_on), wcit.city) == (
        "2012-12-03",
        "2012-12-14",
        "Dubai",
    )
    assert wcit.final_acts_signed_count == 89
    assert wcit.final_acts_eligible_count == 144
    slugs = set(Conference.objects.values_list("slug", flat=True))
    required = {"wattc-88", "wcit-12", "wtsa-12", "wtpf-13", "pp-10", "pp-14", "pp-18", "pp-22"}
    assert required <= slugs
    assert not Conference.objects.filter(starts_on=None).exists()


def test_unverified_article_titles_stay_empty():
    article_8 = Provision.objects.get(instrument__slug="itr-1988", number="8")
    assert article_8.title == ""
    assert Provision.objects.get(instrument__slug="itr-2012", number="5A").title == (
        "Security and robustness of networks"
    )


def test_proposed_provisions_are_marked_as_proposed():
    provision = Provision.objects.get(instrument__slug="itr-1988", number="3A.1")
    assert provision.status == "proposed"
    assert provision.margin_number == "31A"
    assert provision.article.number == "3A"


def test_known_wcit12_signatures_are_recorded_and_nothing_else():
    wcit = Delegation.objects.filter(conference__slug="wcit-12")
    not_signed = wcit.filter(signed_final_acts=SignatureStatus.NOT_SIGNED)
    assert sorted(d.member_state.iso2 for d in not_signed) == [
        "AU",
        "CA",
        "DE",
        "GB",
        "IN",
        "JP",
        "NZ",
        "US",
    ]
    assert [d.member_state.iso2 for d in wcit.filter(signed_final_acts="signed")] == ["RU"]
    assert not wcit.filter(source__in=["", "same"]).exists()


def test_load_reference_is_idempotent():
    models = [MemberState, RegionalGroup, GroupMembership, Conference, Provision, Topic, Delegation]
    before = {model: model.objects.count() for model in models}
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert {model: model.objects.count() for model in models} == before
    assert " created" not in out.getvalue()
    assert " updated" not in out.getvalue()
    # Every row the files hold is counted again, as unchanged.
    assert f"provisions: {Provision.objects.count()} unchanged" in out.getvalue()


def test_load_reference_keeps_what_curators_filled_in():
    state = MemberState.objects.get(iso2="AF")  # no sourced region
    state.region = "E"
    state.save()
    RegionalGroup.objects.filter(code="RCC").update(proposal_prefix="RCC")
    call_command("load_reference", stdout=io.StringIO())
    assert MemberState.objects.get(iso2="AF").region == "E"
    assert RegionalGroup.objects.get(code="RCC").proposal_prefix == "RCC"


def test_load_reference_restores_a_sourced_value_that_was_changed():
    MemberState.objects.filter(iso2="RU").update(itu_code="XXX")
    call_command("load_reference", stdout=io.StringIO())
    assert MemberState.objects.get(iso2="RU").itu_code == "RUS"


def test_reload_keeps_membership_dates_a_curator_filled_in():
    import datetime

    membership = GroupMembership.objects.get(group__code="CEPT", member_state__iso2="RU")
    membership.since = datetime.date(1992, 1, 1)
    membership.until = datetime.date(2022, 12, 31)
    membership.save()
    call_command("load_reference", stdout=io.StringIO())
    kept = GroupMembership.objects.filter(group__code="CEPT", member_state__iso2="RU")
    assert [(m.since, m.until) for m in kept] == [
        (datetime.date(1992, 1, 1), datetime.date(2022, 12, 31))
    ]
