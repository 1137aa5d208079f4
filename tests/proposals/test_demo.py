import io

import pytest
from django.core.management import call_command

from proposals.models import Document, Proposal

pytestmark = pytest.mark.usefixtures("demo_data")


def test_loads_the_real_excerpts_with_their_numbers():
    numbers = set(Proposal.objects.exclude(number="").values_list("number", flat=True))
    assert {"PRG/29/1", "RUS/27/7", "ARB/79A1/9", "EUR/10A25/1", "ACP/12/04"} <= numbers
    rus = Proposal.objects.get(number="RUS/27/7")
    assert rus.provision.number == "3A.1"
    assert rus.document.symbol == "Revision 1 to Document 27"
    assert rus.document.base_document.symbol == "Document 27"
    assert [s.itu_code for s in rus.proposing_states.all()] == ["RUS"]


def test_loads_cdt_td62_proposals_with_topic_and_proposers_as_stated():
    td62 = Proposal.objects.filter(document__symbol="TD 62")
    assert td62.filter(document__origin="leaked").count() == td62.count() > 0
    spam = td62.filter(topics__slug="spam")
    assert spam.count() == 10  # CDT names ten proposers on spam
    assert spam.filter(proposing_groups__code="CEPT").exists()
    etno = td62.get(proposing_sector_members__slug="etno")
    assert list(etno.topics.values_list("slug", flat=True)) == ["charging-interconnection"]
    joint = td62.get(topics__slug="ipv6")
    assert sorted(joint.proposing_states.values_list("itu_code", flat=True)) == ["CTI", "RUS"]


def test_every_demo_record_has_a_source_and_proposers():
    assert not Proposal.objects.filter(source="").exists()
    assert not Document.objects.filter(source="").exists()
    assert not Proposal.objects.filter(sponsorships=None).exists()


def test_numbers_unknown_to_the_sources_stay_empty():
    # The WRC-12 and WRC-15 drafts carry placeholder numbers (EUR/XXA2/1, EUR/XX/1).
    assert not Proposal.objects.filter(number__contains="XX").exists()
    numberless = Proposal.objects.filter(number="")
    assert numberless.count() == 45
    assert not numberless.filter(source_key="").exists()


def test_load_demo_keeps_curated_fields():
    proposal = Proposal.objects.get(source_key="cdt-td62/child-protection/RUS")
    Proposal.objects.filter(pk=proposal.pk).update(summary="Curated.", outcome="withdrawn")
    call_command("load_demo", stdout=io.StringIO())
    assert Proposal.objects.filter(source_key="cdt-td62/child-protection/RUS").count() == 1
    proposal.refresh_from_db()
    assert proposal.outcome == "withdrawn"


def test_load_demo_is_idempotent():
    before = (Proposal.objects.count(), Document.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (Proposal.objects.count(), Document.objects.count()) == before
    assert "created" not in out.getvalue()
