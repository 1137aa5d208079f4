import pytest
from django.db import IntegrityError, transaction

from proposals.models import Sponsorship


def test_proposal_number_is_unique_within_a_conference(proposal_factory):
    first = proposal_factory(number="RUS/27/7")
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal_factory(conference=first.conference, number="RUS/27/7")


def test_the_same_number_may_recur_at_another_conference(proposal_factory):
    proposal_factory(number="ACP/12/1")
    proposal_factory(number="ACP/12/1")  # a different conference each


def test_proposals_without_a_number_need_distinct_source_keys(proposal_factory):
    first = proposal_factory(number="", source_key="cdt-td62/spam/EGY")
    proposal_factory(conference=first.conference, number="", source_key="cdt-td62/spam/POR")
    assert first.conference.proposals.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal_factory(conference=first.conference, number="", source_key="cdt-td62/spam/EGY")


def test_a_proposal_has_a_number_or_a_source_key(proposal_factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal_factory(number="", source_key="")


def test_rejects_an_action_that_is_not_an_itu_symbol(proposal_factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal_factory(action="DELETE")


def test_page_must_be_positive(proposal_factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal_factory(page=0)


def test_a_sponsorship_names_exactly_one_proposer(
    proposal_factory, member_state_factory, regional_group_factory
):
    proposal = proposal_factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Sponsorship.objects.create(proposal=proposal)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sponsorship.objects.create(
            proposal=proposal,
            member_state=member_state_factory(),
            regional_group=regional_group_factory(),
        )


def test_a_proposer_is_named_once_per_proposal(proposal_factory, member_state_factory):
    proposal, state = proposal_factory(), member_state_factory()
    Sponsorship.objects.create(proposal=proposal, member_state=state)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sponsorship.objects.create(proposal=proposal, member_state=state, position=1)


def test_document_symbol_is_unique_within_a_conference(document_factory):
    first = document_factory(symbol="Document 27")
    with pytest.raises(IntegrityError), transaction.atomic():
        document_factory(conference=first.conference, symbol="Document 27")


def test_document_sha256_must_be_a_hex_digest(document_factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        document_factory(sha256="not-a-digest")


def test_provision_number_is_unique_within_an_instrument(provision_factory):
    first = provision_factory(number="1.3")
    with pytest.raises(IntegrityError), transaction.atomic():
        provision_factory(instrument=first.instrument, number="1.3")


def test_conference_cannot_end_before_it_starts(conference_factory):
    import datetime

    with pytest.raises(IntegrityError), transaction.atomic():
        conference_factory(
            starts_on=datetime.date(2012, 12, 14), ends_on=datetime.date(2012, 12, 3)
        )
