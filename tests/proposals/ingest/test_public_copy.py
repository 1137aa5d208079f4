"""The public copy of a leaked document: what could identify who had it is gone, and the
copy still opens with the same text. (The pipeline's tests check that a leaked
document gets one, and an official one none.)"""

import io
import zipfile

from proposals.ingest.extract import extract
from proposals.ingest.public_copy import public_copy

from .documents import RUSSIA_REV1, docx_bytes, pdf_bytes

LINES = [line for line, _ in RUSSIA_REV1]


# --- PDF ---------------------------------------------------------------------------------


def leaked_pdf(build) -> bytes:
    """A PDF of the Russian revision, to which `build(pdf, page)` adds through pikepdf
    what a leaker's tools leave in one."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes([LINES]))) as pdf:
        build(pdf, pdf.pages[0])
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def every_byte(data: bytes) -> bytes:
    """The PDF rewritten with every stream decoded and no object streams, so that a
    name in a compressed stream shows."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.all,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
        )
    return out.getvalue()


def public_pdf(original: bytes) -> bytes:
    assert b"Jane" in every_byte(original)
    copy = public_copy(original, "pdf")
    assert b"Jane" not in every_byte(copy)
    assert extract(copy, "pdf").pages == extract(original, "pdf").pages
    return copy


def xmp(pdf):
    from pikepdf import Name

    return pdf.make_stream(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Jane Leaker</dc:creator></x:xmpmeta>',
        Type=Name.Metadata,
        Subtype=Name.XML,
    )


def test_a_pdfs_public_copy_keeps_no_metadata_stream_nor_application_data_on_any_object():
    import pikepdf
    from pikepdf import Dictionary, Name

    def build(pdf, page):
        # Any object can carry its own XMP: a page, a form XObject, an image.
        page.obj.Metadata = xmp(pdf)
        form = pdf.make_stream(b"", Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 1, 1])
        form.Metadata = xmp(pdf)
        image = pdf.make_stream(
            b"\0",
            Type=Name.XObject,
            Subtype=Name.Image,
            Width=1,
            Height=1,
            ColorSpace=Name.DeviceGray,
            BitsPerComponent=8,
        )
        image.Metadata = xmp(pdf)
        page.Resources.XObject = Dictionary(Fm9=form, Im9=image)
        # An application's private data, for the document and for a page.
        private = Dictionary(Private=pikepdf.String("Jane Leaker, MinFin"))
        pdf.Root.PieceInfo = Dictionary(Word=private)
        page.obj.PieceInfo = Dictionary(Word=private)
        # A page's thumbnail: the page as the leaker's viewer drew it.
        page.obj.Thumb = pdf.make_stream(b"Jane", Width=2, Height=2, BitsPerComponent=8)

    copy = public_pdf(leaked_pdf(build))
    with pikepdf.open(io.BytesIO(copy)) as public:
        page = public.pages[0].obj
        assert "/Metadata" not in page and "/PieceInfo" not in page and "/Thumb" not in page
        assert "/PieceInfo" not in public.Root
        for xobject in page.Resources.XObject.values():
            assert "/Metadata" not in xobject


def test_a_pdfs_public_copy_has_no_embedded_files():
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    def build(pdf, page):
        pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"Jane's notes")
        associated = pikepdf.AttachedFileSpec(pdf, b"Jane's sources", filename="src.txt")
        pdf.Root.AF = Array([associated.obj])
        attached = pikepdf.AttachedFileSpec(pdf, b"Jane's draft", filename="draft.txt")
        page.obj.Annots = pdf.make_indirect(
            Array(
                [
                    Dictionary(
                        Type=Name.Annot,
                        Subtype=Name.FileAttachment,
                        Rect=[10, 10, 30, 30],
                        FS=attached.obj,
                    )
                ]
            )
        )

    copy = public_pdf(leaked_pdf(build))
    with pikepdf.open(io.BytesIO(copy)) as public:
        assert not public.attachments and "/AF" not in public.Root
        assert "/Annots" not in public.pages[0] or not list(public.pages[0].Annots)


