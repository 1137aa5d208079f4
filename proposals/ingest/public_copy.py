"""A copy of a leaked document that is safe to publish: the same content without what
could identify who had it: metadata (author, creator, company, editing tool), notes
between those who had it, files attached to it, paths on their disks, and identifiers
the copy would share with the original.

The original is kept for curators; the text is always extracted from the original.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from urllib.parse import unquote

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
# Editing session ids: Word gives each session one, and marks what it changed with it
# (w:rsidR="00A1B2C3", a style's <w:rsid w:val="00A1B2C3"/>), so that they link a file
# to others edited on the same machine.
EDITING_SESSION_IDS = re.compile(
    rb"""\s(?:\w+:)?rsid\w*\s*=\s*(?:"[^"]*"|'[^']*')|<(?:\w+:)?rsid\b[^>]*/>"""
)
# Identifiers and times any copy of the original shares: Word's ids of paragraphs and
# of their text (w14:paraId="1A2B3C4D"), which a sender can make different in each
# recipient's copy to tell later whose leaked, and the times of tracked changes.
SHARED_MARKS = re.compile(
    rb"""\s(?:w14:paraId|w14:textId|w:date|w16du:dateUtc)\s*=\s*(?:"[^"]*"|'[^']*')"""
)
# Settings that name those who had the file or their files: the template attached (its
# path, C:\Users\jane\…\MinFin.dotm), document variables (often names, paths), a mail
# merge's data source and query, the session ids, and the document's own id, which
# every copy of the original shares.
PRIVATE_SETTINGS = re.compile(
    rb"<((?:\w+:)?)(attachedTemplate|docVars|mailMerge|rsids|docId)\b"
    rb"""(?:"[^"]*"|'[^']*'|[^"'>/])*(?:/>|>.*?</\1\2\s*>)""",
    re.DOTALL,
)
# What Word keeps beside the comments (emptied, see WORD_COMMENT), by the type of the
# document's relationship to it: their ids, which repeat the paragraph ids of their
# text, whether each was resolved, and their times.
COMMENT_EXTENSIONS = (b"/commentsExtended", b"/commentsIds", b"/commentsExtensible")
# The attached template's relationship goes with its setting; the thumbnail's with it.
PRIVATE_RELATIONSHIPS = (b"/attachedTemplate", b"/thumbnail")
# A package's relationships and content types: empty elements, written <x .../> or
# <x ...></x>.
RELATIONSHIP = re.compile(
    rb"""<(?:\w+:)?Relationship\b(?:"[^"]*"|'[^']*'|[^"'>])*>(?:\s*</(?:\w+:)?Relationship>)?"""
)
CONTENT_TYPE_OVERRIDE = re.compile(
    rb"""<(?:\w+:)?Override\b(?:"[^"]*"|'[^']*'|[^"'>])*>(?:\s*</(?:\w+:)?Override>)?"""
)
XML_TARGET = re.compile(rb"""(\sTarget\s*=\s*)(?:"[^"]*"|'[^']*')""")
# Word's "Save as Web Page" keeps the document's properties (author, company) in XML
# inside conditional comments, a tracked change's author in cite="mailto:…", and a
# formatting change's author in a style ('mso-prop-change:"Jane Insider" 20121102T1000').
# A comment or an XML island that is never closed runs to the end of the page (see below).
HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
XML_ISLAND = re.compile(r"<xml\b.*?(?:</xml\s*>|\Z)", re.IGNORECASE | re.DOTALL)
CHANGE_ATTRIBUTES = re.compile(r"""\s(?:cite|datetime)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)
WORD_STYLE = re.compile(
    r"""mso-[\w-]+\s*:(?:"[^"]*"|'[^']*'|&quot;.*?&quot;|[^;"'}>])*;?""", re.IGNORECASE
)
# Word's comments: their authors, and their text, are part of the page, which nothing
# here can take apart reliably.
WORD_COMMENTS = re.compile(r"mso-(?:comment-|element:\s*comment)", re.IGNORECASE)
# The patterns below take a tag, a quoted value or an element that is never closed to
# run to the end of the page, as a browser does: one that failed instead would be tried
# again from every "<" after it, hours on a hostile page of unclosed tags.
# Word writes the document's Title property into the page's title: often a file name.
HTML_TITLE = re.compile(r"(<title\b[^>]*(?:>|\Z))(.*?)(</title\s*>|\Z)", re.IGNORECASE | re.DOTALL)
TAG_BODY = r"""(?:"[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|[^"'>])*(?:>|\Z)"""
HTML_TAG = re.compile(r"<[a-z][\w:.-]*" + TAG_BODY, re.IGNORECASE)
HTML_LINK = re.compile(r"<link\b" + TAG_BODY, re.IGNORECASE)
HTML_STYLE_ELEMENT = re.compile(r"<style\b.*?(?:</style\s*>|\Z)", re.IGNORECASE | re.DOTALL)
# The attributes that point to another file. In a page Word saved, those that are not
# web addresses point into its folder of supporting files, named after the original
# ("Kenya draft for J.Leaker_files", or "-Dateien", "_fichiers" in other languages), or
# elsewhere on the leaker's disk (file:///C:/Users/jleaker/…, \\server\share). The
# public copy is served alone: none of them could be followed anyway.
HTML_REFERENCE = re.compile(
    r"""\s(?:[\w-]+:)?(?:href|src|lowsrc|background|longdesc|data|codebase|action|poster)"""
    r"""\s*=\s*(?:"([^"]*)(?:"|\Z)|'([^']*)(?:'|\Z)|([^\s"'>]+))""",
    re.IGNORECASE,
)
HTML_META = re.compile(r"<meta\b" + TAG_BODY, re.IGNORECASE)
# A <meta> whose name (or property, item property) has one of these in it: author,
# author_email, DC.creator, citation_author, twitter:creator, article:author,
# last-saved-by. (The name's start is bounded: an unclosed tag can be the rest of the page.)
IDENTIFYING_META_NAME = re.compile(
    r"""\b(?:name|property|itemprop)\s*=\s*["']?[^"'\s>]{0,40}?"""
    r"(?:author|creator|generator|publisher|owner|copyright|company|modified-by|saved-by|"
    r"originator)",
    re.IGNORECASE,
)
CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"\s*\)|'([^']*)'\s*\)|([^)]*)(?:\)|\Z))""", re.IGNORECASE
)
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
    for pattern in (HTML_COMMENT, XML_ISLAND, CHANGE_ATTRIBUTES, WORD_STYLE):
        text = pattern.sub("", text)
    text = HTML_META.sub(
        lambda meta: "" if IDENTIFYING_META_NAME.search(meta[0]) else meta[0], text
    )
    text = HTML_TITLE.sub(r"\1\3", text)
    text = HTML_LINK.sub(lambda link: link[0] if has_public_reference(link[0]) else "", text)
    text = HTML_TAG.sub(lambda tag: without_private_references(tag[0]), text)
    text = HTML_STYLE_ELEMENT.sub(lambda style: without_private_references(style[0]), text)
    return text.encode(encoding)


