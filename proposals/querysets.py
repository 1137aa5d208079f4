from __future__ import annotations

import re

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce


def count_of(queryset: models.QuerySet, outer: str, *, distinct: str = "pk") -> Coalesce:
    """For annotate(): how many rows of `queryset` have the outer row in their `outer`
    field (or how many distinct values of their `distinct` field). A correlated subquery,
    because Count() over two joined relations at once multiplies the rows of one by the
    other (a conference's proposals by its documents)."""
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(count=Count(distinct, distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def sees_unpublished(user) -> bool:
    """Curators (staff) see unpublished records; everyone else sees published ones only."""
    return bool(user is not None and user.is_active and user.is_staff)


class ProposalQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def with_document(self):
        """With each proposal's document, but not its text and search vector: the join
        would fetch those megabytes once per proposal."""
        return self.select_related("document").defer(
            "document__extracted_text", "document__search_vector"
        )

    def visible_to(self, user):
        """What `user` may see: staff see everything, everyone else only published records."""
        if sees_unpublished(user):
            return self
        return self.published()

    def newest_conference_first(self):
        return self.order_by(
            F("conference__starts_on").desc(nulls_last=True), "conference__slug", "number", "pk"
        )

    def counts_by(self, *fields: str) -> list[dict]:
        """One row per combination of values of `fields` among these proposals, with
        `count`, the number of proposals, largest first. Across a to-many relation
        (topics, proposing groups) a proposal counts once for each of its values."""
        # A plain queryset of the ids, so that annotations (search ranks, `backed_directly`)
        # stay out of the GROUP BY.
        return list(
            self.model.objects.filter(pk__in=self.values("pk"))
            .values(*fields)
            .annotate(count=Count("pk", distinct=True))
            .order_by("-count", *fields)
        )

    def count_by(self, field: str) -> list[tuple[str, int]]:
        """(value, number of proposals) for each value of `field`, largest first, leaving
        out proposals without one. Not exclude(field=None) in SQL: across a to-many
        relation that would drop a proposal that has both a value and an empty row."""
        return [
            (row[field], row["count"])
            for row in self.counts_by(field)
            if row[field] not in (None, "")
        ]

    def by_url_key(self, conference_slug: str, key: str, *, user):
        """The inverse of Proposal.url_key, for `user`: the plain number is the current
        version `user` may read (see `current_for`)."""
        in_conference = self.filter(conference__slug=conference_slug)
        if re.fullmatch(r"[0-9]{1,18}", key):
            return in_conference.filter(pk=int(key), number="")
        number, tilde, version = key.partition("~")
        number = number.replace("-", "/")
        if tilde:
            if not re.fullmatch(r"[0-9]{1,18}", version):
                return self.none()
            return in_conference.filter(number=number, pk=int(version))
        return in_conference.filter(number=number).current_for(user)

    def renumbered(self, conference_slug: str, key: str):
        """For a plain number no current version has (by_url_key found none): its earlier
        versions, newest first. A revision may renumber a proposal (RUS/27/7 became
        RUS/27R1/7); a link cited before it leads to the version it cited, whose page
        says what superseded it."""
        if "~" in key or re.fullmatch(r"[0-9]{1,18}", key):
            return self.none()
        return self.filter(conference__slug=conference_slug, number=key.replace("-", "/")).order_by(
            "-pk"
        )

    def current_for(self, user):
        """The versions `user` takes as current: not superseded, or, for the public,
        superseded only by a revision still unpublished. Until a curator publishes it, the
        version they may read is the current one, and nothing hints at another."""
        if sees_unpublished(user):
            return self.filter(superseded_by=None)
        return self.filter(Q(superseded_by=None) | Q(superseded_by__published=False))

    def for_display(self, *, user):
        """Everything a proposal's page, API representation and export read, in a fixed number of
        queries however many rows (pinned in tests). `user` decides which superseding
        proposals may be shown (`shows_successor`, and the `supersedes` prefetched)."""
        from .models import Sponsorship

        return (
            self.select_related(
                "conference",
                "provision__instrument",
                "document",
                "superseded_by__conference",
                "superseded_by__document",  # whether it was leaked (see disclosure)
            )
            # The search vectors are for the database alone, and the largest columns.
            .defer(
                "search_vector",
                "document__search_vector",
                "document__extracted_text",
                "superseded_by__search_vector",
                "superseded_by__document__search_vector",
                "superseded_by__document__extracted_text",
            )
            # Whether `user` may see the version that supersedes it: a link to an
            # unpublished one would reveal that it exists. Pages and the API read this.
            .annotate(
                shows_successor=ExpressionWrapper(
                    Q(superseded_by__isnull=False)
                    if sees_unpublished(user)
                    else Q(superseded_by__published=True),
                    output_field=BooleanField(),
                ),
                # The same of that successor, for its address (see Proposal.url_key).
                successor_shows_successor=ExpressionWrapper(
                    Q(superseded_by__superseded_by__isnull=False)
                    if sees_unpublished(user)
                    else Q(superseded_by__superseded_by__published=True),
                    output_field=BooleanField(),
                ),
            )
            .prefetch_related(
                Prefetch(
                    "sponsorships",
                    Sponsorship.objects.select_related(
                        "member_state", "regional_group", "sector_member"
                    ).order_by("position"),
                ),
                "topics",
                Prefetch(
                    "supersedes",
                    self.model.objects.visible_to(user).select_related("conference"),
                ),
            )
        )

    def backed_by(self, member_state, *, via_groups: bool = True):
        """Proposals `member_state` backed: as a named proposer, and (with `via_groups`)
        as a member of a regional group whose common proposal it is, at the time of the
        proposal's conference.

        Each row is annotated with `backed_directly`, so a page can split the two.
        """
        # Imported here because models.py imports this module to build its managers.
        from delegations.models import GroupMembership

        from .models import Sponsorship

        directly = Exists(
            Sponsorship.objects.filter(proposal=OuterRef("pk"), member_state=member_state)
        )
        if not via_groups:
            return self.filter(directly).annotate(backed_directly=directly)

        membership_at_the_time = (
            GroupMembership.objects.backing()
            .active_on(OuterRef(OuterRef("conference__starts_on")))
            .filter(member_state=member_state, group=OuterRef("regional_group"))
        )
        through_a_group = Exists(
            Sponsorship.objects.filter(proposal=OuterRef("pk")).filter(
                Exists(membership_at_the_time)
            )
        )
        return self.filter(Q(directly) | Q(through_a_group)).annotate(backed_directly=directly)


class ProvisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Curators see every provision. The public does not see one that exists only
        because proposals they may not read named it (an ingested proposal awaiting
        review): its number and title would tell of the proposal. A proposed provision
        from the reference data, which no proposal names yet, stays visible."""
        from .choices import ProvisionStatus
        from .models import Proposal

        if sees_unpublished(user):
            return self
        naming = Proposal.objects.filter(
            Q(provision=OuterRef("pk")) | Q(provision__article=OuterRef("pk"))
        )
        return self.exclude(
            Q(status=ProvisionStatus.PROPOSED)
            & Exists(naming)
            & ~Exists(naming.filter(published=True))
        )


class DocumentQuerySet(models.QuerySet):
    def without_text(self):
        """Without the extracted text and its search vector, which can be megabytes a
        row and which lists never show (a search's snippet is annotated separately)."""
        return self.defer("extracted_text", "search_vector")

    def for_display(self):
        return self.select_related("conference").without_text()

    def with_waiting_count(self):
        """With `waiting`: how many of each document's proposals wait for a curator (have
        review reasons). The last reading's status says what that reading found; this
        says what is still to do once curators have been through it."""
        from .models import Proposal

        return self.annotate(
            waiting=count_of(Proposal.objects.exclude(review_reasons=""), "document")
        )

    def visible_to(self, user):
        """What `user` may see: staff see every document. Everyone else sees records
        from metadata, and a received file once its text was read: one that is not a
        document at all (a program, an image), or that could not be read (damaged,
        encrypted), stays with the curators."""
        if sees_unpublished(user):
            return self
        return self.filter(Q(file="") | ~Q(file_type=""))

    def with_base_shown_to(self, user):
        """With `shown_base_id`: the base document's id (of an addendum, a revision) when
        `user` may see that document, else None, so that a link to it tells nothing of
        one they may not."""
        visible = self.model.objects.visible_to(user).filter(pk=OuterRef("base_document"))
        return self.annotate(
            shown_base_id=Case(When(Exists(visible), then=F("base_document")), default=None)
        )


# Each kind of proposer a sponsorship may name, and the field of its code (the code the
# proposal filter takes: RUS, CEPT, etno).
PROPOSER_KINDS = {"member_state": "itu_code", "regional_group": "code", "sector_member": "slug"}
PROPOSER_VALUES = tuple(
    f"{kind}__{field}" for kind, code in PROPOSER_KINDS.items() for field in (code, "name")
)


class SponsorshipQuerySet(models.QuerySet):
    def proposer_counts(self, *also: str) -> list[dict]:
        """How many distinct proposals each proposer is named on (per value of the `also`
        fields, if any), largest first. Each row has `kind` (member_state, regional_group or
        sector_member), `code` (as the proposal filter takes it), `name` and `count`."""
        rows = (
            self.values(*PROPOSER_VALUES, *also)
            .annotate(count=Count("proposal", distinct=True))
            .order_by("-count", "member_state__name", "regional_group__code", "sector_member__name")
        )
        return [{**row, **proposer_of(row)} for row in rows]


def proposer_of(row: dict) -> dict:
    for kind, code in PROPOSER_KINDS.items():
        if row[f"{kind}__{code}"]:
            return {"kind": kind, "code": row[f"{kind}__{code}"], "name": row[f"{kind}__name"]}
    raise ValueError("A sponsorship names no proposer.")
