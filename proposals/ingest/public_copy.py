"""A copy of a leaked document that is safe to publish: the same content without the
metadata that could identify who had it (author, creator, company, editing tool).

The original is kept for curators; the text is always extracted from the original.
"""

from __future__ import annotations

import io
import re
import zipfile

from .detect import DAMAGED_ZIP, DOCX, HTML, PDF, TEXT, html_encoding

EMPTY_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
)
EMPTY_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    'properties"/>'
)
PERSON_ATTRIBUTES = re.compile(rb'\b(w(?:1[45])?:(?:author|initials|userId|providerId))="[^"]*"')
# A Word comment's text: notes between those who had the file ("Jane: ask Ghana first")
# are not the document. Each comment stays, empty, so that the text still opens.
WORD_COMMENT = re.compile(rb"(<w:comment\b[^>]*?)(?:/>|>.*?</w:comment>)", re.DOTALL)
# Word's "Save as Web Page" keeps the document's properties (author, company) in XML
# inside conditional comments, a tracked change's author in cite="mailto:…", and a
# formatting change's author in a style ('mso-prop-change:"Jane Insider" 20121102T1000').
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
XML_ISLAND = re.compile(r"<xml\b.*?</xml\s*>", re.IGNORECASE | re.DOTALL)
CHANGE_ATTRIBUTES = re.compile(r"""\s(?:cite|datetime)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)
WORD_STYLE = re.compile(
    r"""mso-[\w-]+\s*:(?:"[^"]*"|'[^']*'|&quot;.*?&quot;|[^;"'}>])*;?""", re.IGNORECASE
)
# Word's comments: their authors, and their text, are part of the page, which nothing
# here can take apart reliably.
WORD_COMMENTS = re.compile(r"mso-(?:comment-|element:\s*comment)", re.IGNORECASE)
IDENTIFYING_META = re.compile(
    r"<meta\b[^>]*\bname\s*=\s*[\"']?(?:author|creator|generator|publisher|owner|"
    r"copyright|company|last-modified-by)[^>]*>",
    re.IGNORECASE,
)


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


def html_without_metadata(data: bytes) -> bytes | None:
    # Decoded first: in UTF-16 the tags are not the bytes the patterns look for. The copy
    # keeps the original's encoding, which its own <meta charset> may state.
    encoding = html_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if WORD_COMMENTS.search(text):
        return None
    for pattern in (HTML_COMMENT, XML_ISLAND, CHANGE_ATTRIBUTES, WORD_STYLE, IDENTIFYING_META):
        text = pattern.sub("", text)
    return text.encode(encoding)


def pdf_without_metadata(data: bytes) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                for key in ("/T", "/RC", "/Popup"):  # author, rich text, its pop-up
                    if key in annotation:
                        del annotation[key]
        out = io.BytesIO()
        # static_id: a fixed file identifier instead of one that could match the original.
        pdf.save(out, fix_metadata_version=False, static_id=True)
    return out.getvalue()


def docx_without_metadata(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            if item.filename == "docProps/core.xml":
                copy.writestr(item, EMPTY_CORE)
            elif item.filename == "docProps/app.xml":
                copy.writestr(item, EMPTY_APP)
            elif item.filename == "docProps/custom.xml":
                copy.writestr(item, EMPTY_APP.replace("extended-properties", "custom-properties"))
            elif item.filename.startswith("word/") and item.filename.endswith(".xml"):
                # Tracked changes and comments carry their authors' names and initials.
                part = PERSON_ATTRIBUTES.sub(rb'\1=""', source.read(item))
                if item.filename == "word/comments.xml":
                    part = WORD_COMMENT.sub(rb"\1><w:p/></w:comment>", part)
                copy.writestr(item, part)
            else:
                copy.writestr(item, source.read(item))
    return out.getvalue()
