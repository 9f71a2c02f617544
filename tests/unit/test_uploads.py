"""Uploaded logos and slide images: judged by content, re-encoded or refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin

from webinar.domain import uploads
from webinar.domain.uploads import CleanImage, ImageRefused

SVG_OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
            ' width="200" height="60" viewBox="0 0 200 60">')


def _png(size=(10, 10), mode="RGB", colour=(200, 30, 30), **save):
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, "PNG", **save)
    return out.getvalue()


def _jpeg(size=(10, 10), mode="RGB", colour=(200, 30, 30), **save):
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, "JPEG", **save)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_claiming(width, height):
    """A valid-looking PNG header declaring a canvas, with one tiny IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + _chunk(b"IEND", b""))


def _svg(body: str, open_tag: str = SVG_OPEN) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{open_tag}{body}</svg>'.encode()


def _refused(data: bytes) -> str:
    with pytest.raises(ImageRefused) as caught:
        uploads.sanitise_image(data)
    return caught.value.reason


# --- size and kind -----------------------------------------------------------------------------

def test_empty_is_refused():
    assert _refused(b"") == "empty"


def test_too_large_is_refused_before_parsing():
    assert _refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * (50 * 1024 * 1024)) == "too-large"
    assert _refused(b"x" * (uploads.MAX_IMAGE_BYTES + 1)) == "too-large"


@pytest.mark.parametrize("data", [
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    bytes(range(256)) * 8,
    b"<html><script>alert(1)</script></html>",
    b"RIFF\x1a\x00\x00\x00WEBPVP8 ",
    b"BM" + b"\x00" * 60,
    b"%PDF-1.7\n",
])
def test_other_kinds_and_noise_are_not_images(data):
    assert _refused(data) == "not-an-image"


def test_a_real_gif_is_refused_too():
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(out, "GIF")
    assert _refused(out.getvalue()) == "not-an-image"


def test_a_file_name_cannot_help_a_gif_pass_as_png():
    """Only the bytes count: a GIF body behind a PNG signature does not decode."""
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(out, "GIF")
    assert _refused(b"\x89PNG\r\n\x1a\n" + out.getvalue()) == "not-an-image"


def test_a_truncated_png_is_not_an_image():
    assert _refused(_png(size=(64, 64))[:-30]) == "not-an-image"


# --- PNG and JPEG ------------------------------------------------------------------------------

def test_a_png_comes_back_reencoded_with_its_size():
    clean = uploads.sanitise_image(_png())
    assert (clean.mime, clean.extension, clean.width, clean.height) == ("image/png", "png", 10, 10)
    with Image.open(io.BytesIO(clean.data)) as im:
        assert (im.format, im.size) == ("PNG", (10, 10))
        assert im.convert("RGB").getpixel((5, 5)) == (200, 30, 30)


def test_a_jpeg_comes_back_reencoded_with_its_size():
    clean = uploads.sanitise_image(_jpeg(size=(12, 7)))
    assert (clean.mime, clean.extension, clean.width, clean.height) == ("image/jpeg", "jpg", 12, 7)
    with Image.open(io.BytesIO(clean.data)) as im:
        assert (im.format, im.size) == ("JPEG", (12, 7))


def test_the_result_is_a_clean_image_value():
    clean = uploads.sanitise_image(_png())
    assert isinstance(clean, CleanImage)
    with pytest.raises(AttributeError):
        clean.mime = "text/html"


def test_bytes_after_the_png_end_are_gone():
    payload = b"<script>alert(document.cookie)</script>PK\x03\x04polyglot"
    clean = uploads.sanitise_image(_png() + payload)
    assert payload not in clean.data
    assert b"polyglot" not in clean.data
    assert clean.data.endswith(_chunk(b"IEND", b""))


def test_bytes_after_the_jpeg_end_are_gone():
    payload = b"<?php system($_GET['c']); ?>"
    clean = uploads.sanitise_image(_jpeg() + payload)
    assert payload not in clean.data
    assert clean.data.endswith(b"\xff\xd9")


def test_png_text_chunks_and_exif_are_gone():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-text-chunk")
    info.add_itxt("Author", "secret-itxt-chunk")
    exif = Image.Exif()
    exif[0x010E] = "secret-exif-description"  # ImageDescription
    original = _png(pnginfo=info, exif=exif.tobytes())
    assert b"secret-text-chunk" in original and b"secret-exif" in original
    clean = uploads.sanitise_image(original)
    for marker in (b"secret", b"tEXt", b"iTXt", b"eXIf"):
        assert marker not in clean.data
    with Image.open(io.BytesIO(clean.data)) as im:
        assert "Comment" not in im.info and not im.getexif()


