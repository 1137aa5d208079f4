from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q


class ProposalQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """What `user` may see: staff see everything, everyone else only published records."""
        if user is not None and user.is_active and user.is_staff:
            return self
        return self.published()

    def with_related(self):
        """Shape the queryset for list pages: one query per relation, however many rows."""
        return self.select_related(
            "conference", "provision__instrument", "document"
        ).prefetch_related(
            "proposing_states", "proposing_groups", "proposing_sector_members", "topics"
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
