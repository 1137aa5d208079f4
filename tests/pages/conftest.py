"""A small world for the analyst pages, built at two sizes so that a test can show a
page's query count does not grow with the rows (no N+1)."""

import datetime
from dataclasses import dataclass

import pytest

from delegations.models import Delegation
from proposals import search
from proposals.choices import DocumentKind, IntakeChannel, Origin, ProvisionKind
from proposals.models import DocumentIntake, Proposal
from proposals.services.proposals import proposal_set_proposers
from tests import factories


@dataclass
class World:
    conference: object
    article: object
    provision: object
    state: object
    co_proposer: object
    group: object
    topic: object
    document: object
    proposals: list
    group_proposals: list


def build_world(size: int) -> World:
    conference = factories.ConferenceFactory(slug="wcit-12", name="WCIT-12")
    instrument = factories.InstrumentFactory(slug="itr-1988", short_name="ITRs")
    article = factories.ProvisionFactory(
        instrument=instrument, number="3", kind=ProvisionKind.ARTICLE, title="International network"
    )
    provision = factories.ProvisionFactory(
        instrument=instrument,
        number="3.1",
        article=article,
        baseline_text="Administrations shall ensure that sufficient telecommunication "
        "facilities exist.",
    )
    state = factories.MemberStateFactory(itu_code="RUS", iso2="RU", iso3="RUS", name="Russia")
    co_proposer = factories.MemberStateFactory(
        itu_code="ARS", iso2="SA", iso3="SAU", name="Saudi Arabia"
    )
    group = factories.RegionalGroupFactory(
        code="RCC", name="Regional Commonwealth", proposal_prefix="RCC"
    )
    factories.GroupMembershipFactory(group=group, member_state=state)
    topic = factories.TopicFactory(slug="spam", name="Spam")
    document = factories.DocumentFactory(
        conference=conference,
        symbol="Document 27",
        origin=Origin.LEAKED,
        date=datetime.date(2012, 11, 20),
        source_line="Russian Federation",
    )
    factories.DocumentFactory(
        conference=conference,
        symbol="Revision 1 to Document 27",
        kind=DocumentKind.REVISION,
        base_document=document,
        origin=Origin.LEAKED,
    )
    DocumentIntake.objects.create(
        document=document, channel=IntakeChannel.COMMAND, original_filename="from-a-source.docx"
    )
    Delegation.objects.create(
        conference=conference, member_state=state, signed_final_acts="signed", source="test"
    )
    proposals, group_proposals = [], []
    for n in range(1, size + 1):
        # More provisions in the article, each listed (and linked) on the article's page.
        factories.ProvisionFactory(instrument=instrument, number=f"3.1.{n}", article=article)
        proposal = factories.ProposalFactory(
            conference=conference,
            number=f"RUS/27/{n}",
            provision=provision,
            document=document,
            page=n,
            text="Member States shall ensure that sufficient facilities exist to fight "
            "unsolicited spam.",
            reasons="Spam harms networks.",
        )
        proposal_set_proposers(proposal=proposal, proposers=[state, co_proposer])
        proposal.topics.add(topic)
        proposals.append(proposal)
        common = factories.ProposalFactory(
            conference=conference,
            number=f"RCC/10/{n}",
            action="ADD",
            provision=article,
            text="Common text.",
        )
        proposal_set_proposers(proposal=common, proposers=[group])
        group_proposals.append(common)
    # Factories write rows directly; the services would index them for search as well.
    search.index_proposals(Proposal.objects.all())
    return World(
        conference,
        article,
        provision,
        state,
        co_proposer,
        group,
        topic,
        document,
        proposals,
        group_proposals,
    )


@pytest.fixture(params=[1, 12], ids=["1-row", "12-rows"])
def world(request, db) -> World:
    return build_world(request.param)


@pytest.fixture
def small_world(db) -> World:
    return build_world(2)


@pytest.fixture
def big_world(db) -> World:
    """More rows than a page holds (50 proposals, 24 columns, 25 of a state's own)."""
    return build_world(30)


def unpublished(proposal: Proposal) -> Proposal:
    proposal.published = False
    proposal.save(update_fields=["published"])
    return proposal
