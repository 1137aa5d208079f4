from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q

from delegations.models import MemberState, RegionalGroup, SectorMember

from .choices import (
    Action,
    ConferenceKind,
    DocumentKind,
    IngestStatus,
    InstrumentKind,
    Origin,
    Outcome,
    ProvisionKind,
    ProvisionStatus,
)
from .querysets import DocumentQuerySet, ProposalQuerySet


class Conference(models.Model):
    """An ITU conference or assembly at which Member States table proposals (WCIT-12, PP-14)."""

    slug = models.SlugField(unique=True, help_text="e.g. wcit-12")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ConferenceKind.choices)
    city = models.CharField(max_length=100, blank=True)
    host_country = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_conferences",
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    instruments = models.ManyToManyField(
        "Instrument",
        blank=True,
        related_name="revised_at",
        help_text="The treaty instruments this conference revises.",
    )
    final_acts_signed_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Member States that signed the Final Acts at the close."
    )
    final_acts_eligible_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Member States present and accredited to sign."
    )
    final_acts_source = models.TextField(blank=True)
    source = models.TextField()

    class Meta:
        ordering = ["-starts_on", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="conference_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(final_acts_signed_count__isnull=True)
                | Q(final_acts_eligible_count__isnull=True)
                | Q(final_acts_signed_count__lte=F("final_acts_eligible_count")),
                name="conference_signed_within_eligible",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Instrument(models.Model):
    """A treaty text or body of resolutions that proposals amend: the ITRs, the CS, the CV."""

    slug = models.SlugField(unique=True, help_text="e.g. itr-1988")
    short_name = models.CharField(max_length=30, help_text="How documents cite it, e.g. CS.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=InstrumentKind.choices)
    adopted_at = models.ForeignKey(
        Conference,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_instruments",
    )
    source = models.TextField()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Provision(models.Model):
    """A numbered part of an instrument: an article (3A, 5B), a provision (1.3, 3A.1),
    a CS/CV number (165), or a resolution. Provisions that exist only because someone
    proposed them are kept with status "proposed new".
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="provisions")
    number = models.CharField(max_length=50, help_text="e.g. 1.3, 3A.1, 5B, 165")
    kind = models.CharField(max_length=20, choices=ProvisionKind.choices)
    status = models.CharField(
        max_length=20, choices=ProvisionStatus.choices, default=ProvisionStatus.BASELINE
    )
    article = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provisions",
        limit_choices_to={"kind": ProvisionKind.ARTICLE},
    )
    margin_number = models.CharField(max_length=10, blank=True)
    title = models.CharField(max_length=300, blank=True)
    baseline_text = models.TextField(blank=True, help_text="The text in force, where known.")
    notes = models.TextField(blank=True)
    source = models.TextField()

    class Meta:
        ordering = ["instrument", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="provision_unique_number_per_instrument"
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.instrument.short_name} {self.number}"
        return f"{label} ({self.title})" if self.title else label


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
    file = models.FileField(upload_to="documents/%Y/", blank=True)
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


class Topic(models.Model):
    """A policy theme proposals are grouped under, from CDT's analysis of TD 62."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    source = models.TextField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    """One proposal to change (or keep) one provision, as tabled at a conference.

    `number` is the ITU number (RUS/27/7, ACP/67A1/1), unique within a conference. It is
    empty when the proposal is known only from a secondary source that did not give it;
    such a record has a `source_key` instead, also unique within the conference.
    """

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="proposals")
    number = models.CharField(max_length=50, blank=True, help_text="e.g. RUS/27/7")
    source_key = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a proposal without an ITU number: a stable name for it within its "
        "source, e.g. cdt-td62/spam/POR, so that reloading finds it again.",
    )
    action = models.CharField(
        max_length=10, choices=Action.choices, blank=True, help_text="Empty where unknown."
    )
    provision = models.ForeignKey(
        Provision, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    text = models.TextField(blank=True, help_text="The proposed text, or the part of it known.")
    reasons = models.TextField(blank=True)
    summary = models.TextField(
        blank=True, help_text="A description, where the text itself is not known."
    )
    proposers_as_stated = models.CharField(
        max_length=500, blank=True, help_text="The proposers as the source names them."
    )
    proposing_states = models.ManyToManyField(
        MemberState,
        through="Sponsorship",
        through_fields=("proposal", "member_state"),
        related_name="proposals",
        blank=True,
    )
    proposing_groups = models.ManyToManyField(
        RegionalGroup,
        through="Sponsorship",
        through_fields=("proposal", "regional_group"),
        related_name="proposals",
        blank=True,
    )
    proposing_sector_members = models.ManyToManyField(
        SectorMember,
        through="Sponsorship",
        through_fields=("proposal", "sector_member"),
        related_name="proposals",
        blank=True,
    )
    topics = models.ManyToManyField(Topic, related_name="proposals", blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.UNKNOWN)
    outcome_source = models.TextField(blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    page = models.PositiveIntegerField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        help_text="The proposal of a later revision that replaces this one.",
    )
    published = models.BooleanField(default=False)
    source = models.TextField(help_text="Where this record's facts come from.")
    # See Document.search_vector.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["conference", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "number"],
                condition=~Q(number=""),
                name="proposal_unique_number_per_conference",
            ),
            models.UniqueConstraint(
                fields=["conference", "source_key"],
                condition=~Q(source_key=""),
                name="proposal_unique_source_key_per_conference",
            ),
            models.CheckConstraint(
                condition=~Q(number="") | ~Q(source_key=""),
                name="proposal_has_number_or_source_key",
            ),
            models.CheckConstraint(
                condition=Q(action="") | Q(action__in=Action.values), name="proposal_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="proposal_outcome_valid"
            ),
            models.CheckConstraint(condition=Q(page__gte=1), name="proposal_page_positive"),
            models.CheckConstraint(
                condition=~Q(superseded_by=F("pk")), name="proposal_not_superseded_by_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.conference.slug} proposal {self.pk}"

    @property
    def url_key(self) -> str:
        """The proposal's key in URLs, unique within its conference: the ITU number with
        "-" for "/" (RUS/27/7 -> RUS-27-7), or the row id for a proposal without a number.
        ITU numbers always start with a letter prefix, so the two never collide."""
        return self.number.replace("/", "-") if self.number else str(self.pk)


class Sponsorship(models.Model):
    """One proposer named on a proposal: a member state, a regional group or a sector member.

    Co-signed proposals have one row per co-signer; `position` keeps the order in which
    the document lists them.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="sponsorships")
    member_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    regional_group = models.ForeignKey(
        RegionalGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sector_member = models.ForeignKey(
        SectorMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["proposal", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(member_state__isnull=False, regional_group=None, sector_member=None)
                    | Q(member_state=None, regional_group__isnull=False, sector_member=None)
                    | Q(member_state=None, regional_group=None, sector_member__isnull=False)
                ),
                name="sponsorship_exactly_one_proposer",
            ),
            models.UniqueConstraint(
                fields=["proposal", "member_state"], name="sponsorship_unique_state"
            ),
            models.UniqueConstraint(
                fields=["proposal", "regional_group"], name="sponsorship_unique_group"
            ),
            models.UniqueConstraint(
                fields=["proposal", "sector_member"], name="sponsorship_unique_sector_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposer} on {self.proposal}"

    @property
    def proposer(self):
        return self.member_state or self.regional_group or self.sector_member
