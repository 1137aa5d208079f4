"""Tell what a document is from its bytes, never from its file name."""

from __future__ import annotations

import codecs
import io
import zipfile
import zlib

from .errors import UnsupportedDocument

PDF, DOCX, HTML, TEXT, LEGACY_DOC = "pdf", "docx", "html", "text", "doc"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # legacy Word .doc (and .xls, .ppt)
# What zipfile raises for a damaged archive or member, besides BadZipFile: a corrupt
# deflate stream, a member cut short, an encrypted member, a compression it lacks.
DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


def detect_type(data: bytes) -> str:
    if not data.strip():
        raise UnsupportedDocument("The file is empty.")
    if data.lstrip()[:5] == b"%PDF-":
        return PDF
    if data[:4] == b"PK\x03\x04":
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
        raise UnsupportedDocument("Binary data of an unknown kind.") from None
    if "\x00" in text:
        raise UnsupportedDocument("Binary data of an unknown kind.")
    head = text.lstrip("\ufeff \t\r\n")[:1024].lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head:
        return HTML
    return TEXT


def text_encoding(data: bytes) -> str:
    """UTF-16 when a byte-order mark says so, else UTF-8 (with or without its mark)."""
    return "utf-16" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"


def decode_text(data: bytes, *, final: bool = True) -> str:
    """The text in its encoding (text_encoding). With final=False a character cut off at
    the end of `data` is not an error."""
    return codecs.getincrementaldecoder(text_encoding(data))().decode(data, final=final)
