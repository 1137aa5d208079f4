from rest_framework import serializers

from itutracker.rest import CanonicalURLMixin, canonical_url

from ..models import Delegation, GroupMembership, MemberState, RegionalGroup, SectorMember


def member_state_url(context, state: MemberState) -> str:
    return canonical_url(context, "api:member-state-detail", iso2=state.iso2)


def regional_group_url(context, group: RegionalGroup) -> str:
    return canonical_url(context, "api:regional-group-detail", code=group.code)


class MembershipOfStateSerializer(serializers.ModelSerializer):
    """A state's membership, seen from the state."""

    group = serializers.CharField(source="group.code")
    group_url = serializers.SerializerMethodField()

    class Meta:
        model = GroupMembership
        fields = ["group", "group_url", "status", "since", "until", "source"]

    def get_group_url(self, obj) -> str:
        return regional_group_url(self.context, obj.group)


class MembershipOfGroupSerializer(serializers.ModelSerializer):
    """A group's membership, seen from the group."""

    iso2 = serializers.CharField(source="member_state.iso2")
    itu_code = serializers.CharField(source="member_state.itu_code")
    name = serializers.CharField(source="member_state.name")
    member_state_url = serializers.SerializerMethodField()

    class Meta:
        model = GroupMembership
        fields = [
            "iso2",
            "itu_code",
            "name",
            "member_state_url",
            "status",
            "since",
            "until",
            "source",
        ]

    def get_member_state_url(self, obj) -> str:
        return member_state_url(self.context, obj.member_state)


class MemberStateSerializer(CanonicalURLMixin, serializers.ModelSerializer):
    view_name = "api:member-state-detail"
    url = serializers.SerializerMethodField()
    memberships = MembershipOfStateSerializer(source="group_memberships", many=True)

    class Meta:
        model = MemberState
        fields = [
            "url",
            "iso2",
            "iso3",
            "itu_code",
            "name",
            "official_name",
            "region",
            "region_source",
            "memberships",
            "source",
        ]

    def url_kwargs(self, obj):
        return {"iso2": obj.iso2}


class RegionalGroupSerializer(CanonicalURLMixin, serializers.ModelSerializer):
    view_name = "api:regional-group-detail"
    url = serializers.SerializerMethodField()
    members = MembershipOfGroupSerializer(source="memberships", many=True)

    class Meta:
        model = RegionalGroup
        fields = ["url", "code", "name", "kind", "proposal_prefix", "notes", "members", "source"]

    def url_kwargs(self, obj):
        return {"code": obj.code}


class SectorMemberSerializer(CanonicalURLMixin, serializers.ModelSerializer):
    view_name = "api:sector-member-detail"
    url = serializers.SerializerMethodField()
    country = serializers.CharField(source="country.iso2", allow_null=True, default=None)

    class Meta:
        model = SectorMember
        fields = ["url", "slug", "name", "short_name", "country", "source"]

    def url_kwargs(self, obj):
        return {"slug": obj.slug}


class DelegationSerializer(CanonicalURLMixin, serializers.ModelSerializer):
    view_name = "api:delegation-detail"
    url = serializers.SerializerMethodField()
    conference = serializers.CharField(source="conference.slug")
    member_state = serializers.CharField(source="member_state.iso2")
    member_state_name = serializers.CharField(source="member_state.name")

    class Meta:
        model = Delegation
        fields = [
            "url",
            "conference",
            "member_state",
            "member_state_name",
            "signed_final_acts",
            "reservations",
            "source",
        ]

    def url_kwargs(self, obj):
        return {"pk": obj.pk}
