import datetime

from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import DjangoModelPermissions, IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from itutracker.rest import (
    CSVStreamMixin,
    CursorPagination,
    FileNegotiation,
    canonical_url,
    columns,
)

from .. import disclosure
from ..choices import IntakeChannel, Origin
from ..exports import EXPORTS, exports_dir
from ..filters import (
    SEARCH_HELP,
    ConferenceFilterSet,
    DocumentFilterSet,
    InstrumentFilterSet,
    ProposalFilterSet,
    ProvisionFilterSet,
    TopicFilterSet,
)
from ..models import Conference, Document, Instrument, Proposal, Provision, Sponsorship, Topic
from ..services.ingestion import document_receive, size_refusal
from .serializers import (
    DOCUMENT_CSV_COLUMNS,
    PROPOSAL_CSV_COLUMNS,
    ConferenceSerializer,
    DocumentSerializer,
    InstrumentSerializer,
    ProposalSerializer,
    ProvisionSerializer,
    TopicSerializer,
    proposal_url,
)

DOWNLOAD_TYPES = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "html": ("text/html", "html"),
    # Text is read as UTF-8 unless a byte-order mark says UTF-16, which a browser
    # follows over the charset. (A web page says its own, or a browser finds it.)
    "text": ("text/plain; charset=utf-8", "txt"),
}


def file_response(file, document: Document) -> FileResponse:
    if not file:
        raise Http404("No file for this document.")
    content_type, extension = DOWNLOAD_TYPES.get(
        document.file_type, ("application/octet-stream", "bin")
    )
    name = f"{document.conference.slug} {document.symbol}.{extension}"
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    conference = serializers.SlugRelatedField(slug_field="slug", queryset=Conference.objects.all())
    origin = serializers.ChoiceField(choices=Origin.choices)

    def validate_file(self, file):
        if refusal := size_refusal(file.size):
            raise serializers.ValidationError(refusal)
        return file


class UploadResultSerializer(serializers.Serializer):
    document = serializers.URLField()
    ingest_run = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()


class LastModifiedMixin:
    """Sends Last-Modified on a record, so that a conditional GET can answer 304. Not where
    the time comes from a leaked record and the reader is the public: that time is theirs
    to the day only, and a day-old Last-Modified would answer 304 to a change made later
    that day. The ETag still serves conditional requests there."""

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        response = Response(self.get_serializer(record).data)
        moment = self.last_modified(record)
        if moment is not None:
            response["Last-Modified"] = http_date(moment.timestamp())
        return response

    def last_modified(self, record):
        """When `record` last changed as the reader sees it, or None to send no header."""
        if disclosure.withholds_time(self.request.user) and disclosure.is_leaked(record):
            return None
        return record.updated_at


PROPOSAL_PARAMETERS = [
    OpenApiParameter(
        "proposer",
        OpenApiTypes.STR,
        description="A member state's ITU code (RUS, G, ARS) or ISO code (RU, GB), a regional "
        "group's code (CEPT, RCC, ARB) or a sector member (etno).",
        examples=[
            OpenApiExample("Russian Federation", value="RUS"),
            OpenApiExample("CEPT (European common proposals)", value="CEPT"),
            OpenApiExample("ETNO, a sector member", value="etno"),
        ],
    ),
    OpenApiParameter(
        "via_groups",
        OpenApiTypes.BOOL,
        description="With proposer=<member state>: also the common proposals of the regional "
        "groups it belonged to at the time of the conference. Each result's backed_directly "
        "says which is which. ?proposer=RUS&via_groups=true&format=csv is what Russia "
        "backed, as a spreadsheet.",
        examples=[OpenApiExample("Directly or through its groups", value=True)],
    ),
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description=SEARCH_HELP,
        examples=[
            OpenApiExample("A phrase", value='"internet governance"'),
            OpenApiExample("Either word, not a third", value="spam OR routing -Egypt"),
        ],
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="Proposals",
        description="Published proposals, newest first, or by relevance with q=. Filters "
        "combine; repeat conference, topic, action or outcome to match any of the values. "
        "Add ?format=csv (or Accept: text/csv) for the whole filtered list as CSV.",
        parameters=PROPOSAL_PARAMETERS,
    ),
    retrieve=extend_schema(
        summary="One proposal",
        parameters=[
            OpenApiParameter(
                "key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Conference slug, then the ITU number with - for /: "
                "wcit-12/RUS-27-7. A proposal without a number has its id instead.",
            )
        ],
    ),
)
class ProposalViewSet(LastModifiedMixin, CSVStreamMixin, viewsets.ReadOnlyModelViewSet):
    """Proposals with their proposers, provision, topics, source document and outcome."""

    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet
    pagination_class = CursorPagination
    lookup_field = "key"
    lookup_value_regex = r"[^/]+/[^/.]+"
    csv_columns = PROPOSAL_CSV_COLUMNS

    def get_queryset(self):
        user = self.request.user
        return Proposal.objects.visible_to(user).for_display(user=user)

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            # A number a revision gave up: to the version that was cited by it.
            conference_slug, _, key = self.kwargs["key"].partition("/")
            earlier = self.get_queryset().renumbered(conference_slug, key).first()
            if earlier is None:
                raise
            return HttpResponseRedirect(proposal_url(self.get_serializer_context(), earlier))

    def get_object(self):
        conference_slug, _, key = self.kwargs["key"].partition("/")
        proposal = (
            self.get_queryset().by_url_key(conference_slug, key, user=self.request.user).first()
        )
        if proposal is None:
            raise Http404
        return proposal

    def last_modified(self, record):
        # Publishing a revision changes what the earlier version says of it
        # (superseded_by, its own address) without touching the earlier row, so the
        # revision's time counts too, and is withheld with it when it was leaked. A
        # version after that one changes the revision's address in turn, at a time
        # not loaded here: the ETag alone serves conditional requests then.
        own = super().last_modified(record)
        # The proposal shows its document (symbol, date, origin): a change to it is one
        # to the proposal as the reader sees it.
        if own is not None and record.document is not None:
            own = max(own, record.document.updated_at)
        successor = record.shown_successor
        if own is None or successor is None:
            return own
        if getattr(successor, "shows_successor", True):
            return None
        successor_time = super().last_modified(successor)
        return None if successor_time is None else max(own, successor_time)