def has_public_reference(link: str) -> bool:
    found = HTML_REFERENCE.search(link)
    return found is not None and is_public_reference(found)


def without_private_references(markup: str) -> str:
    """The tag or style sheet without the references that are not public: an attribute
    goes (an <img> keeps its alt text), a CSS url() becomes none."""
    markup = CSS_URL.sub(lambda url: url[0] if is_public_reference(url) else "none", markup)
    return HTML_REFERENCE.sub(lambda found: found[0] if is_public_reference(found) else "", markup)


def is_public_reference(found: re.Match[str]) -> bool:
    """A place on this page, a web address, or data the page holds itself."""
    value = (found[1] or found[2] or found[3] or "").strip()
    return value.startswith("#") or is_web_address(value) or value.lower().startswith("data:")


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
        stripped = strip_form_fields(pdf.Root)
        for page in pdf.pages:
            if "/AA" in page.obj:  # what the page runs when it opens or closes
                del page.obj["/AA"]
            keep_public_annotations(page.obj, stripped)
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
    # What it runs on closing, saving or printing; an XML form's scripts and data.
    if "/AA" in catalog:
        del catalog["/AA"]
    form = catalog.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        del form["/XFA"]


def strip_form_fields(catalog) -> dict:
    """Form fields, wherever they are listed, lose their digital signatures and what
    they run. A signature names its signer in its certificate, and often in the field's
    look ("Digitally signed by Jane Leaker"); the copy's bytes differ from the signed
    ones, so no signature would hold in it anyway. A field's scripts run on a
    keystroke, to format, validate or calculate a value. The fields stay, empty.
    Returns the fields stripped (see strip_lineage), for the pages' annotations."""
    import pikepdf

    # The signatures that certify the document, and what validates signatures later:
    # the signers' certificates and their revocation data.
    for key in ("/Perms", "/DSS"):
        if key in catalog:
            del catalog[key]
    stripped: dict = {}
    form = catalog.get("/AcroForm")
    if not isinstance(form, pikepdf.Dictionary):
        return stripped
    if "/SigFlags" in form:
        del form["/SigFlags"]
    fields = form.get("/Fields")
    pending = list(fields) if isinstance(fields, pikepdf.Array) else []
    seen = set()
    while pending:  # not recursive: a hostile file can nest fields deeply, or in a loop
        field = pending.pop()
        if not is_field_like(field):
            continue
        if field.is_indirect:
            if field.objgen in seen:
                continue
            seen.add(field.objgen)
        strip_lineage(field, stripped)
        kids = field.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            pending.extend(kids)
    return stripped


