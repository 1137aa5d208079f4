from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.widgets import AdminFileWidget
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from . import search
from .choices import IngestStatus, IntakeChannel, Origin
from .models import (
    Conference,
    Document,
    DocumentIntake,
    IngestRun,
    Instrument,
    Proposal,
    Provision,
    Sponsorship,
    Topic,
)
from .services import proposals_delete, proposals_publish_reviewed, publication_problem
from .services.ingestion import (
    deletion_note,
    document_receive,
    document_reingest,
    documents_delete,
    renumbering_note,
    size_refusal,
)


@admin.display(description="conference", ordering="conference__slug")
def conference_slug(row):
    """A row's conference in a list, as its slug (wcit-12): the full name, which a hover
    shows, takes half the width of a 1,400-pixel screen and pushes the columns a curator
    works with (published, to review) out of sight."""
    return format_html('<span title="{}">{}</span>', row.conference.name, row.conference.slug)


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

    def get_queryset(self, request):
        # A provision's name reads its instrument: the proposals' provision picker lists 20.
        return super().get_queryset(request).select_related("instrument")


class DocumentIntakeInline(admin.TabularInline):
    model = DocumentIntake
    extra = 0
    can_delete = False
    fields = ["received_at", "channel", "original_filename", "source_url", "received_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row's name reads its document and conference; and who received it.
        return super().get_queryset(request).select_related("document__conference", "received_by")


class IngestRunInline(admin.TabularInline):
    model = IngestRun
    extra = 0
    can_delete = False
    fields = ["created_at", "status", "step", "proposals_found", "proposals_to_review", "error"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document__conference")


class UploadForm(forms.Form):
    conference = forms.ModelChoiceField(queryset=Conference.objects.all(), to_field_name="slug")
    # No default: an original that is leaked by mistake marked official goes public.
    origin = forms.ChoiceField(choices=[("", "---------"), *Origin.choices])
    file = forms.FileField(help_text="PDF, Word (.docx or .doc), HTML or text.")

    def clean_file(self):
        return within_size_limit(self.cleaned_data["file"])


class ServedFile:
    """A stored file as the admin's file widget shows it, linked to where the app serves
    it: nothing serves the media folder, which holds the curators' originals."""

    def __init__(self, file, url: str):
        self.file, self.url = file, url

    def __str__(self) -> str:
        return self.file.name


class ServedFileInput(AdminFileWidget):
    url = ""

    def format_value(self, value):
        value = super().format_value(value)
        return ServedFile(value, self.url) if self.is_initial(value) else value


class DocumentAdminForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A leaked document's public copy is what its public download serves.
        if self.instance.origin == Origin.LEAKED and "public_file" in self.fields:
            widget = ServedFileInput()
            widget.url = reverse("api:document-download", kwargs={"pk": self.instance.pk})
            self.fields["public_file"].widget = widget

    def clean_public_file(self):
        file = self.cleaned_data["public_file"]
        # Only a new upload is weighed: the saved copy may be gone from disk, or over a
        # limit lowered since, and the rest of the form must still save.
        return within_size_limit(file) if isinstance(file, UploadedFile) else file

    def clean(self):
        cleaned = super().clean()
        file = cleaned.get("public_file")
        if isinstance(file, UploadedFile):
            # A copy a curator cleaned and uploads is theirs to publish, unless they tick
            # "withheld" with it, which says the opposite.
            if cleaned.get("public_copy_withheld") and not self.instance.public_copy_withheld:
                self.add_error(
                    "public_copy_withheld",
                    "Untick this to publish the file you upload, or upload none.",
                )
            cleaned["public_copy_withheld"] = False
            return cleaned
        # "Clear" on the public file withdraws it for good: ingesting again would make a
        # new one. Withheld, there is none.
        if file is False:
            cleaned["public_copy_withheld"] = True
        if cleaned.get("public_copy_withheld"):
            cleaned["public_file"] = False
        return cleaned

    def clean_origin(self):
        origin = self.cleaned_data["origin"]
        saved = self.instance
        if saved.pk and saved.origin == Origin.LEAKED and saved.file and origin != Origin.LEAKED:
            # The public is served an official document's own file, and this one is the
            # leaked original, with whatever in it could identify who passed it on.
            raise forms.ValidationError(
                "A file that arrived leaked stays the curators'. Upload the official "
                "release as its own document instead."
            )
        return origin


def within_size_limit(file):
    """The uploaded file, or a form error when it is over INGEST_MAX_BYTES (such a file
    arrives empty, with its real size: itutracker/uploads.py)."""
    if file and (refusal := size_refusal(file.size)):
        raise forms.ValidationError(refusal)
    return file


def document_proposals_url(document, *, waiting: bool = False) -> str:
    """The admin's list of the document's proposals, or of those waiting for a curator."""
    url = f"{reverse('admin:proposals_proposal_changelist')}?document__id__exact={document.pk}"
    return f"{url}&review=waiting" if waiting else url


def proposals_links(document):
    """Links to the document's proposals in the admin, and to those waiting for a curator."""
    if document is None or document.pk is None:
        return "-"
    return format_html(
        '<a href="{}">{} in all</a>, <a href="{}">{} to review</a>',
        document_proposals_url(document),
        document.proposals.count(),
        document_proposals_url(document, waiting=True),
        document.proposals.exclude(review_reasons="").count(),
    )


class ReviewFilter(admin.SimpleListFilter):
    """Proposals by whether they wait for a curator (have review reasons)."""

    title = "review"
    parameter_name = "review"
    labels = ("Waiting for a curator", "Nothing in doubt")
    waiting = ~Q(review_reasons="")

    def lookups(self, request, model_admin):
        return [("waiting", self.labels[0]), ("clear", self.labels[1])]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(self.waiting)
        if self.value() == "clear":
            return queryset.exclude(self.waiting)
        return queryset


class WaitingFilter(ReviewFilter):
    """Documents by whether any of their proposals wait for a curator (annotated by
    with_waiting_count)."""

    title = "proposals to review"
    labels = ("Some waiting for a curator", "None waiting")
    waiting = Q(waiting__gt=0)


# Enough of a document's text to check what was read; all of it can be megabytes.
TEXT_SHOWN = 5000


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = [
        "symbol", conference_slug, "kind", "origin", "date", "ingest_status", "to_review",
    ]  # fmt: skip
    list_filter = ["conference", "kind", "origin", "ingest_status", WaitingFilter]
    list_select_related = ["conference"]
    search_fields = ["symbol", "title", "source_line", "sha256"]
    autocomplete_fields = ["base_document"]
    # The original stays as received, under its hash; new files come through the upload.
    # The text is the pipeline's, which the next reading replaces: shown, not edited (a
    # text area would also rewrite its line endings on every save, and log that as an edit).
    exclude = ["file", "extracted_text"]
    readonly_fields = [
        "original", "sha256", "file_type", "page_count", "proposals_read", "text_read",
        "created_at", "updated_at",
    ]  # fmt: skip
    inlines = [DocumentIntakeInline, IngestRunInline]
    change_list_template = "admin/proposals/document/change_list.html"
    actions = ["ingest_again"]

    # Reading again rewrites proposals and public copies: for those who may change documents.
    @admin.action(description="Ingest the selected documents again", permissions=["change"])
    def ingest_again(self, request, queryset):
        queued = 0
        for document in queryset.exclude(file="").select_related("conference"):
            run = document_reingest(document=document)
            self.log_change(request, document, f"Ingested again (run {run.pk}).")
            queued += 1
        messages.success(request, f"{queued} document(s) queued for ingestion.")

    @admin.display(description="to review", ordering="waiting")
    def to_review(self, document):
        """Proposals still waiting for a curator, linked to them: the status is the last
        reading's, and stays "Needs review" after curators have been through them."""
        if not document.waiting:
            return 0
        url = document_proposals_url(document, waiting=True)
        return format_html('<a href="{}">{}</a>', url, document.waiting)

    @admin.display(description="File")
    def original(self, document):
        """The file as received, metadata and all: served to curators alone."""
        if not document.file:
            return "-"
        url = reverse("api:document-original", kwargs={"pk": document.pk})
        return format_html('<a href="{}">{}</a>', url, document.file.name)

    @admin.display(description="Proposals")
    def proposals_read(self, document):
        return proposals_links(document)

    @admin.display(description="Extracted text")
    def text_read(self, document) -> str:
        text = document.extracted_text
        if len(text) <= TEXT_SHOWN:
            return text
        return f"{text[:TEXT_SHOWN]}\n… (the first {TEXT_SHOWN:,} of {len(text):,} characters)"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search.index_documents(Document.objects.filter(pk=obj.pk))
        if (
            "origin" in form.changed_data
            and obj.origin == Origin.LEAKED
            and obj.file
            and not obj.public_file
            and not obj.public_copy_withheld
        ):
            messages.warning(
                request,
                "Now leaked, this document has no public file: 'Ingest the selected "
                "documents again' makes its copy without identifying metadata.",
            )

    def delete_model(self, request, obj):
        documents_delete(Document.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        documents_delete(queryset)

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", upload, name="proposals_document_upload"), *super().get_urls()]

    def upload_view(self, request):
        """Upload a document: the same service as every other intake channel."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            document, run = document_receive(
                conference=form.cleaned_data["conference"],
                data=upload.read(),
                origin=form.cleaned_data["origin"],
                channel=IntakeChannel.ADMIN,
                filename=upload.name,
                received_by=request.user,
            )
            self.log_upload(request, document, run, upload.name)
            self.report_upload(request, form.cleaned_data, document, run)
            return redirect(reverse("admin:proposals_document_change", args=[document.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Upload a document",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/proposals/document/upload.html", context)

    def report_upload(self, request, chosen, document, run):
        if run is not None:
            run.refresh_from_db()  # without a broker, the run has already ended
            if run.status in (IngestStatus.QUEUED, IngestStatus.RUNNING):
                messages.success(request, f"Received; ingest run {run.pk} is under way.")
            else:
                outcome = run.get_status_display().lower()
                messages.success(request, f"Received; ingest run {run.pk} ended: {outcome}.")
            return
        known = f"These bytes are already known as {document}; intake recorded."
        if (document.conference, document.origin) != (chosen["conference"], chosen["origin"]):
            messages.warning(
                request,
                f"{known} It stays {document.get_origin_display().lower()}, at "
                f"{document.conference.slug}: change that here if it is wrong.",
            )
        else:
            messages.info(request, known)

    def log_upload(self, request, document, run, filename):
        """The upload in the document's history, beside the curators' edits."""
        done = "already known, not read again" if run is None else f"ingest run {run.pk}"
        self.log_change(request, document, f"Uploaded {filename}: {done}.")

    def get_queryset(self, request):
        # A document's name reads its conference: the proposals' document picker lists 20.
        # Not the text and its vector, megabytes a row, which only text_read shows (one
        # query more on the change page; a save then writes the loaded fields alone).
        documents = super().get_queryset(request).select_related("conference").without_text()
        return documents.with_waiting_count()


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by the pipeline."""

    list_display = [
        "document",
        "status",
        "step",
        "proposals_found",
        "proposals_to_review",
        "created_at",
    ]
    list_filter = ["status", "document__conference"]
    list_select_related = ["document__conference"]
    search_fields = ["document__symbol", "error"]
    readonly_fields = [*(field.name for field in IngestRun._meta.fields), "document_proposals"]

    @admin.display(description="The document's proposals")
    def document_proposals(self, run):
        return proposals_links(run.document)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # A run is the record of an attempt: it goes with its document, never alone. (Not
    # has_delete_permission, which the document's own deletion asks of its runs too.)
    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_delete": False}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    fields = ["name", "slug", "description", "keywords", "source"]
    search_fields = ["name", "slug", "description"]


class SponsorshipInline(admin.TabularInline):
    model = Sponsorship
    extra = 0
    autocomplete_fields = ["member_state", "regional_group", "sector_member"]
    fields = ["position", "member_state", "regional_group", "sector_member"]

    def get_queryset(self, request):
        # Each row's name reads its proposer and proposal.
        return (
            super()
            .get_queryset(request)
            .select_related(
                "proposal__conference", "member_state", "regional_group", "sector_member"
            )
        )


class ProposalAdminForm(forms.ModelForm):
    """The admin builds the fields; this adds the rule on publishing versions."""

    def clean(self):
        cleaned = super().clean()
        published = cleaned.get("published")
        if published is None or self.has_error("conference") or self.has_error("number"):
            return cleaned  # the field's own error says what is wrong
        # The number and conference as they will be saved: the row may be new, or renamed.
        # (A version's are read-only, so not in the form: the saved ones hold.)
        conference = cleaned.get("conference")
        problem = publication_problem(
            self.instance,
            published,
            conference_id=conference.pk if conference else None,
            number=cleaned.get("number"),
        )
        if problem:
            raise forms.ValidationError({"published": problem})
        return cleaned


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    form = ProposalAdminForm
    list_display = [
        "__str__",
        # First, what a curator works through: seen whatever the width of the screen.
        "to_review",
        "published",
        conference_slug,
        "action_symbol",
        "provision_cited",
        "proposers_shown",
        "outcome",
    ]
    list_filter = [
        ReviewFilter, "conference", "published", "action", "outcome", "document__origin", "topics",
    ]  # fmt: skip
    list_select_related = ["conference", "provision__instrument"]
    search_fields = ["number", "text", "reasons", "summary", "proposers_as_stated"]
    autocomplete_fields = ["provision", "document"]
    filter_horizontal = ["topics"]
    # Versions are linked by ingestion and kept whole by proposals_delete; a hand-made
    # link could give a number two current versions.
    readonly_fields = ["superseded_by", "created_at", "updated_at"]
    inlines = [SponsorshipInline]
    actions = ["publish_reviewed"]

    @admin.display(description="to review")
    def to_review(self, proposal):
        """ "waiting", with what to check on hover; blank otherwise (a column of red
        crosses for "nothing to do" would hide the few that need a curator)."""
        if not proposal.review_reasons:
            return ""
        return format_html('<span title="{}">waiting</span>', proposal.review_reasons)

    # The list's columns fit a 1,400-pixel screen: long values are cut, and whole on hover.
    @admin.display(description="action", ordering="action")
    def action_symbol(self, proposal):
        return format_html(
            '<span title="{}">{}</span>', proposal.get_action_display(), proposal.action or "-"
        )

    @admin.display(description="provision", ordering="provision__number")
    def provision_cited(self, proposal):
        provision = proposal.provision
        if provision is None:
            return "-"
        cited = f"{provision.instrument.short_name} {provision.number}"
        return format_html('<span title="{}">{}</span>', provision, cited)

    @admin.display(description="proposers as stated", ordering="proposers_as_stated")
    def proposers_shown(self, proposal):
        stated = proposal.proposers_as_stated
        return format_html('<span title="{}">{}</span>', stated, Truncator(stated).chars(40))

    @admin.action(description="Publish the selected proposals as reviewed", permissions=["change"])
    def publish_reviewed(self, request, queryset):
        published, refused = proposals_publish_reviewed(queryset)
        for proposal in published:
            self.log_change(request, proposal, "Published as reviewed.")
        messages.success(request, f"{len(published)} proposal(s) published as reviewed.")
        for reason in refused:
            messages.error(request, f"Not published: {reason}")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search.index_proposals(Proposal.objects.filter(pk=form.instance.pk))

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A version's number and conference name its history: changed on one version,
        # they would split it, or clash with another number's current version.
        if obj is not None and (obj.superseded_by_id or obj.supersedes.exists()):
            return [*fields, "conference", "number"]
        return fields

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        old = form.initial.get("number")
        if not add and "number" in form.changed_data and old:
            # Reading the document again must not bring the old number back.
            message.append(renumbering_note(form.instance.document_id, old, form.instance.number))
        return message

    def log_deletions(self, request, queryset):
        # Each entry names the deleted proposal's document: reading that document again
        # does not bring it back, and nothing of the same number in another document.
        # One insert, whatever the number of documents (log_actions takes one message).
        content_type = ContentType.objects.get_for_model(Proposal, for_concrete_model=False)
        return LogEntry.objects.bulk_create(
            LogEntry(
                user_id=request.user.pk,
                content_type=content_type,
                object_id=str(proposal.pk),
                object_repr=str(proposal)[:200],
                action_flag=DELETION,
                change_message=deletion_note(proposal.document_id),
            )
            for proposal in queryset
        )

    def delete_model(self, request, obj):
        proposals_delete(Proposal.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        proposals_delete(queryset)
