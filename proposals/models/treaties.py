from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from delegations.models import MemberState

from ..choices import ConferenceKind, InstrumentKind, ProvisionKind, ProvisionStatus
from ..querysets import ProvisionQuerySet


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
        # Newest first; undated ones last on SQLite as on PostgreSQL (whose NULLs lead).
        ordering = [models.F("starts_on").desc(nulls_last=True), "slug"]
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

    def get_absolute_url(self) -> str:
        return reverse("conference-detail", kwargs={"slug": self.slug})


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

    objects = ProvisionQuerySet.as_manager()

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

    def get_absolute_url(self) -> str:
        return reverse(
            "provision-detail", kwargs={"instrument": self.instrument.slug, "number": self.number}
        )

    @staticmethod
    def heading_kind(number: str) -> str:
        """The kind of a heading by its number, as the reference data and documents name
        them: "Preamble", "Appendix 1", else an article ("3A")."""
        if number == "Preamble":
            return ProvisionKind.PREAMBLE
        if number.startswith("Appendix"):
            return ProvisionKind.APPENDIX
        return ProvisionKind.ARTICLE
