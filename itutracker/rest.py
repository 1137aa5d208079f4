"""How every API endpoint paginates, renders CSV, serves files and documents its errors.

Configuration shared by the apps' `api/` packages; the apps own their serializers and views.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.db.models import BigIntegerField, ExpressionWrapper, F
from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import pagination, renderers, serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation

# --- Pagination ---------------------------------------------------------------------


# Ids stay below this, so a relevance score times it plus the id orders by score, then id.
RELEVANCE_KEY_SCALE = 10**10


class CursorPagination(pagination.CursorPagination):
    """For the large lists (proposals, documents): a deep page costs what the first does,
    and no COUNT runs. Ordered by id, newest first, or by relevance when searching."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        # A cursor holds the position of the first ordering field only, and counts rows
        # past it when that value repeats: over 1,000 rows with one relevance score (a
        # common word) and the cursor could not move on. The score and the id in one
        # integer make every position unique. The score is an integer already, since
        # positions must compare exactly (see proposals.search).
        if "rank_score" in queryset.query.annotations:
            queryset = queryset.annotate(
                # Big: as an IntegerField, Django would find a position past the 32-bit
                # range and match every row instead of comparing.
                relevance_key=ExpressionWrapper(
                    F("rank_score") * RELEVANCE_KEY_SCALE + F("id"), output_field=BigIntegerField()
                )
            )
        return super().paginate_queryset(queryset, request, view)

    def get_ordering(self, request, queryset, view):
        if "relevance_key" in queryset.query.annotations:
            return ("-relevance_key",)
        return (self.ordering,)

    def decode_cursor(self, request):
        """DRF checks a cursor's shape, not its position, which the client can forge: both
        orderings are by integers, so anything else is an invalid cursor, not a 500."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        try:
            position = int(cursor.position)
        except ValueError:
            raise NotFound(self.invalid_cursor_message) from None
        if not -(2**63) <= position < 2**63:
            raise NotFound(self.invalid_cursor_message)
        return cursor


class SmallListPagination(pagination.PageNumberPagination):
    """For the reference lists (193 states at most), where a count is cheap."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


# --- Canonical URLs -----------------------------------------------------------------


def canonical_url(context: dict, viewname: str, **kwargs) -> str:
    """The absolute URL of a resource: from the request when there is one, else from
    ITUTRACKER_SITE_URL (exports are written by a background job, with no request)."""
    path = reverse(viewname, kwargs=kwargs)
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


class CanonicalURLMixin:
    """Adds `url`, the resource's absolute, citable address. Subclasses name the view and
    say how to get its URL keywords from an object."""

    view_name = ""

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj) -> str:
        return canonical_url(self.context, self.view_name, **self.url_kwargs(obj))

    def url_kwargs(self, obj) -> dict:
        raise NotImplementedError


# --- CSV ----------------------------------------------------------------------------

Column = tuple[str, Callable[[dict], object]]


def columns(*fields: str, **computed: Callable[[dict], object]) -> list[Column]:
    """CSV columns: serializer fields by name, then computed ones (header=function)."""
    plain = [(name, lambda row, name=name: row[name]) for name in fields]
    return plain + list(computed.items())


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(csv_cell(item) for item in value)
    text = str(value)
    # A cell starting with = + - @ (or a tab or carriage return before one) would run as a
    # formula in a spreadsheet.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_lines(columns: list[Column], rows: Iterable[dict]) -> Iterator[str]:
    """CSV text line by line, with a byte-order mark so that spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([header for header, _ in columns])
    yield "\ufeff" + flush()
    for row in rows:
        writer.writerow([csv_cell(value(row)) for _, value in columns])
        yield flush()


def flatten(data: object, prefix: str = "") -> dict[str, object]:
    """A nested API object as flat columns, for the CSV of a single object or an error."""
    if isinstance(data, dict):
        flat: dict[str, object] = {}
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}{key}."))
        return flat
    if isinstance(data, list) and any(isinstance(item, dict | list) for item in data):
        return {prefix.rstrip("."): "; ".join(str(item) for item in data)}
    return {prefix.rstrip("."): data}


class CSVRenderer(renderers.BaseRenderer):
    """text/csv for `?format=csv` or `Accept: text/csv`. Lists stream through
    CSVStreamMixin; this renders what is left: one object, or an error."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data if isinstance(data, list) else [data]
        flat = [flatten(row) for row in rows]
        headers = list(dict.fromkeys(key for row in flat for key in row))
        columns = [(header, lambda row, header=header: row.get(header)) for header in headers]
        return "".join(csv_lines(columns, flat)).encode("utf-8")


class CSVStreamMixin:
    """Streams the whole filtered list as CSV, a chunk of rows at a time, so that a full
    export never holds every row in memory. Views list their `csv_columns`."""

    csv_columns: list[Column] = []
    csv_chunk_size = 500

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) != "csv":
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        # One serializer for every row, as a list serializer has: building its fields
        # for each row took half the time of an export.
        serializer = self.get_serializer_class()(context=self.get_serializer_context())
        rows = (
            serializer.to_representation(row)
            for row in queryset.iterator(chunk_size=self.csv_chunk_size)
        )
        response = StreamingHttpResponse(
            csv_lines(self.csv_columns, rows), content_type="text/csv; charset=utf-8"
        )
        # The router's basename is singular (proposal); the file holds the list.
        response["Content-Disposition"] = f'attachment; filename="{self.basename}s.csv"'
        return response


# --- OpenAPI ------------------------------------------------------------------------

ERROR_RESPONSES = {
    "400": "Invalid filter or parameter value; the body says which and why.",
    "404": "No such record, or one that is not published.",
    "406": "The Accept header asks for a format this endpoint does not serve.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: document the error answers every read endpoint can give, so
    that clients (and schemathesis) know them."""
    error_schema = {
        "type": "object",
        "additionalProperties": True,
        "description": "Either {'detail': message} or {parameter: [messages]}.",
    }
    for path in result["paths"].values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": error_schema},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                )
    return result


# --- Files ------------------------------------------------------------------------------


class FileNegotiation(BaseContentNegotiation):
    """For endpoints that answer with a file: the file is what it is, whatever the client's
    Accept header names (application/octet-stream, the file's own type), and an error is
    JSON. Negotiating would refuse those headers with a 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
