from django.db.models import Prefetch
from rest_framework import viewsets

from itutracker.rest import CSVStreamMixin, columns

from ..filters import (
    DelegationFilterSet,
    MemberStateFilterSet,
    RegionalGroupFilterSet,
    SectorMemberFilterSet,
)
from ..models import Delegation, GroupMembership, MemberState, RegionalGroup, SectorMember
from .serializers import (
    DelegationSerializer,
    MemberStateSerializer,
    RegionalGroupSerializer,
    SectorMemberSerializer,
)


class MemberStateViewSet(CSVStreamMixin, viewsets.ReadOnlyModelViewSet):
    """The 193 ITU Member States, with their codes, region and group memberships."""

    queryset = MemberState.objects.prefetch_related(
        Prefetch("group_memberships", GroupMembership.objects.select_related("group"))
    ).order_by("name")
    serializer_class = MemberStateSerializer
    filterset_class = MemberStateFilterSet
    lookup_field = "iso2__iexact"
    lookup_url_kwarg = "iso2"
    lookup_value_regex = "[A-Za-z]{2}"
    csv_columns = columns(
        "iso2",
        "iso3",
        "itu_code",
        "name",
        "region",
        groups=lambda d: [m["group"] for m in d["memberships"]],
        url=lambda d: d["url"],
    )


class RegionalGroupViewSet(CSVStreamMixin, viewsets.ReadOnlyModelViewSet):
    """Regional groups that table common proposals, with their members."""

    queryset = RegionalGroup.objects.prefetch_related(
        Prefetch(
            "memberships",
            GroupMembership.objects.select_related("member_state").order_by("member_state__name"),
        )
    ).order_by("code")
    serializer_class = RegionalGroupSerializer
    filterset_class = RegionalGroupFilterSet
    lookup_field = "code__iexact"
    lookup_url_kwarg = "code"
    lookup_value_regex = "[A-Za-z0-9-]+"
    csv_columns = columns(
        "code",
        "name",
        "kind",
        "proposal_prefix",
        members=lambda d: [m["iso2"] for m in d["members"]],
        url=lambda d: d["url"],
    )


class SectorMemberViewSet(CSVStreamMixin, viewsets.ReadOnlyModelViewSet):
    """Non-state participants that table proposals, such as ETNO."""

    queryset = SectorMember.objects.select_related("country").order_by("name")
    serializer_class = SectorMemberSerializer
    filterset_class = SectorMemberFilterSet
    # In any case, as the states' and groups' codes are: ?proposer=ETNO finds etno too.
    lookup_field = "slug__iexact"
    lookup_url_kwarg = "slug"
    csv_columns = columns(
        "slug",
        "name",
        "country",
        "url",
    )


class DelegationViewSet(CSVStreamMixin, viewsets.ReadOnlyModelViewSet):
    """Member states at conferences, and whether they signed the Final Acts."""

    queryset = Delegation.objects.select_related("conference", "member_state").order_by(
        "conference__slug", "member_state__name"
    )
    serializer_class = DelegationSerializer
    filterset_class = DelegationFilterSet
    csv_columns = columns(
        "conference",
        "member_state",
        "member_state_name",
        "signed_final_acts",
        "reservations",
        "source",
        "url",
    )