def test_jpeg_exif_comment_and_icc_profile_are_gone():
    exif = Image.Exif()
    exif[0x010E] = "secret-exif-description"
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # a GPS latitude: the usual leak
    original = _jpeg(exif=exif.tobytes(), comment=b"secret-comment",
                     icc_profile=b"secret-icc-profile")
    assert b"secret-exif" in original and b"secret-comment" in original
    clean = uploads.sanitise_image(original)
    assert b"secret" not in clean.data
    assert b"Exif" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as im:
        assert not im.getexif() and "icc_profile" not in im.info


def test_exif_orientation_is_applied_before_it_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    clean = uploads.sanitise_image(_jpeg(size=(20, 10), exif=exif.tobytes()))
    assert (clean.width, clean.height) == (10, 20)


def test_a_cmyk_jpeg_becomes_rgb():
    clean = uploads.sanitise_image(_jpeg(mode="CMYK", colour=(0, 255, 255, 0)))
    with Image.open(io.BytesIO(clean.data)) as im:
        assert im.mode == "RGB"


def test_a_palette_png_keeps_its_transparency_as_alpha():
    im = Image.new("P", (10, 10), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    out = io.BytesIO()
    im.save(out, "PNG", transparency=0)
    clean = uploads.sanitise_image(out.getvalue())
    with Image.open(io.BytesIO(clean.data)) as back:
        assert back.mode == "RGBA" and back.getpixel((0, 0))[3] == 0


def test_an_animated_png_keeps_only_its_first_frame():
    frames = [Image.new("RGB", (10, 10), c) for c in ("red", "blue", "green")]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    clean = uploads.sanitise_image(out.getvalue())
    assert b"acTL" not in clean.data and b"fcTL" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as im:
        assert getattr(im, "n_frames", 1) == 1
        assert im.convert("RGB").getpixel((0, 0)) == (255, 0, 0)


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (20_000, 20_000),
                                               (4001, 10), (10, 4001), (4000, 4001)])
def test_a_header_declaring_a_huge_canvas_is_refused(width, height):
    data = _png_claiming(width, height)
    assert len(data) < 200
    assert _refused(data) == "too-many-pixels"


def test_the_largest_canvas_allowed_is_accepted():
    clean = uploads.sanitise_image(_png(size=(uploads.MAX_SIDE, 1)))
    assert (clean.width, clean.height) == (4000, 1)


# --- SVG ---------------------------------------------------------------------------------------

LOGO = _svg(
    '<title>Acme</title>'
    '<defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#0b5cab"/>'
    '<stop offset="1" stop-color="#ffcc00"/></linearGradient></defs>'
    '<rect id="a" x="0" y="0" width="200" height="60" rx="8" fill="url(#g)"'
    ' style="stroke: url(\'#g\'); stroke-width: 2"/>'
    '<text x="20" y="40" font-family="sans-serif" font-size="24" fill="#fff">Acme &amp; Co</text>'
)


def test_a_clean_logo_passes_and_keeps_the_drawing():
    clean = uploads.sanitise_image(LOGO)
    assert (clean.mime, clean.extension) == ("image/svg+xml", "svg")
    assert (clean.width, clean.height) == (200, 60)
    text = clean.data.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text
    for piece in ('<linearGradient id="g"', 'fill="url(#g)"', "Acme &amp; Co", "<title>Acme",
                  'stop-color="#ffcc00"', 'rx="8"'):
        assert piece in text
    assert "ns0:" not in text


def test_the_cleaned_logo_sanitises_to_itself():
    once = uploads.sanitise_image(LOGO)
    assert uploads.sanitise_image(once.data).data == once.data


@pytest.mark.parametrize(("before", "after"), [
    (b"", b""),
    (b"\xef\xbb\xbf", b""),
    (b"", b"  \n<!-- made by hand -->\n<!-- twice -->"),
    (b"\xef\xbb\xbf", b"<!-- logo -->"),
])
def test_svg_is_recognised_after_bom_declaration_and_comments(before, after):
    data = before + b'<?xml version="1.0"?>\n' + after + LOGO.split(b"?>\n", 1)[1]
    assert uploads.sanitise_image(data).mime == "image/svg+xml"


def test_svg_is_recognised_without_a_declaration():
    assert uploads.sanitise_image(LOGO.split(b"?>\n", 1)[1]).mime == "image/svg+xml"


def test_use_of_a_fragment_is_allowed():
    for attribute in ('href="#a"', 'xlink:href="#a"'):
        clean = uploads.sanitise_image(_svg(f'<symbol id="a"><circle r="4"/></symbol>'
                                            f'<use {attribute} x="10"/>'))
        assert b"#a" in clean.data


