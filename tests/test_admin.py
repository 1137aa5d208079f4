"""Every model can be browsed, searched and filtered in the admin."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse


@pytest.fixture
def curator(admin_client, demo_data):
    return admin_client


def changelist_urls():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
        if model._meta.app_label in {"delegations", "proposals"}
    ]


def test_every_domain_model_is_registered():
    from django.apps import apps

    for app_label in ["delegations", "proposals"]:
        for model in apps.get_app_config(app_label).get_models():
            # Edited or shown inline on their proposal or document.
            if model.__name__ not in {"Sponsorship", "DocumentIntake"}:
                assert model in admin.site._registry, model


def test_every_changelist_loads_and_searches(curator):
    for url in changelist_urls():
        assert curator.get(url).status_code == 200, url
        assert curator.get(url, {"q": "RUS"}).status_code == 200, url


def test_proposal_pages_load(curator):
    from proposals.models import Proposal

    proposal = Proposal.objects.get(number="RUS/27/7")
    change = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    response = curator.get(change)
    assert response.status_code == 200
    assert "Russian Federation" in response.content.decode()
    assert curator.get(reverse("admin:proposals_proposal_add")).status_code == 200


def test_proposal_search_finds_by_number_and_filters_by_origin(curator):
    url = reverse("admin:proposals_proposal_changelist")
    found = curator.get(url, {"q": "RUS/27/7"}).context["cl"].result_count
    assert found == 1
    leaked = curator.get(url, {"document__origin__exact": "leaked"}).context["cl"].result_count
    official = curator.get(url, {"document__origin__exact": "official"}).context["cl"].result_count
    assert leaked > 0 and official > 0


def test_a_curator_uploads_a_document_and_sees_its_run(curator, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from proposals.models import Document, IngestRun

    settings.MEDIA_ROOT = tmp_path
    text = b"Document 29-E\nParaguay\nMOD\tPRG/29/1\n5\t1.3\tText.\nReasons:\tWhy.\n"
    upload = SimpleUploadedFile("doc29.txt", text, content_type="text/plain")
    response = curator.post(
        reverse("admin:proposals_document_upload"),
        {"conference": "wcit-12", "origin": "official", "file": upload},
    )
    document = Document.objects.get(intakes__channel="admin")
    assert response.status_code == 302
    assert response.url == reverse("admin:proposals_document_change", args=[document.pk])
    assert document.intakes.get().channel == "admin"
    run = IngestRun.objects.get(document=document)
    page = curator.get(response.url).content.decode()
    assert run.get_status_display() in page or "Queued" in page
    assert curator.get(reverse("admin:proposals_ingestrun_changelist")).status_code == 200
    assert curator.get(reverse("admin:proposals_document_upload")).status_code == 200


def test_an_upload_says_how_its_run_ended_and_needs_its_origin_chosen(
    transactional_db, reference_data, admin_client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from proposals.models import Document

    url = reverse("admin:proposals_document_upload")
    text = b"Document 29-E\nParaguay\nMOD\tPRG/29/1\n5\t1.3\tText.\nReasons:\tWhy.\n"

    def upload(**fields):
        file = SimpleUploadedFile("doc29.txt", text, content_type="text/plain")
        return admin_client.post(
            url, {"conference": "wcit-12", **fields, "file": file}, follow=True
        )

    unchosen = upload()
    assert "origin" in unchosen.context["form"].errors
    assert not Document.objects.exists()
    origin = admin_client.get(url).context["form"]["origin"]
    assert '<option value="" selected>---------</option>' in str(origin)

    # Committed as in production, so the task runs in-process before the page answers.
    received = [str(m) for m in upload(origin="official").context["messages"]]
    assert any(m.endswith("ended: succeeded.") for m in received), received
    again = [str(m) for m in upload(origin="leaked").context["messages"]]
    assert any("It stays official, at wcit-12" in m for m in again), again


def test_an_oversize_upload_is_refused_on_the_form_and_nothing_is_kept(curator, settings):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from proposals.models import Document

    settings.INGEST_MAX_BYTES = 1000
    documents = Document.objects.count()
    files = set(Path(settings.MEDIA_ROOT).rglob("*"))
    upload = SimpleUploadedFile("big.txt", b"Document 97-E\n" + b"x" * 5000)
    response = curator.post(
        reverse("admin:proposals_document_upload"),
        {"conference": "wcit-12", "origin": "official", "file": upload},
    )
    assert response.status_code == 200
    assert "The file is 4.9\xa0KB; the limit is 1000\xa0bytes." in response.content.decode()
    assert Document.objects.count() == documents
    assert set(Path(settings.MEDIA_ROOT).rglob("*")) == files


def test_an_upload_whose_file_name_is_too_long_to_read_is_answered_with_the_reason(curator):
    from proposals.models import Document

    # Django refuses a part whose headers pass 1 KB before any view runs; the test
    # client cuts names to 255 characters, so the body is written out.
    boundary = "bound"
    name = "a" * 2000 + ".pdf"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="conference"\r\n\r\nwcit-12\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="origin"\r\n\r\nofficial\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: application/pdf\r\n\r\nDocument 27-E\r\n--{boundary}--\r\n"
    )
    documents = Document.objects.count()
    response = curator.generic(
        "POST",
        reverse("admin:proposals_document_upload"),
        body.encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert "a file name of more than about 900 characters" in response.content.decode()
    assert Document.objects.count() == documents


def test_an_oversize_public_copy_is_refused_on_the_document_form(curator, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from proposals.models import Document

    document = Document.objects.filter(origin="leaked").exclude(public_file="").first()
    url = reverse("admin:proposals_document_change", args=[document.pk])
    page = curator.get(url)
    form = page.context["adminform"].form
    # The form as the page shows it (files aside), with its inlines left as they are.
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and not hasattr(value, "url")
    }
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    settings.INGEST_MAX_BYTES = 1000
    data["public_file"] = SimpleUploadedFile("cleaned.pdf", b"%PDF-1.4\n" + b"x" * 5000)
    response = curator.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "The file is 4.9\xa0KB; the limit is 1000\xa0bytes." in response.content.decode()
    document.refresh_from_db()
    assert document.public_file.size > 0


@pytest.fixture
def viewer(client, django_user_model):
    """A staff user who may only look at documents."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_document"))
    client.force_login(user)
    return client


