from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from delegations.models import MemberState, RegionalGroup, SectorMember

from ..choices import Action, Outcome
from ..querysets import PROPOSER_KINDS, ProposalQuerySet, SponsorshipQuerySet
from .documents import Document
from .treaties import Conference, Provision


class Topic(models.Model):
    """A policy theme proposals are grouped under, from CDT's analysis of TD 62."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    keywords = models.TextField(
        blank=True,
        help_text="One word or phrase per line. Ingestion tags a proposal with this topic "
        "when its text or reasons contain one (any case).",
    )
    source = models.TextField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("topic-detail", kwargs={"slug": self.slug})


class Proposal(models.Model):
    """One proposal to change (or keep) one provision, as tabled at a conference.

    `number` is the ITU number (RUS/27/7, ACP/67A1/1), unique within a conference among
    current proposals (a revision's proposal supersedes the one with its number). It is
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
    parse_confidence = models.FloatField(
        null=True,
        blank=True,
        help_text="How completely the parser read it (0-1); empty if typed in.",
    )
    review_reasons = models.TextField(
        blank=True, help_text="What a curator should check; empty when nothing is in doubt."
    )
    reading = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A fingerprint of what its document's file said of it when last read: a "
        "curator who has reviewed that reading is not asked about it again.",
    )
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
            # Unique among current proposals: a revision's proposals keep the numbers of
            # those they supersede, which stay (superseded) for the record.
            models.UniqueConstraint(
                fields=["conference", "number"],
                condition=~Q(number="") & Q(superseded_by__isnull=True),
                name="proposal_unique_number_per_conference",
                violation_error_message=(
                    "Another current proposal of this conference has this number."
                ),
            ),
            models.UniqueConstraint(
                fields=["document", "number"],
                condition=~Q(number=""),
                name="proposal_unique_number_per_document",
                violation_error_message="This document already has a proposal with this number.",
            ),
            models.UniqueConstraint(
                fields=["conference", "source_key"],
                condition=~Q(source_key=""),
                name="proposal_unique_source_key_per_conference",
            ),
            models.CheckConstraint(
                condition=~Q(number="") | ~Q(source_key=""),
                name="proposal_has_number_or_source_key",
                violation_error_message="A proposal needs a number, or a source key without one.",
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

    def get_absolute_url(self) -> str:
        return reverse(
            "proposal-detail", kwargs={"conference": self.conference.slug, "key": self.url_key}
        )

    @property
    def api_key(self) -> str:
        """The key of its API address: the conference, then url_key (wcit-12/RUS-27-7)."""
        return f"{self.conference.slug}/{self.url_key}"

    @property
    def url_key(self) -> str:
        """The proposal's key in URLs, unique within its conference: the ITU number with
        "-" for "/" (RUS/27/7 -> RUS-27-7), or the row id for a proposal without a number.
        ITU numbers always start with a letter prefix, so the two never collide. A
        superseded version keeps its number and adds its id (RUS-27-7~12), so that the
        plain number always cites the current version. Loaded `for_display`, a version
        whose successor the reader may not see is current to them, and keeps the plain key:
        the id would give the hidden revision away."""
        if not self.number:
            return str(self.pk)
        key = self.number.replace("/", "-")
        superseded = self.superseded_by_id and getattr(self, "shows_successor", True)
        return f"{key}~{self.pk}" if superseded else key

    @property
    def shown_successor(self) -> Proposal | None:
        """The version that supersedes this one if the reader may see it, loaded
        `for_display`; told in turn whether the reader sees a version after it, so that
        its url_key is the one they cite."""
        if not self.superseded_by_id or not getattr(self, "shows_successor", True):
            return None
        successor = self.superseded_by
        if hasattr(self, "successor_shows_successor"):
            successor.shows_successor = self.successor_shows_successor
        return successor


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

    objects = SponsorshipQuerySet.as_manager()

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

    @property
    def proposer_kind(self) -> str:
        """member_state, regional_group or sector_member (see PROPOSER_KINDS)."""
        return next(kind for kind in PROPOSER_KINDS if getattr(self, f"{kind}_id"))

    @property
    def proposer_code(self) -> str:
        return getattr(self.proposer, PROPOSER_KINDS[self.proposer_kind])
