"""Deleting a version of a proposal keeps the rest of its history whole: exactly one
current version per number, and every kept version superseded by the next one kept."""

import datetime
import itertools

import pytest

from proposals.models import Proposal
from proposals.services import proposals_delete

EARLIER = datetime.datetime(2012, 11, 1, tzinfo=datetime.UTC)


@pytest.fixture
def versions(proposal_factory, document_factory):
    """RUS/27/7 in three versions, v1 -> v2 -> v3 (current), from documents of rising date."""

    def make(count=3, published=(True, True, True)):
        rows = []
        conference = None
        for position in range(count):
            document = document_factory(
                date=datetime.date(2012, 11, 1 + position),
                **({"conference": conference} if conference else {}),
            )
            conference = document.conference
            rows.append(
                proposal_factory(
                    conference=conference,
                    document=document,
                    number=f"RUS/27/{100 + position}",
                    published=published[position],
                )
            )
        for row, later in itertools.pairwise(rows):
            Proposal.objects.filter(pk=row.pk).update(superseded_by=later)
        Proposal.objects.filter(pk__in=[row.pk for row in rows]).update(
            number="RUS/27/7", updated_at=EARLIER
        )
        return rows

    return make


def chain(conference) -> list[tuple[int, int | None]]:
    return sorted(
        Proposal.objects.filter(conference=conference).values_list("pk", "superseded_by_id")
    )


def test_deleting_a_middle_version_links_its_predecessor_to_its_successor(versions):
    v1, v2, v3 = versions()
    assert proposals_delete(Proposal.objects.filter(pk=v2.pk)) == 1
    assert chain(v1.conference) == [(v1.pk, v3.pk), (v3.pk, None)]


def test_deleting_the_current_version_makes_the_one_before_it_current(versions):
    v1, v2, v3 = versions()
    proposals_delete(Proposal.objects.filter(pk=v3.pk))
    assert chain(v1.conference) == [(v1.pk, v2.pk), (v2.pk, None)]
    proposals_delete(Proposal.objects.filter(pk__in=[v1.pk, v2.pk]))
    assert chain(v1.conference) == []


def test_of_two_versions_the_current_one_replaced_the_newest_becomes_current(
    versions, document_factory
):
    v1, v2, v3 = versions()
    # An older document's version, read after the current one existed (as ingestion's
    # "earlier" placement leaves it): superseded by v3 too.
    late = Proposal.objects.create(
        conference=v1.conference,
        number="RUS/27/7",
        document=document_factory(conference=v1.conference, date=datetime.date(2012, 10, 1)),
        superseded_by=v3,
        published=True,
        source="test",
    )
    proposals_delete(Proposal.objects.filter(pk=v3.pk))
    assert chain(v1.conference) == sorted([(v1.pk, v2.pk), (v2.pk, None), (late.pk, v2.pk)])


def test_deleting_every_version_in_one_go(versions):
    v1, _, _ = versions()
    assert proposals_delete(Proposal.objects.filter(conference=v1.conference)) == 3
    assert chain(v1.conference) == []


@pytest.mark.parametrize(
    ("published", "deleted", "moved"),
    [
        # The public saw v2: v1's link changes.
        ((True, True, True), 1, True),
        # v2 awaited review: v1 now links to v3, which the public sees.
        ((True, False, True), 1, True),
        # v3 awaited review and goes: to the public v2 was current all along.
        ((True, True, False), 2, False),
    ],
)
def test_a_kept_version_is_marked_updated_when_the_public_sees_a_change(
    versions, published, deleted, moved
):
    rows = versions(published=published)
    proposals_delete(Proposal.objects.filter(pk=rows[deleted].pk))
    kept = Proposal.objects.get(pk=rows[deleted - 1].pk)
    assert (kept.updated_at != EARLIER) is moved


def test_a_curator_deletes_versions_in_the_admin(admin_client, versions):
    v1, v2, v3 = versions()
    response = admin_client.post(f"/admin/proposals/proposal/{v2.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert chain(v1.conference) == [(v1.pk, v3.pk), (v3.pk, None)]
    response = admin_client.post(
        "/admin/proposals/proposal/",
        {"action": "delete_selected", "_selected_action": [v3.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert chain(v1.conference) == [(v1.pk, None)]
