"""A copy of a leaked document that is safe to publish: the same content without what
could identify who had it: metadata (author, creator, company, editing tool), notes
between those who had it, files attached to it, paths on their disks, and identifiers
the copy would share with the original.

The original is kept for curators; the text is always extracted from the original.
"""

from __future__ import annotations

from ..detect import DAMAGED_ZIP, DOCX, HTML, PDF, TEXT
from .docx import docx_without_metadata
from .html import html_without_metadata
from .pdf import pdf_without_metadata


def public_copy(data: bytes, kind: str) -> bytes | None:
    """The copy to publish, or None when no copy can be made that is known to be clean:
    then the public gets the proposals but no file. Failing closed matters more here
    than offering a download."""
    if kind == PDF:
        import pikepdf

        try:
            return pdf_without_metadata(data)
        except pikepdf.PdfError:  # text can be read where the structure is damaged
            return None
    if kind == DOCX:
        try:
            return docx_without_metadata(data)
        except DAMAGED_ZIP:
            return None
    if kind == HTML:
        return html_without_metadata(data)
    if kind == TEXT:
        return data  # plain text has no metadata: its content is all there is
    # A legacy .doc keeps its author and company in OLE property streams, which nothing
    # here rewrites.
    return None
