"""Detecting and extracting real kinds of documents, and refusing hostile ones clearly."""

import io
import zipfile

import pytest

from proposals.ingest.detect import detect_type
from proposals.ingest.errors import (
    DocumentTooLarge,
    MalformedDocument,
    NeedsOCR,
    UnsupportedDocument,
)
from proposals.ingest.extract import Limits, extract
from proposals.ingest.header import parse_header
from proposals.ingest.parse import parse_table, parse_text

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

LINES = [line for line, _ in RUSSIA_REV1]


def read(data: bytes, limits: Limits | None = None):
    return extract(data, detect_type(data), limits or Limits())


def test_docx_text_and_header():
    data = docx_bytes(LINES)
    assert detect_type(data) == "docx"
    extracted = read(data)
    header = parse_header(extracted.pages[0])
    assert (header.symbol, header.kind, header.base_symbol) == (
        "Revision 1 to Document 27",
        "revision",
        "Document 27",
    )
    assert str(header.date) == "2012-11-17"
    assert (header.language, header.source_line) == ("Russian", "Russian Federation")
    (proposal,) = parse_text(extracted.pages)
    assert (proposal.number, proposal.article, proposal.provision) == ("RUS/27/7", "3A", "3A.1")


def test_docx_page_breaks_and_tables():
    table = [
        ["ITR", "Proposal", "Text", "Proposer"],
        ["1.3", "MOD PRG/29/1", "…networks…", "Paraguay"],
    ]
    data = docx_bytes(["First page", "Second page"], table=table, page_break_after=(0,))
    extracted = read(data)
    assert len(extracted.pages) == 2
    ((page, rows),) = extracted.tables
    assert page == 2 and rows[1] == table[1]
    (proposal,) = parse_table(rows, page)
    assert (proposal.number, proposal.provision, proposal.page) == ("PRG/29/1", "1.3", 2)


def test_docx_tabs_and_line_breaks_separate_words():
    # python-docx writes "\t" as <w:tab/> and "\n" as <w:br/>, as Word does for Tab and
    # Shift+Enter.
    opening = "MOD\tPRG/29/1\n5\t1.3\tThese Regulations\nare established."
    data = docx_bytes(
        ["Document 29-E", opening, "Reasons:\tPrecision."],
        table=[["Provision", "Text"], ["1.4", "Reference to\nITU-T\tRecommendations"]],
    )
    extracted = read(data)
    assert opening in extracted.pages[0]
    (proposal,) = parse_text(extracted.pages)
    assert (proposal.provision, proposal.text) == ("1.3", "These Regulations\nare established.")
    ((_, rows),) = extracted.tables
    assert rows[1] == ["1.4", "Reference to\nITU-T\tRecommendations"]


def test_pdf_text_per_page():
    data = pdf_bytes([LINES[:6], LINES[6:]])
    assert detect_type(data) == "pdf"
    extracted = read(data)
    assert len(extracted.pages) == 2
    assert parse_header(extracted.pages[0]).symbol == "Revision 1 to Document 27"
    (proposal,) = parse_text(extracted.pages)
    assert (proposal.number, proposal.page, proposal.provision) == ("RUS/27/7", 2, "3A.1")


def test_html_text_and_tables_without_scripts():
    body = (
        "<p>Document 29-E</p><p>Paraguay</p><p>PROPOSALS FOR THE WORK OF THE CONFERENCE</p>"
        "<script>var x = 'MOD XXX/1/1';</script>"
        "<p>MOD\tPRG/29/1</p><p>5\t1.3\tThese Regulations…</p><p>Reasons: Precision.</p>"
        "<table><tr><th>Provision</th><th>Proposal</th></tr>"
        "<tr><td>1.4</td><td>MOD PRG/29/2</td><td>Reference text</td></tr></table>"
    )
    data = html_bytes(body)
    assert detect_type(data) == "html"
    extracted = read(data)
    assert "var x" not in extracted.pages[0]
    assert [p.number for p in parse_text(extracted.pages)] == ["PRG/29/1"]
    assert parse_header(extracted.pages[0]).source_line == "Paraguay"
    assert [p.number for p in parse_table(extracted.tables[0][1])] == ["PRG/29/2"]


def test_plain_text_pages_split_on_form_feeds():
    data = b"MOD PRG/29/1\n5 1.3 One.\nReasons: R.\n\fSUP PRG/29/2\n6 1.4\nReasons: R.\n"
    extracted = read(data)
    assert [(p.number, p.page) for p in parse_text(extracted.pages)] == [
        ("PRG/29/1", 1),
        ("PRG/29/2", 2),
    ]


# --- The bad-input corpus: each case ends in a clear error ---------------------------


@pytest.mark.parametrize(
    ("data", "error", "says"),
    [
        (b"", UnsupportedDocument, "empty"),
        (b"   \n ", UnsupportedDocument, "empty"),
        (b"MZ\x90\x00" + b"\x00" * 200, UnsupportedDocument, "executable"),
        (b"PK\x03\x04garbage", UnsupportedDocument, "damaged ZIP"),
        (bytes(range(256)) * 10, UnsupportedDocument, "Binary data"),
    ],
    ids=["empty", "blank", "exe-renamed-pdf", "broken-zip", "random-binary"],
)
def test_refuses_what_is_not_a_document(data, error, says):
    with pytest.raises(error, match=says):
        read(data)