def test_a_pdfs_public_copy_keeps_no_notes_between_readers_but_keeps_links_and_fields():
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    def build(pdf, page):
        note = pdf.make_indirect(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Text,
                Rect=[10, 10, 30, 30],
                Contents=String("ask Jane first"),
                T=String("Jane Leaker"),
            )
        )
        popup = pdf.make_indirect(
            Dictionary(Type=Name.Annot, Subtype=Name.Popup, Rect=[30, 30, 90, 90], Parent=note)
        )
        note.Popup = popup
        highlight = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Highlight,
            Rect=[72, 700, 200, 712],
            QuadPoints=[72, 712, 200, 712, 72, 700, 200, 700],
            Contents=String("Jane: this is ours"),
            T=String("Jane Leaker"),
            RC=String("<body><p>Jane: this is ours</p></body>"),
            NM=String("Jane-1"),
            IRT=note,  # a reply to the note
        )
        link = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=[72, 650, 200, 662],
            A=Dictionary(S=Name.URI, URI=String("https://www.itu.int/")),
        )
        field = pdf.make_indirect(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Widget,
                FT=Name.Tx,
                T=String("delegation"),
                Rect=[72, 600, 200, 612],
            )
        )
        pdf.Root.AcroForm = Dictionary(Fields=Array([field]))
        page.obj.Annots = pdf.make_indirect(
            Array([note, popup, pdf.make_indirect(highlight), link, field])
        )

    copy = public_pdf(leaked_pdf(build))
    with pikepdf.open(io.BytesIO(copy)) as public:
        kept = {str(a.Subtype): a for a in public.pages[0].Annots}
        assert sorted(kept) == ["/Highlight", "/Link", "/Widget"]
        assert str(kept["/Link"].A.URI) == "https://www.itu.int/"
        assert str(kept["/Widget"].T) == "delegation"  # a field's name, not an author
        assert "/QuadPoints" in kept["/Highlight"]


def test_a_pdfs_public_copy_has_a_file_identifier_of_its_own():
    import pikepdf

    def build(pdf, page):
        pass

    original = leaked_pdf(build)
    with pikepdf.open(io.BytesIO(original)) as pdf:
        ours = {bytes(element) for element in pdf.trailer.ID}
    copy = public_copy(original, "pdf")
    with pikepdf.open(io.BytesIO(copy)) as public:
        theirs = [bytes(element) for element in public.trailer.ID]
    assert len(theirs) == 2 and not ours & set(theirs)
    assert public_copy(original, "pdf") == copy  # the same copy every time


def test_a_pdfs_public_copy_runs_no_script():
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    def build(pdf, page):
        script = Dictionary(S=Name.JavaScript, JS=String("app.alert('from Jane')"))
        pdf.Root.OpenAction = pdf.make_indirect(script)
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("x"), script])))

    copy = public_pdf(leaked_pdf(build))
    with pikepdf.open(io.BytesIO(copy)) as public:
        assert "/OpenAction" not in public.Root
        assert "/JavaScript" not in public.Root.get("/Names", {})


def test_a_pdfs_public_copy_keeps_no_link_to_a_file_on_the_leakers_disk():
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    def link(y, action):
        return Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[72, y, 200, y + 12], A=action)

    def build(pdf, page):
        page.obj.Annots = pdf.make_indirect(
            Array(
                [
                    link(650, Dictionary(S=Name.URI, URI=String("file:///C:/Users/jane/x.pdf"))),
                    link(630, Dictionary(S=Name.Launch, F=String("C:\\Users\\jane\\notes.docx"))),
                    link(610, Dictionary(S=Name.GoToR, F=String("Jane notes.pdf"), D=[0])),
                    link(590, Dictionary(S=Name.GoTo, D=Array([page.obj, Name.Fit]))),
                ]
            )
        )

    copy = public_pdf(leaked_pdf(build))
    with pikepdf.open(io.BytesIO(copy)) as public:
        actions = [str(a.A.S) for a in public.pages[0].Annots if "/A" in a]
        assert actions == ["/GoTo"]
