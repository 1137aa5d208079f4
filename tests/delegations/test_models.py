import datetime

import pytest
from django.db import IntegrityError, transaction

from delegations.models import MemberState


def test_iso2_code_is_unique(member_state_factory):
    member_state_factory(iso2="RU")
    with pytest.raises(IntegrityError), transaction.atomic():
        member_state_factory(iso2="RU")


def test_iso3_code_is_unique(member_state_factory):
    member_state_factory(iso3="RUS")
    with pytest.raises(IntegrityError), transaction.atomic():
        member_state_factory(iso3="RUS")


def test_itu_code_is_unique(member_state_factory):
    member_state_factory(itu_code="G")
    with pytest.raises(IntegrityError), transaction.atomic():
        member_state_factory(itu_code="G")


def test_rejects_lower_case_iso_code(member_state_factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        member_state_factory(iso2="ru")


def test_by_code_matches_itu_and_iso_codes_in_any_case(member_state_factory):
    uk = member_state_factory(iso2="GB", iso3="GBR", itu_code="G")
    for code in ["G", "gb", "GBR", " gbr "]:
        assert list(MemberState.objects.by_code(code)) == [uk]


def test_membership_cannot_end_before_it_starts(membership_factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        membership_factory(since=datetime.date(2012, 1, 1), until=datetime.date(2011, 1, 1))


def test_undated_membership_is_unique_per_group_and_state(membership_factory):
    first = membership_factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        membership_factory(group=first.group, member_state=first.member_state)


def test_a_state_may_rejoin_a_group_in_a_later_period(membership_factory):
    first = membership_factory(since=datetime.date(1991, 1, 1), until=datetime.date(2009, 1, 1))
    membership_factory(
        group=first.group, member_state=first.member_state, since=datetime.date(2015, 1, 1)
    )
    assert first.group.memberships.count() == 2
