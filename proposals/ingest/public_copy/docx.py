"""Word documents (DOCX): the package's parts without their authors, comments,
editing sessions and links to the files of whoever had it."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from urllib.parse import unquote

from ..detect import DAMAGED_ZIP, OLE_MAGIC
from ..errors import DocumentTooLarge, MalformedDocument
from ..extract import Limits, check_zip
from .addresses import is_web_address
from .images import UnreadableImage, image_without_metadata, is_image

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
# Who made a tracked change or a comment, as Word writes it (w:author="…") and as XML
# also allows (w:author = '…'). Emptied, not removed: Word requires some of them. Under
# any prefix, since a tool other than Word may bind Word's namespaces to others.
EMPTY_CUSTOM = EMPTY_APP.replace("extended-properties", "custom-properties")
# The document's properties, by the type of the package's relationship to them (the
# transitional and the strict spellings): Word keeps them in docProps/, other tools
# elsewhere (.NET's System.IO.Packaging in package/services/metadata/…/*.psmdcp).
EMPTY_PROPERTIES = {
    b"/core-properties": EMPTY_CORE,
    b"/extended-properties": EMPTY_APP,
    b"/extendedProperties": EMPTY_APP,
    b"/custom-properties": EMPTY_CUSTOM,
    b"/customProperties": EMPTY_CUSTOM,
}
# Word's names for them: emptied even where the package does not list them.
WORD_PROPERTIES = {
    "docprops/core.xml": EMPTY_CORE,
    "docprops/app.xml": EMPTY_APP,
    "docprops/custom.xml": EMPTY_CUSTOM,
}
PERSON_ATTRIBUTES = re.compile(
    rb"""\s(\w+:(?:author|initials|userId|providerId))\s*=\s*(?:"[^"]*"|'[^']*')"""
)
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
# Names of JPEG and PNG pictures. A part so named that is not one is emptied (see
# public_picture); a picture is known by its bytes whatever its name.
PICTURE_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".jfif", ".png")
ZIP_MAGIC = b"PK\x03\x04"
# Packages embedded in one another (a spreadsheet behind a chart, a document in that
# spreadsheet) are cleaned down to this depth; deeper ones are emptied.
MAX_EMBEDDING_DEPTH = 3
XML_TARGET = re.compile(rb"""(\sTarget\s*=\s*)(?:"[^"]*"|'[^']*')""")


class UnpackingBudget:
    """What the packages embedded in one document may unpack to, all together: the
    limits a document itself is held to (check_zip), so that a small document holding
    many embedded packages, or packages within packages, is no zip bomb either."""

    def __init__(self) -> None:
        self.limits = Limits()
        self.bytes_left = self.limits.max_unzipped_bytes

    def open(self, data: bytes) -> zipfile.ZipFile:
        limits = Limits(
            max_unzipped_bytes=self.bytes_left,
            max_compression_ratio=self.limits.max_compression_ratio,
        )
        package = check_zip(data, limits)
        self.bytes_left -= sum(member.file_size for member in package.infolist())
        return package


def docx_without_metadata(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    return package_without_metadata(source, depth=0, budget=UnpackingBudget())


def package_without_metadata(
    source: zipfile.ZipFile, *, depth: int, budget: UnpackingBudget
) -> bytes:
    """The package (the document, or one embedded in it `depth` deep) with each part
    public."""
    dropped = private_word_parts(source)
    properties = property_parts(source)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            name = item.filename.lower()
            if name in properties:
                part = properties[name]
            elif name in dropped:
                continue
            else:
                part = source.read(item)
                if is_embedded_file(name, part):
                    part = public_embedded_file(part, depth=depth + 1, budget=budget)
                else:
                    part = public_word_part(item.filename, part, dropped)
            copy.writestr(public_zip_entry(item.filename), part)
    return out.getvalue()


def is_embedded_file(name: str, part: bytes) -> bool:
    """A file in the package that is not one of its parts: a package or an OLE file
    (wherever it is), or anything in an embeddings folder (where Word keeps them) that
    is not a picture."""
    if part.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return True
    return "/embeddings/" in f"/{name}" and not is_image(part)


def public_embedded_file(data: bytes, *, depth: int, budget: UnpackingBudget) -> bytes:
    """An embedded Office package (a spreadsheet, a presentation, a document) cleaned
    as the document is; anything else emptied."""
    if not data.startswith(ZIP_MAGIC) or depth > MAX_EMBEDDING_DEPTH:
        # Emptied, as a part that cannot be cleaned: an OLE compound file (a legacy
        # embedding, *.bin: an .xls, or any file wrapped with its path on the leaker's
        # disk) keeps its authors in property streams that nothing here rewrites, which
        # is why a legacy .doc gets no public copy at all. The document still opens and
        # shows the object's picture (kept apart, in its media); the object no longer
        # opens.
        return b""
    try:
        package = budget.open(data)
        if "[content_types].xml" not in {name.lower() for name in package.namelist()}:
            return b""  # a ZIP, but no Office package: nothing here knows its files
        return package_without_metadata(package, depth=depth, budget=budget)
    except (*DAMAGED_ZIP, DocumentTooLarge, MalformedDocument):
        return b""  # damaged, or a zip bomb: as for an OLE file above


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


def property_parts(source: zipfile.ZipFile) -> dict[str, str]:
    """The parts holding the document's properties (their names in lower case), each
    with the empty part that replaces it."""
    parts = dict(WORD_PROPERTIES)
    for part, kind in related_parts(source, ""):
        for ending, empty in EMPTY_PROPERTIES.items():
            if kind.endswith(ending):
                parts[part] = empty
    return parts


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
    if is_image(part) or name.lower().endswith(PICTURE_EXTENSIONS):
        return public_picture(part)
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
        part = PERSON_ATTRIBUTES.sub(rb' \1=""', part)
        part = EDITING_SESSION_IDS.sub(b"", part)
        part = SHARED_MARKS.sub(b"", part)
        if name == "word/comments.xml":
            part = WORD_COMMENT.sub(rb"\1><w:p/></w:comment>", part)
        if name == "word/settings.xml":
            part = PRIVATE_SETTINGS.sub(b"", part)
    return part


def public_picture(picture: bytes) -> bytes:
    """The picture without its EXIF, XMP, comments and text (see images.py)."""
    try:
        return image_without_metadata(picture)
    except UnreadableImage:
        # Emptied: the rest of a picture that cannot be read to its end may hold
        # anything, and drawing it anew would run a decoder on hostile bytes here. The
        # package stays whole and opens, with the picture's place (its size is in the
        # text) left blank; failing the whole copy for one picture would take the
        # document from the public.
        return b""


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
