"""The public copy of a leaked document: what could identify who had it is gone, and the
copy still opens with the same text. (The pipeline's tests check that a leaked
document gets one, and an official one none.)"""

import io
import re
import zipfile
import zlib

import pytest

from proposals.ingest.extract import extract
from proposals.ingest.public_copy import public_copy

from .documents import RUSSIA_REV1, docx_bytes, pdf_bytes

LINES = [line for line, _ in RUSSIA_REV1]


# --- Pictures ----------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def leakers_pictures() -> dict[str, bytes]:
    """A JPEG and a PNG as a phone or an editor saves them, with their owner's name in
    EXIF, XMP, comments and text chunks, and after the image's end; and a CMYK JPEG,
    whose colours need Adobe's segment."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    picture = Image.linear_gradient("L").resize((48, 32)).convert("RGB")
    exif = Image.Exif()
    exif[0x013B] = "Jane Leaker"  # Artist
    exif[0x010F] = "Jane's phone"  # Make
    jpeg = io.BytesIO()
    picture.save(
        jpeg,
        "JPEG",
        exif=exif.tobytes(),
        xmp=b"<x:xmpmeta><dc:creator>Jane Leaker</dc:creator></x:xmpmeta>",
        comment=b"Jane Leaker",
        icc_profile=b"a colour profile",
    )
    cmyk = io.BytesIO()
    picture.convert("CMYK").save(cmyk, "JPEG", exif=exif.tobytes())
    text = PngInfo()
    text.add_text("Author", "Jane Leaker")
    text.add_text("Comment", "Jane Leaker", zip=True)
    text.add_itxt("XML:com.adobe.xmp", "<dc:creator>Jane Leaker</dc:creator>")
    png = io.BytesIO()
    picture.save(png, "PNG", pnginfo=text, exif=exif.tobytes())
    png = png.getvalue()
    # After the header (IHDR): when it was changed, and an editor's private chunk.
    header_end = 8 + 25
    png = (
        png[:header_end]
        + png_chunk(b"tIME", bytes.fromhex("07dc0b020a0000"))
        + png_chunk(b"prVt", b"Jane Leaker")
        + png[header_end:]
    )
    return {
        "jpeg": jpeg.getvalue() + b"Jane Leaker",
        "cmyk": cmyk.getvalue(),
        "png": png + b"Jane Leaker",
    }


def assert_same_picture(copied: bytes, original: bytes) -> None:
    from PIL import Image

    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(copied))
    assert (after.format, after.mode, after.size) == (before.format, before.mode, before.size)
    assert after.tobytes() == before.tobytes()
    assert after.info.get("icc_profile") == before.info.get("icc_profile")
    assert not {"exif", "xmp", "comment", "Author", "Comment"} & set(after.info)


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
    name in a compressed stream shows; but for JPEG pictures, whose EXIF and comments
    show only in their coded bytes."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.specialized,
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


# The unlisted field is the point: pikepdf warns that Acrobat may not show it.
@pytest.mark.filterwarnings("ignore:This document has 1 form widget")
def test_a_pdfs_public_copy_keeps_no_signature_nor_what_runs_on_events():
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    def script(text):
        return Dictionary(S=Name.JavaScript, JS=String(f"app.alert('{text}')"))

    def build(pdf, page):
        signature = pdf.make_indirect(
            Dictionary(
                Type=Name.Sig,
                Filter=Name("/Adobe.PPKLite"),
                Name=String("Jane Leaker"),
                Contents=String(b"0\x82 CN=Jane Leaker, O=Ministry"),
                M=String("D:20121102100000Z"),
            )
        )
        look = pdf.make_stream(b"BT /F1 8 Tf (Digitally signed by Jane Leaker) Tj ET")
        signed = pdf.make_indirect(
            Dictionary(
                Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, T=String("Signature1"),
                Rect=[72, 100, 272, 140], V=signature, AP=Dictionary(N=look),
                AA=Dictionary(Fo=script("Jane on focus")),
            )
        )  # fmt: skip
        # A signature field whose widget is a kid of it, and one no page shows.
        parent = pdf.make_indirect(Dictionary(FT=Name.Sig, T=String("Signature2"), V=signature))
        kid = pdf.make_indirect(
            Dictionary(Type=Name.Annot, Subtype=Name.Widget, Parent=parent, Rect=[0, 0, 0, 0],
                       AP=Dictionary(N=look))
        )  # fmt: skip
        parent.Kids = Array([kid])
        # A widget two levels below the field it takes its type from.
        group = pdf.make_indirect(Dictionary(FT=Name.Sig, T=String("Signature3")))
        middle = pdf.make_indirect(Dictionary(Parent=group, T=String("part"), V=signature))
        grandchild = pdf.make_indirect(
            Dictionary(Type=Name.Annot, Subtype=Name.Widget, Parent=middle, Rect=[0, 0, 0, 0],
                       AP=Dictionary(N=look))
        )  # fmt: skip
        group.Kids, middle.Kids = Array([middle]), Array([grandchild])
        # A text field whose value a script checks: the field is no annotation itself.
        checked = pdf.make_indirect(
            Dictionary(FT=Name.Tx, T=String("delegation"), AA=Dictionary(V=script("Jane")))
        )
        typed = pdf.make_indirect(
            Dictionary(Type=Name.Annot, Subtype=Name.Widget, Parent=checked, Rect=[0, 0, 9, 9])
        )
        checked.Kids = Array([typed])
        # A signature field no form lists, reached only from its widget on the page, and
        # the signers it expects.
        unlisted = pdf.make_indirect(
            Dictionary(FT=Name.Sig, T=String("Signature4"), V=signature,
                       SV=Dictionary(SubjectDN=Array([Dictionary(CN=String("Jane Leaker"))])))
        )  # fmt: skip
        orphan = pdf.make_indirect(
            Dictionary(Type=Name.Annot, Subtype=Name.Widget, Parent=unlisted, Rect=[0, 0, 9, 9])
        )
        unlisted.Kids = Array([orphan])
        # A field on no page that runs a script when clicked.
        hidden = pdf.make_indirect(
            Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Btn, T=String("go"),
                       A=script("Jane clicked"))
        )  # fmt: skip
        page.obj.Annots = pdf.make_indirect(Array([signed, kid, grandchild, typed, orphan]))
        page.obj.AA = Dictionary(O=script("Jane opened page 1"))
        xfa = pdf.make_stream(b"<xdp:xdp><script>Jane</script></xdp:xdp>")
        pdf.Root.AcroForm = Dictionary(
            Fields=Array([signed, parent, group, checked, hidden]), SigFlags=3, XFA=xfa
        )
        pdf.Root.Perms = Dictionary(DocMDP=signature)
        pdf.Root.AA = Dictionary(WC=script("Jane closed it"))
        # Long-term validation: the signers' certificates, kept for checking later.
        certificate = pdf.make_stream(b"0\x82 CN=Jane Leaker, O=Ministry")
        pdf.Root.DSS = Dictionary(Certs=Array([certificate]), VRI=Dictionary())

    copy = public_pdf(leaked_pdf(build))
    with pikepdf.open(io.BytesIO(copy)) as public:
        assert not {"/AA", "/Perms", "/DSS"} & set(public.Root.keys())
        assert "/AA" not in public.pages[0].obj
        form = public.Root.AcroForm
        assert "/XFA" not in form and "/SigFlags" not in form
        # The fields stay, empty: what points to them still finds them.
        signed, kid, grandchild, typed, orphan = public.pages[0].Annots
        assert str(signed.T) == "Signature1" and str(kid.Parent.T) == "Signature2"
        assert str(grandchild.Parent.Parent.T) == "Signature3"
        assert str(typed.Parent.T) == "delegation" and str(orphan.Parent.T) == "Signature4"
        hidden = form.Fields[4]
        for field in (signed, kid, kid.Parent, grandchild, grandchild.Parent, typed.Parent,
                      orphan.Parent, hidden):  # fmt: skip
            assert not {"/V", "/AP", "/AA", "/SV", "/A"} & set(field.keys())


@pytest.mark.filterwarnings("ignore:This document has")
def test_a_hostile_chain_of_form_fields_is_copied_in_one_pass():
    # 2,000 widgets on one page, each the parent of the next, below a signature field:
    # walking every widget's ancestors each time took 90 s for 800 of them.
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    def build(pdf, page):
        top = pdf.make_indirect(Dictionary(FT=Name.Sig, T=String("s"), V=String("Jane")))
        chain = [top]
        for _ in range(2000):
            chain.append(pdf.make_indirect(
                Dictionary(Type=Name.Annot, Subtype=Name.Widget, Parent=chain[-1],
                           Rect=[0, 0, 1, 1], AP=Dictionary(N=pdf.make_stream(b"(Jane)")))
            ))  # fmt: skip
        page.obj.Annots = pdf.make_indirect(Array(chain[1:]))
        # A field that is a stream: a hostile file's, with a signature all the same.
        odd = pdf.make_stream(b"", FT=Name.Sig, V=Dictionary(Name=String("Jane Leaker")))
        pdf.Root.AcroForm = Dictionary(Fields=Array([top, odd]))

    copy = public_pdf(leaked_pdf(build))
    with pikepdf.open(io.BytesIO(copy)) as public:
        assert not any("/AP" in widget for widget in public.pages[0].Annots)


def test_a_pdf_whose_form_lists_no_fields_gets_a_public_copy():
    import pikepdf
    from pikepdf import Dictionary, Name

    def build(pdf, page):
        pdf.Root.AcroForm = Dictionary(Fields=Name("/Jane"), SigFlags=3)

    copy = public_copy(leaked_pdf(build), "pdf")
    with pikepdf.open(io.BytesIO(copy)) as public:
        assert "/SigFlags" not in public.Root.AcroForm


def pdf_with_pictures(pictures: list[bytes]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    pdf.add_page()
    for line in LINES:
        text = line.replace("\t", "    ").replace("§", "S.").replace("…", "...")
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    for index, picture in enumerate(pictures):
        pdf.image(io.BytesIO(picture), x=10 + 30 * index, y=200, w=24)
    return bytes(pdf.output())


def rendered(data: bytes) -> list[bytes]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return [page.render(scale=1).to_pil().tobytes() for page in document]
    finally:
        document.close()


def jpeg_streams(data: bytes) -> list[bytes]:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            stream.read_raw_bytes()
            for stream in pdf.objects
            if isinstance(stream, pikepdf.Stream) and stream.get("/Filter") == "/DCTDecode"
        ]


def test_a_pdfs_public_copy_has_pictures_without_their_exif_xmp_or_comments():
    pictures = leakers_pictures()
    original = pdf_with_pictures([pictures["jpeg"], pictures["cmyk"]])
    assert len(jpeg_streams(original)) == 2

    copy = public_pdf(original)
    assert rendered(copy) == rendered(original)
    for copied, picture in zip(jpeg_streams(copy), jpeg_streams(original), strict=True):
        assert_same_picture(copied, picture)


def test_a_pdfs_public_copy_reads_a_jpeg_compressed_again():
    import pikepdf

    def build(pdf, page):
        image = pdf.make_stream(
            b"",
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=48,
            Height=32,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
        )
        image.write(
            zlib.compress(jpeg),
            filter=pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.DCTDecode]),
        )
        page.Resources.XObject = pikepdf.Dictionary(Im9=image)
        page.contents_add(pdf.make_stream(b"q 48 0 0 32 10 10 cm /Im9 Do Q"))

    jpeg = leakers_pictures()["jpeg"]
    original = leaked_pdf(build)
    copy = public_copy(original, "pdf")
    assert rendered(copy) == rendered(original)
    [picture] = jpeg_streams(copy)  # stored as a JPEG alone, once cleaned
    assert b"Jane" not in picture
    assert_same_picture(picture, jpeg)


def test_a_pdfs_public_copy_empties_a_jpeg_compressed_again_past_the_limit(monkeypatch):
    import pikepdf

    from proposals.ingest.public_copy import pdf as pdf_copy

    def build(pdf, page):
        image = pdf.make_stream(
            b"",
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=48,
            Height=32,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
        )
        # A JPEG, then a megabyte of zeros: hundreds of times its packed size.
        image.write(
            zlib.compress(leakers_pictures()["jpeg"] + bytes(2**20), 9),
            filter=pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.DCTDecode]),
        )
        page.Resources.XObject = pikepdf.Dictionary(Im9=image)
        page.contents_add(pdf.make_stream(b"q 48 0 0 32 10 10 cm /Im9 Do Q"))

    monkeypatch.setattr(pdf_copy, "MAX_JPEG_BYTES", 2**19)  # not unpacked past it
    copy = public_copy(leaked_pdf(build), "pdf")
    with pikepdf.open(io.BytesIO(copy)) as public:
        assert public.pages[0].Resources.XObject.Im9.read_raw_bytes() == b""


def test_a_pdfs_public_copy_empties_a_picture_it_cannot_read():
    import pikepdf

    def build(pdf, page):
        image = pdf.make_stream(
            b"\xff\xd8\xff\xe1\x7f\xffExif Jane Leaker",  # a segment running past the end
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=48,
            Height=32,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=pikepdf.Name.DCTDecode,
        )
        page.Resources.XObject = pikepdf.Dictionary(Im9=image)
        page.contents_add(pdf.make_stream(b"q 48 0 0 32 10 10 cm /Im9 Do Q"))

    copy = public_pdf(leaked_pdf(build))
    with pikepdf.open(io.BytesIO(copy)) as public:
        assert public.pages[0].Resources.XObject.Im9.read_raw_bytes() == b""
    assert len(rendered(copy)) == 1


# --- Word -------------------------------------------------------------------------------

RELATIONSHIPS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def leaked_docx(parts: dict, *, original: bytes | None = None) -> bytes:
    """The Russian revision as python-docx writes it (with a thumbnail, custom XML and
    editing session ids, as Word writes them), or the `original` given, with `parts`
    changed: a function gets the part's bytes and returns the new ones; bytes add a part."""
    source = zipfile.ZipFile(io.BytesIO(original or docx_bytes(LINES)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as leaked:
        for name in source.namelist():
            change = parts.pop(name, None)
            body = source.read(name)
            leaked.writestr(name, change(body) if change else body)
        for name, body in parts.items():
            leaked.writestr(name, body)
    return out.getvalue()


def public_docx(original: bytes) -> zipfile.ZipFile:
    """The public copy's parts, once checked that it opens in python-docx with the same
    paragraphs."""
    import docx

    copy = public_copy(original, "docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(original)).paragraphs]
    assert [p.text for p in docx.Document(io.BytesIO(copy)).paragraphs] == paragraphs
    return parts(copy)


def renamed(data: bytes, old: str, new: str) -> bytes:
    """The package with its part `old` called `new`: in the ZIP, its relationships' file,
    and what points to it."""
    folder, old_name = old.rsplit("/", 1)
    new_name = new.rsplit("/", 1)[1]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in source.namelist():
            body = source.read(name).replace(f"/{old}".encode(), f"/{new}".encode())
            if name == "_rels/.rels":
                body = body.replace(old.encode(), new.encode())
            name = {
                old: new,
                f"{folder}/_rels/{old_name}.rels": f"{folder}/_rels/{new_name}.rels",
            }.get(name, name)
            copy.writestr(name, body)
    return out.getvalue()


def parts(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def parts_mentioning(archive: zipfile.ZipFile, trace: bytes) -> list[str]:
    return [name for name in archive.namelist() if trace in archive.read(name).lower()]


def inserted(after: bytes, addition: bytes):
    return lambda part: part.replace(after, after + addition, 1)


def relationship(rid: str, kind: str, target: str) -> bytes:
    return (
        f'<Relationship Id="{rid}" Type="{RELATIONSHIPS.decode()}/{kind}" Target="{target}" '
        'TargetMode="External"/>'
    ).encode()


def test_a_word_documents_public_copy_names_no_template_nor_file_on_the_leakers_disk():
    import docx

    template = r"file:///C:\Users\jane.leaker\AppData\Roaming\Microsoft\Templates\MinFin.dotm"
    links = [
        (b"rId90", r"file:///\\minfin-fs01\home\jane.leaker\Kenya notes.docx"),
        (b"rId91", r"C:\Users\jane.leaker\Documents\Kenya sources.xlsx"),
        (b"rId92", "https://www.itu.int/en/wcit-12/"),
    ]
    hyperlinks = b"".join(
        b'<w:hyperlink r:id="%s"><w:r><w:t>%d</w:t></w:r></w:hyperlink>' % (rid, index)
        for index, (rid, _) in enumerate(links)
    )
    original = leaked_docx(
        {
            "word/_rels/settings.xml.rels": (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                + relationship("rId1", "attachedTemplate", template)
                + b"</Relationships>"
            ),
            "word/settings.xml": inserted(b"/>", b'<w:attachedTemplate r:id="rId1"/>'),
            "word/_rels/document.xml.rels": inserted(
                b"<Relationships "
                b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">',
                b"".join(relationship(rid.decode(), "hyperlink", target) for rid, target in links),
            ),
            "word/document.xml": inserted(b"<w:body>", b"<w:p>" + hyperlinks + b"</w:p>"),
        }
    )
    assert parts_mentioning(parts(original), b"jane.leaker")

    copy = public_docx(original)
    assert parts_mentioning(copy, b"jane.leaker") == []
    assert b"attachedTemplate" not in copy.read("word/settings.xml")
    assert b"attachedTemplate" not in copy.read("word/_rels/settings.xml.rels")
    first = docx.Document(io.BytesIO(public_copy(original, "docx"))).paragraphs[0]
    addresses = [hyperlink.address for hyperlink in first.hyperlinks]
    assert addresses == ["about:blank", "about:blank", "https://www.itu.int/en/wcit-12/"]


@pytest.mark.parametrize("main", ["document.xml", "document2.xml"])
def test_a_word_documents_public_copy_keeps_no_ids_nor_times_of_its_comments(main):
    # Beside comments.xml, Word keeps each comment's ids (repeating the paragraph ids
    # of its text), whether it was resolved, and its time in UTC.
    extensions = {
        "commentsExtended": b'<w15:commentsEx><w15:commentEx w15:paraId="1A2B3C4D" w15:done="0"/>',
        "commentsIds": b'<w16cid:commentsIds><w16cid:commentId w16cid:paraId="1A2B3C4D" '
        b'w16cid:durableId="5E6F7A8B"/>',
        "commentsExtensible": b"<w16cex:commentsExtensible><w16cex:commentExtensible "
        b'w16cex:durableId="5E6F7A8B" w16cex:dateUtc="2012-11-02T10:00:00Z"/>',
    }
    relationships = b"".join(
        b'<Relationship Id="rId9%d" Type="http://schemas.microsoft.com/office/2011/'
        b'relationships/%s" Target="%s.xml"/>' % (number, kind.encode(), kind.encode())
        for number, kind in enumerate(extensions)
    )
    overrides = b"".join(
        b'<Override PartName="/word/%s.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.%s+xml"/>'
        % (kind.encode(), kind.encode())
        for kind in extensions
    )
    original = leaked_docx(
        {
            **{f"word/{kind}.xml": body for kind, body in extensions.items()},
            "word/_rels/document.xml.rels": inserted(
                b"<Relationships "
                b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">',
                relationships,
            ),
            "[Content_Types].xml": inserted(
                b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
                overrides,
            ),
        }
    )
    if main != "document.xml":  # the package names its main part
        original = renamed(original, "word/document.xml", f"word/{main}")
    assert parts_mentioning(parts(original), b"1a2b3c4d")

    copy = public_docx(original)
    assert f"word/{main}" in copy.namelist()
    for trace in (b"1a2b3c4d", b"5e6f7a8b", b"2012-11-02", b"comments"):
        assert parts_mentioning(copy, trace) == [], trace


def test_a_word_documents_public_copy_has_no_custom_xml():
    sharepoint = (
        b'<?xml version="1.0"?><p:properties xmlns:p="http://schemas.microsoft.com/office/'
        b'2006/metadata/properties"><documentManagement><Owner>jane.leaker@minfin.go.ke'
        b"</Owner></documentManagement></p:properties>"
    )
    original = leaked_docx(
        {
            "customXml/item2.xml": sharepoint,
            "customXml/itemProps2.xml": (
                b'<?xml version="1.0"?><ds:datastoreItem ds:itemID="{6C1A}" xmlns:ds="http://'
                b'schemas.openxmlformats.org/officeDocument/2006/customXml"/>'
            ),
            "customXml/_rels/item2.xml.rels": (
                b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/relationships"><Relationship Id="rId1" Type="'
                + RELATIONSHIPS
                + b'/customXmlProps" Target="itemProps2.xml"/></Relationships>'
            ),
            "word/_rels/document.xml.rels": inserted(
                b"<Relationships "
                b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">',
                b'<Relationship Id="rId99" Type="'
                + RELATIONSHIPS
                + b'/customXml" Target="../customXml/item2.xml"/>',
            ),
            "[Content_Types].xml": inserted(
                b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
                b'<Override PartName="/customXml/itemProps2.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.customXmlProperties+xml"/>',
            ),
        }
    )

    copy = public_docx(original)
    assert not [name for name in copy.namelist() if name.startswith("customXml/")]
    assert parts_mentioning(copy, b"customxml/item") == []
    assert parts_mentioning(copy, b"/customxml/itemprops") == []
    assert parts_mentioning(copy, b"jane") == []


def test_a_word_documents_public_copy_has_no_document_variables_nor_mail_merge_source():
    settings = (
        b'<w:docVars><w:docVar w:name="Drafter" w:val="Jane Leaker"/></w:docVars>'
        b'<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:query w:val="SELECT * '
        b'FROM C:\\Users\\jane.leaker\\contacts.xlsx"/></w:mailMerge>'
    )
    original = leaked_docx({"word/settings.xml": inserted(b"/>", settings)})

    copy = public_docx(original)
    assert parts_mentioning(copy, b"jane") == []
    part = copy.read("word/settings.xml")
    assert b"docVar" not in part and b"mailMerge" not in part
    # The document's own identifier, which every copy of the original shares.
    assert b"docId" not in part


def test_a_word_documents_public_copy_has_no_thumbnail():
    original = leaked_docx(
        {
            "[Content_Types].xml": inserted(
                b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
                b'<Override PartName="/docProps/thumbnail.jpeg" ContentType="image/jpeg"/>',
            )
        }
    )
    assert "docProps/thumbnail.jpeg" in parts(original).namelist()

    copy = public_docx(original)
    assert "docProps/thumbnail.jpeg" not in copy.namelist()
    assert parts_mentioning(copy, b"thumbnail") == []


def test_a_word_documents_public_copy_has_no_editing_session_ids():
    original = leaked_docx(
        {"word/document.xml": lambda part: part.replace(b"<w:p>", b'<w:p w:rsidR="00A1B2C3">')}
    )
    assert parts_mentioning(parts(original), b"w:rsid")

    copy = public_docx(original)
    assert parts_mentioning(copy, b"w:rsid") == []


def test_a_word_documents_public_copy_has_no_paragraph_ids_nor_times_of_changes():
    # Ids a sender can make different in each recipient's copy, to tell whose leaked.
    original = leaked_docx(
        {
            "word/document.xml": lambda part: part.replace(
                b"<w:p>", b'<w:p w14:paraId="1A2B3C4D" w14:textId="77777777">'
            ).replace(
                b"<w:body>",
                b'<w:body><w:p><w:ins w:id="1" w:author="Jane" w:date="2012-11-02T10:00:00Z" '
                b'xmlns:w16du="http://schemas.microsoft.com/office/word/2023/wordml/word16du" '
                b'w16du:dateUtc="2012-11-02T10:00:00Z"><w:r><w:t>Added.</w:t></w:r></w:ins></w:p>',
            )
        }
    )
    for trace in (b"w14:paraid", b"w14:textid", b"w:date", b"2012-11-02"):
        assert parts_mentioning(parts(original), trace), trace

    copy = public_docx(original)
    for trace in (b"w14:paraid", b"w14:textid", b"w:date", b"2012-11-02"):
        assert parts_mentioning(copy, trace) == [], trace


def test_a_word_documents_public_copy_has_no_properties_wherever_the_package_keeps_them():
    import docx

    # The package's relationships say where its properties are: .NET's
    # System.IO.Packaging writes the core ones to package/services/metadata/….
    core = "package/services/metadata/core-properties/4a1b.psmdcp"
    custom = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5C'
        b'DD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Drafter"><vt:lpwstr>Jane Leaker'
        b"</vt:lpwstr></property></Properties>"
    )
    original = leaked_docx(
        {
            "docProps/core.xml": lambda part: part.replace(b"python-docx", b"Jane Leaker"),
            "docProps/app.xml": lambda part: part.replace(
                b"<Company/>", b"<Company>Jane</Company>"
            ),
            "props/mine.xml": custom,
            "_rels/.rels": inserted(
                b'relationships">',
                b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/'
                b'2006/relationships/custom-properties" Target="/props/mine.xml"/>',
            ),
            "[Content_Types].xml": inserted(
                b'content-types">',
                b'<Override PartName="/props/mine.xml" ContentType="application/vnd.openxmlformats'
                b'-officedocument.custom-properties+xml"/>',
            ),
        }
    )
    original = renamed(original, "docProps/core.xml", core)
    original = renamed(original, "docProps/app.xml", "props/app2.xml")
    assert docx.Document(io.BytesIO(original)).core_properties.author == "Jane Leaker"
    assert parts_mentioning(parts(original), b"jane") == [core, "props/app2.xml", "props/mine.xml"]

    copy = public_docx(original)
    assert parts_mentioning(copy, b"jane") == []
    assert docx.Document(io.BytesIO(public_copy(original, "docx"))).core_properties.author == ""


def docx_with_pictures(pictures: list[bytes]) -> bytes:
    import docx

    document = docx.Document()
    for line in LINES:
        document.add_paragraph(line)
    for picture in pictures:
        document.add_picture(io.BytesIO(picture))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_documents_public_copy_has_pictures_without_their_metadata():
    pictures = leakers_pictures()
    original = docx_with_pictures([pictures["jpeg"], pictures["png"]])
    media = [name for name in parts(original).namelist() if name.startswith("word/media/")]
    # A picture is cleaned whatever the package calls it.
    original = leaked_docx({"word/embeddings/picture.bin": pictures["cmyk"]}, original=original)
    media.append("word/embeddings/picture.bin")
    assert parts_mentioning(parts(original), b"jane") == media

    copy = public_docx(original)
    assert parts_mentioning(copy, b"jane") == []
    for name in media:
        assert b"tIME" not in copy.read(name)
        assert_same_picture(copy.read(name), parts(original).read(name))


def test_a_word_documents_public_copy_empties_a_picture_it_cannot_read():
    import docx

    picture = leakers_pictures()["png"]
    original = docx_with_pictures([picture])
    [name] = [name for name in parts(original).namelist() if name.startswith("word/media/")]
    cut_in_a_chunk = picture[:60] + b"Jane Leaker"
    original = leaked_docx({name: lambda part: cut_in_a_chunk}, original=original)

    copy = public_docx(original)
    assert copy.read(name) == b""
    assert len(docx.Document(io.BytesIO(public_copy(original, "docx"))).inline_shapes) == 1


def office_package(parts: dict[str, bytes]) -> bytes:
    """A package such as Excel or PowerPoint writes, its properties naming Jane."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006'
            b'/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            b'openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            b'Target="docProps/core.xml"/></Relationships>',
        )
        package.writestr(
            "docProps/core.xml",
            b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats'
            b'.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements'
            b'/1.1/"><dc:creator>Jane Leaker</dc:creator></cp:coreProperties>',
        )
        for name, body in parts.items():
            package.writestr(name, body)
    return out.getvalue()


def unpacked(archive: zipfile.ZipFile) -> dict[str, bytes]:
    """Every part of the package, and of the packages in it, by its path through them."""
    found = {}
    for name in archive.namelist():
        body = archive.read(name)
        found[name] = body
        if zipfile.is_zipfile(io.BytesIO(body)):
            for inner, inner_body in unpacked(parts(body)).items():
                found[f"{name}/{inner}"] = inner_body
    return found


def test_a_word_documents_public_copy_cleans_the_office_files_embedded_in_it():
    import docx

    document = docx_bytes(LINES)
    document = leaked_docx(
        {"docProps/core.xml": lambda part: part.replace(b"python-docx", b"Jane Leaker")},
        original=document,
    )
    spreadsheet = office_package(
        {
            "xl/embeddings/Document.docx": document,
            "xl/media/image1.jpeg": leakers_pictures()["jpeg"],
        }
    )
    original = leaked_docx({"word/embeddings/Microsoft_Excel_Worksheet.xlsx": spreadsheet})
    leaking = [name for name, body in unpacked(parts(original)).items() if b"Jane" in body]
    assert len(leaking) == 3

    copy = public_docx(original)
    assert [name for name, body in unpacked(copy).items() if b"Jane" in body] == []
    embedded = parts(copy.read("word/embeddings/Microsoft_Excel_Worksheet.xlsx"))
    assert sorted(embedded.namelist()) == sorted(parts(spreadsheet).namelist())
    inner = docx.Document(io.BytesIO(embedded.read("xl/embeddings/Document.docx")))
    assert [paragraph.text for paragraph in inner.paragraphs] == LINES


def test_a_word_documents_public_copy_empties_embedded_files_it_cannot_clean():
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504 + b"SummaryInformation Jane Leaker"
    bomb = office_package({"xl/worksheets/sheet1.xml": b"Jane" + b" " * 4 * 2**20})
    nested = office_package({"xl/media/note.txt": b"Jane"})
    for depth in range(5):
        nested = office_package({f"embeddings/level{depth}.xlsx": nested})
    embedded = {
        "word/embeddings/oleObject1.bin": ole,
        "word/embeddings/Microsoft_Excel_Worksheet1.xlsx": bomb,
        "word/embeddings/Microsoft_Excel_Worksheet2.xlsx": nested,
        "word/embeddings/notes.txt": b"Jane's notes",
        "word/embeddings/Broken.xlsx": b"PK\x03\x04 Jane Leaker",
    }
    original = leaked_docx(dict(embedded))

    copy = public_docx(original)
    assert [name for name, body in unpacked(copy).items() if b"Jane" in body] == []
    for name in ("oleObject1.bin", "Microsoft_Excel_Worksheet1.xlsx", "notes.txt", "Broken.xlsx"):
        assert copy.read(f"word/embeddings/{name}") == b""


@pytest.mark.parametrize(
    "change",
    [
        b"<w:ins w:id='9' w:author='Jane Leaker' w:initials='JL'>",
        b'<w:ins w:id="9" w:author = "Jane Leaker" w:initials\n=\t"JL">',
        b'<w:ins xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" w:id="9" '
        b"w15:userId = 'S::jane.leaker@minfin.go.ke' w:author=\"Jane\">",
    ],
    ids=["single quotes", "blanks around =", "both"],
)
def test_a_word_documents_public_copy_names_no_author_however_the_attributes_are_quoted(change):
    # Single quotes and blanks around '=' are XML as good as Word's w:author="…".
    comment = change.replace(b"<w:ins", b"<w:comment").replace(b'"9"', b'"0"')
    original = leaked_docx(
        {
            "word/document.xml": inserted(
                b"<w:body>", b"<w:p>" + change + b"<w:r><w:t>Added.</w:t></w:r></w:ins></w:p>"
            ),
            "word/comments.xml": (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments '
                b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                + comment
                + b"<w:p><w:r><w:t>Ask Ghana first</w:t></w:r></w:p></w:comment></w:comments>"
            ),
        }
    )
    assert parts_mentioning(parts(original), b"jane")

    copy = public_docx(original)
    assert parts_mentioning(copy, b"jane") == []
    assert parts_mentioning(copy, b"ghana first") == []
    for part in ("word/document.xml", "word/comments.xml"):
        assert b"'JL'" not in copy.read(part) and b'"JL"' not in copy.read(part)


# --- Word's web pages ---------------------------------------------------------------------

SUPPORT = "Kenya%20draft%20for%20J.Leaker_files"
WORD_PAGE = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
    '<meta http-equiv=Content-Type content="text/html; charset=windows-1252">'
    '<meta name=Originator content="Microsoft Word 15">'
    f'<link rel=File-List href="{SUPPORT}/filelist.xml">'
    f'<link rel=Edit-Time-Data href="{SUPPORT}/editdata.mso">'
    "<title>Kenya draft for J.Leaker</title>"
    f'<link rel=themeData href="{SUPPORT}/themedata.thmx">'
    f"<link rel=colorSchemeMapping href='{SUPPORT}/colorschememapping.xml'>"
    "<link rel=Preview href=file:///C:/Users/jleaker/AppData/Local/Temp/preview.wmf>"
    '<link rel=stylesheet href="https://www.itu.int/style.css">'
    "</head><body lang=EN-GB><p>MOD\tPRG/29/1</p><p>5\t1.3\tText.</p><p>"
    f'<img width=20 height=20 src="{SUPPORT}/image001.png" alt="ITU logo">'
    '<img src="file:///C:/Users/jleaker/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png">'
    '<a href="C:\\Users\\jleaker\\Documents\\Kenya notes.docx">notes</a> '
    '<a href="\\\\minfin-fs01\\home\\jleaker\\sources.xlsx">sources</a> '
    '<a href="../Drafts/Kenya%20draft%20for%20J.Leaker%20v2.htm">v2</a> '
    '<a href="https://www.itu.int/">ITU</a> <a href="#_Toc1">contents</a> '
    "<span style='background:url(\"file:///C:/Users/jleaker/bg.png\") no-repeat'>x</span>"
    "</p><p>Reasons:\tWhy.</p></body></html>"
).encode("cp1252")


def test_a_word_web_pages_public_copy_names_no_file_or_folder_of_the_leaker():
    copy = public_copy(WORD_PAGE, "html")
    for trace in (b"Leaker", b"jleaker", b"_files", b"file:", b"Microsoft Word"):
        assert trace not in copy
    assert b"<link" not in copy.replace(b'<link rel=stylesheet href="https://www.itu.int/', b"")
    # Only the links the public can follow stay; the pictures keep their words.
    assert b'<img width=20 height=20 alt="ITU logo">' in copy and b"<img>" in copy
    assert b"<a>notes</a> <a>sources</a> <a>v2</a>" in copy
    assert b'<a href="https://www.itu.int/">ITU</a> <a href="#_Toc1">contents</a>' in copy
    assert b"<span style='background:none no-repeat'>x</span>" in copy
    assert extract(copy, "html").pages == extract(WORD_PAGE, "html").pages


def test_a_word_web_pages_public_copy_has_an_empty_title():
    # Word writes the document's Title property there, which can be a file name.
    copy = public_copy(WORD_PAGE, "html")
    assert b"<title></title>" in copy


WORD_STYLES = "<style>" + "p.MsoNormal {margin:0cm; font-size:11.0pt;}\n" * 40 + "</style>"


@pytest.mark.parametrize(
    "opening",
    [
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 '
        'Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">',
        "<!-- saved from url=(0035)https://intranet.example.gov/drafts -->\n<html>",
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">',
    ],
    ids=["xhtml", "saved-from", "doctype-upper"],
)
def test_a_web_page_opening_with_a_declaration_or_comment_is_cleaned_as_a_web_page(opening):
    from proposals.ingest.detect import detect_type

    page = (
        f'{opening}<head><meta name="author" content="Jane Leaker"/>{WORD_STYLES}</head>'
        "<body><p>MOD\tRUS/27/7</p><p>5\t1.3\tText.</p><p>Reasons:\tWhy.</p></body></html>"
    ).encode()
    assert detect_type(page) == "html"
    copy = public_copy(page, "html")
    assert b"Jane Leaker" not in copy and b"intranet" not in copy
    assert extract(copy, "html").pages == extract(page, "html").pages
    assert "MOD\tRUS/27/7" in extract(page, "html").pages[0]


@pytest.mark.parametrize(
    "meta",
    [
        '<meta name="author" content="Jane Leaker">',
        '<meta name="DC.contributor" content="Jane Leaker">',
        '<meta name="dcterms.rightsHolder" content="Jane Leaker">',
        '<meta http-equiv="Reply-To" content="jane@leaker.example">',
        "<meta name=lastModifiedBy content='Jane Leaker'>",
        '<meta name="Template" content="C:\\Users\\jleaker\\Templates\\Normal.dotm">',
        '<meta name="twitter:site" content="@janeleaker">',
        '<meta property="og:site_name" content="Jane Leaker blog">',
        '<meta name="keywords" content="for Jane Leaker">',  # Word's Keywords property
        '<meta name=viewport content="Jane Leaker">',
        "<meta charset=utf-8 name=author content='Jane Leaker'>",
    ],
)
def test_a_web_pages_public_copy_keeps_no_meta_but_those_saying_how_to_read_it(meta):
    kept = (
        "<meta charset=utf-8>"
        '<meta http-equiv=Content-Type content="text/html; charset=utf-8">'
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        '<META NAME=ProgId CONTENT="Word.Document"/>'
    )
    page = f"<html><head>{kept}{meta}</head><body><p>Text.</p></body></html>".encode()
    copy = public_copy(page, "html")
    assert b"eaker" not in copy and b"<meta" not in copy.replace(RUNS_NOTHING, b"").replace(
        kept.encode(), b""
    )
    assert kept.encode() in copy


def test_a_web_pages_meta_is_read_in_one_pass_and_kept_however_it_is_cased():
    # Forty entries: a failed match of the old pattern would have taken days.
    hostile = '<meta name="viewport" content="' + "width=1 " * 40 + '!">'
    assert b"viewport" not in public_copy(f"<html><head>{hostile}</head>x".encode(), "html")
    kept = (
        '<META HTTP-EQUIV="Content-Type" CONTENT="TEXT/HTML; CHARSET=windows-1251;">'
        '<meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">'
    )
    assert kept.encode() in public_copy(f"<html><head>{kept}</head>x".encode(), "html")


# A policy first in every web page's copy: a browser that reads it runs nothing, whatever
# is left (an iframe's srcdoc, a javascript: address in SVG).
RUNS_NOTHING = (
    b'<meta http-equiv="Content-Security-Policy" content="script-src \'none\'; '
    b"object-src 'none'; frame-src 'none'; form-action 'none'\">"
)


def test_a_web_pages_public_copy_runs_nothing_after_its_doctype():
    copy = public_copy(b"\n<!DOCTYPE html>\n<html><body><p>Text.</p>", "html")
    assert copy == b"\n<!DOCTYPE html>" + RUNS_NOTHING + b"\n<html><body><p>Text.</p>"
    # Before anything a browser does not skip, the doctype does not count: the policy
    # comes first, or a browser would put it in the body and ignore it.
    for before in (b"\x0b", "\u00a0".encode(), "\ufeff\ufeff".encode()):
        page = before + b"<!DOCTYPE html><html><body><p>Text.</p>"
        # (The copy keeps the original's byte-order mark.)
        assert public_copy(page, "html").removeprefix(b"\xef\xbb\xbf").startswith(RUNS_NOTHING)


@pytest.mark.parametrize(
    "page",
    [
        # Text that reads like an attribute is text.
        b"<p>Where one = the number of members, online = true</p>",
        # Word writes its styles in single quotes, the quotes ending them.
        b"<p><span style='mso-spacerun:yes'> </span>MOD KEN/12/3</p>"
        b"<p>3.1 Text<span style='mso-tab-count:1'> </span>end</p>",
    ],
    ids=["attribute-like-text", "word-styles"],
)
def test_a_web_pages_public_copy_reads_as_the_original(page):
    copy = public_copy(b"<html><body>" + page + b"</body></html>", "html")
    assert extract(copy, "html").pages == extract(b"<html><body>" + page, "html").pages
    assert b"mso-" not in copy


def test_a_web_pages_public_copy_runs_no_script_and_links_no_author():
    # A page saved from SharePoint or an intranet carries its reader in a script
    # (_spPageContextInfo: login, e-mail); JSON-LD names the author; <link rel=author>
    # and rel=me point to a person.
    page = (
        b"<html><head><script>var _spPageContextInfo = {userLoginName: 'i:0#.w|minfin\\jleaker',"
        b" userEmail: 'jane.leaker@minfin.example'};</script>"
        b'<script type="application/ld+json">{"author": {"name": "Jane Leaker"}}</script>'
        b'<link rel="author" href="https://intranet.minfin.example/people/jleaker">'
        b"<link rel=me href=https://social.example/@jleaker>"
        b"<LINK REL='Publisher Author' HREF='https://minfin.example/jane'>"
        b'<link rel=stylesheet href="https://www.itu.int/style.css">'
        b"<SCRIPT src=https://minfin.example/track.js?u=jleaker></SCRIPT>"
        b"</head><body><p>MOD\tPRG/29/1</p><script>document.write('Jane')"
    )
    copy = public_copy(page, "html")
    for trace in (b"leaker", b"Leaker", b"Jane", b"<script", b"<SCRIPT"):
        assert trace not in copy
    # Each script leaves a space, so that what is around it cannot join into a tag.
    assert copy == RUNS_NOTHING + (
        b'<html><head>  <link rel=stylesheet href="https://www.itu.int/style.css">'
        b" </head><body><p>MOD\tPRG/29/1</p> "
    )


@pytest.mark.parametrize(
    "page",
    [
        b"<body onload=\"init({userEmail:'jane.leaker@minfin.example'})\"><p onClick=run>x</p>",
        b"<scr<!-- x -->ipt>alert('jane.leaker')</script>",
        b"<scr<xml>x</xml>ipt>alert('jane.leaker')</script>",
        b"<scrmso-x:y;ipt>alert('jane.leaker')</script>",
        b'<p o href="C:\\jane" nload="alert(\'jane.leaker\')">x</p>',
        b'<scr onx="y"ipt>alert(\'jane.leaker\')</script>',
        b'<link rev="made" href="mailto:jane.leaker@minfin.example">',
        # A handler's name after a quote or a "/", as a browser reads it.
        b'<p title="a"onclick="alert(1)">x</p><svg/onload=alert(1)>',
        b'<img src="https://x/a.png"onerror="alert(1)">',
        b'<p o onx="y"nclick=alert(1)>x</p><p<script></script>onclick=x>',
        # A script ends where a browser ends it, not at "</script-x>".
        b'<script>var end="</script-x>"; var ctx={userEmail:"jane.leaker@minfin.example"};'
        b"</script>",
    ],
    ids=["handlers", "comment-joined", "island-joined", "style-joined", "attribute-joined",
         "handler-joined", "rev-made", "handler-after-quote", "handler-after-url",
         "joined-by-removal", "script-end-lookalike"],
)  # fmt: skip
def test_a_web_pages_public_copy_runs_nothing_however_its_tags_are_made(page):
    copy = public_copy(b"<html>" + page + b"<p>Kept.</p>", "html").removeprefix(RUNS_NOTHING)
    assert b"<p>Kept.</p>" in copy
    # No script, no event handler, no e-mail address of the author.
    assert not re.search(rb"<script|[\s\"'/]on[a-z]+\s*=|jane\.leaker@", copy, re.IGNORECASE)


@pytest.mark.parametrize(
    ("page", "kept"),
    [
        # Each took minutes or more when a pattern searched the rest of the page again
        # from every unclosed start; run to the end of the page, they take milliseconds.
        (b"<p>Text.</p>" + b"<!--" * 100_000, b"<p>Text.</p> "),
        (b"<p>Text.</p>" + b"<xml>" * 100_000, b"<p>Text.</p>"),
        (b"<p>Text.</p>" + b"<script>" * 100_000, b"<p>Text.</p> "),
        (b"<p>Text.</p>" + b"</script foo" * 100_000, b"<p>Text.</p>" + b"</script foo" * 100_000),
        (b"<p>a</p><script>x</script foo><p>Kept text</p>", b"<p>a</p> <p>Kept text</p>"),
        (b"<p>Text.</p>" + b"<link rel=author href=https://x/j " * 20_000, b"<p>Text.</p>"),
        # Whichever of a comment and a script starts first holds the other.
        (b'<script>var a = "<!--";</script><p>Kept.</p>', b" <p>Kept.</p>"),
        (b"<!-- <script> --><p>Kept.</p><script>x</script>", b" <p>Kept.</p> "),
        (b"<p>Text.</p>" + b"<meta name=author content=Jane" * 20_000, b"<p>Text.</p>"),
        # Names that start with an identifying one go too.
        (b'<meta name="author_email" content="jane@x"><meta name=companyName content=M>', b""),
        (
            b'<meta name="DC.creator" content="Jane"><meta property="article:author" content=J>'
            b'<meta name=citation_author content=J><meta itemprop="author" content="J">'
            b'<meta name="last-saved-by" content="J"><meta name="viewport" content="width=1">',
            b'<meta name="viewport" content="width=1">',
        ),
    ],
    ids=[
        "comments",
        "xml-islands",
        "scripts",
        "unclosed-script-ends",
        "script-end-with-attributes",
        "author-links",
        "comment-in-script",
        "script-in-comment",
        "author-metas",
        "author-meta-prefixes",
        "author-metas-named-so",
    ],
)
def test_a_hostile_web_page_is_copied_in_one_pass_and_keeps_no_author(page, kept):
    assert public_copy(b"<html><body>" + page, "html") == RUNS_NOTHING + b"<html><body>" + kept


def test_a_word_documents_public_copy_keeps_no_time_owner_or_comment_of_its_zip_entries():
    import struct

    source = parts(docx_bytes(LINES))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as leaked:
        leaked.comment = b"Jane"
        for name in source.namelist():
            # As a tool other than Word writes them: the local time it saved the file,
            # the owner's user and group ids (a UNIX extra field), a comment.
            entry = zipfile.ZipInfo(name, date_time=(2012, 11, 2, 10, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.extra = struct.pack("<HHBBIBI", 0x7875, 11, 1, 4, 1001, 4, 1001)
            entry.comment = b"Jane"
            leaked.writestr(entry, source.read(name))

    copy = public_docx(out.getvalue())
    assert copy.comment == b""
    for entry in copy.infolist():
        assert entry.date_time == (1980, 1, 1, 0, 0, 0)
        assert (entry.extra, entry.comment) == (b"", b"")
