from django.contrib import admin

from . import search
from .models import Conference, Document, Instrument, Proposal, Provision, Sponsorship, Topic


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "city", "starts_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["slug", "name", "city"]
    autocomplete_fields = ["host_country"]
    filter_horizontal = ["instruments"]


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["slug", "short_name", "name", "kind", "adopted_at"]
    list_filter = ["kind"]
    list_select_related = ["adopted_at"]
    search_fields = ["slug", "short_name", "name"]


@admin.register(Provision)
class ProvisionAdmin(admin.ModelAdmin):
    list_display = ["number", "instrument", "kind", "status", "margin_number", "title"]
    list_filter = ["instrument", "kind", "status"]
    list_select_related = ["instrument"]
    search_fields = ["number", "title", "baseline_text", "margin_number"]
    autocomplete_fields = ["article"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["symbol", "conference", "kind", "origin", "date", "ingest_status"]
    list_filter = ["conference", "kind", "origin", "ingest_status"]
    list_select_related = ["conference"]
    search_fields = ["symbol", "title", "source_line", "sha256"]
    autocomplete_fields = ["base_document"]
    readonly_fields = ["sha256", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search.index_documents(Document.objects.filter(pk=obj.pk))


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]


class SponsorshipInline(admin.TabularInline):
    model = Sponsorship
    extra = 0
    autocomplete_fields = ["member_state", "regional_group", "sector_member"]
    fields = ["position", "member_state", "regional_group", "sector_member"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "conference",
        "action",
        "provision",
        "proposers_as_stated",
        "outcome",
        "published",
    ]
    list_filter = ["conference", "published", "action", "outcome", "document__origin", "topics"]
    list_select_related = ["conference", "provision__instrument"]
    search_fields = ["number", "text", "reasons", "summary", "proposers_as_stated"]
    autocomplete_fields = ["provision", "document"]
    filter_horizontal = ["topics"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SponsorshipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search.index_proposals(Proposal.objects.filter(pk=form.instance.pk))
