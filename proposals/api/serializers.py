from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from delegations.api.serializers import member_state_url, regional_group_url
from itutracker.rest import CanonicalURLMixin, canonical_url, columns

from .. import disclosure, search
from ..models import Conference, Document, Instrument, Proposal, Provision, Sponsorship, Topic
from ..querysets import PROPOSER_KINDS


def proposal_url(context, proposal: Proposal) -> str:
    return canonical_url(context, "api:proposal-detail", key=proposal.api_key)


def provision_url(context, provision: Provision) -> str:
    return canonical_url(context, "api:provision-detail", pk=provision.pk)


def document_url(context, document: Document) -> str:
    return canonical_url(context, "api:document-detail", pk=document.pk)


class ConferenceSerializer(CanonicalURLMixin, serializers.ModelSerializer):
    view_name = "api:conference-detail"
    url = serializers.SerializerMethodField()
    host_country = serializers.CharField(source="host_country.iso2", allow_null=True, default=None)
    instruments = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = Conference
        fields = [
            "url",
            "slug",
            "name",
            "kind",
            "city",
            "host_country",
            "starts_on",
            "ends_on",
            "instruments",
            "final_acts_signed_count",
            "final_acts_eligible_count",
            "final_acts_source",
            "source",
        ]

    def url_kwargs(self, obj):
        return {"slug": obj.slug}


class InstrumentSerializer(CanonicalURLMixin, serializers.ModelSerializer):
    view_name = "api:instrument-detail"
    url = serializers.SerializerMethodField()
    adopted_at = serializers.CharField(source="adopted_at.slug", allow_null=True, default=None)

    class Meta:
        model = Instrument
        fields = ["url", "slug", "short_name", "name", "kind", "adopted_at", "source"]

    def url_kwargs(self, obj):
        return {"slug": obj.slug}


class ProvisionSerializer(CanonicalURLMixin, serializers.ModelSerializer):
    view_name = "api:provision-detail"
    url = serializers.SerializerMethodField()
    instrument = serializers.CharField(source="instrument.slug")
    article = serializers.CharField(source="article.number", allow_null=True, default=None)

    class Meta:
        model = Provision
        fields = [
            "url",
            "instrument",
            "number",
            "kind",
            "status",
            "article",
            "margin_number",
            "title",
            "baseline_text",
            "notes",
            "source",
        ]

    def url_kwargs(self, obj):
        return {"pk": obj.pk}


class TopicSerializer(CanonicalURLMixin, serializers.ModelSerializer):
    view_name = "api:topic-detail"
    url = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = ["url", "slug", "name", "description", "source"]

    def url_kwargs(self, obj):
        return {"slug": obj.slug}


