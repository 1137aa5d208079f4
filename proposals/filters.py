"""FilterSets for the proposals models, shared by the REST API and the analyst pages, so
that a filter that works in the browser works in the API under the same name."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from delegations.choices import AdministrativeRegion
from delegations.filters import (
    ChoicesFilter,
    KeysFilter,
    KnownValueFilter,
    ProposerFilter,
    StrictBooleanFilter,
    UTCDateTimeFilter,
    unknown,
)
from delegations.models import MemberState, RegionalGroup, SectorMember

from . import disclosure, search
from .choices import (
    Action,
    ConferenceKind,
    DocumentKind,
    Origin,
    Outcome,
    ProvisionKind,
    ProvisionStatus,
)
from .models import Conference, Document, Instrument, Proposal, Provision, Topic

SEARCH_HELP = (
    'Full-text search. On PostgreSQL: stemmed, ranked, with web-search syntax: "a phrase", '
    "either OR other, -excluded. A proposal number (RUS/27/7, or PRG/29 for its document's) "
    "matches on the number."
)


def reader(filterset):
    """Who is asking; None (the public) without a request, as in the dataset exports."""
    return getattr(filterset.request, "user", None)


class SearchFilter(django_filters.CharFilter):
    """`q`: a bounded, NUL-free string, handed to proposals.search."""

    def __init__(self, *, fields, snippet_of, **kwargs):
        super().__init__(max_length=300, label=SEARCH_HELP, **kwargs)
        self.search_fields = fields
        self.snippet_of = snippet_of

    def filter(self, queryset, value):
        if not value or not value.strip():
            return queryset
        # A CSV has no snippet column: cutting a headline from every row's text would
        # cost the database a pass over each, for nothing.
        renderer = getattr(self.parent.request, "accepted_renderer", None)
        wants_snippets = getattr(renderer, "format", None) != "csv"
        return search.search(
            queryset,
            value,
            fields=self.search_fields,
            snippet_of=self.snippet_of() if wants_snippets else None,
        )


class ProposalFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=search.PROPOSAL_FIELDS, snippet_of=search.proposal_snippet_source)
    conference = KeysFilter(
        field_name="conference__slug",
        to_field_name="slug",
        queryset=Conference.objects.all(),
        error_messages=unknown("conference"),
    )
    proposer = ProposerFilter(
        method="filter_proposer",
        label="Proposer: a member state's ITU or ISO code, a group code or a sector member",
    )
    via_groups = StrictBooleanFilter(
        method="filter_nothing",
        label="With proposer=<member state>: include the common proposals of the groups it "
        "belonged to at the time",
    )
    group = KeysFilter(
        field_name="proposing_groups__code",
        to_field_name="code",
        queryset=RegionalGroup.objects.all(),
        error_messages=unknown("regional group"),
        label="Tabled by this regional group (code)",
    )
    region = ChoicesFilter(
        field_name="proposing_states__region",
        choices=AdministrativeRegion.choices,
        label="ITU administrative region of a proposing member state",
    )
    topic = KeysFilter(
        field_name="topics__slug",
        to_field_name="slug",
        queryset=Topic.objects.all(),
        error_messages=unknown("topic"),
    )
    action = ChoicesFilter(choices=Action.choices)
    instrument = django_filters.ModelChoiceFilter(
        field_name="provision__instrument",
        to_field_name="slug",
        queryset=Instrument.objects.all(),
        error_messages=unknown("instrument"),
    )
    provision = KnownValueFilter(
        field_name="provision__number",
        known_in=Provision.objects.all(),
        lookup="number",
        what="provision",
        label="Provision number, e.g. 1.3 (combine with instrument to be exact)",
    )
    article = KnownValueFilter(
        method="filter_article",
        known_in=Provision.objects.filter(kind=ProvisionKind.ARTICLE),
        lookup="number",
        what="article",
        label="Article number, e.g. 3A: proposals on the article or any provision in it",
    )
    # Only the documents the reader may see: one they may not is unknown, as a missing
    # one is, and stays out of the browsable API's form.
    document = django_filters.ModelChoiceFilter(
        queryset=lambda request: Document.objects.visible_to(getattr(request, "user", None)),
        error_messages=unknown("document"),
    )
    origin = django_filters.ChoiceFilter(field_name="document__origin", choices=Origin.choices)
    outcome = ChoicesFilter(choices=Outcome.choices)
    # Two filters rather than one range, so that an error names the parameter it is about.
    date_after = django_filters.DateFilter(
        field_name="document__date", lookup_expr="gte", label="Document dated on or after"
    )
    date_before = django_filters.DateFilter(
        field_name="document__date", lookup_expr="lte", label="Document dated on or before"
    )
    updated_since = UTCDateTimeFilter(method="filter_updated_since")

    class Meta:
        model = Proposal
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checked against the provisions the reader may see: "unknown" for a hidden one
        # but not for one that exists would tell them it does.
        provisions = Provision.objects.visible_to(reader(self))
        self.filters["provision"].extra["known_in"] = provisions
        self.filters["article"].extra["known_in"] = provisions.filter(kind=ProvisionKind.ARTICLE)

    @classmethod
    def for_request(cls, request) -> ProposalFilterSet:
        """The filters of a page's query, over the proposals its reader may see."""
        return cls(request.GET, queryset=Proposal.objects.visible_to(request.user), request=request)

    def filter_nothing(self, queryset, name, value):
        return queryset  # read by filter_proposer

    def filter_updated_since(self, queryset, name, value):
        # Or its document: a proposal shows its symbol, date and origin.
        return queryset.filter(
            disclosure.changed_since(
                "updated_at", value, reader(self), origin_field="document__origin"
            )
            | disclosure.changed_since(
                "document__updated_at", value, reader(self), origin_field="document__origin"
            )
        )

    def filter_proposer(self, queryset, name, value):
        if isinstance(value, MemberState):
            via_groups = bool(self.form.cleaned_data.get("via_groups"))
            return queryset.backed_by(value, via_groups=via_groups)
        if isinstance(value, RegionalGroup):
            return queryset.filter(proposing_groups=value)
        if isinstance(value, SectorMember):
            return queryset.filter(proposing_sector_members=value)
        return queryset

    def filter_article(self, queryset, name, value):
        return queryset.filter(
            Q(provision__article__number=value)
            | Q(provision__number=value, provision__kind=ProvisionKind.ARTICLE)
        )


class DocumentFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=search.DOCUMENT_FIELDS, snippet_of=search.document_snippet_source)
    conference = KeysFilter(
        field_name="conference__slug",
        to_field_name="slug",
        queryset=Conference.objects.all(),
        error_messages=unknown("conference"),
    )
    kind = ChoicesFilter(choices=DocumentKind.choices)
    origin = django_filters.ChoiceFilter(choices=Origin.choices)
    date_after = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="Dated on or after"
    )
    date_before = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="Dated on or before"
    )
    updated_since = UTCDateTimeFilter(method="filter_updated_since")

    class Meta:
        model = Document
        fields: list[str] = []

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(
            disclosure.changed_since("updated_at", value, reader(self), origin_field="origin")
        )


class ConferenceFilterSet(django_filters.FilterSet):
    kind = ChoicesFilter(choices=ConferenceKind.choices)

    class Meta:
        model = Conference
        fields = ["kind"]


class InstrumentFilterSet(django_filters.FilterSet):
    class Meta:
        model = Instrument
        fields = ["kind"]


class ProvisionFilterSet(django_filters.FilterSet):
    instrument = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Instrument.objects.all(),
        error_messages=unknown("instrument"),
    )
    status = django_filters.ChoiceFilter(choices=ProvisionStatus.choices)

    class Meta:
        model = Provision
        fields = ["instrument", "kind", "status"]


class TopicFilterSet(django_filters.FilterSet):
    class Meta:
        model = Topic
        fields: list[str] = []
