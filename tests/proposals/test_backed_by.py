"""The journalists' first question: what did state X back, directly or through a group?"""

import datetime

import pytest

from delegations.choices import MembershipStatus
from proposals.models import Proposal
from proposals.services import proposal_set_proposers


@pytest.fixture
def world(member_state_factory, regional_group_factory, membership_factory, proposal_factory):
    russia = member_state_factory(itu_code="RUS")
    rcc = regional_group_factory(code="RCC")
    membership_factory(group=rcc, member_state=russia)
    wcit = proposal_factory().conference  # 3-14 December 2012

    def proposal(*proposers, **kwargs):
        made = proposal_factory(conference=wcit, **kwargs)
        proposal_set_proposers(proposal=made, proposers=proposers)
        return made

    return russia, rcc, wcit, proposal


def test_includes_direct_proposals(world):
    russia, _, _, proposal = world
    own = proposal(russia)
    assert list(Proposal.objects.backed_by(russia)) == [own]


def test_includes_common_proposals_of_a_group_it_belonged_to(world):
    russia, rcc, _, proposal = world
    common = proposal(rcc)
    backed = Proposal.objects.backed_by(russia)
    assert list(backed) == [common]
    assert backed.get().backed_directly is False


def test_via_groups_false_leaves_group_proposals_out(world):
    russia, rcc, _, proposal = world
    own, _ = proposal(russia), proposal(rcc)
    assert list(Proposal.objects.backed_by(russia, via_groups=False)) == [own]


def test_a_co_signed_proposal_appears_once_and_counts_as_direct(world):
    russia, rcc, _, proposal = world
    joint = proposal(russia, rcc)
    backed = Proposal.objects.backed_by(russia)
    assert list(backed) == [joint]
    assert backed.get().backed_directly is True


def test_leaves_out_other_states_and_other_groups(
    world, member_state_factory, regional_group_factory
):
    russia, _, _, proposal = world
    proposal(member_state_factory())
    proposal(regional_group_factory())
    assert not Proposal.objects.backed_by(russia).exists()


def test_leaves_out_common_proposals_of_groups_it_is_not_in(
    world, member_state_factory, regional_group_factory, membership_factory
):
    russia, _, _, proposal = world
    other_group = regional_group_factory()
    membership_factory(group=other_group, member_state=member_state_factory())
    proposal(other_group)
    assert not Proposal.objects.backed_by(russia).exists()


def test_leaves_out_groups_the_state_only_observes(
    world, regional_group_factory, membership_factory
):
    russia, _, _, proposal = world
    observed = regional_group_factory()
    membership_factory(group=observed, member_state=russia, status=MembershipStatus.OBSERVER)
    proposal(observed)
    assert not Proposal.objects.backed_by(russia).exists()


@pytest.mark.parametrize(
    ("since", "until", "counted"),
    [
        (datetime.date(2013, 1, 1), None, False),  # joined after the conference
        (None, datetime.date(2011, 12, 31), False),  # left before it
        (datetime.date(1991, 1, 1), datetime.date(2012, 12, 3), True),  # left on its first day
        (None, None, True),  # dates unknown: the sourced lists are undated
    ],
)
def test_membership_must_cover_the_conference(
    world, regional_group_factory, membership_factory, since, until, counted
):
    russia, _, _, proposal = world
    group = regional_group_factory()
    membership_factory(group=group, member_state=russia, since=since, until=until)
    common = proposal(group)
    assert (common in Proposal.objects.backed_by(russia)) is counted


def test_on_the_demo_data_russia_backs_its_own_and_its_groups_proposals(demo_data):
    from delegations.models import MemberState

    russia = MemberState.objects.get(itu_code="RUS")
    backed = Proposal.objects.backed_by(russia)
    assert backed.filter(backed_directly=True, number="RUS/27/7").exists()
    via_groups = backed.filter(backed_directly=False)
    groups = set(via_groups.values_list("proposing_groups__code", flat=True))
    # RCC, and CEPT too: its 2018 member list, the one sourced, still has Russia.
    assert groups == {"RCC", "CEPT"}