def is_field_like(item) -> bool:
    """A dictionary, or a stream (whose dictionary a hostile file can make a field)."""
    import pikepdf

    return isinstance(item, (pikepdf.Dictionary, pikepdf.Stream))


def strip_lineage(field, stripped: dict) -> None:
    """strip_field on the field and on each of its ancestors (whose field type it
    inherits), each once however many widgets share them: `stripped` maps those done
    (their object ids) to their type. Linear in the fields: walking every widget's
    ancestors each time would take minutes on a hostile chain of a few thousand."""
    chain, inherited, seen, node = [], None, set(), field
    while is_field_like(node):
        if node.is_indirect:
            if node.objgen in stripped:
                inherited = stripped[node.objgen]
                break
            if node.objgen in seen:  # a hostile loop of parents
                break
            seen.add(node.objgen)
        chain.append(node)
        node = node.get("/Parent")
    for node in reversed(chain):  # from the furthest ancestor down
        if "/FT" in node:
            inherited = str(node.FT)
        strip_field(node, signature=inherited == "/Sig")
        if node.is_indirect:
            stripped[node.objgen] = inherited


def strip_field(field, *, signature: bool) -> None:
    """One field or widget without what it runs and, for a signature field, without its
    signature, its look and the signers it expects (/SV: their certificates, names)."""
    if "/AA" in field:
        del field["/AA"]
    if "/A" in field and not public_pdf_action(field.A):
        del field["/A"]
    if signature:
        for key in ("/V", "/AP", "/SV"):
            if key in field:
                del field[key]


def keep_public_annotations(page, stripped: dict) -> None:
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
        # What it runs, its signature: also for one, and its parent fields, that no form
        # lists.
        strip_lineage(annotation, stripped)
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
    dropped = private_word_parts(source)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            if item.filename.lower() not in dropped:
                part = public_word_part(item.filename, source.read(item), dropped)
                copy.writestr(public_zip_entry(item.filename), part)
    return out.getvalue()


