"""Get the text out of a document, page by page, within limits.

PDF through pypdfium2, Word through python-docx (tables included, kept apart so that
compilations can be read row by row), HTML through selectolax, and plain text. A legacy
.doc is converted with LibreOffice when it is installed.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded

from .detect import DAMAGED_ZIP, DOCX, HTML, LEGACY_DOC, PDF, TEXT, decode_text
from .errors import DocumentTooLarge, MalformedDocument, NeedsOCR, UnsupportedDocument

Table = list[list[str]]


@dataclass(frozen=True)
class Limits:
    """Defaults are generous for real conference documents and stop hostile ones."""

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: int = 100
    conversion_seconds: int = 120
    # Block elements open inside one another in an HTML page. Real pages nest a few dozen
    # deep; the HTML parser's time grows with the square of the depth, in C code that a
    # time limit cannot interrupt (20,000 deep: a second; a million: most of an hour).
    max_html_depth: int = 2000


@dataclass
class Extracted:
    pages: list[str]
    tables: list[tuple[int, Table]] = field(default_factory=list)  # (page, rows)


def extract(data: bytes, kind: str, limits: Limits = Limits()) -> Extracted:
    extracted = extract_raw(data, kind, limits)
    # PostgreSQL cannot store NUL in text; it carries no meaning in a document.
    extracted.pages = [page.replace("\x00", "") for page in extracted.pages]
    return extracted


def extract_raw(data: bytes, kind: str, limits: Limits) -> Extracted:
    if len(data) > limits.max_bytes:
        size, limit = len(data) / 2**20, limits.max_bytes / 2**20
        raise DocumentTooLarge(f"The file is {size:.1f} MB; the limit is {limit:.0f} MB.")
    if kind == PDF:
        return extract_pdf(data, limits)
    if kind == DOCX:
        return extract_docx(data, limits)
    if kind == HTML:
        return extract_html(data, limits)
    if kind == TEXT:
        text = readable_text(data)
        if text.count("\f") >= limits.max_pages:
            raise DocumentTooLarge(f"The text has over {limits.max_pages} pages.")
        return Extracted(pages=text.split("\f"))
    if kind == LEGACY_DOC:
        return extract_docx(convert_legacy_doc(data, limits), limits)
    raise UnsupportedDocument(f"No extractor for {kind!r}.")


def readable_text(data: bytes) -> str:
    """The text, or a clear refusal: detection reads only the start of a file, so the
    rest can still be in another encoding or binary."""
    try:
        return decode_text(data)
    except UnicodeDecodeError as error:
        raise MalformedDocument(
            f"Not valid {error.encoding.upper()} text: an undecodable byte at position "
            f"{error.start}. Save it as UTF-8 and send it again."
        ) from None


def extract_pdf(data: bytes, limits: Limits) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise MalformedDocument(
                "The PDF is encrypted with a password; ask for an unprotected copy."
            ) from None
        raise MalformedDocument(f"The PDF cannot be read ({error}); it may be truncated.") from None
    try:
        if len(pdf) > limits.max_pages:
            raise DocumentTooLarge(
                f"The PDF has {len(pdf)} pages; the limit is {limits.max_pages}."
            )
        pages = []
        for index in range(len(pdf)):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
            except pdfium.PdfiumError as error:
                raise MalformedDocument(
                    f"Page {index + 1} of the PDF cannot be read ({error}); it may be damaged."
                ) from None
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if not any(page.strip() for page in pages):
        raise NeedsOCR(f"The PDF's {len(pages)} page(s) have no text layer: it needs OCR.")
    return Extracted(pages=pages)


def check_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Refuse a ZIP that would unpack to far more than it weighs (a zip bomb), before
    anything unpacks it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except DAMAGED_ZIP:
        raise MalformedDocument("The Word document is not a valid ZIP archive.") from None
    total = 0
    for member in archive.infolist():
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > limits.max_compression_ratio:
            raise DocumentTooLarge(
                f"{member.filename} would unpack {ratio:.0f} times larger than it is stored: "
                "refused as a likely zip bomb."
            )
    if total > limits.max_unzipped_bytes:
        raise DocumentTooLarge(
            f"The Word document would unpack to {total / 2**20:.0f} MB; the limit is "
            f"{limits.max_unzipped_bytes / 2**20:.0f} MB."
        )
    return archive


DECLARATION_MARKERS = [
    word.encode(encoding)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
]


def check_no_entities(archive: zipfile.ZipFile) -> None:
    """Word's XML never declares a DTD or entities; a part that does is refused, which
    rules out entity-expansion (billion laughs) and external-entity attacks."""
    for member in archive.infolist():
        if member.filename.endswith((".xml", ".rels")):
            # Whole parts (check_zip has bounded their size), in the encodings XML allows.
            try:
                text = archive.read(member)
            except DAMAGED_ZIP as error:
                raise MalformedDocument(
                    f"The Word document is damaged: {member.filename} cannot be read ({error})."
                ) from None
            if any(marker in text for marker in DECLARATION_MARKERS):
                raise MalformedDocument(
                    f"{member.filename} declares XML entities, which Word never writes: refused."
                )


def extract_docx(data: bytes, limits: Limits) -> Extracted:
    import docx
    from docx.oxml.ns import qn

    check_no_entities(check_zip(data, limits))
    try:
        document = docx.Document(io.BytesIO(data))
    except SoftTimeLimitExceeded:
        raise  # the document is slow, not broken: the pipeline says so
    except Exception as error:  # python-docx raises many kinds for a broken package
        raise MalformedDocument(f"The Word document cannot be read ({error}).") from None

    pages: list[list[str]] = [[]]
    tables: list[tuple[int, Table]] = []
    for block in own_children(document.element.body, qn("w:p"), qn("w:tbl")):
        if block.tag == qn("w:p"):
            # A page break may open the paragraph (Ctrl+Enter before its text, and what
            # LibreOffice writes for a .doc) or be its paragraph property.
            if block.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None and any(
                line.strip() for line in pages[-1]
            ):
                pages.append([])
            first, *after_breaks = paragraph_text(block, page_breaks=True).split("\f")
            pages[-1].append(first)
            for part in after_breaks:
                pages.append([part] if part else [])
        elif block.tag == qn("w:tbl"):
            # The table's own rows and cells: a table inside a cell is part of its text.
            rows = [
                [
                    "\n".join(
                        paragraph_text(paragraph) for paragraph in cell.iter(qn("w:p"))
                    ).strip()
                    for cell in own_children(row, qn("w:tc"))
                ]
                for row in own_children(block, qn("w:tr"))
            ]
            tables.append((len(pages), rows))
            pages[-1].extend(" | ".join(cells) for cells in rows)
        if len(pages) > limits.max_pages:
            raise DocumentTooLarge(f"The document has over {limits.max_pages} pages.")
    return Extracted(pages=["\n".join(lines) for lines in pages], tables=tables)


def paragraph_text(paragraph, page_breaks: bool = False) -> str:
    """A Word paragraph's text, with its tabs ("MOD<tab>PRG/29/1") and its line breaks
    (Shift+Enter, which wraps a number onto a second line): they separate what they sit
    between, and dropping them would glue the words together."""
    from docx.oxml.ns import qn

    # A non-breaking hyphen ("[ARB-1]", "WRC-15") is an element of its own in Word.
    separators = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
    page_break = qn("w:br"), "page"

    def piece(node) -> str:
        if page_breaks and (node.tag, node.get(qn("w:type"))) == page_break:
            return "\f"
        return separators.get(node.tag) or node.text or ""

    return "".join(
        piece(node)
        for node in paragraph.iter(
            qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
        )
    )


def own_children(element, *tags: str):
    """The children of `element` with one of `tags`, in order, also those wrapped in a
    content control (w:sdt, which templates use) or in custom XML, but not those of a
    table nested inside it: the body's paragraphs and tables, a table's rows, a row's
    cells."""
    from docx.oxml.ns import qn

    for child in element.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag == qn("w:sdt"):
            for content in child.iterchildren(qn("w:sdtContent")):
                yield from own_children(content, *tags)
        elif child.tag == qn("w:customXml"):
            yield from own_children(child, *tags)


def extract_html(data: bytes, limits: Limits) -> Extracted:
    from selectolax.lexbor import LexborHTMLParser

    text = readable_text(data)
    if html_depth_over(text, limits.max_html_depth):
        raise MalformedDocument(
            f"The HTML nests block elements over {limits.max_html_depth} deep, which no "
            "real page does: refused."
        )
    tree = LexborHTMLParser(text)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    tables = []
    # Outermost tables only, with their own rows and cells: a table inside a cell is part
    # of the cell's text (reading it again as rows of its own would repeat them).
    for table in [t for t in tree.css("table") if closest(t, "table") is None]:
        rows = [
            [
                cell.text(separator=" ", strip=True)
                for cell in row.css("td, th")
                if closest(cell, "tr") == row
            ]
            for row in table.css("tr")
            if closest(row, "table") == table
        ]
        tables.append((1, rows))
        # In the page text a row is one line, as for Word tables, so the running-text
        # parser does not read a row's cells as proposals of their own.
        table.replace_with("\n" + "\n".join(" | ".join(cells) for cells in rows) + "\n")
    body = tree.body or tree.root
    text = body.text(separator="\n", strip=False) if body is not None else ""
    return Extracted(pages=[re.sub(r"\n[ \t]*\n[\s]*", "\n\n", text)], tables=tables)


TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)[^<>]*?(/?)>")
# The elements whose depth costs the parser time: each block that opens checks the open
# elements for a paragraph to close. Inline ones (font, span, b, a), which old pages often
# leave open, cost nothing and are not counted.
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir",
    "div", "dl", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup",
    "h1", "h2", "h3", "h4", "h5", "h6", "listing", "main", "menu", "nav", "ol", "pre",
    "section", "summary", "ul",
})  # fmt: skip


def html_depth_over(text: str, limit: int) -> bool:
    """Whether block elements open inside one another deeper than `limit`, counted from
    the tags alone (cheap, and before the parser sees the page)."""
    depth = 0
    for closing, name, self_closing in TAG.findall(text):
        if self_closing or name.lower() not in BLOCKS:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


def closest(node, tag: str):
    """The nearest ancestor of `node` that is a `tag`, or None."""
    parent = node.parent
    while parent is not None and parent.tag != tag:
        parent = parent.parent
    return parent


def convert_legacy_doc(data: bytes, limits: Limits) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnsupportedDocument(
            "A legacy Word (.doc) file: unsupported here; install LibreOffice to read it."
        )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.doc"
        source.write_bytes(data)
        try:
            subprocess.run(
                [soffice, "--headless", "--convert-to", "docx", "--outdir", folder, str(source)],
                check=True,
                capture_output=True,
                timeout=limits.conversion_seconds,
                env={"HOME": folder, "PATH": "/usr/bin:/bin"},
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise MalformedDocument(
                f"LibreOffice could not convert the .doc file ({error})."
            ) from None
        converted = Path(folder) / "document.docx"
        if not converted.exists():
            raise MalformedDocument("LibreOffice could not convert the .doc file.")
        return converted.read_bytes()
