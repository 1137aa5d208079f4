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
from itertools import islice
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded

from .detect import (
    DAMAGED_ZIP,
    DOCX,
    HTML,
    LEGACY_DOC,
    PDF,
    TEXT,
    decode_html,
    decode_text,
    refuse_crowded_zip,
)
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
    # Elements in an HTML page. A 200-page contribution saved from Word has under 100,000;
    # the parser's memory grows with them (a million empty <br> take over half a gigabyte),
    # and a 100 MB page of nothing else would hold tens of millions.
    max_html_elements: int = 500_000
    # Block elements in an HTML page, however they nest: a bound on the depth that holds
    # even where the tags cannot be told apart from their attributes (50,000 deep: about
    # four seconds of the parser's time). A Word page has a few dozen.
    max_html_blocks: int = 50_000
    # Characters that merged cells add by being read again in each row they cover: a
    # large cell merged over many rows would otherwise turn a small file into gigabytes.
    max_repeated_characters: int = 20_000_000


@dataclass
class Extracted:
    pages: list[str]
    tables: list[tuple[int, Table]] = field(default_factory=list)  # (page, rows)
    # PDF pages that are a picture with next to no text (a scan with a stamped page
    # number or file path): their proposals are in the picture.
    scanned_pages: list[int] = field(default_factory=list)


# Fewer words than this on a page with an image: a running head, a page number, a
# file path stamped on a scan, not a page of text.
SCANNED_PAGE_WORDS = 20


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


def readable_text(data: bytes, decode=decode_text) -> str:
    """The text, or a clear refusal: detection reads only the start of a file, so the
    rest can still be in another encoding or binary."""
    try:
        return decode(data)
    except UnicodeDecodeError as error:
        raise MalformedDocument(
            f"Not valid {error.encoding.upper()} text: an undecodable byte at position "
            f"{error.start}. Save it as UTF-8 and send it again."
        ) from None


def extract_pdf(data: bytes, limits: Limits) -> Extracted:
    import pypdfium2 as pdfium
    from pypdfium2.raw import FPDF_PAGEOBJ_IMAGE

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
        pages, scanned = [], []
        for index in range(len(pdf)):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
            except pdfium.PdfiumError as error:
                raise MalformedDocument(
                    f"Page {index + 1} of the PDF cannot be read ({error}); it may be damaged."
                ) from None
            # PDFium reads a hyphen ending a line as a word broken there, joins the
            # lines and leaves U+FFFE (not a character) for it: "WRC-15", "ITU-T",
            # "[ARB-1]" are what ITU texts break at a hyphen, so it stays a hyphen.
            pages.append(textpage.get_text_range().replace("\ufffe", "-"))
            if len(pages[-1].split()) < SCANNED_PAGE_WORDS and any(
                page.get_objects(filter=[FPDF_PAGEOBJ_IMAGE], max_depth=2)
            ):
                scanned.append(index + 1)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if not any(page.strip() for page in pages):
        raise NeedsOCR(f"The PDF's {len(pages)} page(s) have no text layer: it needs OCR.")
    return Extracted(pages=pages, scanned_pages=scanned)


