"""Pictures (JPEG, PNG) without what cameras, phones and editors write beside the image:
EXIF (the owner's name, the device and its serial number, where and when it was taken),
XMP and IPTC (author, copyright, the editing history with file paths), comments, and
anything appended after the image's end. The image itself is copied byte for byte, never
re-encoded: it looks the same, and nothing it carries is read by a decoder here."""

from __future__ import annotations

JPEG_START = b"\xff\xd8\xff"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The JPEG markers that carry no length: restart markers, and TEM.
JPEG_STANDALONE_MARKERS = {*range(0xD0, 0xD8), 0x01}
JPEG_START_OF_SCAN = 0xDA
JPEG_END_OF_IMAGE = 0xD9
# What decoding needs, kept as it is: frame headers (SOF0-15), Huffman and arithmetic
# coding tables, JPG (0xC8), quantization tables, the number of lines, restart interval,
# scans, hierarchical progression, and JPEG-LS's frame header and parameters. Any other
# segment goes: application data (APP0-15) but for the three below, comments (COM), and
# markers the standard reserves, which no decoder needs.
JPEG_DECODING_MARKERS = {*range(0xC0, 0xD0), *range(0xDA, 0xE0), 0xF7, 0xF8}
# The application segments a decoder reads, by their marker and how their data starts:
# the colour profile, and Adobe's colour transform, without which a CMYK image shows in
# false colours. (And JFIF's pixel density, without its thumbnail: see
# jfif_without_thumbnail.)
JPEG_DECODING_APPLICATION_DATA = {
    0xE2: b"ICC_PROFILE\x00",
    0xEE: b"Adobe",
}
JFIF_MARKER, JFIF_IDENTIFIER = 0xE0, b"JFIF\x00"
# JFIF's header up to its thumbnail's width and height: identifier (5), version (2),
# density units (1), densities (2 + 2).
JFIF_HEADER_LENGTH = 12

# The PNG chunks a decoder needs to show the image as the original shows: the image, its
# palette and transparency, colour space and profile, gamma, pixel size, background,
# and an animation's frames (APNG). The rest go: text (tEXt, zTXt, iTXt: author,
# software, comments, XMP), EXIF (eXIf), the time it was last changed (tIME), and
# editors' private chunks, whatever they hold.
PNG_DECODING_CHUNKS = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"cHRM",
    b"gAMA",
    b"iCCP",
    b"sBIT",
    b"sRGB",
    b"cICP",
    b"mDCV",
    b"mDCv",
    b"cLLI",
    b"cLLi",
    b"bKGD",
    b"hIST",
    b"pHYs",
    b"acTL",
    b"fcTL",
    b"fdAT",
}
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # an empty IEND chunk and its CRC


class UnreadableImage(ValueError):
    """A picture whose structure cannot be followed to its end: what follows the point
    where reading stopped is not known, so none of it can be published."""


def is_image(data: bytes) -> bool:
    return data.startswith((JPEG_START, PNG_SIGNATURE))


def image_without_metadata(data: bytes) -> bytes:
    """The JPEG or PNG picture without its metadata; UnreadableImage for anything else."""
    if data.startswith(JPEG_START):
        return jpeg_without_metadata(data)
    if data.startswith(PNG_SIGNATURE):
        return png_without_metadata(data)
    raise UnreadableImage("Neither a JPEG nor a PNG picture.")


def jpeg_without_metadata(data: bytes) -> bytes:
    """The JPEG's segments that decoding needs, in order, and its scans' coded data."""
    kept = [data[:2]]
    position = 2
    while position < len(data):
        if data[position] != 0xFF:
            raise UnreadableImage(f"No JPEG marker at byte {position}.")
        while position < len(data) and data[position] == 0xFF:  # fill bytes before a marker
            position += 1
        if position == len(data):
            break
        marker = data[position]
        position += 1
        if marker == JPEG_END_OF_IMAGE:
            # What follows the image's end is not the image: a camera's second picture
            # (its own EXIF included), or anything appended to the file.
            break
        if marker in JPEG_STANDALONE_MARKERS:
            kept.append(bytes((0xFF, marker)))
            continue
        if position + 2 > len(data):
            raise UnreadableImage(f"A JPEG segment cut short at byte {position}.")
        length = int.from_bytes(data[position : position + 2], "big")
        end = position + length
        if length < 2 or end > len(data):
            raise UnreadableImage(f"A JPEG segment's length runs past the end at {position}.")
        payload = data[position + 2 : end]
        if marker == JFIF_MARKER and payload.startswith(JFIF_IDENTIFIER):
            kept.append(jfif_without_thumbnail(payload))
        elif marker in JPEG_DECODING_MARKERS or (
            marker in JPEG_DECODING_APPLICATION_DATA
            and payload.startswith(JPEG_DECODING_APPLICATION_DATA[marker])
        ):
            kept.append(data[position - 2 : end])
        position = end
        if marker == JPEG_START_OF_SCAN:
            scan_end = jpeg_scan_end(data, position)
            kept.append(data[position:scan_end])
            position = scan_end
    # A picture cut short after a whole segment or scan shows as far as it goes, as
    # the original does; it gets its end marker.
    kept.append(b"\xff\xd9")
    return b"".join(kept)


def jpeg_scan_end(data: bytes, position: int) -> int:
    """Where a scan's coded data, starting at `position`, ends: at the first marker that
    is neither a stuffed 0xFF byte (0xFF00) nor a restart marker."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 == len(data):
            return len(data)
        following = data[position + 1]
        if following == 0x00 or following in JPEG_STANDALONE_MARKERS:
            position += 2
        elif following == 0xFF:  # a fill byte: the marker comes after it
            position += 1
        else:
            return position


def jfif_without_thumbnail(payload: bytes) -> bytes:
    """JFIF's segment with its thumbnail's size set to 0 by 0 and its pixels gone: a
    thumbnail need not show what the image shows (the picture before it was cropped)."""
    if len(payload) < JFIF_HEADER_LENGTH + 2:
        raise UnreadableImage("A JFIF segment cut short.")
    header = payload[:JFIF_HEADER_LENGTH] + b"\x00\x00"
    return b"\xff\xe0" + (len(header) + 2).to_bytes(2, "big") + header


def png_without_metadata(data: bytes) -> bytes:
    """The PNG's chunks that decoding needs (PNG_DECODING_CHUNKS), in order."""
    kept = [PNG_SIGNATURE]
    position = len(PNG_SIGNATURE)
    while position < len(data):
        if position + 12 > len(data):
            raise UnreadableImage(f"A PNG chunk cut short at byte {position}.")
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        end = position + 12 + length  # length, type, data, CRC
        if end > len(data):
            raise UnreadableImage(f"A PNG chunk's length runs past the end at {position}.")
        if kind in PNG_DECODING_CHUNKS:
            kept.append(data[position:end])
        if kind == b"IEND":  # what follows the image's end is not the image
            return b"".join(kept)
        position = end
    # Cut short after a whole chunk: it shows as far as it goes, as the original does.
    kept.append(PNG_END)
    return b"".join(kept)