def test_truncated_pdf():
    data = pdf_bytes([LINES])
    with pytest.raises(MalformedDocument, match="truncated"):
        read(data[: len(data) // 2])


def test_encrypted_pdf():
    with pytest.raises(MalformedDocument, match="encrypted"):
        read(pdf_bytes([LINES], password="secret"))


def test_image_only_pdf_needs_ocr():
    with pytest.raises(NeedsOCR, match="no text layer"):
        read(image_only_pdf_bytes())


def test_zip_bomb_docx_is_refused_before_unpacking():
    with pytest.raises(DocumentTooLarge, match="zip bomb"):
        read(zip_bomb_docx(unpacked_mb=20))


def test_a_docx_of_more_files_than_any_document_is_refused_before_its_directory_is_read(
    monkeypatch,
):
    from proposals.ingest import detect

    crowded = io.BytesIO()
    with zipfile.ZipFile(crowded, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for index in range(300):
            archive.writestr(f"empty/{index}", b"")
    monkeypatch.setattr(detect, "MAX_ZIP_ENTRIES", 200)
    opened = []
    monkeypatch.setattr(zipfile, "ZipFile", lambda *a, **k: opened.append(a))
    for step in (detect.detect_type, lambda data: extract(data, "docx", Limits())):
        with pytest.raises(DocumentTooLarge, match="about 301 files"):
            step(crowded.getvalue())
    assert opened == []


def test_xml_bomb_docx_is_refused():
    with pytest.raises(MalformedDocument, match="declares XML entities"):
        read(xml_bomb_docx())


def test_oversize_file_is_refused():
    with pytest.raises(DocumentTooLarge, match="limit is"):
        read(pdf_bytes([LINES]), Limits(max_bytes=1024))


def test_too_many_pages_are_refused():
    with pytest.raises(DocumentTooLarge, match="pages"):
        read(pdf_bytes([["a"], ["b"], ["c"]]), Limits(max_pages=2))


def test_legacy_doc_without_libreoffice_says_what_to_install(monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    legacy = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 512
    with pytest.raises(UnsupportedDocument, match="install LibreOffice"):
        read(legacy)


def test_an_entity_declaration_in_utf16_or_far_into_a_part_is_refused():
    import io
    import zipfile

    good = docx_bytes(["Harmless"])
    source = zipfile.ZipFile(io.BytesIO(good))
    for bomb in (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode(
            "utf-16-le"
        ),
        b"<?xml version='1.0'?><!--" + b"x" * 100_000 + b'--><!DOCTYPE x [<!ENTITY a "b">]><x/>',
    ):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name in source.namelist():  # by name: writestr changes a ZipInfo it is given
                archive.writestr(name, bomb if name == "word/document.xml" else source.read(name))
        with pytest.raises(MalformedDocument, match="declares XML entities"):
            read(out.getvalue())


def test_text_inside_a_word_content_control_is_read():
    from .documents import in_content_control

    data = in_content_control(docx_bytes(LINES), from_paragraph=6)
    text = read(data).pages[0]
    assert "ADD\tRUS/27/7" in text and text.index("Russian Federation") < text.index("RUS/27/7")


def test_text_that_stops_being_utf8_after_the_sniffed_start_is_refused_clearly():
    data = b"Document 88-E\n" + b"x" * 70_000 + b"\xff\xfe\n"
    with pytest.raises(MalformedDocument, match="undecodable byte at position 70014"):
        read(data)


CONFERENCE_LINE = (
    "WORLD CONFERENCE ON INTERNATIONAL TELECOMMUNICATIONS (WCIT-12)\nDubai, 3-14 December 2012"
)


@pytest.mark.parametrize(
    ("first_page", "expected"),
    [
        # The conference's dates come before the document's own.
        (
            f"{CONFERENCE_LINE}\nDocument 27-E\n17 November 2012\nOriginal: Russian",
            ("Document 27", "2012-11-17", "Russian"),
        ),
        # A header laid out as a Word table: cells joined by " | ".
        (
            f"{CONFERENCE_LINE} | Document 27-E\n | 17 November 2012\n | Original: Russian",
            ("Document 27", "2012-11-17", "Russian"),
        ),
        # A cover page that mentions another document's addendum.
        (
            "Document 67-E\n30 November 2012\nOriginal: English\nAsia-Pacific Telecommunity\n"
            "This document takes up the proposals of Addendum 1 to Document 67.",
            ("Document 67", "2012-11-30", "English"),
        ),
        # Only the conference's dates: the document's date is unknown, not guessed.
        (f"{CONFERENCE_LINE}\nDocument 27-E", ("Document 27", "None", "")),
        (
            "PLENIPOTENTIARY CONFERENCE (PP-14)\nBusan, 20 October \u2013 7 November 2014\n"
            "Document 79-E",
            ("Document 79", "None", ""),
        ),
        (
            "Dubai, 28 December 2012 \u2013 7 January 2013\nDocument 79-E",
            ("Document 79", "None", ""),
        ),
        (
            "Revision 1 to\nDocument 27-E\nGeneva, 9 October 2014 | 17 November 2012",
            ("Revision 1 to Document 27", "2012-11-17", ""),
        ),
    ],
    ids=[
        "conference-dates-first",
        "word-table",
        "cover-mention",
        "no-own-date",
        "no-own-date-months",
        "no-own-date-years",
        "cells",
    ],
)
def test_the_header_reads_the_documents_own_symbol_date_and_language(first_page, expected):
    header = parse_header(first_page)
    assert (header.symbol, str(header.date), header.language) == expected


@pytest.mark.parametrize(
    ("first_page", "source"),
    [
        (
            "Document 20-E\nOriginal: English\nMember States of the Inter-American "
            "Telecommunication Commission (CITEL)\nINTER-AMERICAN PROPOSALS FOR THE WORK OF THE "
            "CONFERENCE",
            "Member States of the Inter-American Telecommunication Commission (CITEL)",
        ),
        (
            "Document 47-E\nOriginal: Arabic\nAlgeria, Saudi Arabia, Bahrain,\n"
            "Egypt, United Arab Emirates and\nSudan\nPROPOSALS FOR THE WORK OF THE CONFERENCE",
            "Algeria, Saudi Arabia, Bahrain, Egypt, United Arab Emirates and Sudan",
        ),
        ("Document 5-E\nOriginal: English\nEUROPEAN COMMON PROPOSALS", ""),
        (
            "Document 47-E\nOriginal: English\n"
            "Algeria (People's Democratic Republic of), Saudi Arabia (Kingdom\n"
            "of), Bahrain (Kingdom of) and Sudan (Republic of the)\n"
            "PROPOSALS FOR THE WORK OF THE CONFERENCE",
            "Algeria (People's Democratic Republic of), Saudi Arabia (Kingdom of), "
            "Bahrain (Kingdom of) and Sudan (Republic of the)",
        ),
        (
            "Révision 1 au\nDocument 27-F\n17 novembre 2012\nOriginal: russe\n"
            "Fédération de Russie\nPROPOSITIONS POUR LES TRAVAUX DE LA CONFÉRENCE",
            "Fédération de Russie",
        ),
        (
            # A web page's cell over two columns: the second comes out empty.
            "Document 29-E\nOriginal: Spanish\nParaguay (Republic of) | \n"
            "PROPOSALS FOR THE WORK OF THE CONFERENCE",
            "Paraguay (Republic of)",
        ),
        (
            "Documento 5-S\nOriginal: inglés\nEstados Miembros de la CEPT\n"
            "PROPUESTAS COMUNES EUROPEAS PARA LOS TRABAJOS DE LA CONFERENCIA",
            "Estados Miembros de la CEPT",
        ),
        (
            "Document 5-E\nOriginal: English\nMember States of the Asia-Pacific Telecommunity\n"
            "ASIA-PACIFIC TELECOMMUNITY COMMON PROPOSALS FOR THE WORK OF THE CONFERENCE",
            "Member States of the Asia-Pacific Telecommunity",
        ),
        (
            "Document 9-E\nOriginal: English\nArgentina, Brazil, Mexico, United States of\n"
            "America, Uruguay\nPROPOSALS FOR THE WORK OF THE CONFERENCE",
            "Argentina, Brazil, Mexico, United States of America, Uruguay",
        ),
        (
            "Document 25-E\nOriginal: Arabic\nArab States Administrations\n"
            "ARAB COMMON PROPOSALS FOR THE WORK OF THE\nCONFERENCE",
            "Arab States Administrations",
        ),
        # A line merely starting so is not the title.
        ("Document 9-E\nOriginal: English\nParaguay\nProposals for the work of them all", ""),
    ],
    ids=[
        "citel",
        "wrapped-list",
        "none-stated",
        "wrapped-in-a-name",
        "french",
        "merged-cell",
        "spanish",
        "long-title",
        "wrapped-in-a-name-without-brackets",
        "wrapped-title",
        "not-a-title",
    ],
)
def test_the_source_line(first_page, source):
    assert parse_header(first_page).source_line == source


def test_the_original_language_with_french_spacing():
    # French sets a space before a colon.
    assert parse_header("Document 27-F\nOriginal : russe\n").language == "russe"


WORD = docx_bytes(LINES)


@pytest.mark.parametrize(
    "damaged",
    [
        zip_member_damaged(WORD, "word/document.xml"),  # a corrupt deflate stream
        zip_member_damaged(WORD, "word/document.xml", field=8, value=1),  # "encrypted"
        zip_member_damaged(WORD, "word/document.xml", field=10, value=99),  # no such method
        zip_member_damaged(WORD, "word/document.xml", field=6, value=100),  # needs ZIP 10.0
    ],
    ids=["corrupt-data", "encrypted-member", "unknown-compression", "future-version"],
)
def test_a_damaged_word_file_is_refused_clearly(damaged):
    with pytest.raises((MalformedDocument, UnsupportedDocument), match=r"damaged|not a valid"):
        read(damaged)


def test_a_pdf_page_that_cannot_be_loaded_is_refused_clearly():
    assert read(hand_made_pdf()).pages == ["MOD PRG/29/1"]
    with pytest.raises(MalformedDocument, match="Page 2 of the PDF cannot be read"):
        read(hand_made_pdf(count=2))  # its page tree claims a page it lacks


def test_the_page_limit_holds_for_plain_text():
    assert len(read(b"MOD PRG/29/1\n\f\f", Limits(max_pages=3)).pages) == 3
    with pytest.raises(DocumentTooLarge, match="over 2 pages"):
        read(b"MOD PRG/29/1\n\f\f", Limits(max_pages=2))


def test_a_table_inside_a_table_cell_is_read_as_that_cells_text():
    inner = "<table><tr><td>old</td><td>new</td></tr></table>"
    page = html_bytes(f"<table><tr><td>MOD PRG/29/1</td><td>1.3</td><td>{inner}</td></tr></table>")
    assert read(page).tables == [(1, [["MOD PRG/29/1", "1.3", "old new"]])]


def test_deeply_nested_html_tables_are_read_in_one_pass():
    """Each table once: reading every nested table's rows again took minutes at 500."""
    page = html_bytes("<table><tr><td>" * 500 + "MOD PRG/29/1")
    (table,) = read(page).tables
    assert table == (1, [["MOD PRG/29/1"]])


@pytest.mark.parametrize(
    ("first_page", "expected"),
    [
        (
            "Révision 1 au\nDocument 27-F\n17 novembre 2012\nOriginal: russe",
            ("Revision 1 to Document 27", "revision", "Document 27", "2012-11-17", "russe"),
        ),
        (
            "Addendum 1 au\nDocument 67-F\n30 novembre 2012\nOriginal: anglais",
            ("Addendum 1 to Document 67", "addendum", "Document 67", "2012-11-30", "anglais"),
        ),
        (
            "Revisión 1 al\nDocumento 27-S\n17 de noviembre de 2012\nOriginal: ruso",
            ("Revision 1 to Document 27", "revision", "Document 27", "2012-11-17", "ruso"),
        ),
        (
            "Documento 29-S\n2 de agosto de 2012\nOriginal: español",
            ("Document 29", "contribution", "", "2012-08-02", "español"),
        ),
        # Only the conference's dates: the document's own is unknown.
        (
            "Busán, 20 de octubre – 7 de noviembre de 2014\nDocumento 79-S",
            ("Document 79", "contribution", "", "None", ""),
        ),
        (
            "Dubaï, 3-14 décembre 2012\nDocument 79-F",
            ("Document 79", "contribution", "", "None", ""),
        ),
        (
            "Dubaï, 20 février – 2 mars 2012\nDocument 79-F",
            ("Document 79", "contribution", "", "None", ""),
        ),
    ],
    ids=[
        "french-revision",
        "french-addendum",
        "spanish-revision",
        "spanish-document",
        "spanish-conference-dates",
        "french-conference-days",
        "french-conference-months",
    ],
)
def test_the_header_reads_french_and_spanish_documents(first_page, expected):
    header = parse_header(first_page)
    assert (
        header.symbol,
        header.kind,
        header.base_symbol,
        str(header.date),
        header.language,
    ) == expected


def test_a_russian_header():
    header = parse_header(
        "ВСЕМИРНАЯ КОНФЕРЕНЦИЯ ПО МЕЖДУНАРОДНОЙ ЭЛЕКТРОСВЯЗИ (ВКМЭ-12)\n"
        "Пересмотр 1\nдокумента 27-R\n17 ноября 2012 года\nОригинал: русский\n"
        "Российская Федерация\nПРЕДЛОЖЕНИЯ ДЛЯ РАБОТЫ КОНФЕРЕНЦИИ\n"
    )
    assert (header.symbol, header.kind, header.base_symbol) == (
        "Revision 1 to Document 27",
        "revision",
        "Document 27",
    )
    assert (str(header.date), header.language) == ("2012-11-17", "русский")
    assert (header.source_line, header.conference_slug) == ("Российская Федерация", "wcit-12")
    addendum = parse_header(
        "ПОЛНОМОЧНАЯ КОНФЕРЕНЦИЯ (ПК-14)\nДополнительный документ 1\nк Документу 79-R\n"
        "3 октября 2014 года\nОригинал: арабский\nАрабские государства\n"
        "ОБЩИЕ ПРЕДЛОЖЕНИЯ ДЛЯ РАБОТЫ КОНФЕРЕНЦИИ\n"
    )
    assert (addendum.symbol, str(addendum.date), addendum.source_line) == (
        "Addendum 1 to Document 79",
        "2014-10-03",
        "Арабские государства",
    )
    assert addendum.conference_slug == "pp-14"


@pytest.mark.parametrize(
    ("header", "slug"),
    [
        # Named without its acronym: the year of its dates.
        (
            "WORLD RADIOCOMMUNICATION CONFERENCE\nGeneva, 22 October – 16 November 2007\n"
            "Addendum 25 to\nDocument 10-E\n3 October 2007",
            "wrc-07",
        ),
        ("PLENIPOTENTIARY CONFERENCE\nBusan, 20 October – 7 November 2014\nDocument 79-E", "pp-14"),
        (
            "CONFÉRENCE DE PLÉNIPOTENTIAIRES\nBusan, 20 octobre – 7 novembre 2014\nDocument 79-F",
            "pp-14",
        ),
        # Without a year near the name, the header does not say which.
        ("PLENIPOTENTIARY CONFERENCE\n\n\n\nDocument 79-E\n17 October 2014", ""),
        ("Document 79-E\n17 October 2014\nOriginal: English", ""),
    ],
)
def test_a_conference_cited_below_the_header_is_not_the_documents(header, slug):
    below = "\nAgenda item 7.2\nResolution 803 (WRC-03) and Resolution 130 (Rev. PP-10) say…"
    assert parse_header(header + below).conference_slug == slug


@pytest.mark.parametrize(
    ("line", "slug"),
    [
        ("CONFÉRENCE MONDIALE DES TÉLÉCOMMUNICATIONS INTERNATIONALES (CMTI-12)", "wcit-12"),
        ("CONFERENCIA MUNDIAL DE TELECOMUNICACIONES INTERNACIONALES (CMTI-12)", "wcit-12"),
        ("CONFÉRENCE DE PLÉNIPOTENTIAIRES (PP-14)", "pp-14"),
        ("CONFÉRENCE MONDIALE DES RADIOCOMMUNICATIONS (CMR-15)", "wrc-15"),
    ],
)
def test_the_header_names_the_conference_in_french_and_spanish(line, slug):
    assert parse_header(f"{line}\nDocument 27-F").conference_slug == slug


@pytest.mark.parametrize(
    ("symbol", "base"),
    [
        ("Corrigendum 1 to\nRevision 1 to\nDocument 27-E", "Revision 1 to Document 27"),
        (
            "Corrigendum 1 to\nRevision 1 to\nDocument 79(Add.2)-E",
            "Revision 1 to Addendum 2 to Document 79",
        ),
        (
            "Corrigendum 1 to\nRevision 1 to\nAddendum 2 to\nDocument 79-E",
            "Revision 1 to Addendum 2 to Document 79",
        ),
    ],
)
def test_a_corrigendum_to_a_revision_is_a_corrigendum(symbol, base):
    header = parse_header(f"{symbol}\n20 November 2012")
    assert (header.kind, header.symbol, header.base_symbol) == (
        "corrigendum",
        f"Corrigendum 1 to {base}",
        base,
    )


@pytest.mark.parametrize(
    "cell",
    [
        "<p>17 November 2012</p><p>Original: Russian</p>",
        # Word's empty paragraph between them leaves two blanks.
        "<p>17 November 2012</p><p><o:p>&nbsp;</o:p></p><p>Original: Russian</p>",
    ],
)
def test_the_language_after_the_date_in_a_web_page_cell(cell):
    page = f"<table><tr><td>Plenary Meeting</td><td><p>Document 27-E</p>{cell}</td></tr></table>"
    assert parse_header(read(html_bytes(page)).pages[0]).language == "Russian"


def test_a_line_of_running_text_ending_in_proposals_is_not_the_title():
    page = (
        "Document 48-E\n30 November 2012\nOriginal: English\n"
        "The Secretary-General has the honour to transmit to the Conference\n"
        "the contributions received from Member States containing proposals\n"
    )
    assert parse_header(page).source_line == ""


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # Each of these took from a minute to hours when a pattern searched the rest of
        # the page again from each of its lines or blanks; linear, they take milliseconds.
        ("Revision 1 to " * 20_000, ("", "", "")),
        ("Original: a" + " " * 200_000 + "x", ("", "a" + " " * 200_000 + "x", "")),
        ("1 January 2012\nPROPOSALS\n" * 50_000, ("", "", "")),
    ],
    ids=["derived-steps", "blanks-after-original", "title-lines"],
)
def test_a_hostile_first_page_is_read_in_one_pass(page, expected):
    header = parse_header(page)
    assert (header.symbol, header.language, header.source_line) == expected


def test_the_language_is_not_read_from_running_text():
    page = (
        "Document 5-E\n17 November 2012\nUnited States of America\n"
        "PROPOSALS FOR THE WORK OF THE CONFERENCE\n\n"
        "The text (see the Original: French version) applies.\n"
    )
    assert parse_header(page).language == ""


def test_a_web_page_header_cell_running_the_date_into_the_language_is_read():
    page = (
        "<table><tr><td><p>World Conference on International Telecommunications (WCIT-12)"
        "</p></td><td><p>Revision 1 to<br>Document 27-E</p><p>17 November 2012</p>"
        "<p>Original: Russian</p></td></tr></table>"
        "<p>Russian Federation</p><p>PROPOSALS FOR THE WORK OF THE CONFERENCE</p>"
    )
    header = parse_header(read(html_bytes(page)).pages[0])
    assert (header.symbol, str(header.date), header.language) == (
        "Revision 1 to Document 27",
        "2012-11-17",
        "Russian",
    )
    assert (header.source_line, header.conference_slug) == ("Russian Federation", "wcit-12")


def test_html_nested_deeper_than_any_real_page_is_refused_before_parsing():
    limits = Limits(max_html_depth=50)
    assert read(html_bytes("<div>" * 50 + "<p>" * 500 + "MOD PRG/29/1"), limits).pages
    with pytest.raises(MalformedDocument, match="nests block elements over 50 deep"):
        read(html_bytes("<div>" * 25 + "<blockquote>" * 26 + "MOD PRG/29/1"), limits)
    # Closed blocks do not add up, nor inline elements an old page leaves open, which
    # cost the parser nothing.
    legacy = "<div><p><font face=Arial size=2><b>x</div><br><img src=a><x/>" * 1000
    assert read(html_bytes(legacy), limits).pages


def test_html_with_more_elements_than_any_real_page_is_refused_before_parsing():
    limits = Limits(max_html_elements=1000)
    # html, head, title, style, body and p: six of the page's own.
    assert read(html_bytes("<p>MOD PRG/29/1" + "<br>" * 994), limits).pages
    with pytest.raises(DocumentTooLarge, match="over 1,000 elements"):
        read(html_bytes("<p>MOD PRG/29/1" + "<br>" * 995), limits)


def docx_built(build) -> bytes:
    import io

    import docx

    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_non_breaking_hyphen_is_kept():
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def build(document):
        document.add_paragraph("ADD\tARB/79A1/9")
        heading = document.add_paragraph()
        heading._p.append(
            parse_xml(
                f"<w:r {nsdecls('w')}><w:t>DRAFT NEW RESOLUTION [ARB</w:t>"
                "<w:noBreakHyphen/><w:t>1]</w:t></w:r>"
            )
        )
        document.add_paragraph("Support and assistance for Iraq")
        document.add_paragraph("Reasons:\tAim.")

    (proposal,) = parse_text(extract(docx_built(build), "docx").pages)
    assert proposal.resolution == "[ARB-1]"


def test_a_word_page_break_before_a_proposal_puts_it_on_the_next_page():
    from docx.enum.text import WD_BREAK

    def build(document):
        document.add_paragraph("MOD\tPRG/29/1")
        document.add_paragraph("5\t1.3\tText one.")
        document.add_paragraph("Reasons:\tOne.")
        # Ctrl+Enter before "MOD", and what LibreOffice writes for a .doc's page break:
        # the break opens the paragraph that starts the next page.
        opening = document.add_paragraph()
        opening.add_run().add_break(WD_BREAK.PAGE)
        opening.add_run("MOD\tPRG/29/2")
        document.add_paragraph("6\t1.4\tText two.")
        document.add_paragraph("Reasons:\tTwo.")

    first, second = parse_text(extract(docx_built(build), "docx").pages)
    assert (first.page, second.page) == (1, 2)


# 8 -----------------------------------------------------------------------------------


def test_a_french_header_dated_the_first_of_a_month():
    header = parse_header(
        "CONFÉRENCE DE PLÉNIPOTENTIAIRES (PP-14)\nBusan, 20 octobre – 7 novembre 2014\n"
        "Addendum 1 au\nDocument 79-F\n1er octobre 2014\nOriginal: arabe\n"
    )
    assert str(header.date) == "2014-10-01"


def test_a_source_line_that_itself_says_common_proposals():
    header = parse_header(
        "WORLD RADIOCOMMUNICATION CONFERENCE (WRC-07)\nGeneva, 22 October – 16 November 2007\n"
        "Addendum 25 to\nDocument 10-E\n30 August 2007\nOriginal: English\n"
        "European Common Proposals\nPROPOSALS FOR THE WORK OF THE CONFERENCE\nPart 25\n"
    )
    assert header.source_line == "European Common Proposals"


# --- Realistic layouts: Word web pages, legacy encodings, PDF hyphens, merged cells ---


def test_a_word_web_page_line_split_into_spans_stays_one_line():
    # Word's "Save as Web Page": a tab is a span of &nbsp;, runs are spans, "Reasons"
    # may be bold without its colon. A browser shows each paragraph as one line.
    body = (
        "<p class=MsoNormal><span lang=EN-GB>MOD</span><span style='mso-tab-count:1'>"
        "&nbsp;&nbsp;&nbsp;&nbsp; </span><span lang=EN-GB>PRG/29/1</span></p>"
        "<p class=MsoNormal><span lang=EN-GB>5</span><span style='mso-tab-count:1'>&nbsp;&nbsp; "
        "</span><span lang=EN-GB>1.3</span><span style='mso-tab-count:1'>&nbsp;&nbsp; </span>"
        "<span lang=EN-GB>These <i>Regulations</i><sup>1</sup> are established.</span></p>"
        "<p class=Reasons><b><span lang=EN-GB>Reasons</span></b><span lang=EN-GB>:"
        "<span style='mso-tab-count:1'>&nbsp;&nbsp; </span>Precision.</span></p>"
    )
    (proposal,) = parse_text(read(html_bytes(body)).pages)
    assert (proposal.margin_number, proposal.provision) == ("5", "1.3")
    assert proposal.text == "These Regulations 1 are established."  # 1: a footnote marker
    assert proposal.reasons == "Precision."


def test_a_word_web_pages_comments_are_not_read_as_its_text():
    # Word's "Save as Web Page" with a comment: a mark in the text pointing to it, and
    # the comment itself in a list at the end. Neither is the document.
    body = (
        "<p class=MsoNormal>MOD PRG/29/1</p>"
        "<p class=MsoNormal>5 1.3 <a style='mso-comment-reference:JI_1;mso-comment-date:"
        "20121101T1200'>These Regulations</a> are established."
        "<span class=MsoCommentReference><span style='mso-special-character:comment'>&nbsp;"
        "<a class=msocomanchor id='_anchor_1' href='#_msocom_1' name='_msoanchor_1'>[JI1]</a>"
        "&nbsp;</span></span></p>"
        "<p class=MsoNormal><span style='mso-comment-continuation:1'>Administrations "
        "shall cooperate.</span></p>"
        "<p class=MsoNormal>Reasons: Precision.</p>"
        "<div style='mso-element:comment-list'><hr class=msocomoff align=left size=1>"
        "<div style='mso-element:comment'><div class=msocomtxt id='_com_1'>"
        "<p class=MsoCommentText><span class=MsoCommentReference><span "
        "style='mso-special-character:comment'>&nbsp;<a name='_msocom_1'></a></span></span>"
        "Jane Insider: ask Ghana first.</p></div></div></div>"
        "<p style='mso-element:para-border-div'>A bordered paragraph is text.</p>"
    )
    (page,) = read(html_bytes(body)).pages
    assert "Jane" not in page and "[JI1]" not in page
    assert "A bordered paragraph is text." in page
    (proposal,) = parse_text([page])
    # The text a comment is about stays.
    assert (proposal.text, proposal.reasons) == (
        "These Regulations are established.\n\nAdministrations shall cooperate.",
        "Precision.\n\nA bordered paragraph is text.",
    )


@pytest.mark.parametrize(
    "meta",
    ['<meta http-equiv=Content-Type content="text/html; charset=windows-1252">', ""],
    ids=["declared", "undeclared"],
)
def test_a_web_page_saved_in_windows_1252_is_read(meta):
    # Word's "Save as Web Page" writes windows-1252 by default: curly quotes, accents.
    page = (
        f"<html><head>{meta}</head><body><p class=MsoNormal>MOD&nbsp;&nbsp; PRG/29/1</p>"
        "<p class=MsoNormal>5&nbsp; 1.3&nbsp; Telecommunication \u201cnetworks\u201d, "
        "r\u00e9seaux.</p><p class=MsoNormal>Reasons:&nbsp; Precision.</p></body></html>"
    ).encode("cp1252")
    assert detect_type(page) == "html"
    (proposal,) = parse_text(read(page).pages)
    assert proposal.text == "Telecommunication \u201cnetworks\u201d, r\u00e9seaux."


def laid_out_pdf(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """A PDF with each piece of text placed where a word processor would put it: (x, y,
    text) in mm, so a tab is a gap and a wrapped line is a line of its own."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", size=11)
    for pieces in pages:
        pdf.add_page()
        for x, y, text in pieces:
            pdf.text(x, y, text)
    return bytes(pdf.output())


def test_a_hyphen_at_the_end_of_a_pdf_line_is_kept_as_a_hyphen():
    data = laid_out_pdf([[
        (20, 30, "ADD"), (45, 30, "EUR/10A25/2"),
        (20, 40, "DRAFT NEW RESOLUTION [EUR/A25-1]"),
        (20, 55, "Agenda for the 2015 world radiocommunication conference (WRC-"),
        (20, 60, "15), after consultation of the ITU-"), (20, 65, "T Sector."),
        (20, 75, "Reasons:"), (45, 75, "Agenda."),
    ]])  # fmt: skip
    text = read(data).pages[0]
    assert "\ufffe" not in text
    (proposal,) = parse_text([text])
    assert proposal.resolution == "[EUR/A25-1]"
    assert "(WRC-15)" in proposal.text and "ITU-T" in proposal.text


def test_a_compilation_cell_merged_across_rows_belongs_to_each_row():
    from proposals.services.ingestion import parse_all

    page = html_bytes(
        "<table><thead><tr><th>ITR</th><th colspan=2>Proposal</th><th>Proposed text</th>"
        "<th>Proposer(s)</th></tr></thead><tbody>"
        "<tr><td>1.3</td><td>MOD</td><td>PRG/29/1</td><td>…networks…</td><td>Paraguay</td></tr>"
        "<tr><td rowspan=2>1.4</td><td>MOD</td><td>ARB/25/1</td><td>Reference to ITU-T</td>"
        "<td>Arab States</td></tr>"
        "<tr><td>MOD</td><td>USA/9/2</td><td>Reference to Recommendations</td>"
        "<td>United States</td></tr></tbody></table>"
    )
    proposals = parse_all(read(page))
    assert [(p.number, p.provision, p.text, p.proposers_as_stated) for p in proposals] == [
        ("PRG/29/1", "1.3", "…networks…", "Paraguay"),
        ("ARB/25/1", "1.4", "Reference to ITU-T", "Arab States"),
        ("USA/9/2", "1.4", "Reference to Recommendations", "United States"),
    ]


def test_a_summary_table_does_not_replace_the_proposal_in_the_text():
    from proposals.services.ingestion import parse_all

    paragraphs = [
        "MOD\tPRG/29/1",
        "5\t1.3\tThese Regulations are established with a view to facilitating networks.",
        "Reasons:\tGreater precision.",
    ]
    summary = [["Proposal", "Provision", "Summary"], ["MOD PRG/29/1", "1.3", "networks"]]
    (proposal,) = parse_all(extract(docx_bytes(paragraphs, table=summary), "docx"))
    assert proposal.text.startswith("These Regulations are established")
    # (The reasons run on to the table's header, as they would to any text after them.)
    assert proposal.reasons.startswith("Greater precision.")
    assert not proposal.problems
    # A compilation, whose table is all there is, is read from the table.
    compilation = [["Proposal", "Provision", "Proposed text"], ["MOD PRG/29/1", "1.3", "…"]]
    (row,) = parse_all(extract(docx_bytes(["Compilation"], table=compilation), "docx"))
    assert (row.provision, row.text) == ("1.3", "…")


def test_a_word_table_cell_merged_down_belongs_to_each_row():
    from proposals.services.ingestion import parse_all

    def build(document):
        rows = [
            ["ITR", "Proposal", "Proposed text", "Proposer(s)"],
            ["1.4", "MOD ARB/25/1", "Reference to ITU-T", "Arab States"],
            ["", "MOD USA/9/2", "Reference to Recommendations", "United States"],
        ]
        grid = document.add_table(rows=3, cols=4)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value:
                    grid.cell(r, c).text = value
        grid.cell(1, 0).merge(grid.cell(2, 0))  # one "1.4" for both rows

    proposals = parse_all(extract(docx_built(build), "docx"))
    assert [(p.number, p.provision) for p in proposals] == [("ARB/25/1", "1.4"), ("USA/9/2", "1.4")]
    assert not any(p.needs_review for p in proposals)


@pytest.mark.parametrize(
    "charset", ["rot13", "base64", "utf-16", "no-such-encoding", "idna", "unicode_escape"]
)
def test_a_web_page_declaring_no_usable_charset_is_read_as_utf8(charset):
    page = (
        f"<html><head><meta charset={charset}></head><body><p>MOD\tPRG/29/1</p>"
        "<p>5\t1.3\tR\u00e9seaux.</p><p>Reasons:\tPrecision.</p></body></html>"
    ).encode()
    (proposal,) = parse_text(read(page).pages)
    assert proposal.text == "R\u00e9seaux."


def test_spans_past_any_real_table_cannot_multiply_its_size():
    cells = "".join('<td colspan="1000000" rowspan="1000000">x</td>' for _ in range(200))
    rows = "<tr><td>y</td></tr>" * 300
    extracted = read(html_bytes(f"<table><tr>{cells}</tr>{rows}</table>"))
    ((_, table),) = extracted.tables
    assert [len(row) for row in table] == [100] * 301
    assert table[0][:21] == ["x", *[""] * 19, "x"]


def test_a_web_page_declaring_the_undefined_codec_is_read_as_utf8():
    # Python's "undefined" codec refuses to decode anything with a plain UnicodeError.
    page = (
        "<html><head><meta charset=undefined></head><body><p>MOD\tPRG/29/1</p>"
        "<p>5\t1.3\tR\u00e9seaux.</p><p>Reasons:\tPrecision.</p></body></html>"
    ).encode()
    (proposal,) = parse_text(read(page).pages)
    assert proposal.text == "R\u00e9seaux."


# "²" is a digit to str.isdigit, not to int(); nor are 5,000 digits (past the 4,300 that
# int() converts).
ODD_SPANS = pytest.mark.parametrize("value", ["\u00b2", "9" * 5000], ids=["superscript", "long"])


@ODD_SPANS
def test_a_span_int_cannot_read_is_not_a_crash(value):
    page = html_bytes(
        f'<table><tr><td colspan="{value}">MOD PRG/29/1</td><td>1.3</td></tr></table>'
    )
    ((_, table),) = read(page).tables
    assert table[0][0] == "MOD PRG/29/1" and "1.3" in table[0]


@ODD_SPANS
def test_a_word_grid_span_int_cannot_read_is_not_a_crash(value):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def build(document):
        grid = document.add_table(rows=1, cols=2)
        grid.cell(0, 0).text, grid.cell(0, 1).text = "MOD PRG/29/1", "1.3"
        grid.cell(0, 0)._tc.get_or_add_tcPr().append(
            parse_xml(f'<w:gridSpan {nsdecls("w")} w:val="{value}"/>')
        )

    assert extract(docx_built(build), "docx").tables == [(1, [["MOD PRG/29/1", "1.3"]])]


def test_a_cell_merged_down_past_a_short_row_ends_where_it_ends():
    # The third cell covers rows 1 and 2; row 2 has one cell of its own. The browser
    # leaves its second column empty: the merged cell does not reach row 3.
    page = html_bytes(
        "<table><tr><td>a</td><td>b</td><td rowspan=2>c</td></tr><tr><td>d</td></tr>"
        "<tr><td>e</td><td>f</td><td>g</td></tr></table>"
    )
    assert read(page).tables == [(1, [["a", "b", "c"], ["d", "", "c"], ["e", "f", "g"]])]


# --- A third review: hostile merged cells, tags the patterns miss, EBCDIC pages ---


def test_a_large_cell_merged_over_many_html_rows_is_refused_not_multiplied():
    cell = "word " * 1000  # 5,000 characters, read again in each of 999 rows below
    page = "<table><tr><td rowspan=1000>" + cell + "</td></tr>" + "<tr>" * 999 + "</table>"
    with pytest.raises(DocumentTooLarge, match="merged table cells repeat over 1,000,000"):
        read(html_bytes(page), Limits(max_repeated_characters=1_000_000))
    # Under the limit the cell is still read in every row it covers.
    (_, rows), *_ = read(html_bytes(page), Limits(max_repeated_characters=5_000_000)).tables
    assert len(rows) == 1000 and rows[-1] == [cell.strip()]


def test_a_large_cell_merged_over_many_word_rows_is_refused_not_multiplied():
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def build(document):
        first = (
            '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>'
            f"<w:p><w:r><w:t>{'word ' * 1000}</w:t></w:r></w:p></w:tc></w:tr>"
        )
        other = "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>"
        document.element.body.insert(
            0, parse_xml(f"<w:tbl {nsdecls('w')}>{first}{other * 999}</w:tbl>")
        )

    with pytest.raises(DocumentTooLarge, match="merged table cells repeat"):
        extract(docx_built(build), "docx", Limits(max_repeated_characters=1_000_000))


def test_a_cell_a_colspan_overlaps_ends_there():
    page = (
        "<table><tr><td>a</td><td rowspan=2>b</td></tr>"
        "<tr><td colspan=2>c</td></tr><tr><td>d</td><td>e</td></tr></table>"
    )
    ((_, rows),) = read(html_bytes(page)).tables
    assert rows == [["a", "b"], ["c", ""], ["d", "e"]]


def test_blocks_the_tag_pattern_cannot_see_still_count():
    # HTML ignores "/>" on a div, which opens one; a "<" in an attribute hides a tag from
    # the pattern but not from the parser.
    with pytest.raises(DocumentTooLarge, match="over 50 block elements"):
        read(html_bytes("<div/>" * 51 + "MOD PRG/29/1"), Limits(max_html_blocks=50))
    hidden = html_bytes('<div title="<">' * 101 + "MOD PRG/29/1")
    with pytest.raises(DocumentTooLarge, match="over 100 block elements"):
        read(hidden, Limits(max_html_blocks=100))
    with pytest.raises(DocumentTooLarge, match="over 100 elements"):
        read(html_bytes('<br title="<">' * 101), Limits(max_html_elements=100))


@pytest.mark.parametrize("marker", ["<span>1</span>", '<a name="_Ref1"></a>1'])
def test_a_footnote_marker_inside_a_span_or_after_a_bookmark_is_apart_from_the_number(marker):
    page = f"<p>MOD\tPRG/29/1<sup>{marker}</sup></p><p>5\t1.3\tText.</p><p>Reasons:\tWhy.</p>"
    (proposal,) = parse_text(read(html_bytes(page)).pages)
    assert proposal.number == "PRG/29/1"


def test_empty_self_closed_blocks_that_their_cells_close_do_not_add_up_to_depth():
    rows = '<tr><td><div class="spacer"/>MOD PRG/29/1</td></tr>' * 2100
    assert read(html_bytes(f"<table>{rows}</table>")).pages


def test_refusing_a_page_of_too_many_elements_does_not_keep_them_all():
    import tracemalloc

    from proposals.ingest.extract import check_html_tags

    page = "<a>" * 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(DocumentTooLarge):
            check_html_tags(page, Limits(max_html_elements=1000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000, f"{peak / 1e6:.0f} MB to refuse a 3 MB page"


def test_a_word_page_break_turned_off_is_no_break():
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def build(document):
        document.add_paragraph("MOD\tPRG/29/1")
        paragraph = document.add_paragraph("5\t1.3\tText one.")
        # w:val="0": the paragraph turns off a break its style would make.
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:pageBreakBefore {nsdecls("w")} w:val="0"/>')
        )

    assert len(extract(docx_built(build), "docx").pages) == 1


@pytest.mark.parametrize("charset", ["cp037", "cp500", "cp1140", "cp273"])
def test_a_page_declaring_ebcdic_is_not_read_in_it_and_its_public_copy_loses_the_author(
    charset,
):
    from proposals.ingest.public_copy import public_copy

    page = (
        f'<html><head><meta charset="{charset}"><meta name="author" content="Jane Insider">'
        "</head><body><p>MOD\tPRG/29/1</p><p>5\t1.3\tText.</p><p>Reasons:\tWhy.</p>"
        "</body></html>"
    ).encode("ascii")
    assert [p.number for p in parse_text(read(page).pages)] == ["PRG/29/1"]
    assert b"Jane Insider" not in public_copy(page, "html")
