"""The whole pipeline through document_receive, as every intake channel runs it.
(Tasks run in-process here; tests/test_worker.py runs them in a real worker.)"""

import io
import zipfile

import pytest

from proposals.choices import IngestStatus, IntakeChannel
from proposals.exports import dataset_rows
from proposals.models import Document, DocumentIntake, IngestRun, Proposal, Provision, Topic
from proposals.services.ingestion import document_receive

from .documents import (
    RUSSIA_REV1,
    docx_bytes,
    hand_made_pdf,
    html_bytes,
    image_only_pdf_bytes,
    pdf_bytes,
    xml_bomb_docx,
    zip_bomb_docx,
    zip_member_damaged,
)

pytestmark = pytest.mark.usefixtures("reference_data")

ORIGINAL_27 = [
    "Document 27-E",
    "13 November 2012",
    "Original: Russian",
    "Russian Federation",
    "PROPOSALS FOR THE WORK OF THE CONFERENCE",
    "ADD\tRUS/27/7",
    "ARTICLE 3A",
    "Internet",
    "31A\t3A.1\tAn earlier wording of the Internet article.",
    "Reasons:\tFirst version.",
]
REVISION_27 = [line for line, _ in RUSSIA_REV1]


@pytest.fixture
def wcit():
    from proposals.models import Conference

    return Conference.objects.get(slug="wcit-12")


@pytest.fixture
def receive(wcit, django_capture_on_commit_callbacks):
    """Receive bytes as the ingest command does, and run the queued task (in-process)."""

    def receive(data, origin="official", name="doc", conference=None):
        with django_capture_on_commit_callbacks(execute=True):
            document, run = document_receive(
                conference=conference or wcit,
                data=data,
                origin=origin,
                channel=IntakeChannel.COMMAND,
                filename=name,
            )
        if run is not None:
            run.refresh_from_db()
            document = run.document
        return document, run

    return receive


def test_a_word_document_becomes_linked_proposals(receive):
    document, run = receive(docx_bytes(REVISION_27))
    assert run.status == IngestStatus.SUCCEEDED, run.error
    assert (document.symbol, document.kind, str(document.date)) == (
        "Revision 1 to Document 27",
        "revision",
        "2012-11-17",
    )
    assert document.base_document.symbol == "Document 27"
    proposal = Proposal.objects.get(document=document, number="RUS/27/7")
    assert proposal.action == "ADD"
    assert (proposal.provision.number, proposal.provision.article.number) == ("3A.1", "3A")
    assert [s.itu_code for s in proposal.proposing_states.all()] == ["RUS"]
    assert proposal.published and proposal.parse_confidence == 1.0
    assert set(run.timings) >= {"detect", "extract", "parse", "link and save"}


def test_the_same_bytes_twice_change_nothing(receive):
    data = docx_bytes(REVISION_27)
    document, _ = receive(data)
    before = list(Proposal.objects.values_list("pk", "updated_at"))
    again, second_run = receive(data, name="copy.docx")
    assert again.pk == document.pk and second_run is None
    assert list(Proposal.objects.values_list("pk", "updated_at")) == before
    assert DocumentIntake.objects.filter(document=document).count() == 2
    assert IngestRun.objects.filter(document=document).count() == 1


def test_a_revision_supersedes_the_proposals_of_its_original(receive):
    original, _ = receive(docx_bytes(ORIGINAL_27))
    revision, _ = receive(docx_bytes(REVISION_27))
    versions = Proposal.objects.filter(number="RUS/27/7").order_by("pk")
    old = versions.get(document=original)
    new = versions.get(document=revision)
    assert old.superseded_by == new and new.superseded_by is None
    assert old.text == "An earlier wording of the Internet article."
    assert list(
        Proposal.objects.by_url_key("wcit-12", "RUS-27-7", user=None).filter(superseded_by=None)
    ) == [new]
    # Ingesting the original again leaves the revision current.
    receive(docx_bytes([*ORIGINAL_27, ""]))
    assert Proposal.objects.get(number="RUS/27/7", superseded_by=None) == new


def test_an_unknown_prefix_goes_to_review_unpublished(receive):
    text = b"Document 88-E\nMOD\tXYZ/88/1\n5\t1.3\tSome text.\nReasons:\tWhy.\n"
    _, run = receive(text)
    assert run.status == IngestStatus.NEEDS_REVIEW
    assert "unknown prefix 'XYZ'" in run.error
    proposal = Proposal.objects.get(number="XYZ/88/1")
    assert not proposal.published and proposal.review_reasons
    assert not proposal.sponsorships.exists()


def test_a_compilation_table_links_proposers_by_name(receive):
    rows = (
        "<table><tr><th>ITR</th><th>Proposal</th><th>Text</th><th>Proposer</th></tr>"
        "<tr><td>1.3</td><td>MOD ZZA/62/1</td><td>…networks…</td><td>Paraguay, Ghana</td></tr>"
        "</table>"
    )
    _, run = receive(html_bytes("<p>TD 62</p>" + rows), origin="leaked")
    proposal = Proposal.objects.get(number="ZZA/62/1")
    assert sorted(s.itu_code for s in proposal.proposing_states.all()) == ["GHA", "PRG"]
    assert proposal.provision.number == "1.3"
    assert run.proposals_found == 1


@pytest.mark.parametrize(
    ("names", "codes"),
    [
        ("Bosnia and Herzegovina, Trinidad and Tobago", ["BIH", "TRD"]),
        ("Iran (Islamic Republic of) and Korea (Republic of)", ["IRN", "KOR"]),
        ("Sudan (Republic of the), Ghana and Paraguay", ["GHA", "PRG", "SDN"]),
        ("Ghana and Atlantis", []),  # one name unknown: none linked, a curator decides
    ],
)
def test_proposers_named_as_the_itu_names_them_are_linked(receive, names, codes):
    rows = (
        "<table><tr><th>ITR</th><th>Proposal</th><th>Text</th><th>Proposer</th></tr>"
        f"<tr><td>1.3</td><td>MOD ZZA/62/1</td><td>…networks…</td><td>{names}</td></tr>"
        "</table>"
    )
    receive(html_bytes("<p>TD 62</p>" + rows), origin="leaked")
    proposal = Proposal.objects.get(number="ZZA/62/1")
    assert sorted(s.itu_code for s in proposal.proposing_states.all()) == codes
    assert ("unknown prefix 'ZZA'" in proposal.review_reasons) == (not codes)


def test_topic_keywords_tag_proposals(receive):
    Topic.objects.filter(slug="spam").update(keywords="unsolicited bulk\nspam")
    text = b"Document 90-E\nADD\tRUS/90/1\n5\t2.13\tUnsolicited bulk messages...\nReasons:\tR.\n"
    receive(text)
    assert list(Proposal.objects.get(number="RUS/90/1").topics.values_list("slug", flat=True)) == [
        "spam"
    ]


def test_provisions_an_instrument_lacks_are_made_proposed_and_linked_to_their_articles(
    receive, wcit
):
    itrs = wcit.instruments.get(kind="regulations")
    lone = Provision.objects.create(
        instrument=itrs, number="9B.1", kind="provision", status="proposed", source="Test."
    )
    text = (
        b"Document 91-E\n"
        b"ADD\tRUS/91/1\nARTICLE 9A\nNumbering\n31B\t9A.1\tOne.\nReasons:\tR.\n"
        b"ADD\tRUS/91/2\nARTICLE 9A\nNumbering\n31C\t9A.2\tTwo.\nReasons:\tR.\n"
        b"ADD\tRUS/91/3\nARTICLE 9B\nSecurity\n31D\t9B.1\tThree.\nReasons:\tR.\n"
    )
    _, run = receive(text)
    assert run.status == IngestStatus.SUCCEEDED, run.error
    numbers = ["9A", "9A.1", "9A.2", "9B", "9B.1"]
    made = {p.number: p for p in Provision.objects.filter(instrument=itrs, number__in=numbers)}
    assert {n: (p.kind, p.status) for n, p in made.items() if n != "9B.1"} == {
        "9A": ("article", "proposed"),
        "9A.1": ("provision", "proposed"),
        "9A.2": ("provision", "proposed"),
        "9B": ("article", "proposed"),
    }
    assert made["9A"].title == "Numbering" and made["9A.1"].margin_number == "31B"
    assert made["9A.1"].article == made["9A.2"].article == made["9A"]
    lone.refresh_from_db()
    assert lone.article == made["9B"]
    assert Proposal.objects.get(number="RUS/91/2").provision == made["9A.2"]


def test_a_provision_under_a_heading_of_an_earlier_proposal_is_linked_to_its_article(receive, wcit):
    text = (
        b"Document 92-E\n"
        b"ADD\tRUS/92/1\nARTICLE 9C\nNumbering\nReasons:\tA new article.\n"
        b"ADD\tRUS/92/2\n31E\t9C.1\tOne.\nReasons:\tR.\n"
        b"ADD\tRUS/92/3\n31F\t9C.2\tTwo.\nReasons:\tR.\n"
    )
    _, run = receive(text)
    assert run.status == IngestStatus.SUCCEEDED, run.error
    article = Provision.objects.get(
        instrument=wcit.instruments.get(kind="regulations"), number="9C"
    )
    for number in ("RUS/92/2", "RUS/92/3"):
        assert Proposal.objects.get(number=number).provision.article == article


def test_a_margin_number_alone_is_not_taken_for_an_article(receive, wcit):
    # In the ITRs, 1.1 b) has margin number 3: "3  b)  These Regulations…" is 1.1 b),
    # not Article 3. A margin number the reference data does not know goes to review.
    text = (
        b"Document 93-E\nParaguay (Republic of)\n"
        b"MOD\tPRG/93/2\n3\tb)\tThese Regulations recognize the right of Member States.\n"
        b"Reasons:\tClarity.\n"
        b"ADD\tPRG/93/4\n3A\tc)\tA new item.\nReasons:\tSecurity.\n"
    )
    _, run = receive(text)
    known = Proposal.objects.get(number="PRG/93/2")
    assert (known.provision.number, known.provision.margin_number) == ("1.1 b)", "3")
    assert known.published
    unknown = Proposal.objects.get(number="PRG/93/4")
    assert unknown.provision is None and not unknown.published
    assert "margin number 3A without a provision number" in unknown.review_reasons
    assert run.status == IngestStatus.NEEDS_REVIEW


# --- Bad input: every case ends with a reason, and the next document still goes in -----