def test_editor_metadata_is_dropped_not_refused():
    data = _svg(
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description/></rdf:RDF></metadata>'
        '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"'
        ' pagecolor="#ffffff"/>'
        '<path xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" d="M0 0L10 10"'
        ' inkscape:label="C:\\Users\\me\\logo.png" inkscape:export-filename="http://x/y"/>',
    )
    text = uploads.sanitise_image(data).data.decode()
    assert 'd="M0 0L10 10"' in text
    for gone in ("rdf", "sodipodi", "inkscape", "namedview", "Users"):
        assert gone not in text


def test_processing_instructions_do_not_survive():
    data = b'<?xml-stylesheet href="http://evil.example/x.css"?>' + LOGO.split(b"?>\n", 1)[1]
    assert b"evil" not in uploads.sanitise_image(data).data


@pytest.mark.parametrize(("open_tag", "size"), [
    ('<svg xmlns="http://www.w3.org/2000/svg" width="120px" height="40.4">', (120, 40)),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0,0,300,90">', (300, 90)),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64.6 32">', (65, 32)),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="5cm" height="2cm">', (None, None)),
    ('<svg xmlns="http://www.w3.org/2000/svg">', (None, None)),
])
def test_svg_size_comes_from_width_height_or_viewbox(open_tag, size):
    clean = uploads.sanitise_image(_svg('<rect width="1" height="1"/>', open_tag))
    assert (clean.width, clean.height) == size


REFUSED_SVGS = [
    ('<script>alert(1)</script>', "svg-script"),
    ('<script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script>', "svg-script"),
    ('<rect width="1" height="1" onload="alert(1)"/>', "svg-script"),
    ('<g onClick="alert(1)"/>', "svg-script"),
    ('<a href="javascript:alert(1)"><text>x</text></a>', "svg-script"),
    ('<a xlink:href=" JaVa&#x09;Script:alert(1)"><text>x</text></a>', "svg-script"),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
     "svg-script"),
    ('<set attributeName="href" to="javascript:alert(1)"/>', "svg-script"),
    ('<animate attributeName="xlink:href" values="#a"/>', "svg-script"),
    ('<set attributeName="onmouseover" to="alert(1)"/>', "svg-script"),
    ('<rect width="1" height="1" style="background: expression(alert(1))"/>', "svg-script"),
    ('<image href="https://example.com/x.png" width="10" height="10"/>', "svg-external"),
    ('<image xlink:href="data:image/svg+xml;base64,PHN2Zz4=" width="1" height="1"/>',
     "svg-external"),
    ('<use xlink:href="other.svg#a"/>', "svg-external"),
    ('<use href="//evil.example/#a"/>', "svg-external"),
    ('<rect width="1" height="1" style="fill:url(http://x)"/>', "svg-external"),
    ('<rect width="1" height="1" fill="url(https://x/#g)"/>', "svg-external"),
    ('<rect width="1" height="1" filter="url(data:image/svg+xml,x)"/>', "svg-external"),
    ('<rect width="1" height="1" style="fill:\\75 rl(http://x)"/>', "svg-external"),
    ('<style>@import url(x.css);</style>', "svg-external"),
    ('<style>@import "x.css";</style>', "svg-external"),
    ('<style><![CDATA[rect { fill: url(http://x/y.svg#g) }]]></style>', "svg-external"),
    ('<style>rect { background: image-set("x.png" 1x) }</style>', "svg-external"),
    ('<g xml:base="http://evil.example/"><use href="#a"/></g>', "svg-external"),
    ('<a href="#a"><text>x</text></a>', "svg-not-allowed"),
    ('<image href="#a"/>', "svg-not-allowed"),
    ('<animate attributeName="fill" to="red"/>', "svg-not-allowed"),
    ('<iframe/>', "svg-not-allowed"),
    ('<feImage href="#a"/>', "svg-not-allowed"),
]


@pytest.mark.parametrize(("body", "reason"), REFUSED_SVGS)
def test_active_or_external_svg_is_refused(body, reason):
    assert _refused(_svg(body)) == reason


def test_a_refusal_deep_in_the_tree_is_found():
    body = '<g><g><defs><g><rect width="1" height="1" onload="x()"/></g></defs></g></g>'
    assert _refused(_svg(body)) == "svg-script"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>"""


@pytest.mark.parametrize("data", [
    BILLION_LAUGHS,
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>',
    b"<svg><rect/></svg>",  # no SVG namespace: a browser would not draw it as SVG
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg>',
])
def test_doctypes_entities_and_broken_xml_are_malformed(data):
    assert _refused(data) == "svg-malformed"