class DisclosedTimeField(serializers.DateTimeField):
    """A record's timestamp as much as the reader may know it: to the day on a leaked
    record for the public (see proposals.disclosure)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault(
            "help_text", "On a leaked record, given to the day (00:00 UTC) unless to curators."
        )
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        request = self.context.get("request")
        return disclosure.disclosed_time(
            super().get_attribute(instance), instance, request.user if request else None
        )


class SearchSnippetMixin:
    """`snippet`: highlighted HTML around the match when the list was searched (q=)."""

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_snippet(self, obj):
        request = self.context.get("request")
        query = request.query_params.get("q", "").strip() if request else ""
        if not query or not hasattr(obj, "rank_score"):
            return None
        return search.snippet(obj, query)


class DocumentSerializer(SearchSnippetMixin, CanonicalURLMixin, serializers.ModelSerializer):
    view_name = "api:document-detail"
    url = serializers.SerializerMethodField()
    conference = serializers.CharField(source="conference.slug")
    base_document = serializers.SerializerMethodField()
    source_url = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()
    sha256 = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField()
    created_at = DisclosedTimeField()
    updated_at = DisclosedTimeField()

    class Meta:
        model = Document
        fields = [
            "url",
            "conference",
            "symbol",
            "kind",
            "base_document",
            "title",
            "source_line",
            "origin",
            "language",
            "date",
            "source_url",
            "download",
            "sha256",
            "ingest_status",
            "source",
            "snippet",
            "created_at",
            "updated_at",
        ]

    def url_kwargs(self, obj):
        return {"pk": obj.pk}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sha256(self, obj):
        return obj.public_sha256

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download(self, obj):
        """The public file: the metadata-free copy of a leaked document, or the official one."""
        if not obj.public_copy:
            return None
        return canonical_url(self.context, "api:document-download", pk=obj.pk)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_source_url(self, obj):
        """Where the copy was found; null when no address is known."""
        return obj.url or None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_base_document(self, obj):
        # Only one the reader may see (DocumentQuerySet.with_base_shown_to); by id, as the
        # base document's own row is not needed for its address.
        if obj.shown_base_id is None:
            return None
        return canonical_url(self.context, "api:document-detail", pk=obj.shown_base_id)


class ProposerSerializer(serializers.ModelSerializer):
    """One proposer, whichever kind it is."""

    kind = serializers.ChoiceField(
        choices=list(PROPOSER_KINDS), source="proposer_kind", read_only=True
    )
    code = serializers.CharField(source="proposer_code", read_only=True)
    name = serializers.CharField(source="proposer.name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Sponsorship
        fields = ["kind", "code", "name", "url"]

    def get_url(self, obj) -> str:
        if obj.member_state_id:
            return member_state_url(self.context, obj.member_state)
        if obj.regional_group_id:
            return regional_group_url(self.context, obj.regional_group)
        return canonical_url(self.context, "api:sector-member-detail", slug=obj.sector_member.slug)


class ProvisionRefSerializer(serializers.ModelSerializer):
    instrument = serializers.CharField(source="instrument.slug")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Provision
        fields = ["url", "instrument", "number", "title", "status"]

    def get_url(self, obj) -> str:
        return provision_url(self.context, obj)


class DocumentRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["url", "symbol", "origin", "date"]

    def get_url(self, obj) -> str:
        return document_url(self.context, obj)


class TopicRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = ["url", "slug", "name"]

    def get_url(self, obj) -> str:
        return canonical_url(self.context, "api:topic-detail", slug=obj.slug)


class ProposalRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ["url", "number"]

    def get_url(self, obj) -> str:
        return proposal_url(self.context, obj)


class ProposalSerializer(SearchSnippetMixin, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    conference = serializers.CharField(source="conference.slug")
    provision = ProvisionRefSerializer(allow_null=True)
    proposers = ProposerSerializer(source="sponsorships", many=True)
    topics = TopicRefSerializer(many=True)
    document = DocumentRefSerializer(allow_null=True)
    superseded_by = serializers.SerializerMethodField()
    supersedes = ProposalRefSerializer(many=True)
    backed_directly = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField()
    created_at = DisclosedTimeField()
    updated_at = DisclosedTimeField()

    class Meta:
        model = Proposal
        fields = [
            "url",
            "number",
            "conference",
            "action",
            "provision",
            "text",
            "reasons",
            "summary",
            "proposers",
            "proposers_as_stated",
            "topics",
            "outcome",
            "outcome_source",
            "document",
            "page",
            "superseded_by",
            "supersedes",
            "source",
            "backed_directly",
            "snippet",
            "created_at",
            "updated_at",
        ]

    def get_url(self, obj) -> str:
        return proposal_url(self.context, obj)

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_backed_directly(self, obj):
        """With proposer=<member state>: true where the state is a named proposer, false
        where it backs the proposal through a group; null without that filter."""
        return getattr(obj, "backed_directly", None)

    @extend_schema_field(ProposalRefSerializer(allow_null=True))
    def get_superseded_by(self, obj):
        successor = obj.shown_successor  # see ProposalQuerySet.for_display
        if successor is None:
            return None
        return ProposalRefSerializer(successor, context=self.context).data


PROPOSAL_CSV_COLUMNS = columns(
    "number",
    "conference",
    "action",
    instrument=lambda d: d["provision"]["instrument"] if d["provision"] else "",
    provision=lambda d: d["provision"]["number"] if d["provision"] else "",
    proposers=lambda d: [p["code"] for p in d["proposers"]],
    proposers_as_stated=lambda d: d["proposers_as_stated"],
    topics=lambda d: [t["slug"] for t in d["topics"]],
    outcome=lambda d: d["outcome"],
    document=lambda d: d["document"]["symbol"] if d["document"] else "",
    origin=lambda d: d["document"]["origin"] if d["document"] else "",
    page=lambda d: d["page"],
    text=lambda d: d["text"],
    reasons=lambda d: d["reasons"],
    summary=lambda d: d["summary"],
    source=lambda d: d["source"],
    url=lambda d: d["url"],
)

DOCUMENT_CSV_COLUMNS = columns(
    "conference",
    "symbol",
    "kind",
    "title",
    "source_line",
    "origin",
    "language",
    "date",
    "source_url",
    "sha256",
    "source",
    "url",
)
