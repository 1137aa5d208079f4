from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from .choices import MembershipStatus


class MemberStateQuerySet(models.QuerySet):
    def by_code(self, code: str):
        """Match an ITU code (RUS, G), an ISO alpha-2 (RU) or an ISO alpha-3 (RUS), any case."""
        code = code.strip().upper()
        return self.filter(Q(itu_code=code) | Q(iso2=code) | Q(iso3=code))

    def one_by_code(self, code: str):
        """The state a code names, or None when it names none, or two (one's ITU code can
        be another's ISO code)."""
        found = list(self.by_code(code)[:2])
        return found[0] if len(found) == 1 else None


class GroupMembershipQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | models.Expression):
        """Memberships that covered `day` (a date, or an expression such as an OuterRef).

        An empty `since` or `until` means the bound is not known. The sourced member lists
        are undated snapshots, so an unknown bound is treated as open rather than as a
        reason to drop the membership; curators narrow it by filling the dates in.
        """
        return self.filter(
            Q(since__isnull=True) | Q(since__lte=day),
            Q(until__isnull=True) | Q(until__gte=day),
        )

    def backing(self):
        """Memberships that put a state behind its group's common proposals.

        Observers attend a group's meetings but do not co-sign its common proposals.
        """
        return self.exclude(status=MembershipStatus.OBSERVER)
