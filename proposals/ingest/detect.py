"""Tell what a document is from its bytes, never from its file name."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib

from .errors import DocumentTooLarge, UnsupportedDocument

PDF, DOCX, HTML, TEXT, LEGACY_DOC = "pdf", "docx", "html", "text", "doc"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # legacy Word .doc (and .xls, .ppt)
# What zipfile raises for a damaged archive or member, besides BadZipFile: a corrupt
# deflate stream, a member cut short, an encrypted member, a compression it lacks.
DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)
# A Word document has a few dozen parts; one with many pictures, a few thousand. Opening
# an archive, zipfile reads its whole directory, an object per entry: a million empty
# entries in 95 MB took more than a gigabyte before anything could refuse them.
MAX_ZIP_ENTRIES = 20_000
ZIP_DIRECTORY_ENTRY = b"PK\x01\x02"


def refuse_crowded_zip(data: bytes) -> None:
    """Refuse an archive of more entries than any document has, before opening it. (Its
    directory's entries are counted by their signature: the count can only be high.)"""
    if (entries := data.count(ZIP_DIRECTORY_ENTRY)) > MAX_ZIP_ENTRIES:
        raise DocumentTooLarge(
            f"The archive holds about {entries:,} files; a Word document holds at most "
            f"{MAX_ZIP_ENTRIES:,}: refused as a likely zip bomb."
        )


def detect_type(data: bytes) -> str:
    if not data.strip():
        raise UnsupportedDocument("The file is empty.")
    if data.lstrip()[:5] == b"%PDF-":
        return PDF
    if data[:4] == b"PK\x03\x04":
        refuse_crowded_zip(data)
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except DAMAGED_ZIP:
            raise UnsupportedDocument("A damaged ZIP archive, not a Word document.") from None
        if "word/document.xml" in names:
            return DOCX
        raise UnsupportedDocument("A ZIP archive that is not a Word (.docx) document.")
    if data[:8] == OLE_MAGIC:
        return LEGACY_DOC
    if data[:2] == b"MZ" or data[:4] == b"\x7fELF":
        raise UnsupportedDocument("An executable program, not a document.")
    try:
        text = decode_text(data[:65536], final=False)
    except UnicodeDecodeError:
        # A web page in a legacy encoding (Word's "Save as Web Page" writes windows-1252).
        head = data[:65536].decode("latin-1")
        if looks_like_html(head) and "\x00" not in head:
            return HTML
        raise UnsupportedDocument("Binary data of an unknown kind.") from None
    if "\x00" in text:
        raise UnsupportedDocument("Binary data of an unknown kind.")
    if looks_like_html(text):
        return HTML
    return TEXT


# An element only a web page has. Looked for anywhere in the first 64 KB, not only at the
# start: an XHTML page opens with an XML declaration, a page a browser saved with a
# comment ("<!-- saved from url=… -->"), a Word page with kilobytes of styles. A page
# read as plain text would be published as it is, its author's <meta> included.
HTML_ELEMENT = re.compile(r"<(?:html|head|body|meta)[\s>/]", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:14].lower() == "<!doctype html" or bool(
        HTML_ELEMENT.search(text, 0, 65536)
    )


META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


# Markup that an encoding a browser takes from a <meta> reads as ASCII does.
MARKUP = b'<meta name="author" content=x charset=utf-8>'

# Python codecs that decode bytes to text but that no browser reads a page in.
NOT_WEB_ENCODINGS = {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7"}


def html_encoding(data: bytes) -> str:
    """A web page's encoding: a byte-order mark's; else the one its <meta> declares;
    else UTF-8 when it reads as UTF-8, else windows-1252, as browsers assume. Latin-1
    and ASCII declared mean windows-1252 to a browser (curly quotes in 0x80-0x9F)."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or data[:3] == codecs.BOM_UTF8:
        return text_encoding(data)
    if declared := META_CHARSET.search(data[:4096]):
        try:
            name = codecs.lookup(declared[1].decode("ascii")).name
            # A text encoding, not a transform such as rot13 or base64 (LookupError),
            # and one that reads the markup that declared it as it is, as every encoding
            # a browser takes from a <meta> does: not UTF-16 or UTF-32 (which cannot
            # decode one byte) nor EBCDIC (in which a leaked page's author would hide
            # from the patterns that take metadata out of the public copy).
            if MARKUP.decode(name) != MARKUP.decode("ascii"):
                name = ""
        # UnicodeError: the "undefined" codec refuses everything, not as a decode error.
        except (LookupError, UnicodeError):
            name = ""
        if name in NOT_WEB_ENCODINGS:
            name = ""
        if name in ("iso8859-1", "ascii"):
            return "cp1252"
        if name:
            return name
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_html(data: bytes) -> str:
    return data.decode(html_encoding(data))


def text_encoding(data: bytes) -> str:
    """UTF-16 when a byte-order mark says so, else UTF-8 (with or without its mark)."""
    return "utf-16" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"


def decode_text(data: bytes, *, final: bool = True) -> str:
    """The text in its encoding (text_encoding). With final=False a character cut off at
    the end of `data` is not an error."""
    return codecs.getincrementaldecoder(text_encoding(data))().decode(data, final=final)
