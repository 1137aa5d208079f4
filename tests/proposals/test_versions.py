"""A proposal's versions stay one history whatever curators do: deleting a version keeps
exactly one current version per number, every kept version superseded by the next one
kept; publishing or unpublishing one never leaves the public two current versions."""

import datetime
import itertools
import random

import pytest
from django import forms
from django.db.models import Count

from proposals.models import Proposal
from proposals.services import proposals_delete, publication_problem

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
        return [Proposal.objects.get(pk=row.pk) for row in rows]

    return make


def read_late(document_factory, current) -> Proposal:
    """A version from an older document, read after `current` existed, and superseded by
    it too: the branch an original arriving after its revision can leave."""
    return Proposal.objects.create(
        conference=current.conference,
        number=current.number,
        document=document_factory(conference=current.conference, date=datetime.date(2012, 10, 1)),
        superseded_by=current,
        published=True,
        source="test",
    )


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
    late = read_late(document_factory, v3)
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


def admin_form_data(admin_client, proposal, **changes) -> dict:
    """The proposal's admin change form as the browser would post it, with `changes`."""
    context = admin_client.get(f"/admin/proposals/proposal/{proposal.pk}/change/").context
    form = context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


@pytest.mark.parametrize(
    ("published", "which", "to", "refused"),
    [
        # v1 published, v2 and v3 awaiting review.
        ((True, False, False), 2, True, True),  # v2 would stand between two published
        ((True, False, False), 1, True, False),
        ((False, False, False), 2, True, False),  # nothing public before it
        # All three published.
        ((True, True, True), 1, False, True),  # v2 would sit between v1 and v3
        ((True, True, True), 2, False, False),
        ((True, True, True), 0, False, False),
        # Already in the data (not made here): a change elsewhere is not refused for it.
        ((True, False, True), 0, False, False),
    ],
)
def test_publishing_may_not_leave_a_version_awaiting_review_between_published_ones(
    versions, published, which, to, refused
):
    rows = versions(published=published)
    problem = publication_problem(rows[which], to)
    assert (problem is not None) is refused
    if refused:
        assert "RUS/27/7" in problem and "two current versions" in problem


def test_the_admin_refuses_such_a_change_and_allows_it_once_the_middle_version_goes(
    admin_client, versions
):
    v1, v2, v3 = versions(published=(True, False, False))
    response = admin_client.post(
        f"/admin/proposals/proposal/{v3.pk}/change/",
        admin_form_data(admin_client, v3, published=True),
    )
    assert response.status_code == 200
    assert "awaits review" in response.content.decode()
    assert not Proposal.objects.get(pk=v3.pk).published

    proposals_delete(Proposal.objects.filter(pk=v2.pk))
    response = admin_client.post(
        f"/admin/proposals/proposal/{v3.pk}/change/",
        admin_form_data(admin_client, v3, published=True),
    )
    assert response.status_code == 302
    assert Proposal.objects.get(pk=v3.pk).published
    assert chain(v1.conference) == [(v1.pk, v3.pk), (v3.pk, None)]


def test_unpublishing_is_refused_where_an_earlier_branch_would_become_current(
    versions, document_factory
):
    *_, v3 = versions()
    late = read_late(document_factory, v3)
    # Without v3, both v2 and the late-read original would be current to the public.
    assert publication_problem(v3, False) is not None
    assert publication_problem(late, False) is None


def test_a_versions_number_and_conference_cannot_be_edited_in_the_admin(
    admin_client, versions, proposal_factory
):
    v1, _, _ = versions()
    alone = proposal_factory()
    fields = (
        admin_client.get(f"/admin/proposals/proposal/{v1.pk}/change/")
        .context["adminform"]
        .form.fields
    )
    assert "number" not in fields and "conference" not in fields
    fields = (
        admin_client.get(f"/admin/proposals/proposal/{alone.pk}/change/")
        .context["adminform"]
        .form.fields
    )
    assert "number" in fields and "conference" in fields


def public_currents(conference) -> dict[str, int]:
    """For each number, how many versions the public takes as current."""
    currents = Proposal.objects.visible_to(None).current_for(None).filter(conference=conference)
    return dict(
        currents.order_by()
        .values("number")
        .annotate(count=Count("pk"))
        .values_list("number", "count")
    )


