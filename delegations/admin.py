from django.contrib import admin

from .models import Delegation, GroupMembership, MemberState, RegionalGroup, SectorMember


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ["member_state"]
    fields = ["member_state", "status", "since", "until", "status_in_source", "source"]

    def get_queryset(self, request):
        # Each row's name reads its member state and group.
        return super().get_queryset(request).select_related("member_state", "group")


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ["name", "itu_code", "iso2", "iso3", "region"]
    list_filter = ["region", "regional_groups"]
    search_fields = ["name", "official_name", "itu_code", "iso2", "iso3"]


@admin.register(RegionalGroup)
class RegionalGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "proposal_prefix"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "proposal_prefix"]
    inlines = [GroupMembershipInline]


@admin.register(GroupMembership)
class GroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["member_state", "group", "status", "since", "until"]
    list_filter = ["group", "status"]
    list_select_related = ["member_state", "group"]
    search_fields = ["member_state__name", "member_state__itu_code", "group__code"]
    autocomplete_fields = ["member_state", "group"]


@admin.register(SectorMember)
class SectorMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "short_name", "slug"]
    autocomplete_fields = ["country"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["member_state", "conference", "signed_final_acts"]
    list_filter = ["conference", "signed_final_acts"]
    list_select_related = ["member_state", "conference"]
    search_fields = ["member_state__name", "member_state__itu_code", "reservations"]
    autocomplete_fields = ["member_state", "conference"]