def check_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Refuse a ZIP that would unpack to far more than it weighs (a zip bomb), before
    anything unpacks it."""
    refuse_crowded_zip(data)
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
    repeats = Repeats(limits)
    for block in own_children(document.element.body, qn("w:p"), qn("w:tbl")):
        if block.tag == qn("w:p"):
            # A page break may open the paragraph (Ctrl+Enter before its text, and what
            # LibreOffice writes for a .doc) or be its paragraph property.
            page_break = block.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}")
            # w:val="0" turns off a break the paragraph's style would make.
            if (
                page_break is not None
                and page_break.get(qn("w:val"), "1") not in WORD_FALSE
                and any(line.strip() for line in pages[-1])
            ):
                pages.append([])
            first, *after_breaks = paragraph_text(block, page_breaks=True).split("\f")
            pages[-1].append(first)
            for part in after_breaks:
                pages.append([part] if part else [])
        elif block.tag == qn("w:tbl"):
            # The table's own rows and cells: a table inside a cell is part of its text.
            rows = word_rows(block, repeats)
            tables.append((len(pages), rows))
            pages[-1].extend(" | ".join(cells) for cells in rows)
        if len(pages) > limits.max_pages:
            raise DocumentTooLarge(f"The document has over {limits.max_pages} pages.")
    return Extracted(pages=["\n".join(lines) for lines in pages], tables=tables)


WORD_FALSE = frozenset({"0", "false", "off"})


class Repeats:
    """What a document's merged cells have added to its text so far, within
    Limits.max_repeated_characters."""

    def __init__(self, limits: Limits):
        self.most = self.left = limits.max_repeated_characters

    def add(self, text: str) -> str:
        self.left -= len(text)
        if self.left < 0:
            raise DocumentTooLarge(
                "The document's merged table cells repeat over "
                f"{self.most:,} characters across the rows they "
                "cover, which no real document does: refused."
            )
        return text


def word_rows(table, repeats: Repeats) -> Table:
    """A Word table's rows. A cell merged down over the rows below (a provision shared
    by two proposals) is read in each of them, as it reads: Word leaves the cells it
    covers empty, marked as continuing it."""
    from docx.oxml.ns import qn

    rows: Table = []
    above: dict[int, str] = {}  # the text in each grid column of the row above
    for row in own_children(table, qn("w:tr")):
        cells, column = [], 0
        for cell in own_children(row, qn("w:tc")):
            properties = cell.find(qn("w:tcPr"))
            merge = properties.find(qn("w:vMerge")) if properties is not None else None
            grid_span = properties.find(qn("w:gridSpan")) if properties is not None else None
            spanned = grid_span.get(qn("w:val"), "") if grid_span is not None else ""
            width = stated_count(spanned) or 1
            if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                text = repeats.add(above.get(column, ""))
            else:
                text = "\n".join(
                    paragraph_text(paragraph) for paragraph in cell.iter(qn("w:p"))
                ).strip()
            cells.append(text)
            above[column] = text
            column += max(width, 1)
        rows.append(cells)
    return rows


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

    text = readable_text(data, decode_html)
    check_html_tags(text, limits)
    tree = LexborHTMLParser(text)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    # Last first: a comment's marks lie inside its block, which goes after them.
    for node in reversed(tree.css(WORD_COMMENT_SELECTOR)):
        attributes = node.attributes
        if WORD_COMMENT_PART.search(f"{attributes.get('style')} {attributes.get('class')}"):
            node.decompose()
    tables = []
    repeats = Repeats(limits)
    # Outermost tables only, with their own rows and cells: a table inside a cell is part
    # of the cell's text (reading it again as rows of its own would repeat them).
    for table in [t for t in tree.css("table") if closest(t, "table") is None]:
        rows = spans_filled(
            [
                [
                    (
                        cell.text(separator=" ", strip=True),
                        span(cell, "rowspan"),
                        span(cell, "colspan"),
                    )
                    for cell in row.css("td, th")
                    if closest(cell, "tr") == row
                ]
                for row in table.css("tr")
                if closest(row, "table") == table
            ],
            repeats,
        )
        tables.append((1, rows))
        # In the page text a row is one line, as for Word tables, so the running-text
        # parser does not read a row's cells as proposals of their own.
        table.replace_with("\n" + "\n".join(" | ".join(cells) for cells in rows) + "\n")
    # A line break around each block and at each <br>, none between inline elements: a
    # Word page splits one line into many spans ("5<span> </span>1.3", "<b>Reasons</b>:").
    for node in tree.css(LINE_BREAKING):
        node.insert_before("\n")
        node.insert_after("\n")
    # A footnote marker is not part of the number before it ("RUS/27/7<sup>1</sup>").
    for node in tree.css("sup, sub"):
        if opening_text(node)[:1].isdigit():
            node.insert_before(" ")
    body = tree.body or tree.root
    text = body.text(separator="", strip=False) if body is not None else ""
    return Extracted(pages=[re.sub(r"\n[ \t]*\n[\s]*", "\n\n", text)], tables=tables)


# Word's comments are notes between those who had the file, not the document: their text
# (in a list at the end of a web page) and the marks in the text that point to them
# ("[JI1]") are left out. Not the text a comment is about, which Word wraps in elements
# styled mso-comment-reference or mso-comment-continuation. The selector finds the
# candidates; the pattern decides.
WORD_COMMENT_SELECTOR = (
    "[style*=mso-element], [style*=mso-special-character], [class*=msocom], [class*=MsoComment]"
)
WORD_COMMENT_PART = re.compile(
    r"mso-(?:element|special-character):\s*comment|\bmsocom|\bMsoComment", re.IGNORECASE
)


def opening_text(node) -> str:
    """The first text in a node, looked for among its first few descendants (a marker's
    <span>, an empty bookmark <a> before it): its whole text would cost the square of
    the depth on nested markers."""
    for descendant in islice(node.traverse(include_text=True), 12):
        if descendant.tag == "-text" and (text := (descendant.text_content or "").strip()):
            return text
    return ""


# The most rows or columns a cell is read as covering. A compilation has a handful of
# columns; a hostile page's colspan="1000" on every cell would otherwise multiply its size.
MOST_ROWS_SPANNED, MOST_COLUMNS_SPANNED = 1000, 20
MOST_COLUMNS = 100


def stated_count(value: str) -> int:
    """A count an attribute states, or 0: decimal digits only (str.isdigit takes "²",
    which int() refuses), and past a billion a billion (int() refuses over 4,300 digits)."""
    value = value.strip()
    if not value.isdecimal():
        return 0
    return int(value) if len(value) <= 9 else 10**9


def span(cell, name: str) -> int:
    """A cell's rowspan or colspan: 1 unless it states a sensible one."""
    most = MOST_ROWS_SPANNED if name == "rowspan" else MOST_COLUMNS_SPANNED
    return min(stated_count(cell.attributes.get(name) or ""), most) or 1