def test_deleting_any_versions_of_any_history_keeps_it_whole(proposal_factory, document_factory):
    """Random histories (chains with branches, as late-read originals make them), random
    publication, random deletions: never an error, one current row per number, and
    never more versions current to the public than before."""
    chance = random.Random(20121203)
    for _ in range(40):
        conference = document_factory().conference
        rows = []
        for position in range(chance.randint(2, 6)):
            document = document_factory(
                conference=conference, date=datetime.date(2012, 11, 1 + position)
            )
            rows.append(
                proposal_factory(
                    conference=conference,
                    document=document,
                    number=f"TMP/{position}",
                    published=chance.random() < 0.6,
                )
            )
        # The last is current; each other row is superseded by a later one.
        for index, row in enumerate(rows[:-1]):
            later = rows[chance.randint(index + 1, len(rows) - 1)]
            Proposal.objects.filter(pk=row.pk).update(superseded_by=later)
        Proposal.objects.filter(pk__in=[row.pk for row in rows]).update(number="RUS/27/7")
        before = public_currents(conference).get("RUS/27/7", 0)
        deleted = chance.sample(rows, chance.randint(1, len(rows)))

        proposals_delete(Proposal.objects.filter(pk__in=[row.pk for row in deleted]))

        kept = Proposal.objects.filter(conference=conference)
        assert kept.count() == len(rows) - len(deleted)
        assert kept.filter(superseded_by=None).count() == (1 if kept.exists() else 0)
        assert public_currents(conference).get("RUS/27/7", 0) <= max(before, 1)


def test_deleting_versions_costs_the_same_queries_for_one_or_many(versions):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_delete_current_versions(count: int) -> int:
        currents = [versions()[-1] for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            proposals_delete(Proposal.objects.filter(pk__in=[row.pk for row in currents]))
        assert Proposal.objects.filter(pk__in=[row.pk for row in currents]).count() == 0
        return len(captured)

    assert queries_to_delete_current_versions(1) == queries_to_delete_current_versions(6)


def r_numbered(rows) -> list[Proposal]:
    """The same history numbered as revisions that print R: RUS/27/7, RUS/27R1/7, RUS/27R2/7."""
    for position, row in enumerate(rows):
        number = "RUS/27/7" if position == 0 else f"RUS/27R{position}/7"
        Proposal.objects.filter(pk=row.pk).update(number=number)
    return [Proposal.objects.get(pk=row.pk) for row in rows]


def test_publishing_is_refused_across_r_numbered_versions_too(versions):
    # RUS/27/7 published; RUS/27R1/7 and RUS/27R2/7 await review.
    _, v2, v3 = r_numbered(versions(published=(True, False, False)))
    problem = publication_problem(v3, True)
    assert problem is not None and "two current versions" in problem
    assert publication_problem(v2, True) is None


def test_unpublishing_is_refused_across_r_numbered_versions_too(versions):
    _, v2, v3 = r_numbered(versions())
    assert publication_problem(v2, False) is not None
    assert publication_problem(v3, False) is None


def test_deleting_an_r_numbered_version_marks_the_relinked_one_updated(versions):
    # RUS/27/7 -> RUS/27R1/7 -> RUS/27R2/7, all published: without RUS/27R1/7, RUS/27/7
    # is superseded by RUS/27R2/7, which API clients syncing by updated_at must learn.
    v1, v2, v3 = r_numbered(versions())
    proposals_delete(Proposal.objects.filter(pk=v2.pk))
    assert chain(v1.conference) == [(v1.pk, v3.pk), (v3.pk, None)]
    assert Proposal.objects.get(pk=v1.pk).updated_at != EARLIER


def test_publishing_as_reviewed_in_the_admin_goes_version_by_version(admin_client, versions):
    from django.contrib.admin.models import LogEntry

    _, v2, v3 = versions(published=(True, False, False))
    Proposal.objects.filter(pk__in=[v2.pk, v3.pk]).update(review_reasons="check the text")

    def publish(*rows):
        return admin_client.post(
            "/admin/proposals/proposal/",
            {"action": "publish_reviewed", "_selected_action": [row.pk for row in rows]},
            follow=True,
        )

    refused = publish(v3)
    assert "Not published: RUS/27/7" in refused.content.decode()
    assert not Proposal.objects.get(pk=v3.pk).published

    done = publish(v3, v2)  # v2 first: then v3 may follow
    assert "2 proposal(s) published as reviewed." in done.content.decode()
    rows = Proposal.objects.filter(pk__in=[v2.pk, v3.pk])
    assert [(row.published, row.review_reasons) for row in rows] == [(True, "")] * 2
    assert sorted(LogEntry.objects.values_list("object_id", "change_message")) == [
        (str(v2.pk), "Published as reviewed."),
        (str(v3.pk), "Published as reviewed."),
    ]
