"""Test documents built on the fly from the real numbers and excerpts in the demo data.

Each builder returns bytes, the way a document arrives at the tracker."""

from __future__ import annotations

import io
import zipfile

RUSSIA_REV1 = [
    ("Revision 1 to", None),
    ("Document 27-E", None),
    ("17 November 2012", None),
    ("Original: Russian", None),
    ("Russian Federation", None),
    ("PROPOSALS FOR THE WORK OF THE CONFERENCE", None),
    ("ADD\tRUS/27/7", None),
    ("ARTICLE 3A", None),
    ("Internet", None),
    (
        "31A\t3A.1\tInternet governance shall be effected through the development and "
        "application by governments, the private sector and civil society of shared "
        "principles, norms, rules, decision-making procedures and programmes.",
        None,
    ),
    ("Reasons:\t§ 34 of the Tunis Agenda for the Information Society.", None),
]


def docx_bytes(paragraphs: list[str], *, table: list[list[str]] | None = None, page_break_after=()):
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for index, text in enumerate(paragraphs):
        paragraph = document.add_paragraph(text)
        if index in page_break_after:
            paragraph.add_run().add_break(WD_BREAK.PAGE)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(pages: list[list[str]], *, password: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            text = line.replace("\t", "    ").replace("§", "S.").replace("…", "...")
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    return bytes(pdf.output())


def image_only_pdf_bytes() -> bytes:
    """A scan: a page with drawing on it and no text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    return bytes(pdf.output())


def html_bytes(body: str) -> bytes:
    head = "<head><title>x</title><style>p {color: red}</style></head>"
    return f"<!DOCTYPE html><html>{head}<body>{body}</body></html>".encode()


def zip_bomb_docx(unpacked_mb: int = 50) -> bytes:
    """A valid-looking .docx whose one part unpacks to `unpacked_mb` of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/padding.bin", "w") as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                part.write(chunk)
    return out.getvalue()


def xml_bomb_docx() -> bytes:
    """A .docx whose document.xml declares nested entities (billion laughs)."""
    good = docx_bytes(["Harmless"])
    source = zipfile.ZipFile(io.BytesIO(good))
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [' + "".join(entities) + "]>"
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = bomb.encode() if item.filename == "word/document.xml" else source.read(item)
            archive.writestr(item, data)
    return out.getvalue()


def in_content_control(data: bytes, *, from_paragraph: int) -> bytes:
    """The .docx with its paragraphs from `from_paragraph` on wrapped in a content control
    (w:sdt), as Word templates and building blocks wrap text."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    document = docx.Document(io.BytesIO(data))
    paragraphs = list(document.element.body.iterchildren(qn("w:p")))[from_paragraph:]
    control = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    paragraphs[0].addprevious(control)
    content = control.find(qn("w:sdtContent"))
    for paragraph in paragraphs:
        content.append(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
