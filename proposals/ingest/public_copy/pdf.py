"""PDFs: without the document's properties and identifier, what its tools kept, files
attached, scripts, signatures, and the notes and authors of its annotations."""

from __future__ import annotations

import io
import zlib

from .addresses import is_web_address
from .images import UnreadableImage, jpeg_without_metadata

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


def pdf_without_metadata(data: bytes) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        # The document's properties, and its file identifier: the first half of an /ID
        # is kept from the original by every writer, a fingerprint of the leaked file.
        for key in ("/Info", "/ID"):
            if key in pdf.trailer:
                del pdf.trailer[key]
        strip_private_entries(pdf)
        strip_jpeg_metadata(pdf)
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


def strip_jpeg_metadata(pdf) -> None:
    """JPEG pictures (DCTDecode streams) keep the EXIF, XMP and comments their camera
    or editor wrote into their own bytes, which no PDF entry shows: each keeps only
    what decoding needs (see images.py), its image copied as it is."""
    import pikepdf

    for stream in pdf.objects:
        if not isinstance(stream, pikepdf.Stream):
            continue
        filters = stream.get("/Filter")
        filters = list(filters) if isinstance(filters, pikepdf.Array) else [filters]
        if not filters or filters[-1] != pikepdf.Name.DCTDecode:  # read by the last filter
            continue
        parameters = stream.get("/DecodeParms")
        if isinstance(parameters, pikepdf.Array):
            parameters = parameters[-1] if len(parameters) == len(filters) else None
        elif len(filters) > 1:
            parameters = None
        try:
            picture = jpeg_without_metadata(coded_jpeg(pdf, stream, filters))
        except (UnreadableImage, pikepdf.PdfError):
            # Emptied: the rest of a picture that cannot be read to its end may hold
            # anything, and drawing it anew would run a decoder on hostile bytes here.
            # Viewers draw an image without data as nothing; the page, its text and its
            # other pictures stay, where failing the whole copy would take them all.
            stream.write(b"")
            continue
        stream.write(
            picture,
            filter=pikepdf.Name.DCTDecode,
            decode_parms=parameters if isinstance(parameters, pikepdf.Dictionary) else None,
        )


# A JPEG compressed again unpacks to at most this: a real picture is a few megabytes,
# and a Flate stream can unpack a thousand times over (a PDF's own zip bomb).
MAX_JPEG_BYTES = 64 * 1024 * 1024


def coded_jpeg(pdf, stream, filters: list) -> bytes:
    """The JPEG a DCTDecode stream holds: its bytes as stored, or, where it is compressed
    again with Flate alone ([/FlateDecode /DCTDecode], without a predictor), once that is
    undone, to MAX_JPEG_BYTES. Any other filter before it, UnreadableImage: undoing it
    would be unbounded, and such files are rare."""
    import pikepdf

    raw = stream.read_raw_bytes()
    if len(filters) == 1:
        return raw
    parameters = stream.get("/DecodeParms")
    flate = parameters[0] if isinstance(parameters, pikepdf.Array) and parameters else None
    if filters[:-1] != [pikepdf.Name.FlateDecode] or (
        isinstance(flate, pikepdf.Dictionary) and "/Predictor" in flate
    ):
        raise UnreadableImage("A JPEG behind a filter other than plain Flate.")
    inflater = zlib.decompressobj()
    try:
        picture = inflater.decompress(raw, MAX_JPEG_BYTES)
    except zlib.error:
        raise UnreadableImage("A JPEG's Flate compression is damaged.") from None
    if inflater.unconsumed_tail:
        raise UnreadableImage("A JPEG that unpacks past the limit.")
    return picture


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
