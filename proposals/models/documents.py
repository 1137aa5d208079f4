from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from ..choices import RUN_STATUSES, DocumentKind, IngestStatus, IntakeChannel, Origin
from ..querysets import DocumentQuerySet
from .treaties import Conference


class Document(models.Model):
    """A conference document as the ITU numbers it (Document 27, Revision 1 to Document 27,
    TD 62), with where it came from and, once ingested, its file and text.
    """

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="documents")
    symbol = models.CharField(max_length=120, help_text="e.g. Revision 1 to Document 27")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    base_document = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived_documents",
        help_text="The document this one revises, amends (addendum) or corrects (corrigendum).",
    )
    title = models.CharField(max_length=500, blank=True)
    source_line = models.CharField(
        max_length=500, blank=True, help_text="Who the document says it is from."
    )
    origin = models.CharField(max_length=20, choices=Origin.choices)
    language = models.CharField(max_length=50, blank=True, help_text="Original language.")
    date = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, null=True, blank=True, unique=True)
    file = models.FileField(
        upload_to="documents/", blank=True, help_text="The original, as received."
    )
    public_file = models.FileField(
        upload_to="public/",
        blank=True,
        help_text="For a leaked document: a copy without identifying metadata, the only "
        "file the public gets. The original stays with curators.",
    )
    public_copy_withheld = models.BooleanField(
        default=False,
        help_text="For a leaked document: the public gets no copy, and ingesting it again "
        "makes none (for a text that could identify who passed it on). Clearing the public "
        "file sets this.",
    )
    file_type = models.CharField(max_length=10, blank=True, help_text="pdf, docx, html, text")
    page_count = models.PositiveIntegerField(null=True, blank=True)
    extracted_text = models.TextField(blank=True)
    ingest_status = models.CharField(
        max_length=20, choices=IngestStatus.choices, default=IngestStatus.METADATA_ONLY
    )
    source = models.TextField()
    # Maintained by proposals.search, read by full-text search on PostgreSQL only. Its GIN
    # index is made in a migration on PostgreSQL alone, so it is not declared here.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["conference", "date", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "symbol"], name="document_unique_symbol_per_conference"
            ),
            models.CheckConstraint(
                condition=Q(sha256__isnull=True) | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="document_sha256_format",
            ),
            models.CheckConstraint(
                condition=~Q(base_document=F("pk")), name="document_not_its_own_base"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=Origin.values), name="document_origin_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conference.slug} {self.symbol}"

    def get_absolute_url(self) -> str:
        return reverse("document-detail", kwargs={"pk": self.pk})

    @property
    def public_copy(self):
        """The file the public may download: for a leaked document the copy without
        identifying metadata (never the original), for an official one the file itself,
        once its text was read: bytes that were not a document are nobody's to download."""
        if self.origin == Origin.LEAKED:
            return self.public_file
        return self.file if self.file_type else None

    @property
    def public_sha256(self) -> str | None:
        """None for a leaked document: the hash of the original could identify the copy,
        and so who passed it on."""
        return None if self.origin == Origin.LEAKED else self.sha256


class DocumentIntake(models.Model):
    """One arrival of a document's bytes: who or what brought it, when, and how. The same
    bytes arriving twice make one Document with two intakes."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="intakes")
    channel = models.CharField(max_length=20, choices=IntakeChannel.choices)
    original_filename = models.CharField(max_length=255, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="document_intakes",
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "received_at"]

    def __str__(self) -> str:
        return (
            f"{self.document} via {self.get_channel_display()} at {self.received_at:%Y-%m-%d %H:%M}"
        )


class IngestRun(models.Model):
    """One attempt to ingest a document: its progress, counts, timings and, if it
    failed, why, in words a curator can act on."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="ingest_runs")
    status = models.CharField(max_length=20, choices=RUN_STATUSES, default=IngestStatus.QUEUED)
    step = models.CharField(max_length=40, blank=True, help_text="The step running or last run.")
    pages = models.PositiveIntegerField(null=True, blank=True)
    proposals_found = models.PositiveIntegerField(default=0)
    proposals_created = models.PositiveIntegerField(default=0)
    proposals_updated = models.PositiveIntegerField(default=0)
    proposals_to_review = models.PositiveIntegerField(default=0)
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds spent per step.")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Times a worker started it.")
    retries = models.PositiveSmallIntegerField(
        default=0,
        help_text="Of those starts, how many were retries after database trouble (the task's "
        "own count); the others followed a worker that stopped.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A run is never "metadata only": that is a document without a file.
            models.CheckConstraint(
                condition=Q(status__in=IngestStatus.values) & ~Q(status=IngestStatus.METADATA_ONLY),
                name="ingestrun_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Ingest of {self.document} ({self.get_status_display()})"