# Each case's bytes are built when its test runs, not when pytest collects the module
# (the zip bomb alone is 20 MB).
BAD_INPUT = {
    "empty file": (lambda: b"", IngestStatus.FAILED, "empty"),
    "truncated PDF": (lambda: pdf_bytes([REVISION_27])[:400], IngestStatus.FAILED, "truncated"),
    "encrypted PDF": (
        lambda: pdf_bytes([REVISION_27], password="x"),
        IngestStatus.FAILED,
        "encrypted",
    ),
    "image-only PDF": (image_only_pdf_bytes, IngestStatus.NEEDS_OCR, "OCR"),
    "zip-bomb DOCX": (lambda: zip_bomb_docx(20), IngestStatus.FAILED, "zip bomb"),
    "XML-bomb DOCX": (xml_bomb_docx, IngestStatus.FAILED, "XML entities"),
    ".exe renamed .pdf": (
        lambda: b"MZ\x90\x00" + b"\x00" * 300,
        IngestStatus.FAILED,
        "executable",
    ),
    # A million nested elements would hold the HTML parser for most of an hour; they
    # are refused as too many, and fewer as too deep.
    "HTML nested 10,000 deep": (
        lambda: html_bytes("<div>" * 10_000 + "MOD RUS/27/7"),
        IngestStatus.FAILED,
        "nests block elements over 2000 deep",
    ),
    "damaged DOCX": (
        lambda: zip_member_damaged(docx_bytes(REVISION_27), "word/document.xml"),
        IngestStatus.FAILED,
        "damaged",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_fails_clearly_and_the_next_document_goes_in(receive, case):
    build, status, says = BAD_INPUT[case]
    document, run = receive(build(), name=f"{case}.pdf")
    assert run.status == status
    assert says in run.error
    assert document.ingest_status == status
    assert not Proposal.objects.filter(document=document).exists()
    _, good = receive(docx_bytes(REVISION_27))
    assert good.status == IngestStatus.SUCCEEDED


def test_an_oversize_file_fails_clearly(receive, settings):
    settings.INGEST_MAX_BYTES = 1000
    _, run = receive(pdf_bytes([REVISION_27]))
    assert run.status == IngestStatus.FAILED and "limit is" in run.error


# --- Leaked documents ------------------------------------------------------------------


def test_a_leaked_pdf_gets_a_public_copy_without_identifying_metadata(receive):
    import pikepdf
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_author("Jane Insider")
    pdf.set_creator("Ministry Word Processor")
    pdf.set_producer("Acme Corp PDF")
    pdf.set_xmp_metadata(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Jane Insider</dc:creator></x:xmpmeta>'
    )
    pdf.set_font("helvetica", size=10)
    pdf.add_page()
    for line in REVISION_27:
        pdf.multi_cell(
            0, 5, line.replace("\t", " ").replace("§", "S."), new_x="LMARGIN", new_y="NEXT"
        )
    data = bytes(pdf.output())
    assert b"Jane Insider" in data

    document, run = receive(data, origin="leaked")
    assert run.status == IngestStatus.SUCCEEDED, run.error
    copy = document.public_file.read()
    assert b"Jane Insider" not in copy and b"Acme" not in copy
    with pikepdf.open(io.BytesIO(copy)) as public:
        assert "/Author" not in public.docinfo and "/Creator" not in public.docinfo
        assert "/Metadata" not in public.Root
    assert document.file.read() == data  # the original is kept for curators


def test_a_leaked_docx_gets_a_public_copy_without_identifying_metadata(receive):
    import docx

    source = docx.Document(io.BytesIO(docx_bytes(REVISION_27)))
    source.core_properties.author = "Jane Insider"
    source.core_properties.last_modified_by = "J. Insider"
    out = io.BytesIO()
    source.save(out)
    document, _ = receive(out.getvalue(), origin="leaked")
    public = document.public_file.read()
    archive = zipfile.ZipFile(io.BytesIO(public))
    for part in ("docProps/core.xml", "docProps/app.xml"):
        text = archive.read(part).decode()
        assert "Jane" not in text and "Insider" not in text
        assert "<dc:creator" not in text and "<Company" not in text and "<Application" not in text
    assert docx.Document(io.BytesIO(public)).paragraphs  # still opens


def test_the_public_copy_of_a_leaked_docx_keeps_no_comment_text_nor_author(receive):
    import docx

    source = docx.Document(io.BytesIO(docx_bytes(REVISION_27)))
    runs = source.paragraphs[-1].runs
    source.add_comment(runs, text="Jane: ask Ghana first.", author="Jane Insider", initials="JI")
    out = io.BytesIO()
    source.save(out)
    document, run = receive(out.getvalue(), origin="leaked")
    assert run.status == IngestStatus.SUCCEEDED, run.error
    public = document.public_file.read()
    archive = zipfile.ZipFile(io.BytesIO(public))
    assert all(b"Jane" not in archive.read(name) for name in archive.namelist())
    # It still opens, with its comment there but empty.
    (comment,) = docx.Document(io.BytesIO(public)).comments
    assert comment.text == ""


def test_two_leaks_of_a_document_share_a_public_copy_until_both_are_deleted(
    receive, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from proposals.services.ingestion import documents_delete

    # No proposals, which would protect the documents from deletion.
    page = b"<html><head>%s</head><body><p>Document 89-E</p><p>A note.</p></body></html>"
    # The same document from two sources: only the author each one's copy names differs.
    first, _ = receive(page % b'<meta name="author" content="Jane">', origin="leaked")
    second, _ = receive(page % b'<meta name="author" content="John">', origin="leaked")
    assert first.file.name != second.file.name
    shared = first.public_file.name
    assert second.public_file.name == shared
    with django_capture_on_commit_callbacks(execute=True):
        documents_delete(Document.objects.filter(pk=first.pk))
    assert not default_storage.exists(first.file.name)
    assert default_storage.exists(shared) and default_storage.exists(second.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        documents_delete(Document.objects.filter(pk=second.pk))
    assert not default_storage.exists(shared)


def test_the_public_copy_is_not_named_after_the_originals_hash(receive):
    from proposals.ingest.detect import detect_type
    from proposals.services.ingestion import document_ingest

    data = docx_bytes(REVISION_27)
    document, _ = receive(data, origin="leaked")
    assert document.sha256 not in document.public_file.name
    assert detect_type(document.public_file.read()) == "docx"
    # Ingesting again keeps the copy it made.
    name = document.public_file.name
    document_ingest(run=IngestRun.objects.create(document=document))
    document.refresh_from_db()
    assert document.public_file.name == name


def test_ingesting_again_replaces_a_public_copy_an_earlier_cleaner_left_identifying(
    receive, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from proposals.services.ingestion import document_ingest, document_reingest

    page = (
        b"<html><head><!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>Jane Insider"
        b"</o:Author></o:DocumentProperties></xml><![endif]--></head><body><p>Document 89-E</p>"
        b"<p>MOD RUS/89/1</p><p>5 1.3 Text.</p><p>Reasons: Why.</p></body></html>"
    )
    document, _ = receive(page, origin="leaked")
    clean = document.public_file.name
    # As an earlier cleaner, which kept Word's document properties, left it.
    stale = "public/00/" + "0" * 64
    default_storage.save(stale, ContentFile(page))
    Document.objects.filter(pk=document.pk).update(public_file=stale)
    with django_capture_on_commit_callbacks(execute=True):
        run = document_ingest(run=document_reingest(document=document))
    assert run.status == IngestStatus.SUCCEEDED, run.error
    document.refresh_from_db()
    assert document.public_file.name == clean
    assert b"Jane Insider" not in document.public_file.read()
    # The identifying copy is not kept on disk either.
    assert not default_storage.exists(stale)
    # A copy a curator made by hand and uploaded is theirs.
    Document.objects.filter(pk=document.pk).update(public_file="public/cleaned-by-hand.html")
    document_ingest(run=document_reingest(document=document))
    document.refresh_from_db()
    assert document.public_file.name == "public/cleaned-by-hand.html"


def test_a_word_web_page_with_comments_gets_no_public_copy(receive):
    page = (
        b"<html><body><p>Document 89-E</p><p>MOD RUS/89/1</p><p>5 1.3 <a "
        b"style='mso-comment-reference:JI_1'>Text.</a><span class=MsoCommentReference>"
        b"<a class=msocomanchor href='#_msocom_1'>[JI1]</a></span></p><p>Reasons: Why.</p>"
        b"<div style='mso-element:comment-list'><p>Jane Insider: ask Ghana first.</p></div>"
        b"</body></html>"
    )
    document, run = receive(page, origin="leaked")
    assert run.status == IngestStatus.SUCCEEDED, run.error
    proposal = Proposal.objects.get(document=document, number="RUS/89/1")
    assert not document.public_file
    # Nor are the comments read into the published text, or the document's searched one.
    assert (proposal.text, proposal.reasons) == ("Text.", "Why.")
    assert "Jane" not in document.extracted_text


def test_official_documents_need_no_public_copy(receive):
    document, _ = receive(docx_bytes(REVISION_27), origin="official")
    assert not document.public_file
    assert Document.objects.filter(pk=document.pk, origin="official").exists()


def test_a_received_file_reaches_the_public_only_once_its_text_was_read(
    receive, client, api, curator_api, admin_client
):
    """A program uploaded as an official document fails, and is neither listed nor served
    to the public; a document read is both. Curators see both."""
    program, run = receive(b"MZ\x90\x00" + b"\x00" * 300, origin="official", name="fake.pdf")
    assert run.status == IngestStatus.FAILED, run.error
    document, run = receive(docx_bytes(REVISION_27), origin="official")
    assert run.status == IngestStatus.SUCCEEDED, run.error

    listed = {row["url"] for row in api.get("/api/v1/documents/").json()["results"]}
    url = "http://testserver/api/v1/documents/{}/"
    assert url.format(document.pk) in listed and url.format(program.pk) not in listed
    # The record the revision names from metadata, with no file, is public too.
    assert url.format(document.base_document_id) in listed
    assert api.get(f"/api/v1/documents/{program.pk}/").status_code == 404
    assert api.get(f"/api/v1/documents/{program.pk}/download/").status_code == 404
    assert client.get(f"/documents/{program.pk}/").status_code == 404
    assert api.get(f"/api/v1/documents/{document.pk}/download/").status_code == 200
    home = client.get("/").content.decode()
    assert document.symbol in home and program.symbol not in home
    exported = [row["symbol"] for row in dataset_rows("documents")]
    assert document.symbol in exported and program.symbol not in exported

    assert curator_api.get(f"/api/v1/documents/{program.pk}/").status_code == 200
    # Not even to curators is a program anyone's "public file"; the original stays theirs.
    assert curator_api.get(f"/api/v1/documents/{program.pk}/download/").status_code == 404
    assert curator_api.get(f"/api/v1/documents/{program.pk}/original/").status_code == 200
    assert "Download the file" not in admin_client.get(f"/documents/{program.pk}/").content.decode()


# --- Found in review --------------------------------------------------------------------

REVISION_2 = ["Revision 2 to", *REVISION_27[1:9], "31A\t3A.1\tA third wording.", "Reasons:\tR2."]


def test_revision_2_supersedes_revision_1(receive):
    receive(docx_bytes(REVISION_27))
    _, run = receive(docx_bytes(REVISION_2))
    assert run.status == IngestStatus.SUCCEEDED, run.error
    current = Proposal.objects.get(number="RUS/27/7", superseded_by=None)
    assert current.document.symbol == "Revision 2 to Document 27"
    assert current.text == "A third wording."


def test_a_number_repeated_in_one_document_is_read_once_and_flagged(receive):
    text = (
        b"Document 91-E\nMOD\tRUS/91/1\n5\t1.3\tFirst.\nReasons:\tA.\n"
        b"MOD\tRUS/91/1\n5\t1.3\tOption two.\nReasons:\tB.\n"
    )
    _, run = receive(text)
    assert run.status == IngestStatus.NEEDS_REVIEW
    proposal = Proposal.objects.get(number="RUS/91/1")
    assert proposal.text == "First." and "appears again" in proposal.review_reasons


def test_of_a_number_repeated_the_most_complete_occurrence_is_read(receive):
    # The first "start" is a heading with nothing under it, as a cross-reference or a
    # table of contents gives: the proposal is read from where its text is.
    text = (
        b"Document 91-E\nMOD\tRUS/91/1\n\nMOD\tRUS/91/2\n6\t1.4\tOther.\nReasons:\tB.\n"
        b"\f\nMOD\tRUS/91/1\n5\t1.3\tThe real text.\nReasons:\tA.\n"
    )
    receive(text)
    proposal = Proposal.objects.get(number="RUS/91/1")
    assert (proposal.provision.number, proposal.text) == ("1.3", "The real text.")
    assert "appears again on page 1; only the one on page 2 was read" in proposal.review_reasons


def test_a_leaked_file_joining_an_official_record_makes_it_leaked(receive):
    from proposals.models import Conference

    Document.objects.create(
        conference=Conference.objects.get(slug="wcit-12"),
        symbol="Document 27",
        kind="contribution",
        origin="official",
        source="metadata",
    )
    document, run = receive(docx_bytes(REVISION_27[1:]), origin="leaked")  # "Document 27"
    assert run.status == IngestStatus.SUCCEEDED, run.error
    assert (document.symbol, document.origin) == ("Document 27", "leaked")
    assert document.public_file


def test_a_doubtful_revision_is_not_published_even_if_the_original_was(receive):
    receive(docx_bytes(ORIGINAL_27))
    doubtful = ["Revision 1 to", *ORIGINAL_27[:5], "ADD\tRUS/27/7", "Some words, no provision."]
    receive(docx_bytes(doubtful))
    current = Proposal.objects.get(number="RUS/27/7", superseded_by=None)
    assert current.document.symbol == "Revision 1 to Document 27"
    assert not current.published


def test_a_doubtful_reading_leaves_a_published_record_as_published(receive, wcit):
    from proposals.services import proposal_upsert

    metadata = Document.objects.create(
        conference=wcit, symbol="Document 88", kind="contribution", origin="official"
    )
    proposal_upsert(
        conference=wcit,
        number="XYZ/88/1",
        document=metadata,
        action="MOD",
        text="The published text.",
        published=True,
        source="metadata",
    )
    _, run = receive(b"Document 88-E\nMOD\tXYZ/88/1\n5\t1.3\tSome text.\nReasons:\tWhy.\n")
    assert run.status == IngestStatus.NEEDS_REVIEW and run.proposals_to_review == 1
    proposal = Proposal.objects.get(number="XYZ/88/1")
    assert (proposal.published, proposal.text, proposal.provision) == (
        True,
        "The published text.",
        None,
    )
    assert "unknown prefix 'XYZ'" in proposal.review_reasons
    assert "published text is kept" in proposal.review_reasons
    assert proposal.document.sha256 and proposal.parse_confidence < 1


def test_ingesting_again_with_a_doubtful_reading_keeps_a_published_proposal(receive, monkeypatch):
    from proposals.services import ingestion

    document, _ = receive(docx_bytes(ORIGINAL_27))
    assert Proposal.objects.get(number="RUS/27/7").published
    read = ingestion.parse_all

    def misread(extracted):
        parsed = read(extracted)
        for item in parsed:
            item.text, item.problems = "A misreading.", ["no provision found"]
        return parsed

    monkeypatch.setattr(ingestion, "parse_all", misread)
    run = ingestion.document_ingest(run=ingestion.document_reingest(document=document))
    assert run.status == IngestStatus.NEEDS_REVIEW
    proposal = Proposal.objects.get(number="RUS/27/7")
    assert proposal.published and proposal.text == "An earlier wording of the Internet article."


def test_long_table_cells_are_cut_to_fit(receive):
    rows = "".join(f"<td>{'Member State ' * 10}{i}</td>" for i in range(8))
    html = html_bytes(
        f"<table><tr><td>1.3</td><td>MOD RUS/92/1</td><td>Text</td>{rows}</tr></table>"
    )
    receive(html)
    proposal = Proposal.objects.get(number="RUS/92/1")
    assert len(proposal.proposers_as_stated) <= 500


def test_a_failed_document_sent_again_is_tried_again(receive, settings):
    settings.INGEST_MAX_BYTES = 1000
    data = pdf_bytes([REVISION_27])
    _, first = receive(data)
    assert first.status == IngestStatus.FAILED
    settings.INGEST_MAX_BYTES = 10**8
    _, second = receive(data)
    assert second is not None and second.status == IngestStatus.SUCCEEDED


def test_a_run_whose_worker_keeps_dying_is_given_up(receive, settings):
    from proposals.services.ingestion import document_ingest

    settings.INGEST_MAX_ATTEMPTS = 2
    _, run = receive(b"Document 93-E\nMOD\tRUS/93/1\n5\t1.3\tT.\nReasons:\tR.\n")
    IngestRun.objects.filter(pk=run.pk).update(status=IngestStatus.RUNNING, attempts=2)
    run = document_ingest(run=IngestRun.objects.get(pk=run.pk))
    assert run.status == IngestStatus.FAILED and "started 2 times and never finished" in run.error


def test_retries_after_database_trouble_do_not_count_as_dying_workers(receive, settings):
    from proposals.services.ingestion import document_ingest

    settings.INGEST_MAX_ATTEMPTS = 2
    _, run = receive(b"Document 93-E\nMOD\tRUS/93/1\n5\t1.3\tT.\nReasons:\tR.\n")
    # Three starts ended by the database failing, each followed by the task's retry.
    IngestRun.objects.filter(pk=run.pk).update(status=IngestStatus.RUNNING, attempts=3)
    run = document_ingest(run=IngestRun.objects.get(pk=run.pk), retries=3)
    assert run.status == IngestStatus.SUCCEEDED, run.error


def test_a_run_sent_again_after_retries_does_not_count_them_as_dying_workers(receive, settings):
    from datetime import timedelta

    from django.utils import timezone

    from proposals.services.ingestion import runs_resume

    settings.INGEST_MAX_ATTEMPTS = 2
    _, run = receive(b"Document 93-E\nMOD\tRUS/93/1\n5\t1.3\tT.\nReasons:\tR.\n")
    # One start and two retries after database trouble, then the worker vanished; the
    # re-sent task's message counts no retries.
    long_ago = timezone.now() - timedelta(hours=1)
    IngestRun.objects.filter(pk=run.pk).update(
        status=IngestStatus.RUNNING, attempts=3, retries=2, started_at=long_ago
    )
    assert runs_resume() == 1
    run.refresh_from_db()
    assert (run.status, run.attempts, run.retries) == (IngestStatus.SUCCEEDED, 4, 2), run.error


def test_reingesting_a_document_twice_changes_nothing(receive, django_capture_on_commit_callbacks):
    from proposals.services.ingestion import document_reingest

    document, _ = receive(docx_bytes(REVISION_27))
    before = list(Proposal.objects.order_by("pk").values_list("pk", "updated_at"))
    with django_capture_on_commit_callbacks(execute=True):
        run = document_reingest(document=document)
    run.refresh_from_db()
    assert run.status == IngestStatus.SUCCEEDED
    assert list(Proposal.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_reingesting_an_unchanged_document_does_not_index_its_text_again(
    postgres, receive, django_capture_on_commit_callbacks
):
    """Tokenizing a document's text is the dearest step; the same text keeps its vector.
    A document without a vector (one written before indexing) gets one."""
    from django.contrib.postgres.search import SearchQuery

    from proposals.services.ingestion import document_reingest

    document, _ = receive(docx_bytes(REVISION_27))
    with django_capture_on_commit_callbacks(execute=True):
        run = document_reingest(document=document)
    run.refresh_from_db()
    assert run.status == IngestStatus.SUCCEEDED
    assert "index" not in run.timings

    def matches():
        return list(Document.objects.filter(search_vector=SearchQuery("internet")))

    assert matches() == [document]
    Document.objects.filter(pk=document.pk).update(search_vector=None)
    assert matches() == []
    with django_capture_on_commit_callbacks(execute=True):
        run = document_reingest(document=document)
    run.refresh_from_db()
    assert "index" in run.timings
    assert matches() == [document]


@pytest.fixture
def topics_on():
    Topic.objects.filter(slug="spam").update(keywords="unsolicited")


def test_ingesting_costs_the_same_queries_for_3_proposals_as_for_30(receive, topics_on):
    """Linking, saving and re-ingesting read and write in bulk, never per proposal."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from proposals.services.history import pipeline_user
    from proposals.services.ingestion import document_ingest

    def queries(count: int, document_number: int) -> tuple[int, int]:
        article = document_number - 90  # a new article, with new provisions, each time
        text = f"Document {document_number}-E\n" + "".join(
            f"ADD\tRUS/{document_number}/{n}\nARTICLE {article}A\nNew\n"
            f"{n}\t{article}A.{n}\tUnsolicited text {n}.\nReasons:\tR.\n"
            for n in range(1, count + 1)
        )
        # Each count reads the content type once, whichever tests ran before, and finds
        # the pipeline's account for its history made.
        ContentType.objects.clear_cache()
        pipeline_user()
        with CaptureQueriesContext(connection) as first:
            document, run = receive(text.encode())
        assert run.status == IngestStatus.SUCCEEDED, run.error
        assert run.proposals_created == count
        with CaptureQueriesContext(connection) as again:
            run = document_ingest(run=IngestRun.objects.create(document=document))
        assert (run.status, run.proposals_updated) == (IngestStatus.SUCCEEDED, 0)
        return len(first), len(again)

    assert queries(3, 94) == queries(30, 95)


def test_docx_public_copy_drops_tracked_change_authors():
    from proposals.ingest.public_copy.docx import docx_without_metadata

    data = docx_bytes(REVISION_27)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as tampered:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "word/document.xml":
                body = body.replace(
                    b"<w:body>", b'<w:body><w:ins w:author="Jane Insider" w:id="1"/>'
                )
            tampered.writestr(item, body)
    clean = docx_without_metadata(out.getvalue())
    assert b"Jane Insider" not in zipfile.ZipFile(io.BytesIO(clean)).read("word/document.xml")


def test_a_word_web_page_loses_its_document_properties_and_change_authors():
    from proposals.ingest.public_copy import public_copy

    page = (
        b'<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
        b'<meta name=Generator content="Microsoft Word 15">'
        b"<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>Jane Insider</o:Author>"
        b"<o:Company>Ministry of Posts</o:Company></o:DocumentProperties></xml><![endif]-->"
        b'</head><body><p>MOD RUS/89/1</p><ins cite="mailto:Jane%20Insider" '
        b'datetime="2012-11-02T10:00">new words</ins><span style=\'color:red;'
        b'mso-prop-change:"Jane Insider" 20121102T1000;font-size:10pt\'>x</span></body></html>'
    )
    copy = public_copy(page, "html")
    for trace in (b"Jane", b"Ministry", b"Microsoft Word", b"2012-11-02"):
        assert trace not in copy
    assert b"<p>MOD RUS/89/1</p>" in copy and b"<ins>new words</ins>" in copy
    assert b"<span style='color:red;font-size:10pt'>x</span>" in copy


def test_a_pdf_whose_structure_is_too_damaged_to_rewrite_gets_no_public_copy():
    from proposals.ingest.extract import Limits, extract
    from proposals.ingest.public_copy import public_copy

    # The page tree's dictionary is not closed: pdfium still finds the text, pikepdf
    # cannot rewrite the file.
    damaged = hand_made_pdf().replace(b"/Count 1 >>", b"/Count 1 \xe5>")
    assert extract(damaged, "pdf", Limits()).pages == ["MOD PRG/29/1"]
    assert public_copy(damaged, "pdf") is None
    assert public_copy(hand_made_pdf(), "pdf").startswith(b"%PDF")


def test_a_table_inside_a_word_table_cell_is_read_as_that_cells_text():
    import docx

    from proposals.ingest.extract import Limits, extract

    document = docx.Document()
    row = document.add_table(rows=1, cols=3).rows[0].cells
    row[0].text, row[1].text = "MOD PRG/29/1", "1.3"
    inner = row[2].add_table(rows=1, cols=2).rows[0].cells
    inner[0].text, inner[1].text = "old", "new"
    out = io.BytesIO()
    document.save(out)
    (table,) = extract(out.getvalue(), "docx", Limits()).tables
    assert table[1] == [["MOD PRG/29/1", "1.3", "old\nnew"]]


def test_a_header_naming_another_conference_goes_to_review(receive):
    text = (
        b"PLENIPOTENTIARY CONFERENCE (PP-14)\nDocument 94-E\n"
        b"MOD\tRUS/94/1\n5\t1.3\tT.\nReasons:\tR.\n"
    )
    _, run = receive(text)  # received for wcit-12
    assert run.status == IngestStatus.NEEDS_REVIEW
    assert "names pp-14, not wcit-12" in Proposal.objects.get(number="RUS/94/1").review_reasons


def test_a_failed_document_sent_again_shows_as_queued_until_a_worker_takes_it(receive, wcit):
    from proposals.models import Document

    data = b""  # fails at once: empty
    document, _ = receive(data)
    assert document.ingest_status == IngestStatus.FAILED
    # Sent again without running the task: the document waits in the queue.
    _, run = document_receive(
        conference=wcit, data=data, origin="official", channel=IntakeChannel.COMMAND, enqueue=False
    )
    assert run.status == IngestStatus.QUEUED
    assert Document.objects.get(pk=document.pk).ingest_status == IngestStatus.QUEUED


def test_a_revision_costs_the_same_queries_for_3_proposals_as_for_30(receive, topics_on):
    """New versions of proposals are written in bulk too, never one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int, document_number: int) -> int:
        def text(header: str) -> bytes:
            return (
                header
                + "".join(
                    f"MOD\tRUS/{document_number}/{n}\n{n}\t1.3\tWording {n}.\nReasons:\tR.\n"
                    for n in range(1, count + 1)
                )
            ).encode()

        receive(text(f"Document {document_number}-E\n"))
        with CaptureQueriesContext(connection) as revising:
            _, run = receive(text(f"Revision 1 to Document {document_number}-E\n"))
        assert run.status == IngestStatus.SUCCEEDED, run.error
        assert run.proposals_updated == count
        current = Proposal.objects.filter(number__startswith=f"RUS/{document_number}/")
        assert current.filter(superseded_by=None, document=run.document).count() == count
        return len(revising)

    assert queries(3, 96) == queries(30, 97)


# --- Found in the second review ---------------------------------------------------------


def test_a_leaked_utf16_html_page_loses_its_identifying_meta_tags(receive):
    page = html_bytes(
        '<meta name="author" content="Jane Insider">'
        "<p>Document 89-E</p><p>MOD RUS/89/1</p><p>5 1.3 Text.</p><p>Reasons: Why.</p>"
    ).decode()
    document, run = receive(page.encode("utf-16"), origin="leaked")
    assert run.status == IngestStatus.SUCCEEDED, run.error
    copy = document.public_file.read().decode("utf-16")
    assert "Jane Insider" not in copy and "MOD RUS/89/1" in copy


def test_a_leaked_file_that_cannot_be_cleaned_gets_no_public_file(receive, monkeypatch):
    from proposals.ingest import extract as extract_module

    # As on a server with LibreOffice: the .doc converts to a .docx and is read. Its own
    # property streams (author, company) are nothing the tracker can rewrite.
    monkeypatch.setattr(extract_module, "convert_legacy_doc", lambda *_: docx_bytes(REVISION_27))
    legacy = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504 + b"Author\0Jane Insider\0"
    document, run = receive(legacy, origin="leaked", name="leak.doc")
    assert run.status == IngestStatus.SUCCEEDED, run.error
    assert Proposal.objects.filter(document=document, number="RUS/27/7").exists()
    assert not document.public_file and not document.public_copy


def test_a_document_without_a_symbol_is_not_named_after_its_hash(receive):
    document, _ = receive(b"MOD\tRUS/88/1\n5\t1.3\tSome text.\nReasons:\tWhy.\n", origin="leaked")
    assert document.symbol.startswith("Received document ")
    assert document.sha256[:8] not in document.symbol
    assert document.sha256[:8] not in Proposal.objects.get(number="RUS/88/1").source


def test_a_stored_file_cut_short_is_written_again_by_the_next_arrival(receive):
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    data = docx_bytes(REVISION_27)
    digest = hashlib.sha256(data).hexdigest()
    # What an earlier write left when the disk filled up half-way.
    default_storage.save(f"documents/{digest[:2]}/{digest}", ContentFile(data[:1000]))
    document, run = receive(data)
    assert run.status == IngestStatus.SUCCEEDED, run.error
    assert document.file.read() == data


def test_an_original_arriving_after_its_revision_is_kept_as_the_earlier_version(receive):
    revision, _ = receive(docx_bytes(REVISION_27))
    original, run = receive(docx_bytes(ORIGINAL_27))
    assert run.status == IngestStatus.SUCCEEDED, run.error
    old = Proposal.objects.get(document=original, number="RUS/27/7")
    new = Proposal.objects.get(document=revision, number="RUS/27/7")
    assert old.superseded_by == new and new.superseded_by is None
    assert old.text == "An earlier wording of the Internet article."
    # And ingesting the original once more changes nothing.
    before = list(Proposal.objects.order_by("pk").values_list("pk", "updated_at", "superseded_by"))
    receive(docx_bytes([*ORIGINAL_27, ""]))
    assert Proposal.objects.filter(number="RUS/27/7").count() == 2
    assert Proposal.objects.get(number="RUS/27/7", superseded_by=None) == new
    assert list(
        Proposal.objects.filter(pk__in=[old.pk, new.pk])
        .order_by("pk")
        .values_list("pk", "updated_at", "superseded_by")
    ) == [row for row in before if row[0] in (old.pk, new.pk)]


def test_an_original_arriving_last_goes_before_the_oldest_published_later_version(receive):
    # Rev.1 published; Rev.2, read after it, awaits review (as when the parser doubts it).
    first, _ = receive(docx_bytes(REVISION_27))
    revision_2 = [line.replace("Revision 1", "Revision 2") for line in REVISION_27]
    second, _ = receive(docx_bytes([*revision_2, "Reasons continue."]))
    Proposal.objects.filter(document=second).update(published=False)
    original, run = receive(docx_bytes(ORIGINAL_27))
    assert run.status == IngestStatus.SUCCEEDED, run.error

    versions = {
        p.document_id: p for p in Proposal.objects.filter(number="RUS/27/7").select_related()
    }
    assert versions[original.pk].superseded_by_id == versions[first.pk].pk
    assert versions[first.pk].superseded_by_id == versions[second.pk].pk
    # To the public one version is current: Rev.1, not the original beside it.
    public = Proposal.objects.visible_to(None).by_url_key("wcit-12", "RUS-27-7", user=None)
    assert [p.document_id for p in public] == [first.pk]


def test_a_plain_number_naming_the_article_links_the_article_not_a_loop(receive):
    from django.db.models import F

    receive(
        b"Document 96-E\nMOD\tRUS/96/1\nARTICLE 9\nSpecial arrangements\n9\tText.\nReasons:\tR.\n"
    )
    provision = Proposal.objects.get(number="RUS/96/1").provision
    assert (provision.number, provision.kind, provision.article_id) == ("9", "article", None)
    assert not Provision.objects.filter(article=F("pk")).exists()


def test_a_time_limit_while_reading_a_word_file_is_reported_as_the_time_limit(receive, monkeypatch):
    import docx
    from celery.exceptions import SoftTimeLimitExceeded

    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    data = docx_bytes(ORIGINAL_27)
    monkeypatch.setattr(docx, "Document", slow)
    _, run = receive(data)
    assert run.status == IngestStatus.FAILED
    assert run.error.startswith("Took longer than 300 s at step extract"), run.error


def test_a_run_whose_save_is_rolled_back_counts_nothing_saved(receive, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from proposals.services import ingestion

    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(ingestion, "proposals_create", slow)
    _, run = receive(b"Document 88-E\nMOD\tXYZ/88/1\n5\t1.3\tSome text.\nReasons:\tWhy.\n")
    assert run.status == IngestStatus.FAILED and not Proposal.objects.exists()
    assert (run.proposals_found, run.proposals_to_review, run.proposals_created) == (1, 0, 0)


def test_a_run_whose_message_was_lost_is_sent_again_later(receive, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone
    from kombu.exceptions import OperationalError as BrokerUnavailable

    from proposals import tasks
    from proposals.services.ingestion import runs_resume

    def broker_down(*args, **kwargs):
        raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.ingest_document, "delay", broker_down)
        _, run = receive(b"Document 88-E\nMOD\tRUS/88/1\n5\t1.3\tText.\nReasons:\tWhy.\n")
    # What arrived is kept, and waits.
    assert run.status == IngestStatus.QUEUED and not Proposal.objects.exists()
    assert runs_resume() == 0  # too recent: its message may still be on its way
    IngestRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert runs_resume() == 1
    run.refresh_from_db()
    assert run.status == IngestStatus.SUCCEEDED and Proposal.objects.get().number == "RUS/88/1"


def test_a_run_left_running_by_a_worker_long_gone_is_sent_again(receive, settings):
    from datetime import timedelta

    from django.utils import timezone

    from proposals.services.ingestion import runs_resume

    _, run = receive(b"Document 88-E\nMOD\tRUS/88/1\n5\t1.3\tText.\nReasons:\tWhy.\n")
    Proposal.objects.all().delete()
    runs = IngestRun.objects.filter(pk=run.pk)
    runs.update(status=IngestStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=5))
    assert runs_resume() == 0  # its worker may still be at it
    limit = settings.CELERY_TASK_TIME_LIMIT
    runs.update(started_at=timezone.now() - timedelta(seconds=limit * 2 + 1))
    assert runs_resume() == 1
    run.refresh_from_db()
    assert (run.status, run.attempts) == (IngestStatus.SUCCEEDED, 2)
    assert Proposal.objects.get().number == "RUS/88/1"


def read_otherwise(monkeypatch, index=0, **fields):
    """From now on, every reading finds these fields of its index-th proposal changed,
    as a better parser (say) would read the same file."""
    from proposals.services import ingestion

    read = ingestion.parse_all

    def otherwise(extracted):
        parsed = read(extracted)
        for name, value in fields.items():
            setattr(parsed[index], name, value)
        return parsed

    monkeypatch.setattr(ingestion, "parse_all", otherwise)


def test_ingesting_again_keeps_a_curators_correction_and_asks_about_a_new_reading(
    receive, django_user_model, monkeypatch
):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from proposals.services.ingestion import document_ingest, document_reingest

    document, _ = receive(docx_bytes(ORIGINAL_27))
    proposal = Proposal.objects.get(number="RUS/27/7")
    # Read again with nobody's edits in between: nothing changes, nothing to review.
    run = document_ingest(run=document_reingest(document=document))
    assert (run.status, run.proposals_updated) == (IngestStatus.SUCCEEDED, 0)
    # A curator corrects the text in the admin, which records the change.
    Proposal.objects.filter(pk=proposal.pk).update(text="The corrected wording.")
    LogEntry.objects.create(
        user=django_user_model.objects.create_user("curator"),
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=str(proposal.pk),
        object_repr=str(proposal),
        action_flag=CHANGE,
    )
    # The file reads as it did when the curator corrected it: nothing to ask them.
    run = document_ingest(run=document_reingest(document=document))
    assert (run.status, run.proposals_to_review) == (IngestStatus.SUCCEEDED, 0)
    proposal.refresh_from_db()
    assert (proposal.text, proposal.published, proposal.review_reasons) == (
        "The corrected wording.",
        True,
        "",
    )
    # A reading that differs from that one (a better parser, say) is theirs to look at.
    read_otherwise(monkeypatch, reasons="Reasons read otherwise.")
    run = document_ingest(run=document_reingest(document=document))
    assert (run.status, run.proposals_to_review) == (IngestStatus.NEEDS_REVIEW, 1)
    proposal.refresh_from_db()
    assert (proposal.text, proposal.published) == ("The corrected wording.", True)
    assert proposal.review_reasons == (
        "a curator edited it; the file reads differently: text, reasons"
    )


def test_ingesting_again_restores_what_the_file_says_where_no_curator_edited(receive):
    from proposals.services.ingestion import document_ingest, document_reingest

    document, _ = receive(docx_bytes(ORIGINAL_27))
    Proposal.objects.filter(number="RUS/27/7").update(text="Damaged outside the admin.")
    run = document_ingest(run=document_reingest(document=document))
    assert run.status == IngestStatus.SUCCEEDED
    proposal = Proposal.objects.get(number="RUS/27/7")
    assert proposal.text == "An earlier wording of the Internet article."


TEXT_88 = b"Document 88-E\nMOD\tRUS/88/1\n5\t1.3\tInternet text.\nReasons:\tWhy.\n"


def edit_in_admin(admin_client, proposal, **changes):
    """Save `proposal`'s admin change form with these fields changed, as a curator does."""
    from tests.admin_forms import change_form_data

    url = f"/admin/proposals/proposal/{proposal.pk}/change/"
    data = {**change_form_data(admin_client.get(url)), **changes}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def pipeline_history(proposal) -> list[str]:
    from django.contrib.admin.models import LogEntry

    from proposals.services.history import PIPELINE_USERNAME

    entries = LogEntry.objects.filter(
        content_type__model="proposal", object_id=str(proposal.pk), user__username=PIPELINE_USERNAME
    ).order_by("pk")
    return [entry.change_message for entry in entries]


def test_a_proposals_history_shows_what_readings_did_beside_the_curators_edits(
    receive, admin_client
):
    from django.contrib.auth import get_user_model

    from proposals.services.history import PIPELINE_USERNAME
    from proposals.services.ingestion import document_ingest, document_reingest

    document, _ = receive(TEXT_88)
    proposal = Proposal.objects.get(number="RUS/88/1")
    assert pipeline_history(proposal) == ["Read from wcit-12 Document 88, page 1."]
    # The same file again changes nothing, and logs nothing.
    document_ingest(run=document_reingest(document=document))
    assert len(pipeline_history(proposal)) == 1

    # A new keyword rule tags it when the file is read again; a curator then edits it.
    Topic.objects.filter(slug="spam").update(keywords="internet")
    document_ingest(run=document_reingest(document=document))
    edit_in_admin(admin_client, proposal, reasons="Why, as the curator reads it.")
    assert pipeline_history(proposal)[1:] == [
        "Read again from wcit-12 Document 88: its page, doubts or topics changed."
    ]
    history = admin_client.get(f"/admin/proposals/proposal/{proposal.pk}/history/").content
    for entry in ("Read from wcit-12 Document 88, page 1.", PIPELINE_USERNAME, "Changed Reasons."):
        assert entry in history.decode()
    # Its account is no curator's: it cannot log in, and its entries are no edits.
    account = get_user_model().objects.get(username=PIPELINE_USERNAME)
    assert not account.is_active and not account.has_usable_password()
    assert not admin_client.login(username=PIPELINE_USERNAME, password="")


def test_a_persons_account_with_the_pipelines_name_is_not_taken_for_it(receive):
    from django.contrib.auth import get_user_model

    from proposals.services.history import PIPELINE_USERNAME

    # Made before the pipeline first ran, and a person's: it can log in. Taken for the
    # pipeline's, their edits would stop counting as a curator's.
    get_user_model().objects.create_user(PIPELINE_USERNAME, password="pw 2012", is_active=False)
    _, run = receive(TEXT_88)
    assert run.status == IngestStatus.FAILED
    assert "Rename that account" in run.error
    assert not Proposal.objects.filter(number="RUS/88/1").exists()


def test_a_record_from_metadata_is_first_read_from_its_file_in_its_history(receive, wcit):
    from proposals.services import proposal_upsert

    metadata = Document.objects.create(
        conference=wcit, symbol="Document 88", kind="contribution", origin="official"
    )
    proposal, _ = proposal_upsert(
        conference=wcit, number="RUS/88/1", document=metadata, action="MOD", source="metadata"
    )
    receive(TEXT_88)
    (entry,) = pipeline_history(proposal)
    assert entry.startswith("Read from wcit-12 Document 88, page 1: changed "), entry
    assert "text" in entry and "reasons" in entry


def test_a_proposals_history_shows_the_revision_that_superseded_it(receive):
    original = [*ORIGINAL_27, "ADD\tRUS/27/8", "31B\t3A.2\tA second article.", "Reasons:\tMore."]
    receive(docx_bytes(original))
    receive(docx_bytes(REVISION_27))
    old, new = Proposal.objects.filter(number="RUS/27/7").order_by("pk")
    assert pipeline_history(old) == [
        "Read from wcit-12 Document 27, page 1.",
        "Superseded by the version in wcit-12 Revision 1 to Document 27.",
    ]
    assert pipeline_history(new) == [
        "Read from wcit-12 Revision 1 to Document 27: a new version of Document 27's."
    ]
    left = Proposal.objects.get(number="RUS/27/8")
    assert pipeline_history(left)[1:] == [
        "wcit-12 Revision 1 to Document 27 leaves it out: noted for a curator."
    ]


def test_ingesting_again_keeps_a_co_signer_a_curator_added(receive, admin_client):
    from delegations.models import MemberState
    from proposals.services.ingestion import document_ingest, document_reingest

    document, _ = receive(TEXT_88)
    proposal = Proposal.objects.get(number="RUS/88/1")
    ghana = MemberState.objects.get(itu_code="GHA")
    edit_in_admin(
        admin_client,
        proposal,
        **{
            "sponsorships-TOTAL_FORMS": "2",
            "sponsorships-1-position": "1",
            "sponsorships-1-member_state": str(ghana.pk),
            "sponsorships-1-proposal": str(proposal.pk),
        },
    )
    run = document_ingest(run=document_reingest(document=document))
    codes = [row.member_state.itu_code for row in proposal.sponsorships.order_by("position")]
    assert codes == ["RUS", "GHA"]
    # The file names one proposer, as it did when the curator added the other: they
    # are not asked again, and the public still reads it.
    assert (run.status, run.proposals_to_review) == (IngestStatus.SUCCEEDED, 0)
    proposal.refresh_from_db()
    assert (proposal.published, proposal.review_reasons) == (True, "")


def test_ingesting_again_does_not_put_back_a_topic_a_curator_removed(receive, admin_client):
    from proposals.services.ingestion import document_ingest, document_reingest
    from tests.factories import TopicFactory

    topic = TopicFactory(keywords="internet")
    document, _ = receive(TEXT_88)
    proposal = Proposal.objects.get(number="RUS/88/1")
    assert list(proposal.topics.all()) == [topic]
    edit_in_admin(admin_client, proposal, topics=[])
    run = document_ingest(run=document_reingest(document=document))
    assert run.status == IngestStatus.SUCCEEDED, run.error
    assert not proposal.topics.exists()


def test_ingesting_again_keeps_a_proposal_a_curator_typed_in(receive, admin_client):
    from proposals.services.ingestion import document_ingest, document_reingest

    document, _ = receive(TEXT_88)
    misread = Proposal.objects.get(number="RUS/88/1")
    delete = admin_client.post(f"/admin/proposals/proposal/{misread.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 302
    typed = {
        "conference": str(document.conference_id),
        "number": "RUS/88/1",
        "action": "MOD",
        "text": "The wording as the curator read it.",
        "document": str(document.pk),
        "outcome": "unknown",
        "published": "on",
        "source": "Typed in from the paper copy",
        "sponsorships-TOTAL_FORMS": "0",
        "sponsorships-INITIAL_FORMS": "0",
    }
    assert admin_client.post("/admin/proposals/proposal/add/", typed).status_code == 302
    document_ingest(run=document_reingest(document=document))
    proposal = Proposal.objects.get(number="RUS/88/1")
    assert proposal.text == "The wording as the curator read it."
    assert "a curator edited it; the file reads differently: provision, text" in (
        proposal.review_reasons
    )


def test_ingesting_again_does_not_bring_back_a_number_a_curator_corrected(receive, admin_client):
    from django.contrib.admin.models import LogEntry

    from proposals.services.history import PIPELINE_USERNAME
    from proposals.services.ingestion import document_ingest, document_reingest

    document, _ = receive(TEXT_88)
    misread = Proposal.objects.get(number="RUS/88/1")
    edit_in_admin(admin_client, misread, number="RUS/88/11")
    run = document_ingest(run=document_reingest(document=document))
    assert list(Proposal.objects.values_list("number", flat=True)) == ["RUS/88/11"]
    assert run.status == IngestStatus.NEEDS_REVIEW
    assert run.error == "RUS/88/1: a curator renumbered it RUS/88/11; not created again"
    # The history still reads as Django's own.
    curators = LogEntry.objects.exclude(user__username=PIPELINE_USERNAME)
    assert curators.get().get_change_message() == "Changed Number."
    history = admin_client.get(f"/admin/proposals/proposal/{misread.pk}/history/")
    assert "Changed Number." in history.content.decode()


def test_a_number_taken_in_the_document_is_refused_in_words(receive, admin_client):
    from tests.admin_forms import change_form_data

    text = TEXT_88 + b"MOD\tRUS/88/2\n5\t1.3\tOther text.\nReasons:\tWhy.\n"
    receive(text)
    proposal = Proposal.objects.get(number="RUS/88/2")
    url = f"/admin/proposals/proposal/{proposal.pk}/change/"
    data = change_form_data(admin_client.get(url))
    errors = []
    for change in ({"number": "RUS/88/1"}, {"number": "", "source_key": ""}):
        form = admin_client.post(url, {**data, **change}).context["adminform"].form
        errors.append(form.non_field_errors())
    assert errors == [
        ["This document already has a proposal with this number."],
        ["A proposal needs a number, or a source key without one."],
    ]


# --- Versions across documents: R-numbers, metadata, unpublished and deleted rows ---------


@pytest.mark.parametrize("revision_first", [False, True])
def test_a_revision_numbering_its_proposals_with_r_is_a_version_of_the_original(
    receive, revision_first
):
    # Revision 1 may print RUS/27R1/7 for the RUS/27/7 it replaces: one proposal, two
    # versions, whichever arrives first.
    revised = [line.replace("RUS/27/7", "RUS/27R1/7") for line in REVISION_27]
    if revision_first:
        revision, _ = receive(docx_bytes(revised))
        original, run = receive(docx_bytes(ORIGINAL_27))
    else:
        original, _ = receive(docx_bytes(ORIGINAL_27))
        revision, run = receive(docx_bytes(revised))
    assert run.status == IngestStatus.SUCCEEDED, run.error
    old = Proposal.objects.get(document=original)
    new = Proposal.objects.get(document=revision)
    assert (old.number, new.number) == ("RUS/27/7", "RUS/27R1/7")
    assert old.superseded_by == new and new.superseded_by is None
    public = Proposal.objects.visible_to(None).current_for(None)
    assert list(public.filter(number__in=["RUS/27/7", "RUS/27R1/7"])) == [new]


def test_a_clean_revision_of_a_version_awaiting_review_goes_to_review_too(receive):
    # The original's reading is in doubt, so it awaits a curator, unpublished.
    doubtful = [*ORIGINAL_27[:5], "ADD\tRUS/27/7", "Some words, no provision."]
    _, first = receive(docx_bytes(doubtful))
    assert first.status == IngestStatus.NEEDS_REVIEW
    revision, run = receive(docx_bytes(REVISION_27))
    current = Proposal.objects.get(number="RUS/27/7", superseded_by=None)
    assert current.document == revision
    # It is not published (the version it replaces was not)...
    assert not current.published
    # ...so a curator must be told, or it stays hidden with nobody asked to look at it.
    assert (run.status, run.proposals_to_review) == (IngestStatus.NEEDS_REVIEW, 1)
    assert "RUS/27/7" in run.error and current.review_reasons


def test_ingesting_again_does_not_bring_back_a_proposal_a_curator_deleted(receive, admin_client):
    from proposals.services.ingestion import document_ingest, document_reingest

    text = (
        b"Document 88-E\nMOD\tRUS/88/1\n5\t1.3\tText.\nReasons:\tWhy.\n"
        b"MOD\tRUS/88/2\n6\t1.4\tA cross-reference the parser took for a proposal.\n"
        b"Reasons:\tNone.\n"
    )
    document, _ = receive(text)
    misread = Proposal.objects.get(number="RUS/88/2")
    assert misread.published
    response = admin_client.post(f"/admin/proposals/proposal/{misread.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    run = document_ingest(run=document_reingest(document=document))
    assert not Proposal.objects.filter(number="RUS/88/2").exists()
    assert run.proposals_created == 0
    assert run.status == IngestStatus.NEEDS_REVIEW and "RUS/88/2" in run.error
    assert Proposal.objects.filter(number="RUS/88/1").exists()


def test_a_corrigendum_to_a_revision_corrects_the_revisions_proposal(receive):
    revision, _ = receive(docx_bytes(REVISION_27))
    corrigendum_lines = ["Corrigendum 1 to", *REVISION_27]
    corrigendum_lines[-2] = "31A\t3A.1\tThe corrected wording."
    corrigendum, run = receive(docx_bytes(corrigendum_lines))
    assert run.status == IngestStatus.SUCCEEDED, run.error
    assert (corrigendum.kind, corrigendum.base_document) == ("corrigendum", revision)
    current = Proposal.objects.get(number="RUS/27/7", superseded_by=None)
    assert (current.document, current.text) == (corrigendum, "The corrected wording.")
    assert Proposal.objects.get(document=revision).superseded_by == current


def test_a_compilation_naming_the_convention_links_its_provision(receive):
    # PP-10 Document 12 (APT): "ACP/12/01 | MOD | CV 468". PP-10 revises the Constitution
    # and the Convention, which both have a 468 or could; the row says which.
    from proposals.models import Conference

    rows = [
        ["Proposal", "Action", "Provision", "Subject"],
        ["ACP/12/01", "MOD", "CV 468", "Class of contribution – changes to unit classes"],
    ]
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    page = html_bytes(f"<p>Document 12-E</p><table>{cells}</table>")
    receive(page, name="12.htm", conference=Conference.objects.get(slug="pp-10"))
    proposal = Proposal.objects.get(number="ACP/12/01")
    assert proposal.provision is not None, proposal.review_reasons
    assert (proposal.provision.instrument.slug, proposal.provision.number) == ("cv", "468")


def test_a_wcit_draft_resolution_is_linked_not_sent_to_review(receive):
    # WCIT-12 Document 30 (Ghana), GHA/30/1, as quoted in the shared proposal excerpts.
    text = (
        b"Document 30-E\n14 November 2012\nOriginal: English\nGhana\n"
        b"PROPOSALS FOR THE WORK OF THE CONFERENCE\n"
        b"ADD\tGHA/30/1\n\nDRAFT NEW RESOLUTION [GHA-1]\n\nTo review the ITRs more regularly\n\n"
        b"Reasons:\tTwenty-four years passed between the approval of the ITRs and this review.\n"
    )
    _, run = receive(text)
    assert run.status == IngestStatus.SUCCEEDED, run.error
    proposal = Proposal.objects.get(number="GHA/30/1")
    assert (proposal.provision.instrument.slug, proposal.provision.number) == (
        "wcit-res",
        "[GHA-1]",
    )
    assert proposal.text == "To review the ITRs more regularly"


def test_a_proposal_on_an_appendix_links_the_appendix(receive):
    text = (
        b"Document 9-E\nUnited States\nPROPOSALS FOR THE WORK OF THE CONFERENCE\n"
        b"SUP\tUSA/9/5\n\nAPPENDIX 2\n\nReasons:\tMaritime provisions are dealt with elsewhere.\n"
        b"MOD\tUSA/9/6\n\nAPPENDIX 1\n\n1.1\tEach Administration shall.\nReasons:\tUpdate.\n"
    )
    _, run = receive(text)
    assert run.status == IngestStatus.NEEDS_REVIEW, run.error
    whole = Proposal.objects.get(number="USA/9/5").provision
    assert (whole.kind, whole.number, whole.status) == ("appendix", "Appendix 2", "baseline")
    # The reference data numbers an appendix's provisions as an article's (1.1 is in
    # Article 1 there): not linked to the wrong one, but to review.
    part = Proposal.objects.get(number="USA/9/6")
    assert part.provision is None and not part.published
    assert "provision 1.1 is not under Appendix 1" in part.review_reasons


def test_an_original_read_after_metadata_names_its_revision_goes_before_it(receive, wcit):
    from proposals.services import proposal_upsert

    base = Document.objects.create(
        conference=wcit, symbol="Document 27", kind="contribution", origin="official"
    )
    revision = Document.objects.create(
        conference=wcit,
        symbol="Revision 1 to Document 27",
        kind="revision",
        base_document=base,
        origin="official",
    )
    revised, _ = proposal_upsert(
        conference=wcit,
        number="RUS/27/7",
        document=revision,
        action="ADD",
        text="The revised wording.",
        published=True,
        source="metadata",
    )
    original, run = receive(docx_bytes(ORIGINAL_27))
    assert run.status == IngestStatus.SUCCEEDED, run.error
    assert original == base  # the file joined the metadata record
    revised.refresh_from_db()
    # The revision's record stays the revision's, and current.
    assert (revised.document, revised.text, revised.superseded_by) == (
        revision,
        "The revised wording.",
        None,
    )
    old = Proposal.objects.get(document=original, number="RUS/27/7")
    assert old.superseded_by == revised
    assert old.text == "An earlier wording of the Internet article."


def reingest(document):
    from proposals.services.ingestion import document_ingest, document_reingest

    return document_ingest(run=document_reingest(document=document))


def test_a_proposal_a_revision_leaves_out_is_named_for_a_curator_and_kept(receive):
    from proposals.services.ingestion import LEFT_OUT_NOTE

    original = [*ORIGINAL_27, "ADD\tRUS/27/8", "31B\t3A.2\tA second article.", "Reasons:\tMore."]
    first, _ = receive(docx_bytes(original))
    before = Proposal.objects.get(number="RUS/27/8")
    revision, run = receive(docx_bytes(REVISION_27))
    assert run.status == IngestStatus.NEEDS_REVIEW
    assert "RUS/27/8: in wcit-12 Document 27 but not in this revision" in run.error
    left = Proposal.objects.get(number="RUS/27/8")
    # A misreading could leave a proposal out too: a curator decides, nothing is withdrawn.
    assert (left.document, left.superseded_by, left.published) == (first, None, True)
    assert Proposal.objects.get(number="RUS/27/7", superseded_by=None).document == revision
    # It waits with the proposals a curator has to look at. Its time stays: it would tell
    # the public when the revision came.
    assert (left.review_reasons, left.updated_at) == (LEFT_OUT_NOTE, before.updated_at)
    assert Document.objects.with_waiting_count().get(pk=first.pk).waiting == 1

    # Reading the revision again notes nothing twice.
    again = reingest(revision)
    assert (again.proposals_created, again.proposals_updated) == (0, 0)
    assert Proposal.objects.get(pk=left.pk).review_reasons == LEFT_OUT_NOTE


def test_a_left_out_proposal_a_later_revision_repeats_is_no_longer_in_question(receive):
    original = [*ORIGINAL_27, "ADD\tRUS/27/8", "31B\t3A.2\tA second article.", "Reasons:\tMore."]
    first, _ = receive(docx_bytes(original))
    receive(docx_bytes(REVISION_27))
    assert Document.objects.with_waiting_count().get(pk=first.pk).waiting == 1
    revision_2 = [
        "Revision 2 to", *REVISION_27[1:2], "19 November 2012", *REVISION_27[3:],
        "ADD\tRUS/27/8", "31B\t3A.2\tThe second article again.", "Reasons:\tMore.",
    ]  # fmt: skip
    second, run = receive(docx_bytes(revision_2))
    assert second.symbol == "Revision 2 to Document 27", second.symbol
    assert run.status == IngestStatus.SUCCEEDED, run.error
    old = Proposal.objects.get(number="RUS/27/8", document=first)
    assert old.superseded_by.document == second
    assert old.review_reasons == ""
    assert Document.objects.with_waiting_count().get(pk=first.pk).waiting == 0


def test_the_left_out_note_reads_the_same_beside_other_doubts_whichever_is_read_last(
    receive,
):
    from proposals.services.ingestion import LEFT_OUT_NOTE

    # Without its reasons: a doubt on the record.
    original = [*ORIGINAL_27, "ADD\tRUS/27/8", "31B\t3A.2\tA second article."]
    first, _ = receive(docx_bytes(original))
    left = Proposal.objects.get(number="RUS/27/8")
    doubt = left.review_reasons
    assert doubt and LEFT_OUT_NOTE not in doubt
    receive(docx_bytes(REVISION_27))
    noted = Proposal.objects.get(pk=left.pk)
    assert noted.review_reasons == f"{doubt}; {LEFT_OUT_NOTE}"
    # Reading the original again finds the same reasons: nothing changes, not even the
    # time the public sees.
    again = reingest(first)
    assert (again.proposals_created, again.proposals_updated) == (0, 0)
    assert Proposal.objects.get(pk=left.pk).updated_at == noted.updated_at
    assert Proposal.objects.get(pk=left.pk).review_reasons == noted.review_reasons


def test_a_proposal_a_curator_added_to_a_revision_counts_as_repeated_by_it(receive):
    from proposals.services import proposals_create, proposals_publish_reviewed

    original = [*ORIGINAL_27, "ADD\tRUS/27/8", "31B\t3A.2\tA second article.", "Reasons:\tMore."]
    first, _ = receive(docx_bytes(original))
    revision, _ = receive(docx_bytes(REVISION_27))
    # The parser missed RUS/27R1/8 in the revision; a curator types it in.
    proposals_create(
        [{"conference": revision.conference, "number": "RUS/27R1/8", "document": revision,
          "text": "The second article, as revised.", "source": "typed in"}]
    )  # fmt: skip
    # ...and clears the note on the original's, which it no longer is. Both readings now
    # find it repeated: reading either document again, in turn, changes nothing.
    proposals_publish_reviewed(Proposal.objects.filter(number="RUS/27/8", document=first))
    for document in (revision, first, revision, first):
        run = reingest(document)
        assert (run.proposals_created, run.proposals_updated) == (0, 0), document
        assert Proposal.objects.get(number="RUS/27/8", document=first).review_reasons == ""


def publish_as_reviewed(admin_client, proposal):
    """The admin's action, as a curator runs it on the review queue."""
    response = admin_client.post(
        "/admin/proposals/proposal/",
        {"action": "publish_reviewed", "_selected_action": [proposal.pk]},
    )
    assert response.status_code == 302


def test_a_reading_a_curator_has_reviewed_raises_no_doubt_again(receive, admin_client, monkeypatch):

    document, run = receive(b"Document 88-E\nMOD\tXYZ/88/1\n5\t1.3\tSome text.\nReasons:\tWhy.\n")
    assert run.status == IngestStatus.NEEDS_REVIEW
    proposal = Proposal.objects.get(number="XYZ/88/1")
    publish_as_reviewed(admin_client, proposal)
    # The same file, read the same way: the queue a curator worked through stays empty.
    for _ in range(2):
        again = reingest(document)
        assert (again.status, again.proposals_to_review, again.error) == (
            IngestStatus.SUCCEEDED,
            0,
            "",
        )
        assert Proposal.objects.filter(pk=proposal.pk, review_reasons="", published=True).exists()

    # A reading that differs from the one reviewed is a curator's to look at again.
    read_otherwise(monkeypatch, text="Some other text.")
    changed = reingest(document)
    assert changed.status == IngestStatus.NEEDS_REVIEW
    reasons = Proposal.objects.get(pk=proposal.pk).review_reasons
    assert "unknown prefix 'XYZ'" in reasons and "published text is kept" in reasons


@pytest.mark.parametrize("revision_first", [False, True], ids=["revision-last", "revision-first"])
def test_a_left_out_note_a_curator_removed_stays_removed(receive, admin_client, revision_first):
    from proposals.services.ingestion import LEFT_OUT_NOTE

    original = [*ORIGINAL_27, "ADD\tRUS/27/8", "31B\t3A.2\tA second article.", "Reasons:\tMore."]
    files = [docx_bytes(REVISION_27), docx_bytes(original)]
    revision, _ = receive(files[0 if revision_first else 1])
    first, _ = receive(files[1 if revision_first else 0])
    if not revision_first:
        revision, first = first, revision
    left = Proposal.objects.get(number="RUS/27/8")
    assert left.review_reasons == LEFT_OUT_NOTE
    # A curator decides it was not withdrawn, and removes the note.
    edit_in_admin(admin_client, left, review_reasons="")
    for document in (revision, first, revision, first):
        run = reingest(document)
        assert "RUS/27/8" not in run.error, document
        assert Proposal.objects.get(pk=left.pk).review_reasons == "", document
    assert Document.objects.with_waiting_count().get(pk=first.pk).waiting == 0


def test_a_curators_edit_before_a_revision_leaves_a_proposal_out_decides_nothing(
    receive, admin_client
):
    from proposals.services.ingestion import LEFT_OUT_NOTE

    original = [*ORIGINAL_27, "ADD\tRUS/27/8", "31B\t3A.2\tA second article.", "Reasons:\tMore."]
    receive(docx_bytes(original))
    left = Proposal.objects.get(number="RUS/27/8")
    edit_in_admin(admin_client, left, text="A second article, as a curator reads it.")
    _, run = receive(docx_bytes(REVISION_27))
    assert "RUS/27/8: in wcit-12 Document 27 but not in this revision" in run.error
    assert Proposal.objects.get(pk=left.pk).review_reasons == LEFT_OUT_NOTE
    assert pipeline_history(left)[-1] == (
        "wcit-12 Revision 1 to Document 27 leaves it out: noted for a curator."
    )


def test_a_curators_edit_that_keeps_the_left_out_note_decides_nothing(
    receive, admin_client, monkeypatch
):
    from proposals.services.ingestion import LEFT_OUT_NOTE

    original = [*ORIGINAL_27, "ADD\tRUS/27/8", "31B\t3A.2\tA second article.", "Reasons:\tMore."]
    first, _ = receive(docx_bytes(original))
    revision, _ = receive(docx_bytes(REVISION_27))
    left = Proposal.objects.get(number="RUS/27/8")
    assert left.review_reasons == LEFT_OUT_NOTE
    edit_in_admin(admin_client, left, text="A second article, as a curator reads it.")
    # The file read otherwise since: the new doubt joins the note, which stays.
    read_otherwise(monkeypatch, index=-1, reasons="Read otherwise.")
    reingest(first)
    assert Proposal.objects.get(pk=left.pk).review_reasons.endswith(f"; {LEFT_OUT_NOTE}")
    run = reingest(revision)
    assert "RUS/27/8: in wcit-12 Document 27 but not in this revision" in run.error


def test_a_version_a_revision_replaces_already_is_not_noted_as_left_out(receive):
    with_8 = ["ADD\tRUS/27/8", "31B\t3A.2\tA second article.", "Reasons:\tMore."]
    receive(docx_bytes([*REVISION_27, *with_8]))
    revision_2 = ["Revision 2 to", *REVISION_27[1:2], "19 November 2012", *REVISION_27[3:]]
    receive(docx_bytes(revision_2))  # leaves RUS/27/8 out
    first, _ = receive(docx_bytes([*ORIGINAL_27, *with_8]))
    # Document 27's RUS/27/8 is an earlier version of Revision 1's, which Revision 2
    # leaves out: that one waits for a curator, not the version it replaced.
    versions = Proposal.objects.filter(number="RUS/27/8").order_by("pk")
    assert [(row.document.symbol, bool(row.superseded_by), row.review_reasons != "")
            for row in versions] == [
        ("Revision 1 to Document 27", False, True), ("Document 27", True, False),
    ]  # fmt: skip
    assert Document.objects.with_waiting_count().get(pk=first.pk).waiting == 0
    again = reingest(first)
    assert (again.proposals_created, again.proposals_updated) == (0, 0)


def test_an_original_read_after_its_revision_names_what_the_revision_left_out(receive):
    from proposals.services.ingestion import LEFT_OUT_NOTE

    revision, _ = receive(docx_bytes(REVISION_27))
    original = [*ORIGINAL_27, "ADD\tRUS/27/8", "31B\t3A.2\tA second article.", "Reasons:\tMore."]
    first, run = receive(docx_bytes(original))
    assert run.status == IngestStatus.NEEDS_REVIEW
    assert run.error == (
        "RUS/27/8: not in wcit-12 Revision 1 to Document 27, which replaces this document; "
        "a curator decides whether it was withdrawn"
    )
    assert Proposal.objects.get(number="RUS/27/7", superseded_by=None).document == revision
    assert pipeline_history(Proposal.objects.get(number="RUS/27/7", document=first)) == [
        "Read from wcit-12 Document 27: an earlier version than Revision 1 to Document 27's."
    ]
    left = Proposal.objects.get(number="RUS/27/8")
    assert left.document == first
    # On its own record too, without holding back its publication (nothing in the
    # reading is in doubt), and the same note whichever of the two is read first.
    assert (left.review_reasons, left.published) == (LEFT_OUT_NOTE, True)
    again = reingest(first)
    assert (again.proposals_created, again.proposals_updated) == (0, 0)
    assert Proposal.objects.get(pk=left.pk).review_reasons == LEFT_OUT_NOTE


# --- The ingest command ---------------------------------------------------------------

DOC_29 = b"Document 29-E\nParaguay\nMOD\tPRG/29/1\n5\t1.3\tText.\nReasons:\tWhy.\n"


def test_the_command_reports_an_unreadable_file_and_goes_on(tmp_path, monkeypatch, capsys):

    from django.core.management import CommandError, call_command

    (tmp_path / "a.txt").write_bytes(DOC_29)
    (tmp_path / "b.txt").write_bytes(DOC_29.replace(b"29", b"31"))
    from proposals.services import ingestion

    open_path = ingestion.opened_file

    def unreadable_a(path):
        if path.name == "a.txt":  # root, as tests may run, reads past chmod 000
            raise PermissionError(13, "Permission denied", str(path))
        return open_path(path)

    monkeypatch.setattr(ingestion, "opened_file", unreadable_a)
    with pytest.raises(CommandError, match="1 of 2 document"):
        call_command("ingest", str(tmp_path), conference="wcit-12", origin="leaked")
    assert "a.txt" in capsys.readouterr().err
    assert DocumentIntake.objects.get().original_filename == "b.txt"


def test_the_command_takes_a_file_whose_name_is_not_utf8(tmp_path):
    import os

    from django.core.management import call_command

    # A name unzipped from a Windows archive: Résumé.txt in Latin-1.
    (tmp_path / os.fsdecode(b"R\xe9sum\xe9.txt")).write_bytes(DOC_29)
    call_command("ingest", str(tmp_path), conference="wcit-12", origin="leaked")
    assert DocumentIntake.objects.get().original_filename.startswith("R")


def test_the_command_records_one_intake_for_a_file_named_twice(tmp_path):
    from django.core.management import call_command

    (tmp_path / "a.txt").write_bytes(DOC_29)
    paths = [str(tmp_path), str(tmp_path / "a.txt")]
    call_command("ingest", *paths, conference="wcit-12", origin="leaked")
    assert DocumentIntake.objects.count() == 1


# --- Scans and legacy-encoded web pages, end to end ---------------------------------


def scanned_pdf_bytes(typed_cover: list[str]) -> bytes:
    """A scan sent as a PDF: a typed cover page (when given), then pages that are each a
    picture of text with a page number and the file path stamped on as real text."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    picture = Image.new("L", (850, 1100), 255)
    for y in range(100, 1000, 20):
        ImageDraw.Draw(picture).line((80, y, 770, y), fill=0, width=3)
    scan = io.BytesIO()
    picture.save(scan, "PNG")
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", size=10)
    if typed_cover:
        pdf.add_page()
        for index, line in enumerate(typed_cover):
            pdf.text(20, 20 + 6 * index, line)
    for number in range(2, 5):
        pdf.add_page()
        pdf.image(io.BytesIO(scan.getvalue()), x=0, y=0, w=210, h=297)
        pdf.text(100, 10, f"- {number} -")
        pdf.text(20, 290, "P:\\ENG\\ITU-T\\CONF-T\\WCIT12\\000\\088E.DOCX (327589)")
    return bytes(pdf.output())


@pytest.mark.parametrize(
    "cover",
    [[], ["Document 88-E", "13 November 2012", "Original: English", "Ghana",
          "PROPOSALS FOR THE WORK OF THE CONFERENCE"]],
    ids=["stamped-scan", "typed-cover-then-scan"],
)  # fmt: skip
def test_a_scan_with_only_stamped_text_needs_ocr(receive, cover):
    _, run = receive(scanned_pdf_bytes(cover))
    assert run.status == IngestStatus.NEEDS_OCR, run.error
    assert "OCR" in run.error


def test_a_leaked_word_web_page_in_windows_1252_is_read_and_cleaned(receive):
    page = (
        '<html><head><meta http-equiv=Content-Type content="text/html; charset=windows-1252">'
        '<meta name=Author content="Jane Insider"></head><body><p>Document 89-E</p>'
        "<p>MOD&nbsp;&nbsp; RUS/89/1</p><p>5&nbsp; 1.3&nbsp; \u201cNetworks\u201d.</p>"
        "<p>Reasons:&nbsp; Why.</p></body></html>"
    ).encode("cp1252")
    document, run = receive(page, origin="leaked")
    assert run.status == IngestStatus.SUCCEEDED, run.error
    assert (
        Proposal.objects.get(document=document, number="RUS/89/1").text == "\u201cNetworks\u201d."
    )
    copy = document.public_file.read()
    assert b"Jane Insider" not in copy and "\u201cNetworks\u201d".encode("cp1252") in copy


@pytest.mark.parametrize("numbered", ["same", "r-numbered"])
def test_ingesting_a_second_revision_costs_the_same_queries_for_3_proposals_as_for_30(
    receive, topics_on, numbered
):
    """Linking a revision to the versions it replaces reads their documents in bulk, not
    once per proposal (Revision 2 after Revision 1, whatever its numbers)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int, document_number: int) -> int:
        article = document_number - 90

        def revision(version: int) -> bytes:
            part = f"R{version}" if numbered == "r-numbered" else ""
            return (
                f"Revision {version} to\nDocument {document_number}-E\n"
                + "".join(
                    f"ADD\tRUS/{document_number}{part}/{n}\nARTICLE {article}A\nNew\n"
                    f"{n}\t{article}A.{n}\tUnsolicited text {n}, version {version}.\n"
                    "Reasons:\tR.\n"
                    for n in range(1, count + 1)
                )
            ).encode()

        receive(revision(1))
        ContentType.objects.clear_cache()  # each count reads the content type once
        with CaptureQueriesContext(connection) as second:
            _, run = receive(revision(2))
        assert run.status == IngestStatus.SUCCEEDED, run.error
        assert run.proposals_updated == count
        return len(second)

    assert queries(3, 94) == queries(30, 95)


def test_a_run_stopped_after_saving_new_text_leaves_it_to_be_indexed_by_the_next(
    postgres, receive, monkeypatch, django_capture_on_commit_callbacks
):
    """The text is saved before the proposals, and indexed after them: a run that stops
    between the two (a bug, a time limit, database trouble retried) must not leave the
    next reading of the same text to skip the index, with the old text's vector."""
    from django.contrib.postgres.search import SearchQuery

    from proposals.ingest.extract import Extracted
    from proposals.services import ingestion
    from proposals.services.ingestion import document_reingest

    document, _ = receive(docx_bytes(REVISION_27))
    # A better extractor reads a word the old one missed.
    extract = ingestion.extract

    def better(*args, **kwargs):
        found = extract(*args, **kwargs)
        return Extracted(pages=[found.pages[0] + "\nZanzibar"], tables=found.tables)

    monkeypatch.setattr(ingestion, "extract", better)
    save_proposals = ingestion.save_proposals

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(ingestion, "save_proposals", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run = document_reingest(document=document)
    run.refresh_from_db()
    assert run.status == IngestStatus.FAILED
    monkeypatch.setattr(ingestion, "save_proposals", save_proposals)
    with django_capture_on_commit_callbacks(execute=True):
        run = document_reingest(document=document)
    run.refresh_from_db()
    assert run.status == IngestStatus.SUCCEEDED, run.error
    assert "Zanzibar" in Document.objects.get(pk=document.pk).extracted_text
    assert list(Document.objects.filter(search_vector=SearchQuery("zanzibar"))) == [document]


@pytest.mark.parametrize("elsewhere", ["another conference", "the original"])
def test_a_deletion_keeps_out_only_the_deleted_documents_own_proposal(
    receive, admin_client, monkeypatch, django_capture_on_commit_callbacks, elsewhere
):
    """A curator deleting RUS/88/2 of one document (a misreading) says nothing of the
    RUS/88/2 of another: of another conference, or of a revision of that document."""
    from proposals.models import Conference
    from proposals.services import ingestion
    from proposals.services.ingestion import document_reingest

    body = (
        b"MOD\tRUS/88/1\n5\t1.3\tText.\nReasons:\tWhy.\n"
        b"MOD\tRUS/88/2\n6\t1.4\tMore.\nReasons:\tWhy.\n"
    )
    # The revision's first reading fails (a bug, since fixed): it has no proposals yet.
    save_proposals = ingestion.save_proposals

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(ingestion, "save_proposals", broken)
    document, run = receive(b"Revision 1 to\nDocument 88-E\n" + body)
    assert run.status == IngestStatus.FAILED
    monkeypatch.setattr(ingestion, "save_proposals", save_proposals)
    if elsewhere == "another conference":
        with django_capture_on_commit_callbacks(execute=True):
            document_receive(
                conference=Conference.objects.get(slug="pp-14"),
                data=b"Document 88-E\n" + body,
                origin="official",
                channel=IntakeChannel.COMMAND,
                filename="pp",
            )
        other = Proposal.objects.get(conference__slug="pp-14", number="RUS/88/2")
    else:
        original, _ = receive(b"Document 88-E\n" + body)
        other = Proposal.objects.get(document=original, number="RUS/88/2")
    response = admin_client.post(f"/admin/proposals/proposal/{other.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        run = document_reingest(document=document)
    run.refresh_from_db()
    assert run.proposals_created + run.proposals_updated == 2, run.error
    assert Proposal.objects.filter(document=document, number="RUS/88/2").exists()


def test_a_compilation_naming_hundreds_of_documents_is_read(receive):
    """Each number head (RUS/101, RUS/102, …) is looked up for versions under another
    revision part: a compilation of 600 of them is one lookup SQLite can run (it refuses
    an expression deeper than 1000), not one condition per head."""
    text = "Document 47-E\n" + "".join(
        f"MOD\tRUS/{n}/1\n5\t1.3\tText {n}.\nReasons:\tWhy.\n" for n in range(100, 700)
    )
    _, run = receive(text.encode())
    assert run.status in (IngestStatus.SUCCEEDED, IngestStatus.NEEDS_REVIEW), run.error
    assert run.proposals_created == 600


def test_an_r_numbered_revision_of_an_original_known_from_metadata_is_a_new_version(receive, wcit):
    # Metadata names RUS/27/7 of Document 27 (no file yet); then Revision 1 arrives,
    # numbering it RUS/27R1/7. Reading it twice leaves one current version, numbered as
    # the revision prints it.
    from proposals.services import proposal_upsert
    from proposals.services.ingestion import document_ingest, document_reingest

    base = Document.objects.create(
        conference=wcit, symbol="Document 27", kind="contribution", origin="official"
    )
    proposal_upsert(
        conference=wcit,
        number="RUS/27/7",
        document=base,
        action="ADD",
        text="The original wording.",
        published=True,
        source="metadata",
    )
    revised = [line.replace("RUS/27/7", "RUS/27R1/7") for line in REVISION_27]
    revision, run = receive(docx_bytes(revised))
    assert run.status == IngestStatus.SUCCEEDED, run.error
    document_ingest(run=document_reingest(document=revision))
    public = Proposal.objects.visible_to(None).current_for(None)
    current = list(public.filter(number__in=["RUS/27/7", "RUS/27R1/7"]))
    assert [(row.number, row.document) for row in current] == [("RUS/27R1/7", revision)]
    assert Proposal.objects.get(number="RUS/27/7").document == base


def test_two_numbers_of_one_revision_never_both_become_the_new_version(receive):
    # Revision 2 prints RUS/93R2/1, and cites RUS/93R1/1 in a way the parser reads as a
    # proposal: only one of them replaces RUS/93/1, or the public reads two current ones.
    receive(b"Document 93-E\nMOD\tRUS/93/1\n5\t1.3\tFirst.\nReasons:\tWhy.\n")
    _, run = receive(
        b"Revision 2 to\nDocument 93-E\nMOD\tRUS/93R2/1\n5\t1.3\tThird.\nReasons:\tWhy.\n"
        b"MOD\tRUS/93R1/1\n5\t1.3\tSecond.\nReasons:\tReplaced.\n"
    )
    public = Proposal.objects.visible_to(None).current_for(None)
    assert list(public.values_list("number", flat=True)) == ["RUS/93R2/1"]
    assert run.status == IngestStatus.NEEDS_REVIEW and "RUS/93R1/1" in run.error


ORIGINAL_93 = b"Document 93-E\nMOD\tRUS/93/1\n5\t1.3\tFirst.\nReasons:\tWhy.\n"
REVISION_1_93 = b"Revision 1 to\nDocument 93-E\nMOD\tRUS/93R1/1\n5\t1.3\tSecond.\nReasons:\tWhy.\n"
REVISION_2_93_QUOTING_R1 = (
    b"Revision 2 to\nDocument 93-E\nMOD\tRUS/93R2/1\n5\t1.3\tThird.\nReasons:\tWhy.\n"
    b"MOD\tRUS/93R1/1\n5\t1.3\tSecond.\nReasons:\tReplaced.\n"
)


def publicly_current_93():
    public = Proposal.objects.visible_to(None).current_for(None)
    rows = public.filter(number__startswith="RUS/93").select_related("document")
    return sorted((row.number, row.document.symbol) for row in rows)


def test_a_revision_quoting_an_earlier_number_read_again_keeps_one_current_version(receive):
    from proposals.services.ingestion import document_ingest, document_reingest

    receive(ORIGINAL_93)
    revision, _ = receive(REVISION_2_93_QUOTING_R1)
    run = document_ingest(run=document_reingest(document=revision))
    assert publicly_current_93() == [("RUS/93R2/1", "Revision 2 to Document 93")]
    assert run.status == IngestStatus.NEEDS_REVIEW and "RUS/93R1/1" in run.error
    assert not Proposal.objects.filter(number="RUS/93R1/1").exists()


def test_a_revision_quoting_the_number_of_the_revision_it_replaces(receive):
    receive(ORIGINAL_93)
    receive(REVISION_1_93)
    _, run = receive(REVISION_2_93_QUOTING_R1)
    assert publicly_current_93() == [("RUS/93R2/1", "Revision 2 to Document 93")]
    assert run.status == IngestStatus.NEEDS_REVIEW and "RUS/93R1/1" in run.error
    # Revision 1's version is kept, superseded by Revision 2's.
    first = Proposal.objects.get(number="RUS/93R1/1")
    assert first.superseded_by.number == "RUS/93R2/1"


def test_an_r_numbered_revision_quoting_the_original_number(receive):
    receive(ORIGINAL_93)
    _, run = receive(REVISION_1_93 + b"MOD\tRUS/93/1\n5\t1.3\tFirst.\nReasons:\tReplaced.\n")
    assert publicly_current_93() == [("RUS/93R1/1", "Revision 1 to Document 93")]
    assert run.status == IngestStatus.NEEDS_REVIEW and "RUS/93/1:" in run.error


def test_an_original_read_after_r_numbered_revisions_goes_before_the_published_one(receive):
    receive(REVISION_1_93)
    # Revision 2's reading is in doubt (no provision): it waits for a curator.
    receive(b"Revision 2 to\nDocument 93-E\nMOD\tRUS/93R2/1\nSome words, no provision.\n")
    assert not Proposal.objects.get(number="RUS/93R2/1").published
    receive(ORIGINAL_93)
    original = Proposal.objects.get(number="RUS/93/1")
    assert original.published and original.superseded_by.number == "RUS/93R1/1"
    assert publicly_current_93() == [("RUS/93R1/1", "Revision 1 to Document 93")]