def test_a_read_only_curator_cannot_ingest_documents_again(viewer, document_factory):
    from django.core.files.base import ContentFile

    from proposals.models import IngestRun

    document = document_factory()
    document.file.save("doc29.txt", ContentFile(b"Document 29-E\n"))
    changelist = reverse("admin:proposals_document_changelist")
    form = viewer.get(changelist).context["action_form"]
    assert form is None or "ingest_again" not in dict(form.fields["action"].choices)
    viewer.post(changelist, {"action": "ingest_again", "_selected_action": [document.pk]})
    assert not IngestRun.objects.exists()


def test_a_read_only_curator_is_not_offered_the_upload_and_is_refused_it(viewer):
    changelist = viewer.get(reverse("admin:proposals_document_changelist"))
    assert reverse("admin:proposals_document_upload") not in changelist.content.decode()
    assert viewer.get(reverse("admin:proposals_document_upload")).status_code == 403


def test_a_documents_page_costs_the_same_queries_for_1_run_as_for_10(
    admin_client, admin_user, document_factory, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from proposals.models import DocumentIntake, IngestRun

    document = document_factory()
    url = reverse("admin:proposals_document_change", args=[document.pk])

    def arrive():
        DocumentIntake.objects.create(document=document, channel="admin", received_by=admin_user)
        IngestRun.objects.create(document=document)

    arrive()
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(url).status_code == 200
    for _ in range(9):
        arrive()
    with django_assert_max_num_queries(len(one)):
        assert admin_client.get(url).status_code == 200


def test_the_documents_list_counts_the_proposals_still_waiting_for_a_curator(
    admin_client, document_factory, proposal_factory
):
    # The last reading's status stays "Needs review" after curators have been through its
    # proposals: the list says what is still to do, and filters by it.
    reviewed = document_factory(symbol="Document 27", ingest_status="needs-review")
    waiting = document_factory(symbol="Document 29", ingest_status="needs-review")
    for document, doubts in [(reviewed, ""), (reviewed, ""), (waiting, "unknown prefix XYZ")]:
        proposal_factory(document=document, conference=document.conference, review_reasons=doubts)
    proposal_factory(document=waiting, conference=waiting.conference, review_reasons="")
    changelist = reverse("admin:proposals_document_changelist")

    rows = {
        row.symbol: row.waiting for row in admin_client.get(changelist).context["cl"].result_list
    }
    assert rows == {"Document 27": 0, "Document 29": 1}
    page = admin_client.get(changelist).content.decode()
    assert f"?document__id__exact={waiting.pk}&amp;review=waiting" in page
    assert f"?document__id__exact={reviewed.pk}&amp;review=waiting" not in page
    for choice, symbols in [("waiting", ["Document 29"]), ("clear", ["Document 27"])]:
        listed = admin_client.get(changelist, {"review": choice}).context["cl"].result_list
        assert [row.symbol for row in listed] == symbols


def test_the_documents_list_costs_the_same_queries_for_2_documents_as_for_12_without_their_text(
    admin_client, document_factory, proposal_factory, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def documents(count):
        for _ in range(count):
            document = document_factory(extracted_text="MOD RUS/27/1 " * 1000)
            proposal_factory(document=document, conference=document.conference, review_reasons="?")

    changelist = reverse("admin:proposals_document_changelist")
    documents(2)
    with CaptureQueriesContext(connection) as two:
        assert admin_client.get(changelist).status_code == 200
    # The text can be megabytes a document: the list never fetches it.
    assert not any("extracted_text" in query["sql"] for query in two.captured_queries)
    documents(10)
    with django_assert_max_num_queries(len(two)):
        assert len(admin_client.get(changelist).context["cl"].result_list) == 12


def test_the_proposals_list_says_what_waits_and_why_and_cuts_long_values(
    admin_client, proposal_factory, provision_factory
):
    provision = provision_factory(number="3A.1", title="Internet " * 20)
    stated = "Algeria, Saudi Arabia, Bahrain, China, United Arab Emirates, Russian Federation"
    proposal_factory(
        number="RUS/27/7", provision=provision, proposers_as_stated=stated,
        review_reasons="unknown prefix XYZ",
    )  # fmt: skip
    proposal_factory(number="RUS/27/8", review_reasons="")
    page = admin_client.get(reverse("admin:proposals_proposal_changelist")).content.decode()
    # Waiting, with what to check on hover; nothing shown for a proposal with no doubts.
    assert page.count(">waiting</span>") == 1
    assert 'title="unknown prefix XYZ">waiting</span>' in page
    # The conference by its slug, the provision as cited, the proposers cut: whole on hover.
    from proposals.models import Proposal

    conference = Proposal.objects.get(number="RUS/27/7").conference
    assert f'title="{conference.name}">{conference.slug}</span>' in page
    assert f">{provision.instrument.short_name} 3A.1</span>" in page
    shown = re.search(f'title="{stated}">([^<]*)</span>', page)[1]
    assert stated.startswith(shown.rstrip("…")) and shown.endswith("…") and len(shown) == 40


def test_the_runs_list_filters_by_the_statuses_a_run_can_have(admin_client):
    page = admin_client.get(reverse("admin:proposals_ingestrun_changelist"))
    offered = {choice["display"] for spec in page.context["cl"].filter_specs
               for choice in spec.choices(page.context["cl"])}  # fmt: skip
    assert {"Queued", "Needs review", "Failed"} <= offered
    assert "Metadata only (no file)" not in offered


def test_deleting_proposals_of_8_documents_costs_the_queries_of_1_and_names_each_document(
    admin_client, conference_factory, document_factory, proposal_factory
):
    import json

    from django.contrib.admin.models import DELETION, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from proposals.models import Proposal

    conference = conference_factory()

    def delete(documents):
        rows = [
            proposal_factory(conference=conference, document=documents[i % len(documents)])
            for i in range(8)
        ]
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.post(
                reverse("admin:proposals_proposal_changelist"),
                {
                    "action": "delete_selected",
                    "_selected_action": [r.pk for r in rows],
                    "post": "yes",
                },
            )
        assert response.status_code == 302
        assert not Proposal.objects.filter(pk__in=[r.pk for r in rows]).exists()
        return rows, len(captured)

    _, one = delete([document_factory(conference=conference)])
    rows, eight = delete([document_factory(conference=conference) for _ in range(8)])
    assert eight == one
    logged = LogEntry.objects.filter(action_flag=DELETION, object_id__in=[str(r.pk) for r in rows])
    assert sorted(json.loads(entry.change_message)[0]["document"] for entry in logged) == sorted(
        row.document_id for row in rows
    )


# --- Curators' edits and the pipeline ------------------------------------------------------

TEXT_88 = b"Document 88-E\nMOD\tRUS/88/1\n5\t1.3\tInternet text.\nReasons:\tWhy.\n"


@pytest.fixture
def receive(reference_data, django_capture_on_commit_callbacks):
    from proposals.choices import IntakeChannel
    from proposals.models import Conference
    from proposals.services.ingestion import document_receive

    def receive(data, origin="official"):
        with django_capture_on_commit_callbacks(execute=True):
            _, run = document_receive(
                conference=Conference.objects.get(slug="wcit-12"),
                data=data,
                origin=origin,
                channel=IntakeChannel.COMMAND,
                filename="doc88.txt",
            )
        run.refresh_from_db()
        return run.document

    return receive


def edit_document(client, document, **changes):
    from tests.admin_forms import change_form_data

    url = reverse("admin:proposals_document_change", args=[document.pk])
    return client.post(url, {**change_form_data(client.get(url)), **changes})


def test_saving_a_document_unchanged_leaves_its_extracted_text_and_history_alone(
    admin_client, document_factory
):
    from django.contrib.admin.models import LogEntry

    text = "\n\nDocument 88-E\nMOD\tRUS/88/1\n\f" + "x" * 6000
    document = document_factory(extracted_text=text)
    page = admin_client.get(reverse("admin:proposals_document_change", args=[document.pk]))
    assert f"the first 5,000 of {len(text):,} characters" in page.content.decode()
    # As a browser sends a text area: with CRLF line endings.
    response = edit_document(admin_client, document, extracted_text=text.replace("\n", "\r\n"))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.extracted_text == text
    assert "Extracted text" not in LogEntry.objects.get().change_message


def test_the_document_page_links_its_files_where_the_app_serves_them(admin_client, receive):
    from proposals.models import Document

    document = receive(TEXT_88, origin="leaked")
    assert document.public_file
    page = admin_client.get(reverse("admin:proposals_document_change", args=[document.pk]))
    html = page.content.decode()
    assert "/media/" not in html
    for url in (
        f"/api/v1/documents/{document.pk}/original/",
        f"/api/v1/documents/{document.pk}/download/",
    ):
        assert f'href="{url}"' in html
        assert admin_client.get(url).status_code == 200
    # The original is not a field of the form: posting one changes nothing.
    edit_document(admin_client, document, file="elsewhere.pdf")
    assert Document.objects.get(pk=document.pk).file == document.file


@pytest.mark.parametrize("how", ["page", "action"])
def test_deleting_a_document_in_the_admin_removes_its_files(
    admin_client, receive, django_capture_on_commit_callbacks, how
):
    from django.core.files.storage import default_storage

    from proposals.models import Document

    kept = receive(b"Document 89-E\nMOD\tRUS/89/1\n5\t1.3\tText.\nReasons:\tWhy.\n", "leaked")
    document = receive(b"\x00\x01 not a document", origin="leaked")
    names = [document.file.name, kept.file.name, kept.public_file.name]
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "page":
            url = reverse("admin:proposals_document_delete", args=[document.pk])
            response = admin_client.post(url, {"post": "yes"})
        else:
            url = reverse("admin:proposals_document_changelist")
            response = admin_client.post(
                url, {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"}
            )
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert [default_storage.exists(name) for name in names] == [False, True, True]


def test_a_run_that_needs_review_leads_to_the_proposals_waiting_for_a_curator(
    admin_client, receive
):
    from proposals.models import IngestRun

    text = TEXT_88 + b"MOD\tXYZ/88/2\n5\t1.3\tAn unknown prefix.\nReasons:\tWhy.\n"
    document = receive(text)
    run = IngestRun.objects.get(document=document)
    assert run.status == "needs-review", run.error
    page = admin_client.get(reverse("admin:proposals_ingestrun_change", args=[run.pk]))
    listed = f"/admin/proposals/proposal/?document__id__exact={document.pk}"
    html = page.content.decode()
    assert f'<a href="{listed}">2 in all</a>' in html
    assert f'<a href="{listed}&amp;review=waiting">1 to review</a>' in html
    waiting = admin_client.get(f"{listed}&review=waiting")
    assert [str(row) for row in waiting.context["cl"].result_list] == ["XYZ/88/2"]


def test_a_document_turned_leaked_says_it_has_no_public_file_until_read_again(
    admin_client, receive
):
    from tests.admin_forms import change_form_data

    document = receive(TEXT_88)
    url = reverse("admin:proposals_document_change", args=[document.pk])
    response = admin_client.post(
        url, {**change_form_data(admin_client.get(url)), "origin": "leaked"}, follow=True
    )
    said = [str(message) for message in response.context["messages"]]
    assert any("Now leaked, this document has no public file" in m for m in said), said
    assert admin_client.get(f"/api/v1/documents/{document.pk}/download/").status_code == 404


def test_a_document_whose_public_copy_is_gone_from_disk_can_still_be_edited(
    admin_client, document_factory
):
    document = document_factory(origin="leaked", public_file="public/ab/" + "ab" * 32)
    response = edit_document(admin_client, document, title="A corrected title")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "A corrected title"


def test_a_public_copy_over_a_limit_lowered_since_does_not_stop_an_edit(
    admin_client, document_factory, settings
):
    from django.core.files.base import ContentFile

    document = document_factory(origin="leaked")
    document.public_file.save("copy.pdf", ContentFile(b"%PDF-1.4\n" + b"x" * 5000))
    settings.INGEST_MAX_BYTES = 1000
    assert edit_document(admin_client, document, title="A corrected title").status_code == 302


def test_a_leaked_original_cannot_be_made_the_public_file(admin_client, receive):
    document = receive(TEXT_88, origin="leaked")
    response = edit_document(admin_client, document, origin="official")
    assert response.status_code == 200
    assert "stays the curators" in response.context["adminform"].form.errors["origin"][0]
    document.refresh_from_db()
    assert document.origin == "leaked"


def test_ingest_runs_cannot_be_deleted_and_deletions_are_remembered_without_them(
    admin_client, receive
):
    from proposals.models import IngestRun, Proposal
    from proposals.services.ingestion import document_ingest, document_reingest

    document = receive(TEXT_88 + b"MOD\tRUS/88/2\n6\t1.4\tA cross-reference.\nReasons:\tNo.\n")
    misread = Proposal.objects.get(number="RUS/88/2")
    delete = reverse("admin:proposals_proposal_delete", args=[misread.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    runs = list(IngestRun.objects.values_list("pk", flat=True))
    admin_client.post(
        reverse("admin:proposals_ingestrun_changelist"),
        {"action": "delete_selected", "_selected_action": runs, "post": "yes"},
    )
    delete_run = reverse("admin:proposals_ingestrun_delete", args=[runs[0]])
    assert admin_client.post(delete_run, {"post": "yes"}).status_code == 403
    run_page = admin_client.get(reverse("admin:proposals_ingestrun_change", args=[runs[0]]))
    assert delete_run not in run_page.content.decode()
    assert IngestRun.objects.count() == len(runs)
    # Even with its runs gone (as when a document is recorded from metadata, then read),
    # the deletion holds.
    IngestRun.objects.all().delete()
    document_ingest(run=document_reingest(document=document))
    assert not Proposal.objects.filter(number="RUS/88/2").exists()


def test_adding_a_published_version_by_hand_cannot_give_the_public_two(
    admin_client, conference_factory, document_factory, proposal_factory
):
    from proposals.models import Proposal

    conference = conference_factory()
    proposal_factory(
        conference=conference, number="RUS/27/7", document=document_factory(conference=conference)
    )
    typed = {
        "conference": str(conference.pk),
        "number": "RUS/27R1/7",
        "action": "MOD",
        "text": "Typed in.",
        "outcome": "unknown",
        "published": "on",
        "source": "Typed in",
        "sponsorships-TOTAL_FORMS": "0",
        "sponsorships-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:proposals_proposal_add"), typed)
    assert response.status_code == 200
    assert "two current versions of RUS/27R1/7" in str(response.context["adminform"].form.errors)
    # Unpublished, it is saved: a curator decides later.
    del typed["published"]
    assert admin_client.post(reverse("admin:proposals_proposal_add"), typed).status_code == 302
    public = Proposal.objects.visible_to(None).current_for(None)
    assert public.filter(number__in=["RUS/27/7", "RUS/27R1/7"]).count() == 1


def test_upload_and_ingest_again_are_in_the_documents_history(admin_client, reference_data):
    from django.contrib.admin.models import LogEntry
    from django.core.files.uploadedfile import SimpleUploadedFile

    from proposals.models import Document

    upload = {"conference": "wcit-12", "origin": "official"}
    file = SimpleUploadedFile("doc88.txt", TEXT_88)
    url = reverse("admin:proposals_document_upload")
    assert admin_client.post(url, {**upload, "file": file}).status_code == 302
    document = Document.objects.get()
    admin_client.post(
        reverse("admin:proposals_document_changelist"),
        {"action": "ingest_again", "_selected_action": [document.pk]},
    )
    history = LogEntry.objects.filter(content_type__model="document", object_id=str(document.pk))
    messages = sorted(entry.get_change_message() for entry in history)
    assert len(messages) == 2
    assert messages[0].startswith("Ingested again (run ")
    assert messages[1].startswith("Uploaded doc88.txt: ingest run ")


def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_proposals_page_costs_one_query_more_per_co_signer(
    admin_client, proposal_factory, member_state_factory
):
    from proposals.models import Sponsorship

    def page_for(count):
        proposal = proposal_factory()
        for position in range(count):
            Sponsorship.objects.create(
                proposal=proposal, member_state=member_state_factory(), position=position
            )
        return reverse("admin:proposals_proposal_change", args=[proposal.pk])

    one, ten = page_for(1), page_for(10)
    count_queries(admin_client, one)  # the session and content types, read once
    # Each row's proposer picker reads its chosen proposer (Django's autocomplete widget);
    # nothing else grows with the rows.
    assert count_queries(admin_client, ten) == count_queries(admin_client, one) + 9


def test_a_groups_page_costs_one_query_more_per_member(
    admin_client, regional_group_factory, membership_factory
):
    def page_for(count):
        group = regional_group_factory()
        for _ in range(count):
            membership_factory(group=group)
        return reverse("admin:delegations_regionalgroup_change", args=[group.pk])

    one, ten = page_for(1), page_for(10)
    count_queries(admin_client, one)
    assert count_queries(admin_client, ten) == count_queries(admin_client, one) + 9


@pytest.mark.parametrize("field_name", ["document", "provision"])
def test_the_proposals_pickers_cost_the_same_for_1_result_as_for_10(admin_client, field_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import DocumentFactory, ProvisionFactory

    make = {"document": DocumentFactory, "provision": ProvisionFactory}[field_name]
    url = reverse("admin:autocomplete")
    params = {"app_label": "proposals", "model_name": "proposal", "field_name": field_name}
    make()
    admin_client.get(url, params)
    with CaptureQueriesContext(connection) as one:
        assert len(admin_client.get(url, params).json()["results"]) == 1
    for _ in range(9):
        make()
    with CaptureQueriesContext(connection) as ten:
        assert len(admin_client.get(url, params).json()["results"]) == 10
    assert len(ten) == len(one)


def test_a_public_copy_a_curator_cleared_stays_withdrawn_when_read_again(
    admin_client, client, receive
):
    from proposals.services.ingestion import document_ingest, document_reingest

    document = receive(TEXT_88, origin="leaked")
    download = f"/api/v1/documents/{document.pk}/download/"
    assert document.public_file and client.get(download).status_code == 200
    assert edit_document(admin_client, document, **{"public_file-clear": "on"}).status_code == 302
    document.refresh_from_db()
    assert document.public_copy_withheld and not document.public_file
    document_ingest(run=document_reingest(document=document))
    document.refresh_from_db()
    assert not document.public_file
    assert client.get(download).status_code == 404
    # Unticked, the next reading makes the copy again.
    assert edit_document(admin_client, document, public_copy_withheld="").status_code == 302
    document_ingest(run=document_reingest(document=document))
    document.refresh_from_db()
    assert document.public_file and client.get(download).status_code == 200


def test_withholding_the_public_copy_withdraws_the_one_there(admin_client, client, receive):
    document = receive(TEXT_88, origin="leaked")
    assert edit_document(admin_client, document, public_copy_withheld="on").status_code == 302
    document.refresh_from_db()
    assert not document.public_file
    assert client.get(f"/api/v1/documents/{document.pk}/download/").status_code == 404


def test_ingesting_again_keeps_what_a_curator_set_on_the_document(
    admin_client, receive, django_capture_on_commit_callbacks
):
    from proposals.models import IngestRun

    dated = b"Document 88-E\n17 November 2012\nOriginal: Russian\n" + TEXT_88.split(b"\n", 1)[1]
    document = receive(dated)
    assert (document.symbol, str(document.date)) == ("Document 88", "2012-11-17")
    # The symbol corrected, the date cleared (say, the header's was wrong).
    edited = edit_document(admin_client, document, symbol="Document 88(Rev.1)", date="")
    assert edited.status_code == 302
    # Read again from the admin, which notes that in the history too (not as an edit).
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:proposals_document_changelist"),
            {"action": "ingest_again", "_selected_action": [document.pk]},
        )
    run = IngestRun.objects.filter(document=document).latest("created_at")
    assert run.status == "succeeded", run.error
    document.refresh_from_db()
    assert (document.symbol, document.date, document.language) == (
        "Document 88(Rev.1)",
        None,
        "Russian",
    )


def test_a_document_goes_with_its_runs(admin_client, receive):
    from proposals.models import Document, IngestRun

    # A wrong upload, or a leaked file that must go to protect a source.
    document = receive(b"Document 88-E\nNothing to read here.\n", origin="leaked")
    url = reverse("admin:proposals_document_delete", args=[document.pk])
    assert not admin_client.get(url).context["perms_lacking"]
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not IngestRun.objects.exists()


def test_a_copy_a_curator_uploads_to_a_withheld_document_is_published(
    admin_client, client, receive
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = receive(TEXT_88, origin="leaked")
    assert edit_document(admin_client, document, public_copy_withheld="on").status_code == 302
    # The form shows "withheld" ticked; the curator uploads a copy they cleaned by hand.
    upload = SimpleUploadedFile("clean.txt", b"Document 88-E\nA hand-cleaned copy.\n")
    assert edit_document(admin_client, document, public_file=upload).status_code == 302
    document.refresh_from_db()
    assert document.public_file and not document.public_copy_withheld
    download = client.get(f"/api/v1/documents/{document.pk}/download/")
    assert b"".join(download.streaming_content) == b"Document 88-E\nA hand-cleaned copy.\n"


def test_withholding_and_uploading_a_copy_at_once_is_refused(admin_client, receive):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = receive(TEXT_88, origin="leaked")
    upload = SimpleUploadedFile("clean.txt", b"A copy.\n")
    response = edit_document(admin_client, document, public_file=upload, public_copy_withheld="on")
    assert response.status_code == 200
    assert "Untick this" in str(response.context["adminform"].form.errors)


def test_a_file_joining_a_record_keeps_what_a_curator_set_on_it(
    admin_client, receive, document_factory
):
    from proposals.models import Conference, Document

    record = document_factory(
        conference=Conference.objects.get(slug="wcit-12"),
        symbol="Document 88",
        sha256=None,
        language="English",
    )
    # From metadata; the curator clears the language it got wrong.
    assert edit_document(admin_client, record, language="").status_code == 302
    receive(b"Document 88-E\n17 November 2012\nOriginal: Russian\n" + TEXT_88.split(b"\n", 1)[1])
    record = Document.objects.get(pk=record.pk)
    assert record.sha256  # the file joined the record
    assert (record.language, str(record.date)) == ("", "2012-11-17")


@pytest.mark.parametrize("fields", ["5", '[["Date"]]', '[{"name": "Date"}]', '"Date"'])
def test_an_odd_change_message_is_not_read_as_an_edit(document_factory, admin_user, fields):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from proposals.models import Document
    from proposals.services.ingestion import changed_by_curators

    document = document_factory()
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(Document),
        object_id=str(document.pk),
        object_repr=str(document),
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"fields": {fields}}}}}]',
    )
    assert changed_by_curators(document) == set()
