"""The analyst pages: server-rendered, each page's state in its URL, no JavaScript needed.

Views read through the querysets (visibility, shapes) and the shared FilterSet; the
figures and diffs they show come from facets.py, charts.py and diff.py.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from delegations.choices import AdministrativeRegion
from delegations.models import GroupMembership, MemberState

from . import search
from .charts import bar_chart
from .choices import Action, Origin, ProvisionKind
from .citation import citation
from .diff import changed_words, word_diff
from .facets import proposal_facets
from .filters import ProposalFilterSet
from .forms import ConferenceChoiceForm, SortForm
from .models import Conference, Document, Proposal, Provision, Sponsorship, Topic
from .querysets import count_of, sees_unpublished

PROPOSALS_PER_PAGE = 50
# Side by side, more than this stops being comparable at a glance; the rest page on.
COLUMNS_PER_PAGE = 24


def home(request):
    """Conferences with their headline figures, the latest documents, and a search box."""
    visible = Proposal.objects.visible_to(request.user)
    conferences = Conference.objects.select_related("host_country").annotate(
        proposal_count=count_of(visible, "conference"),
        document_count=count_of(Document.objects.visible_to(request.user), "conference"),
    )
    latest_documents = (
        Document.objects.visible_to(request.user).for_display().order_by("-created_at", "-pk")
    )[:10]
    return render(
        request,
        "proposals/home.html",
        {
            "conferences": conferences,
            "latest_documents": latest_documents,
            "proposal_total": visible.count(),
        },
    )


def filtered_proposals(request) -> tuple[ProposalFilterSet, SortForm]:
    return ProposalFilterSet.for_request(request), SortForm(request.GET)


def canonical_proposer_query(request, filters: ProposalFilterSet) -> str | None:
    """The query string with a member state named by its ITU code (RU -> RUS), or None if
    it already is: one URL per view, to cite and to match the facets."""
    proposer = filters.form.cleaned_data.get("proposer")
    given = request.GET.get("proposer", "")
    if isinstance(proposer, MemberState) and given != proposer.itu_code:
        params = request.GET.copy()
        params["proposer"] = proposer.itu_code
        return params.urlencode()
    return None


def proposal_list(request):
    """Search and browse proposals: full text, facets with counts, sorting, paging, and
    links to the same view as CSV and as an Atom feed."""
    filters, sort_form = filtered_proposals(request)
    kept_params = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in ("q", "page")
        for value in values
    ]
    if not filters.is_valid() or not sort_form.is_valid():
        context = {
            "filters": filters,
            "sort_form": sort_form,
            "errors": True,
            "kept_params": kept_params,
        }
        return render(request, "proposals/proposal_list.html", context, status=400)
    canonical = canonical_proposer_query(request, filters)
    if canonical is not None:
        return redirect(f"{reverse('proposal-list')}?{canonical}")

    query = (filters.form.cleaned_data.get("q") or "").strip()
    matching = filters.qs
    ordered = matching.order_by(*sort_form.ordering(searched=bool(query)))
    page = Paginator(ordered.for_display(user=request.user), PROPOSALS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    if query:
        for proposal in page:
            proposal.snippet = search.snippet(proposal, query)

    view_params = request.GET.copy()
    view_params.pop("page", None)
    view_params.pop("sort", None)
    return render(
        request,
        "proposals/proposal_list.html",
        {
            "filters": filters,
            "sort_form": sort_form,
            "page": page,
            "query": query,
            "facets": proposal_facets(filters),
            "sorts": sort_form.offered(searched=bool(query)),
            "current_sort": sort_form.chosen(searched=bool(query)),
            "view_query": view_params.urlencode(),
            "kept_params": kept_params,
            "sort_params": [(name, value) for name, value in kept_params if name != "sort"]
            + ([("q", query)] if query else []),
        },
    )


def proposal_detail(request, conference: str, key: str):
    """One proposal: its text, reasons, proposers (with the groups they belonged to at
    the conference), provision, topics, outcome, source document, versions, and how to
    cite it."""
    user = request.user
    visible = Proposal.objects.visible_to(user)
    proposal = visible.for_display(user=user).by_url_key(conference, key, user=user).first()
    if proposal is None:
        # A number a revision gave up: to the version that was cited by it.
        earlier = visible.for_display(user=user).renumbered(conference, key).first()
        if earlier is None:
            raise Http404("No such proposal.")
        return redirect(earlier.get_absolute_url())
    memberships = GroupMembership.objects.select_related("group").order_by("group__code")
    if proposal.conference.starts_on:
        memberships = memberships.active_on(proposal.conference.starts_on)
    prefetch_related_objects(
        [proposal], Prefetch("sponsorships__member_state__group_memberships", memberships)
    )
    url = request.build_absolute_uri(proposal.get_absolute_url())
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "earlier_versions": proposal.supersedes.all(),
            "later_version": proposal.shown_successor,
            "canonical_url": url,
            "citation": citation(proposal, url),
            "api_url": reverse("api:proposal-detail", kwargs={"key": proposal.api_key}),
        },
    )


def provision_detail(request, instrument: str, number: str):
    """A provision's text in force, then every proposal on it side by side, each with a
    word-level diff against that text; narrowed to a conference with ?conference=."""
    provision = get_object_or_404(
        Provision.objects.visible_to(request.user).select_related("instrument", "article"),
        instrument__slug=instrument,
        number=number,
    )
    form = ConferenceChoiceForm(request.GET)
    visible = Proposal.objects.visible_to(request.user)
    proposals, status, _ = form.narrow(visible.filter(provision=provision))
    proposals = Paginator(
        proposals.for_display(user=request.user).order_by(
            F("conference__starts_on").asc(nulls_last=True), "number", "pk"
        ),
        COLUMNS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    for proposal in proposals:
        proposal.diff = word_diff(provision.baseline_text, proposal.text) if proposal.text else []
        proposal.words_added, proposal.words_removed = changed_words(proposal.diff)
    parts = (
        provision.provisions.visible_to(request.user)
        .select_related("instrument")
        .annotate(proposal_count=count_of(visible, "provision"))
        .order_by("id")
        if provision.kind == ProvisionKind.ARTICLE
        else []
    )
    return render(
        request,
        "proposals/provision_detail.html",
        {
            "provision": provision,
            "page": proposals,
            "form": form,
            "parts": parts,
            "list_url": proposals_url(
                instrument=provision.instrument.slug, provision=provision.number
            ),
        },
        status=status,
    )


def conference_detail(request, slug: str):
    """A conference: its documents over time and its proposals by topic, group, region
    and action, each bar a link to the matching proposals."""
    conference = get_object_or_404(
        Conference.objects.select_related("host_country").prefetch_related("instruments"), slug=slug
    )
    proposals = Proposal.objects.visible_to(request.user).filter(conference=conference)
    # Undated documents last, on SQLite as on PostgreSQL.
    documents = list(
        conference.documents.visible_to(request.user)
        .without_text()
        .order_by(F("date").asc(nulls_last=True), "symbol")
    )
    topics = dict(Topic.objects.values_list("slug", "name"))
    regions = dict(AdministrativeRegion.choices)
    actions = dict(Action.choices)

    def chart(title: str, field: str, param: str, labels: dict | None = None):
        return bar_chart(
            title,
            (
                (
                    (labels or {}).get(value, value),
                    count,
                    proposals_url(conference=conference.slug, **{param: value}),
                )
                for value, count in proposals.count_by(field)
            ),
        )

    charts = [
        bar_chart("Documents by month", ((month, n, "") for month, n in by_month(documents))),
        chart("Proposals by topic", "topics__slug", "topic", topics),
        chart("Common proposals by regional group", "proposing_groups__code", "group"),
        chart(
            "Proposals by ITU region of the proposing states",
            "proposing_states__region",
            "region",
            regions,
        ),
        chart("Proposals by action", "action", "action", actions),
    ]
    return render(
        request,
        "proposals/conference_detail.html",
        {
            "conference": conference,
            "documents": documents,
            "proposal_count": proposals.count(),
            "charts": charts,
            "list_url": proposals_url(conference=conference.slug),
        },
    )


def proposals_url(**params) -> str:
    """The proposal list filtered by `params`, properly encoded."""
    return f"{reverse('proposal-list')}?{urlencode(params, doseq=True)}"


def by_month(documents) -> list[tuple[str, int]]:
    months: dict[str, int] = {}
    for document in documents:
        month = document.date.strftime("%b %Y") if document.date else "Undated"
        months[month] = months.get(month, 0) + 1
    return list(months.items())


def document_detail(request, pk: int):
    """A document: metadata, provenance (every arrival of its bytes), the proposals read
    from it, and its public file."""
    document = get_object_or_404(
        Document.objects.visible_to(request.user)
        .without_text()
        .select_related("conference")
        .prefetch_related(
            # Only a base document the reader may see: else None, and no link to it.
            Prefetch(
                "base_document",
                Document.objects.visible_to(request.user)
                .without_text()
                .select_related("conference"),
            ),
            "intakes__received_by",
            Prefetch("derived_documents", Document.objects.visible_to(request.user).without_text()),
        ),
        pk=pk,
    )
    # A compilation such as TD 62 holds hundreds: one page of them at a time.
    proposals = Paginator(
        Proposal.objects.visible_to(request.user)
        .filter(document=document)
        .for_display(user=request.user)
        .order_by("number", "pk"),
        PROPOSALS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    curator = sees_unpublished(request.user)
    return render(
        request,
        "proposals/document_detail.html",
        {
            "document": document,
            "page": proposals,
            "curator": curator,
            # The exact time and address a leak arrived from could point to its source.
            "withhold_provenance": document.origin == Origin.LEAKED and not curator,
            "runs": document.ingest_runs.all()[:5] if curator else [],
            "download_url": reverse("api:document-download", kwargs={"pk": document.pk})
            if document.public_copy
            else "",
        },
    )


def topic_matrix(request):
    """Proposers by topic, with counts: the table CDT built by hand from TD 62. Each cell
    links to the proposals behind it."""
    topics = list(Topic.objects.order_by("name"))
    visible = Proposal.objects.visible_to(request.user)
    form = ConferenceChoiceForm(request.GET)
    visible, status, conference = form.narrow(visible)
    cells = Sponsorship.objects.filter(
        proposal__in=visible.values("pk"), proposal__topics__isnull=False
    ).proposer_counts("proposal__topics__slug")
    rows: dict[str, dict] = {}
    for cell in cells:
        row = rows.setdefault(
            cell["code"], {"code": cell["code"], "name": cell["name"], "counts": {}, "total": 0}
        )
        row["counts"][cell["proposal__topics__slug"]] = cell["count"]
        row["total"] += cell["count"]
    narrowed = {"conference": conference.slug} if conference else {}
    table = [
        {
            **row,
            "cells": [
                (
                    topic,
                    row["counts"].get(topic.slug, 0),
                    proposals_url(**narrowed, proposer=row["code"], topic=topic.slug),
                )
                for topic in topics
            ],
        }
        for row in sorted(rows.values(), key=lambda row: (-row["total"], row["name"]))
    ]
    return render(
        request,
        "proposals/topic_matrix.html",
        {"topics": topics, "table": table, "form": form},
        status=status,
    )


def topic_detail(request, slug: str):
    """A topic: what it covers, who proposed on it, and its proposals."""
    topic = get_object_or_404(Topic, slug=slug)
    proposals = Proposal.objects.visible_to(request.user).filter(topics=topic)
    by_proposer = bar_chart(
        f"Proposers on {topic.name}",
        (
            (
                row["name"],
                row["count"],
                proposals_url(topic=topic.slug, proposer=row["code"]),
            )
            for row in Sponsorship.objects.filter(
                proposal__in=proposals.values("pk")
            ).proposer_counts()
        ),
    )
    page = Paginator(
        proposals.newest_conference_first().for_display(user=request.user),
        PROPOSALS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/topic_detail.html",
        {"topic": topic, "page": page, "chart": by_proposer},
    )
