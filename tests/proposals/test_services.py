import datetime

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


def test_upsert_updates_what_the_source_now_says(wcit):
    proposal_upsert(conference=wcit, number="RUS/27/7", action="ADD", source="s")
    proposal, changed = proposal_upsert(
        conference=wcit, number="RUS/27/7", action="MOD", outcome="adopted", source="s"
    )
    assert changed
    proposal.refresh_from_db()
    assert (proposal.action, proposal.outcome) == ("MOD", "adopted")


def test_proposals_without_a_number_are_found_by_their_source_key(wcit, document_factory):
    td62 = document_factory(conference=wcit, symbol="TD 62")
    common = {"conference": wcit, "document": td62, "summary": "Spam rules.", "source": "s"}
    proposal_upsert(**common, source_key="cdt-td62/spam/EGY")
    proposal_upsert(**common, source_key="cdt-td62/spam/POR")
    egypt, _ = proposal_upsert(**common, source_key="cdt-td62/spam/EGY")
    assert Proposal.objects.count() == 2
    # A curator rewrites the summary; reloading finds the same record, not a new one.
    Proposal.objects.filter(pk=egypt.pk).update(summary="Curated summary.")
    proposal_upsert(**common, source_key="cdt-td62/spam/EGY")
    assert Proposal.objects.count() == 2


def test_a_proposal_needs_a_number_or_a_source_key(wcit):
    with pytest.raises(ValueError, match="source_key"):
        proposal_upsert(conference=wcit, source="s")


def test_the_document_must_belong_to_the_conference(wcit, document_factory):
    elsewhere = document_factory()
    with pytest.raises(ValueError, match="not a document of"):
        proposal_upsert(conference=wcit, number="RUS/27/7", document=elsewhere, source="s")


def test_reloading_keeps_what_curators_decided(wcit, topic_factory):
    spam, cyber = topic_factory(), topic_factory()
    arguments = {"conference": wcit, "number": "RUS/27/7", "topics": [spam], "source": "s"}
    proposal, _ = proposal_upsert(**arguments, published=True)
    Proposal.objects.filter(pk=proposal.pk).update(outcome="not-adopted", published=False)
    proposal.topics.add(cyber)
    _, changed = proposal_upsert(**arguments, published=True)
    proposal.refresh_from_db()
    assert not changed
    assert (proposal.outcome, proposal.published) == ("not-adopted", False)
    assert set(proposal.topics.all()) == {spam, cyber}


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


def test_applying_facts_that_clear_a_relation_clears_it(proposal_factory, provision_factory):
    from proposals.services.proposals import differs

    proposal = proposal_factory(provision=provision_factory())
    assert differs(proposal, "provision", None)
    assert not differs(proposal, "provision", proposal.provision)
    proposal.provision = None
    assert not differs(proposal, "provision", None)


LONG_AGO = datetime.datetime(2012, 12, 14, tzinfo=datetime.UTC)


def updated_at(proposal) -> datetime.datetime:
    return Proposal.objects.values_list("updated_at", flat=True).get(pk=proposal.pk)


def test_a_change_of_proposers_or_topics_alone_marks_the_proposal_updated(
    wcit, member_state_factory, topic_factory
):
    # API clients sync by updated_since: a proposal whose proposers changed must show up.
    russia, egypt, spam = member_state_factory(), member_state_factory(), topic_factory()
    facts = {"conference": wcit, "number": "RUS/27/7", "source": "s", "proposers": [russia]}
    proposal, _ = proposal_upsert(**facts)
    Proposal.objects.update(updated_at=LONG_AGO)
    assert proposal_set_proposers(proposal=proposal, proposers=[russia, egypt])
    assert updated_at(proposal) > LONG_AGO

    Proposal.objects.update(updated_at=LONG_AGO)
    _, changed = proposal_upsert(**{**facts, "proposers": [russia, egypt], "topics": [spam]})
    assert changed and updated_at(proposal) > LONG_AGO

    Proposal.objects.update(updated_at=LONG_AGO)
    assert not proposal_set_proposers(proposal=proposal, proposers=[russia, egypt])
    _, changed = proposal_upsert(**{**facts, "proposers": [russia, egypt], "topics": [spam]})
    assert not changed and updated_at(proposal) == LONG_AGO


def test_a_change_only_curators_see_leaves_the_public_time_alone(wcit, topic_factory):
    # What is in doubt, and how sure the parser was, are the curators': a change to them
    # alone is no news to the public, and its time could tell when a leak was read.
    facts = {"conference": wcit, "number": "RUS/27/7", "text": "T.", "source": "s"}
    proposal, _ = proposal_upsert(**facts)
    Proposal.objects.update(updated_at=LONG_AGO)
    _, changed = proposal_upsert(**facts, review_reasons="check it", parse_confidence=0.65)
    assert changed and updated_at(proposal) == LONG_AGO
    assert Proposal.objects.get(pk=proposal.pk).review_reasons == "check it"

    _, changed = proposal_upsert(**{**facts, "text": "T2."})
    assert changed and updated_at(proposal) > LONG_AGO

    # Proposers or topics that change along with them are news.
    Proposal.objects.update(updated_at=LONG_AGO)
    _, changed = proposal_upsert(
        **{**facts, "text": "T2."}, topics=[topic_factory()], parse_confidence=0.3
    )
    assert changed and updated_at(proposal) > LONG_AGO
