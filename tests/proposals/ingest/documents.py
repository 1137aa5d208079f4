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


def hand_made_pdf(*, count: int = 1, text: bytes = b"MOD PRG/29/1") -> bytes:
    """A one-page PDF written object by object, so that a test can damage its structure;
    `count` is how many pages its page tree claims."""
    content = b"BT /F1 12 Tf 72 700 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return pdf


def zip_member_damaged(data: bytes, name: str, *, field: int | None = None, value: int = 0):
    """`data` (a ZIP) with member `name` damaged: a byte of its compressed data flipped,
    or, with `field`, a two-byte field of its central directory entry set to `value`
    (6: the version needed, 8: the flags, 10: the compression method)."""
    import struct

    damaged = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    if field is None:
        start = (
            info.header_offset
            + 30
            + sum(struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30]))
        )
        damaged[start + info.compress_size // 2] ^= 0xFF
        return bytes(damaged)
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack("<H", data[entry + 28 : entry + 30])[0]
        if data[entry + 46 : entry + 46 + length] == name.encode():
            damaged[entry + field : entry + field + 2] = struct.pack("<H", value)
        entry = data.find(b"PK\x01\x02", entry + 1)
    return bytes(damaged)