class DocumentViewSet(LastModifiedMixin, CSVStreamMixin, viewsets.ReadOnlyModelViewSet):
    """Conference documents, with their origin (leaked or official) and provenance."""

    queryset = Document.objects.for_display()
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet
    pagination_class = CursorPagination
    csv_columns = DOCUMENT_CSV_COLUMNS

    def get_queryset(self):
        user = self.request.user
        return super().get_queryset().visible_to(user).with_base_shown_to(user)

    @extend_schema(
        summary="Download the public file",
        description="For a leaked document, a copy without identifying metadata; for an "
        "official one, the file as the ITU published it. 404 when there is no file.",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        filterset_class=None,
        content_negotiation_class=FileNegotiation,
    )
    def download(self, request, pk=None):
        document = self.get_object()
        return file_response(document.public_copy, document)

    @extend_schema(
        summary="Download the original (curators)",
        description="The file exactly as received, metadata and all. Needs a staff token.",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            401: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[IsAdminUser],
        filterset_class=None,
        content_negotiation_class=FileNegotiation,
    )
    def original(self, request, pk=None):
        document = self.get_object()
        return file_response(document.file, document)

    @extend_schema(
        summary="Upload a document (curators)",
        description="Multipart upload; the document is ingested in the background. The "
        "same bytes again add an intake and start nothing. Needs a staff user's token.",
        request=UploadSerializer,
        responses={
            202: UploadResultSerializer,
            400: OpenApiTypes.OBJECT,
            401: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
        },
    )
    @action(
        detail=False,
        methods=["post"],
        parser_classes=[MultiPartParser],
        # Staff who may add documents, as in the admin: a read-only staff account may not.
        permission_classes=[IsAdminUser & DjangoModelPermissions],
        filterset_class=None,
    )
    def upload(self, request):
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        document, run = document_receive(
            conference=upload.validated_data["conference"],
            data=file.read(),
            origin=upload.validated_data["origin"],
            channel=IntakeChannel.API,
            filename=file.name,
            received_by=request.user,
        )
        result = {
            "document": canonical_url({"request": request}, "api:document-detail", pk=document.pk),
            "ingest_run": run.pk if run else None,
            "status": run.status if run else "already received",
        }
        return Response(UploadResultSerializer(result).data, status=202)


class ConferenceViewSet(CSVStreamMixin, viewsets.ReadOnlyModelViewSet):
    """ITU conferences, with dates, venues and the instruments they revise."""

    queryset = Conference.objects.select_related("host_country").prefetch_related("instruments")
    serializer_class = ConferenceSerializer
    filterset_class = ConferenceFilterSet
    lookup_field = "slug"
    csv_columns = columns(
        "slug", "name", "kind", "city", "host_country", "starts_on", "ends_on", "url"
    )


class InstrumentViewSet(CSVStreamMixin, viewsets.ReadOnlyModelViewSet):
    """Treaty instruments and bodies of resolutions that proposals amend."""

    queryset = Instrument.objects.select_related("adopted_at").order_by("slug")
    serializer_class = InstrumentSerializer
    filterset_class = InstrumentFilterSet
    lookup_field = "slug"
    csv_columns = columns("slug", "short_name", "name", "kind", "adopted_at", "url")


