import pytest

from proposals.models import Proposal
from proposals.services import proposal_set_proposers, proposal_upsert


@pytest.fixture
def wcit(conference_factory):
    return conference_factory(slug="wcit-12")


def test_upsert_creates_then_changes_nothing_the_second_time(wcit, member_state_factory):
    russia = member_state_factory(itu_code="RUS")
    arguments = {
        "conference": wcit,
        "number": "RUS/27/7",
        "action": "ADD",
        "proposers": [russia],
        "source": "s",
    }
    proposal, changed = proposal_upsert(**arguments)
    updated_at = proposal.updated_at
    again, changed_again = proposal_upsert(**arguments)
    assert (changed, changed_again) == (True, False)
    assert again.pk == proposal.pk
    again.refresh_from_db()
    assert again.updated_at == updated_at
    assert Proposal.objects.count() == 1


def test_upsert_updates_changed_fields(wcit):
    proposal_upsert(conference=wcit, number="RUS/27/7", action="ADD", source="s")
    proposal, changed = proposal_upsert(
        conference=wcit, number="RUS/27/7", action="MOD", outcome="adopted", source="s"
    )
    assert changed
    proposal.refresh_from_db()
    assert (proposal.action, proposal.outcome) == ("MOD", "adopted")


def test_proposals_without_number_are_told_apart_by_summary_and_proposers(wcit, document_factory):
    td62 = document_factory(conference=wcit, symbol="TD 62")
    common = {"conference": wcit, "document": td62, "summary": "Spam rules.", "source": "s"}
    proposal_upsert(**common, proposers_as_stated="Egypt")
    proposal_upsert(**common, proposers_as_stated="Portugal")
    proposal_upsert(**common, proposers_as_stated="Egypt")
    assert Proposal.objects.count() == 2


def test_set_proposers_keeps_order_and_removes_the_rest(
    proposal_factory, member_state_factory, regional_group_factory, sector_member_factory
):
    proposal = proposal_factory()
    state, group, etno = member_state_factory(), regional_group_factory(), sector_member_factory()
    assert proposal_set_proposers(proposal=proposal, proposers=[state, group])
    assert proposal_set_proposers(proposal=proposal, proposers=[etno, state])
    assert [s.proposer for s in proposal.sponsorships.all()] == [etno, state]
    assert not proposal_set_proposers(proposal=proposal, proposers=[etno, state])


def test_set_proposers_refuses_a_proposer_named_twice(proposal_factory, member_state_factory):
    proposal, state = proposal_factory(), member_state_factory()
    with pytest.raises(ValueError, match="named twice"):
        proposal_set_proposers(proposal=proposal, proposers=[state, state])
