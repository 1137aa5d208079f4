from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from .choices import AdministrativeRegion, GroupKind, MembershipStatus, SignatureStatus
from .querysets import GroupMembershipQuerySet, MemberStateQuerySet


class MemberState(models.Model):
    """One of the 193 Member States of the ITU.

    `itu_code` is the symbol the ITU uses for the state in proposal numbers (RUS in
    RUS/27/7, G for the United Kingdom, ARS for Saudi Arabia). It differs from ISO codes
    often enough that both are kept.
    """

    iso2 = models.CharField("ISO alpha-2", max_length=2, unique=True)
    iso3 = models.CharField("ISO alpha-3", max_length=3, unique=True)
    itu_code = models.CharField("ITU code", max_length=3, unique=True)
    name = models.CharField(max_length=100, unique=True)
    official_name = models.CharField(max_length=200, blank=True)
    region = models.CharField(
        "ITU administrative region",
        max_length=1,
        choices=AdministrativeRegion.choices,
        blank=True,
        help_text="Empty where no source places the state in a region.",
    )
    region_source = models.TextField(blank=True)
    source = models.TextField(help_text="Where the codes and names come from.")

    objects = MemberStateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="memberstate_iso2_format"
            ),
            models.CheckConstraint(
                condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="memberstate_iso3_format"
            ),
            models.CheckConstraint(
                condition=Q(itu_code__regex=r"^[A-Z]{1,3}$"), name="memberstate_itu_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("member-state-detail", kwargs={"code": self.itu_code})


class RegionalGroup(models.Model):
    """A group of states that tables common proposals: APT, ATU, CEPT, CITEL, RCC, the Arab Group.

    `proposal_prefix` is what its common proposals carry in their numbers (EUR for CEPT,
    ACP for APT), which is how a parser tells a group's proposal from a state's.
    """

    code = models.CharField(max_length=20, unique=True, help_text="Short name, e.g. CEPT.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    proposal_prefix = models.CharField(
        max_length=10, blank=True, help_text="Prefix of its common proposals, e.g. EUR."
    )
    notes = models.TextField(blank=True)
    source = models.TextField()
    members = models.ManyToManyField(
        MemberState, through="GroupMembership", related_name="regional_groups"
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal_prefix"],
                condition=~Q(proposal_prefix=""),
                name="regionalgroup_unique_proposal_prefix",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("regional-group-detail", kwargs={"code": self.code})


class GroupMembership(models.Model):
    """That a member state belonged to a regional group, how, and over which dates.

    Empty dates mean the bound is unknown (see `GroupMembershipQuerySet.active_on`).
    """

    group = models.ForeignKey(RegionalGroup, on_delete=models.CASCADE, related_name="memberships")
    member_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="group_memberships"
    )
    status = models.CharField(max_length=20, choices=MembershipStatus.choices)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    status_in_source = models.CharField(max_length=200, blank=True)
    source = models.TextField()

    objects = GroupMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "member_state__name"]
        constraints = [
            # A state can leave a group and rejoin, so the key includes `since`. Two
            # constraints because NULLs never collide in a plain unique index.
            models.UniqueConstraint(
                fields=["group", "member_state", "since"],
                name="groupmembership_unique_period",
            ),
            models.UniqueConstraint(
                fields=["group", "member_state"],
                condition=Q(since__isnull=True),
                name="groupmembership_unique_undated",
            ),
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(until__isnull=True) | Q(until__gte=F("since")),
                name="groupmembership_until_after_since",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MembershipStatus.values),
                name="groupmembership_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_state} in {self.group} ({self.get_status_display()})"


class SectorMember(models.Model):
    """A non-state participant that may table proposals, such as ETNO."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=30, blank=True)
    country = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sector_members",
    )
    source = models.TextField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Delegation(models.Model):
    """A member state at one conference, and whether it signed that conference's Final Acts."""

    conference = models.ForeignKey(
        "proposals.Conference", on_delete=models.PROTECT, related_name="delegations"
    )
    member_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="delegations"
    )
    signed_final_acts = models.CharField(
        max_length=20, choices=SignatureStatus.choices, default=SignatureStatus.UNKNOWN
    )
    reservations = models.TextField(blank=True)
    source = models.TextField()

    class Meta:
        ordering = ["conference", "member_state__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "member_state"], name="delegation_unique_state_per_conference"
            ),
            models.CheckConstraint(
                condition=Q(signed_final_acts__in=SignatureStatus.values),
                name="delegation_signed_final_acts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_state} at {self.conference}"