class ProvisionViewSet(CSVStreamMixin, viewsets.ReadOnlyModelViewSet):
    """Articles, provisions and resolutions, including those known only as proposed new."""

    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilterSet
    csv_columns = columns(
        "instrument", "number", "kind", "status", "article", "margin_number", "title", "url"
    )

    def get_queryset(self):
        return (
            Provision.objects.visible_to(self.request.user)
            .select_related("instrument", "article")
            .order_by("instrument__slug", "id")
        )


class TopicViewSet(CSVStreamMixin, viewsets.ReadOnlyModelViewSet):
    """The policy topics proposals are grouped under."""

    queryset = Topic.objects.order_by("name")
    serializer_class = TopicSerializer
    filterset_class = TopicFilterSet
    lookup_field = "slug"
    csv_columns = columns("slug", "name", "description", "url")


# Each breakdown: the output keys and the fields they are read from.
AGGREGATES = {
    "conference": {"conference": "conference__slug"},
    "action": {"action": "action"},
    "topic": {"topic": "topics__slug"},
    "provision": {"instrument": "provision__instrument__slug", "provision": "provision__number"},
}
# These count sponsorships, one row per proposer.
PROPOSER_AGGREGATES = {
    "proposer": {},
    "proposer-topic": {"topic": "proposal__topics__slug"},
}


class AggregateRowSerializer(serializers.Serializer):
    """One cell of an aggregate; only the keys of the chosen breakdown are present."""

    proposer_kind = serializers.CharField(required=False)
    proposer = serializers.CharField(required=False)
    conference = serializers.CharField(required=False, allow_null=True)
    action = serializers.CharField(required=False, allow_null=True)
    topic = serializers.CharField(required=False, allow_null=True)
    instrument = serializers.CharField(required=False, allow_null=True)
    provision = serializers.CharField(required=False, allow_null=True)
    count = serializers.IntegerField()


@extend_schema(
    summary="Proposal counts",
    description="Counts of the proposals that match the same filters as /proposals/, broken "
    "down by one of: " + ", ".join([*AGGREGATES, *PROPOSER_AGGREGATES]) + ".",
    parameters=[
        OpenApiParameter(
            "by",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            enum=[*AGGREGATES, *PROPOSER_AGGREGATES],
        )
    ],
    responses=AggregateRowSerializer(many=True),
)
class AggregateView(generics.GenericAPIView):
    filterset_class = ProposalFilterSet
    serializer_class = AggregateRowSerializer
    pagination_class = None

    def get_queryset(self):
        return Proposal.objects.visible_to(self.request.user)

    def get(self, request, by: str):
        if by not in AGGREGATES and by not in PROPOSER_AGGREGATES:
            raise Http404
        matching = self.filter_queryset(self.get_queryset())
        if by in AGGREGATES:
            keys = AGGREGATES[by]
            return Response([rename(row, keys) for row in matching.counts_by(*keys.values())])
        keys = PROPOSER_AGGREGATES[by]
        rows = Sponsorship.objects.filter(proposal__in=matching.values("pk")).proposer_counts(
            *keys.values()
        )
        return Response(
            [
                {"proposer_kind": row["kind"], "proposer": row["code"], **rename(row, keys)}
                for row in rows
            ]
        )


def rename(row: dict, keys: dict[str, str]) -> dict:
    return {**{name: row[field] for name, field in keys.items()}, "count": row["count"]}


class ExportSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    generated_at = serializers.DateTimeField()
    url = serializers.URLField()


class ExportListView(APIView):
    """The complete published dataset as files (CSV and JSON Lines), regenerated by a
    periodic job."""

    @extend_schema(summary="Dataset dumps", responses=ExportSerializer(many=True))
    def get(self, request):
        rows = []
        for name in EXPORTS:
            path = exports_dir() / name
            if not path.exists():
                continue
            stat = path.stat()
            rows.append(
                {
                    "name": name,
                    "size": stat.st_size,
                    "generated_at": datetime.datetime.fromtimestamp(stat.st_mtime, datetime.UTC),
                    "url": canonical_url({"request": request}, "api:export-file", name=name),
                }
            )
        return Response(ExportSerializer(rows, many=True).data)


class ExportFileView(APIView):
    content_negotiation_class = FileNegotiation

    @extend_schema(
        summary="One dataset dump",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(EXPORTS))
        ],
    )
    def get(self, request, name: str):
        path = exports_dir() / name
        # Only the known names: nothing else in the folder is reachable.
        if name not in EXPORTS or not path.exists():
            raise Http404
        content_type = "text/csv" if name.endswith(".csv") else "application/jsonl"
        content_type += "; charset=utf-8"  # as exports_write writes them
        return FileResponse(
            path.open("rb"), as_attachment=True, filename=name, content_type=content_type
        )