def public_zip_entry(name: str) -> zipfile.ZipInfo:
    """An entry that keeps nothing of the original's but its name: not the time it was
    saved, in the saver's local time (Word writes 1980-01-01, other tools the real one),
    nor its extra fields (the owner's user ids, NTFS times) or comment."""
    entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def private_word_parts(source: zipfile.ZipFile) -> set[str]:
    """The parts left out of the copy (their names in lower case, as a package compares
    them): custom XML, where SharePoint keeps a document's columns (its owner, their
    e-mail); the thumbnail, page 1 as the leaker's Word drew it, comments and tracked
    changes included; and the comments' ids and times (COMMENT_EXTENSIONS)."""
    names = source.namelist()
    dropped = {name.lower() for name in names if name.lower().startswith("customxml/")}
    package = related_parts(source, "")
    dropped |= {part for part, kind in package if kind.endswith(b"/thumbnail")}
    # The main part is word/document.xml as Word names it, but the package says.
    main = next(
        (part for part, kind in package if kind.endswith(b"/officeDocument")), "word/document.xml"
    )
    dropped |= {
        part for part, kind in related_parts(source, main) if kind.endswith(COMMENT_EXTENSIONS)
    }
    return dropped


def related_parts(source: zipfile.ZipFile, part: str) -> list[tuple[str, bytes]]:
    """The parts that `part` (a name in lower case; "" for the package) has
    relationships to, each with the relationship's type."""
    folder, base = posixpath.split(part)
    relationships = posixpath.join(folder, "_rels", f"{base}.rels")
    # As stored: a package compares names without case.
    stored = {name.lower(): name for name in source.namelist()}.get(relationships)
    if stored is None:
        return []
    return [
        (
            part_name(folder, xml_attribute(relationship[0], b"Target")),
            xml_attribute(relationship[0], b"Type"),
        )
        for relationship in RELATIONSHIP.finditer(source.read(stored))
    ]


def public_word_part(name: str, part: bytes, dropped: set[str]) -> bytes | str:
    if name == "docProps/core.xml":
        return EMPTY_CORE
    if name == "docProps/app.xml":
        return EMPTY_APP
    if name == "docProps/custom.xml":
        return EMPTY_APP.replace("extended-properties", "custom-properties")
    if name.endswith(".rels"):
        return public_relationships(name, part, dropped)
    if name == "[Content_Types].xml":
        # A dropped part's content type goes with it: the package stays consistent.
        return CONTENT_TYPE_OVERRIDE.sub(
            lambda override: (
                b""
                if part_name("", xml_attribute(override[0], b"PartName")) in dropped
                else override[0]
            ),
            part,
        )
    if name.startswith("word/") and name.endswith(".xml"):
        # Tracked changes and comments carry their authors' names and initials.
        part = PERSON_ATTRIBUTES.sub(rb'\1=""', part)
        part = EDITING_SESSION_IDS.sub(b"", part)
        part = SHARED_MARKS.sub(b"", part)
        if name == "word/comments.xml":
            part = WORD_COMMENT.sub(rb"\1><w:p/></w:comment>", part)
        if name == "word/settings.xml":
            part = PRIVATE_SETTINGS.sub(b"", part)
    return part


def public_relationships(name: str, part: bytes, dropped: set[str]) -> bytes:
    # "word/_rels/document.xml.rels" holds the relationships of "word/document.xml":
    # its targets are relative to "word".
    folder = posixpath.dirname(posixpath.dirname(name))

    def public(match: re.Match[bytes]) -> bytes:
        relationship = match[0]
        target = xml_attribute(relationship, b"Target")
        if xml_attribute(relationship, b"Type").endswith(PRIVATE_RELATIONSHIPS):
            return b""
        if xml_attribute(relationship, b"TargetMode") == b"External":
            if is_web_address(target.decode("utf-8", "replace")):
                return relationship
            # Replaced, not removed: a hyperlink or a linked picture points to it by id.
            return XML_TARGET.sub(rb'\1"about:blank"', relationship)
        return b"" if part_name(folder, target) in dropped else relationship

    return RELATIONSHIP.sub(public, part)


def xml_attribute(element: bytes, name: bytes) -> bytes:
    found = re.search(rb"\s%s\s*=\s*(?:\"([^\"]*)\"|'([^']*)')" % name, element)
    return (found[1] or found[2] or b"") if found else b""


def part_name(folder: str, target: bytes) -> str:
    """The name of the part a relationship's target names, as the ZIP names it."""
    path = unquote(target.decode("utf-8", "replace"))
    path = path[1:] if path.startswith("/") else posixpath.join(folder, path)
    return posixpath.normpath(path).lower()
