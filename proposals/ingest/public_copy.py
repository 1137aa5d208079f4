"""A copy of a leaked document that is safe to publish: the same content without what
could identify who had it: metadata (author, creator, company, editing tool), notes
between those who had it, files attached to it, paths on their disks, and identifiers
the copy would share with the original.

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
# Entries any PDF object can carry that the tools of those who had the file put there,
# not its authors: XMP metadata, an application's private data (PieceInfo, which Word
# and Illustrator fill), a page's thumbnail as their viewer drew it, and files
# associated with or embedded in it (AF, EF: notes, sources, earlier drafts).
PRIVATE_PDF_ENTRIES = ("/Metadata", "/PieceInfo", "/Thumb", "/AF", "/EF")
# The annotations a public copy keeps: links, form fields, and marks drawn on the text
# (a highlight, a strike-out, a box), which keep their look but lose the note and the
# name that go with them. The rest are notes between those who had the file, like a
# Word comment, or may show who they were: a sticky note (Text) and its pop-up, an
# attached file, typed text (FreeText), a stamp (Acrobat's carry the stamper's name
# and time in their look), ink (initials), a watermark (one per recipient), a sound,
# and any kind not known here.
PUBLIC_ANNOTATIONS = {
    "/Link",
    "/Widget",
    "/Highlight",
    "/Underline",
    "/Squiggly",
    "/StrikeOut",
    "/Line",
    "/Square",
    "/Circle",
    "/Polygon",
    "/PolyLine",
    "/Caret",
}
# A mark's note, its author, and what ties it to other notes. (Links and form fields
# have none: a field's /T is its name.)
ANNOTATION_NOTE_ENTRIES = (
    "/Contents",
    "/T",
    "/RC",
    "/Subj",
    "/NM",
    "/M",
    "/CreationDate",
    "/Popup",
    "/IRT",
)
# A web address names a public place; anything else a link or a picture points to (a
# file: URL, C:\Users\…, \\server\share, a path beside the original) names a place
# on the machine or network of whoever had the file.
WEB_ADDRESS = re.compile(r"\s*(?:https?|ftp|mailto):", re.IGNORECASE)
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
        # The document's properties, and its file identifier: the first half of an /ID
        # is kept from the original by every writer, a fingerprint of the leaked file.
        for key in ("/Info", "/ID"):
            if key in pdf.trailer:
                del pdf.trailer[key]
        strip_private_entries(pdf)
        drop_attachments_and_scripts(pdf.Root)
        for page in pdf.pages:
            keep_public_annotations(page.obj)
        out = io.BytesIO()
        # A new identifier, computed from the copy's own bytes: the same copy every time.
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)
    return out.getvalue()


def strip_private_entries(pdf) -> None:
    """Every object loses its PRIVATE_PDF_ENTRIES: any object can carry them, not only
    the catalog (a page's XMP, a form's, an image's)."""
    import pikepdf

    for indirect in pdf.objects:
        pending = [indirect]
        while pending:  # not recursive: a hostile file can nest arrays deeply
            item = pending.pop()
            if isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)):
                for key in PRIVATE_PDF_ENTRIES:
                    if key in item:
                        del item[key]
                children = item.values()
            elif isinstance(item, pikepdf.Array):
                children = item
            else:
                continue
            # Indirect children are objects of their own, reached by the outer loop.
            pending.extend(
                child
                for child in children
                if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect
            )


def drop_attachments_and_scripts(catalog) -> None:
    """The files embedded in the document (those on an object went with its /EF, /AF),
    and what it runs on opening: a script can hold anything, and nothing here reads it."""
    import pikepdf

    names = catalog.get("/Names")
    for tree in ("/EmbeddedFiles", "/JavaScript"):
        if isinstance(names, pikepdf.Dictionary) and tree in names:
            del names[tree]
    opening = catalog.get("/OpenAction")
    if opening is not None and not (
        isinstance(opening, pikepdf.Array) or public_pdf_action(opening)
    ):
        del catalog["/OpenAction"]


def keep_public_annotations(page) -> None:
    import pikepdf

    if "/Annots" not in page:
        return
    if not isinstance(page.Annots, pikepdf.Array):  # damaged: nothing to keep
        del page["/Annots"]
        return
    kept = []
    for annotation in page.Annots:
        if not isinstance(annotation, pikepdf.Dictionary):
            continue
        if str(annotation.get("/Subtype", "")) not in PUBLIC_ANNOTATIONS:
            # Emptied, not only unlisted: the structure tree or another annotation (a
            # reply, a pop-up's parent) can still point to it, and would keep it in the copy.
            for key in list(annotation.keys()):
                del annotation[key]
            continue
        if annotation.Subtype not in (pikepdf.Name.Link, pikepdf.Name.Widget):
            for key in ANNOTATION_NOTE_ENTRIES:
                if key in annotation:
                    del annotation[key]
        if "/A" in annotation and not public_pdf_action(annotation.A):
            del annotation["/A"]
        kept.append(annotation)
    page.Annots = pikepdf.Array(kept)


def public_pdf_action(action) -> bool:
    """A move within the document, or a link to a web page: not a file on the disk of
    whoever had it (Launch, GoToR, a file: URI), nor a script."""
    import pikepdf

    if not isinstance(action, pikepdf.Dictionary) or "/Next" in action:
        return False
    kind = action.get("/S")
    if kind in (pikepdf.Name.GoTo, pikepdf.Name.Named):
        return True
    return kind == pikepdf.Name.URI and is_web_address(str(action.get("/URI", "")))


def is_web_address(target: str) -> bool:
    return WEB_ADDRESS.match(target) is not None


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