def spans_filled(rows: list[list[tuple[str, int, int]]], repeats: Repeats) -> Table:
    """The rows with the columns the header has: a cell merged across rows is read in
    each of them (a provision spanning the rows of two proposals is the provision of
    both); one merged across columns fills the others with empty cells. At most
    MOST_COLUMNS a row, so that spans cannot multiply a hostile table's size."""
    filled: Table = []
    below: dict[int, tuple[str, int]] = {}  # column: (text, rows still to cover)
    for cells in rows:
        row: list[str] = []
        pending = iter(cells)
        while len(row) < MOST_COLUMNS:
            if len(row) in below:
                text, left = below.pop(len(row))
                if left > 1:
                    below[len(row)] = (text, left - 1)
                row.append(repeats.add(text))
                continue
            cell = next(pending, None)
            if cell is None:
                break
            text, rowspan, colspan = cell
            for part in [text, *[""] * (colspan - 1)][: MOST_COLUMNS - len(row)]:
                below.pop(len(row), None)  # a cell spanning into it ends there, as in browsers
                if rowspan > 1:
                    below[len(row)] = (part, rowspan - 1)
                row.append(part)
        # Past the row's own cells, the cells merged down from above keep their columns.
        for column in sorted(column for column in below if column >= len(row)):
            text, left = below.pop(column)
            if left > 1:
                below[column] = (text, left - 1)
            row.extend([""] * (column - len(row)))
            row.append(repeats.add(text))
        filled.append(row)
    return filled


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


# Every place an element could start; "</p>" and "</br>" with nothing to close make one.
ELEMENT_OPENING = re.compile(r"<[A-Za-z]|</(?:p|br)[\s/>]", re.IGNORECASE)
BLOCK_OPENING = re.compile(rf"<(?:{'|'.join(sorted(BLOCKS))})[\s/>]", re.IGNORECASE)


# The elements a browser shows on lines of their own (and <br>).
LINE_BREAKING = ", ".join(sorted(BLOCKS | {
    "p", "li", "dt", "dd", "br", "hr", "table", "caption", "tr", "td", "th", "title", "option",
    "legend",
}))  # fmt: skip


def check_html_tags(text: str, limits: Limits) -> None:
    """Refuse a page with more elements, or block elements nested deeper, than any real
    page has, counted from the tags alone (cheap, and before the parser sees the page).

    The tags are told apart by a pattern, which a "<" in an attribute or a tag in a
    comment can mislead; so the counts of elements and of blocks are also taken
    from every "<" that could open one, which nothing hides."""
    if at_least(limits.max_html_elements + 1, ELEMENT_OPENING.finditer(text)):
        raise DocumentTooLarge(
            f"The HTML has over {limits.max_html_elements:,} elements, which no real "
            "page has: refused."
        )
    if at_least(limits.max_html_blocks + 1, BLOCK_OPENING.finditer(text)):
        raise DocumentTooLarge(
            f"The HTML has over {limits.max_html_blocks:,} block elements, which no real "
            "page has: refused."
        )
    depth = 0
    for tag in TAG.finditer(text):
        closing, name, self_closing = tag.groups()
        # "<div/>" opens a div in HTML, but one that the end of its cell or section
        # closes as well, which this count cannot follow: the count of blocks bounds it.
        if self_closing or name.lower() not in BLOCKS:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > limits.max_html_depth:
                raise MalformedDocument(
                    f"The HTML nests block elements over {limits.max_html_depth} deep, which "
                    "no real page does: refused."
                )


def at_least(count: int, matches) -> bool:
    """Whether there are `count` matches, found without keeping them all."""
    return sum(1 for _ in islice(matches, count)) == count


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
