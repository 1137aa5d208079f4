import datetime

import factory

from delegations.choices import MembershipStatus
from delegations.models import GroupMembership, MemberState, RegionalGroup, SectorMember
from proposals.choices import ConferenceKind, DocumentKind, InstrumentKind, Origin, ProvisionKind
from proposals.models import Conference, Document, Instrument, Proposal, Provision, Topic


def letters(n: int, width: int) -> str:
    """A distinct upper-case code for sequence number n: AA, AB, ... (ISO codes are letters)."""
    code = ""
    for _ in range(width):
        n, rest = divmod(n, 26)
        code = chr(ord("A") + rest) + code
    return code


class MemberStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberState

    iso2 = factory.Sequence(lambda n: letters(n, 2))
    iso3 = factory.Sequence(lambda n: letters(n, 3))
    itu_code = factory.Sequence(lambda n: letters(n, 3))
    name = factory.Sequence(lambda n: f"State {n}")
    source = "test"


class RegionalGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionalGroup

    code = factory.Sequence(lambda n: f"GROUP{n}")
    name = factory.Sequence(lambda n: f"Group {n}")
    kind = "rto"
    proposal_prefix = factory.Sequence(lambda n: f"G{n}")
    source = "test"


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(RegionalGroupFactory)
    member_state = factory.SubFactory(MemberStateFactory)
    status = MembershipStatus.FULL
    source = "test"


class SectorMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectorMember

    slug = factory.Sequence(lambda n: f"sector-member-{n}")
    name = factory.Sequence(lambda n: f"Sector member {n}")
    source = "test"


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference

    slug = factory.Sequence(lambda n: f"conf-{n}")
    name = factory.Sequence(lambda n: f"Conference {n}")
    kind = ConferenceKind.WCIT
    starts_on = datetime.date(2012, 12, 3)
    ends_on = datetime.date(2012, 12, 14)
    source = "test"


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    slug = factory.Sequence(lambda n: f"instrument-{n}")
    short_name = factory.Sequence(lambda n: f"I{n}")
    name = factory.Sequence(lambda n: f"Instrument {n}")
    kind = InstrumentKind.REGULATIONS
    source = "test"


class ProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provision

    instrument = factory.SubFactory(InstrumentFactory)
    number = factory.Sequence(lambda n: f"1.{n}")
    kind = ProvisionKind.PROVISION
    source = "test"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    conference = factory.SubFactory(ConferenceFactory)
    symbol = factory.Sequence(lambda n: f"Document {n}")
    kind = DocumentKind.CONTRIBUTION
    origin = Origin.OFFICIAL
    source = "test"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")
    source = "test"


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    conference = factory.SubFactory(ConferenceFactory)
    number = factory.Sequence(lambda n: f"TST/1/{n}")
    action = "MOD"
    published = True
    source = "test"
