"""A logo or slide image, sanitised before it is ever stored or shown.

The decision is made from the bytes alone, never from the file name or the declared type.
Raster images are decoded and re-encoded, so no metadata, trailing bytes or polyglot payload
survives. SVG is refused, not repaired, when it holds anything active or external: a trainer
whose logo is refused can export it again, while a silently "fixed" drawing can hide a miss.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from PIL import Image, ImageOps

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4000 * 4000  # decompression bombs: a small file can declare a huge canvas
MAX_SIDE = 4000
JPEG_QUALITY = 88

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Serialise as <svg xmlns="..."> rather than <ns0:svg>: browsers need no prefix to draw it.
ElementTree.register_namespace("", SVG_NS)
ElementTree.register_namespace("xlink", XLINK_NS)

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"

# Static drawing only. No <a> (links), <image> (loads another file), <animate>/<set> (can
# rewrite attributes), <foreignObject> (HTML inside) and no <feImage>.
_ALLOWED_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "metadata", "style", "path", "rect", "circle",
    "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath", "linearGradient",
    "radialGradient", "stop", "clipPath", "mask", "pattern", "use", "symbol", "marker", "filter",
    "feGaussianBlur", "feOffset", "feBlend", "feFlood", "feComposite", "feMerge", "feMergeNode",
    "feColorMatrix", "feDropShadow",
})
_SCRIPT_ELEMENTS = frozenset({"script", "foreignObject"})

# Before the root: an optional BOM, XML declaration, comments, whitespace and a doctype (the
# doctype is let through here so that the parser, not this sniff, refuses it).
_SVG_START = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:\s+|<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*"
    rb"<svg[\s>/]",
    re.DOTALL | re.IGNORECASE,
)
_FRAGMENT = re.compile(r"#[A-Za-z_][\w.\-]*")
_URL_CALL = re.compile(r"url\(", re.IGNORECASE)
_FRAGMENT_URL = re.compile(r"\s*(['\"]?)#[A-Za-z_][\w.\-]*\1\s*\)")
# CSS functions that fetch something without url(): image-set("x.png" 1x), src("x.css").
_OTHER_FETCH = re.compile(r"(image-set|image|src|cross-fade)\(", re.IGNORECASE)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\r\n\f]?|\\(.)", re.DOTALL)
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*")


class ImageRefused(ValueError):
    """The upload is not stored. `reason` is a machine code the web layer translates; the
    message is English, for logs."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CleanImage:
    mime: str  # "image/png", "image/jpeg" or "image/svg+xml"
    data: bytes
    width: int | None
    height: int | None
    extension: str  # "png", "jpg" or "svg"


def sanitise_image(data: bytes) -> CleanImage:
    if not data:
        raise ImageRefused("empty", "the upload is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused("too-large", f"{len(data)} bytes, more than {MAX_IMAGE_BYTES}")
    if data.startswith(_PNG_MAGIC):
        return _raster(data, "PNG")
    if data.startswith(_JPEG_MAGIC):
        return _raster(data, "JPEG")
    if _SVG_START.match(data):
        return _svg(data)
    raise ImageRefused("not-an-image", "neither PNG, JPEG nor SVG")


# --- PNG and JPEG ------------------------------------------------------------------------------

def _raster(data: bytes, kind: str) -> CleanImage:
    try:
        # formats= keeps Pillow from trying every other decoder on a file that lies.
        with Image.open(io.BytesIO(data), formats=[kind]) as probe:
            _check_size(probe.size)
            probe.verify()  # checksums and structure, before any pixel is decoded
        with Image.open(io.BytesIO(data), formats=[kind]) as im:
            _check_size(im.size)
            im.seek(0)  # animated PNG, multi-picture JPEG: the first frame is the image
            im.load()
            picture = _for_saving(ImageOps.exif_transpose(im), kind)
            picture.info = {}  # no ICC, EXIF, text chunks: nothing of the original is carried
            out = io.BytesIO()
            if kind == "PNG":
                picture.save(out, "PNG", optimize=True)
            else:
                picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except ImageRefused:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageRefused("too-many-pixels", str(exc)) from exc
    except Exception as exc:  # Pillow signals broken files with many exception types
        raise ImageRefused("not-an-image", f"{kind} that does not decode: {exc}") from exc
    width, height = picture.size
    if kind == "PNG":
        return CleanImage("image/png", out.getvalue(), width, height, "png")
    return CleanImage("image/jpeg", out.getvalue(), width, height, "jpg")


def _check_size(size: tuple[int, int]) -> None:
    # Called on the size read from the header, before load() allocates the pixels.
    width, height = size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageRefused("too-many-pixels", f"{width}x{height} is too big a canvas")


def _for_saving(im: Image.Image, kind: str) -> Image.Image:
    """`im` is already a fresh copy (exif_transpose makes one); convert what the encoder or a
    browser handles badly."""
    if kind == "JPEG":
        return im if im.mode in ("L", "RGB") else im.convert("RGB")  # CMYK, YCbCr...
    if im.mode in ("1", "L", "LA", "I", "I;16", "RGB", "RGBA"):
        return im
    # A palette's transparency survives as alpha; the palette itself is not carried over.
    keeps_alpha = im.mode == "PA" or "transparency" in im.info
    return im.convert("RGBA" if keeps_alpha else "RGB")


# --- SVG ---------------------------------------------------------------------------------------

def _svg(data: bytes) -> CleanImage:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise ImageRefused("svg-malformed", f"SVG does not parse safely: {exc}") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageRefused("svg-malformed", f"root is {root.tag}, not an SVG <svg>")
    _clean(root)
    cleaned = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    width, height = _svg_size(root)
    return CleanImage("image/svg+xml", cleaned, width, height, "svg")


def _split(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return namespace, local
    return None, name


def _clean(element: ElementTree.Element) -> None:
    """Check `element` and its subtree; refuse or, for editor leftovers, drop."""
    for child in list(element):
        namespace, local = _split(child.tag)  # the parser keeps no comments or PIs
        if local in _SCRIPT_ELEMENTS:
            raise ImageRefused("svg-script", f"<{local}> element")
        if namespace != SVG_NS:
            # Inkscape/Sodipodi/RDF metadata and other foreign elements are dropped with their
            # subtree instead of refused: every editor writes them, and no browser draws them.
            element.remove(child)
            continue
        _clean(child)
    _check_element(element)


def _check_element(element: ElementTree.Element) -> None:
    _namespace, local = _split(element.tag)
    for name in list(element.attrib):
        namespace, _attr = _split(name)
        if namespace not in (None, XLINK_NS, XML_NS):
            del element.attrib[name]  # inkscape:label, sodipodi:nodetypes: editor bookkeeping
    for name, value in element.attrib.items():
        _check_attribute(name, value)
    if local == "style":
        _check_css("".join(element.itertext()))
    if local not in _ALLOWED_ELEMENTS:
        raise ImageRefused("svg-not-allowed", f"<{local}> is not a static drawing element")


def _check_attribute(name: str, value: str) -> None:
    namespace, local = _split(name)
    if local.lower().startswith("on"):
        raise ImageRefused("svg-script", f"event handler attribute {local}")
    if local == "attributeName" and (
            value.split(":")[-1].strip().lower() in ("href", "base")
            or value.strip().lower().startswith("on")):
        raise ImageRefused("svg-script", f"animation of {value}")
    if local == "href" and not _FRAGMENT.fullmatch(value.strip()):
        if _is_javascript(value):
            raise ImageRefused("svg-script", "javascript: link")
        raise ImageRefused("svg-external", f"reference to {value[:80]!r}")
    if namespace == XML_NS and local == "base":
        # xml:base would turn "#id" into a reference to another document.
        raise ImageRefused("svg-external", "xml:base attribute")
    # Presentation attributes (fill, clip-path, mask...) are CSS values too.
    _check_css(value)


def _is_javascript(value: str) -> bool:
    # Browsers ignore whitespace and control characters inside a URL scheme: "java\tscript:".
    squeezed = "".join(c for c in value if ord(c) > 0x20).lower()
    return "javascript:" in squeezed or "vbscript:" in squeezed


def _unescape_css(text: str) -> str:
    # "\75 rl(" is "url(" to a CSS parser: decode escapes before looking for anything.
    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return "" if match.group(2) == "\n" else match.group(2)

    return _CSS_ESCAPE.sub(replace, text)


def _check_css(text: str) -> None:
    for form in (text, _unescape_css(text)):
        if _is_javascript(form) or "expression(" in form.lower():
            raise ImageRefused("svg-script", "script in a style or attribute value")
        if "@import" in form.lower():
            raise ImageRefused("svg-external", "@import in a style")
        for match in _URL_CALL.finditer(form):
            if not _FRAGMENT_URL.match(form, match.end()):
                raise ImageRefused("svg-external", f"url() to another document in {form[:80]!r}")
        if _OTHER_FETCH.search(form):
            raise ImageRefused("svg-external", f"fetching CSS function in {form[:80]!r}")


def _svg_size(root: ElementTree.Element) -> tuple[int | None, int | None]:
    width, height = (_plain_number(root.get(a)) for a in ("width", "height"))
    if width and height:
        return width, height
    parts = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    if len(parts) == 4:
        try:
            box = int(round(float(parts[2]))), int(round(float(parts[3])))
        except ValueError:
            return None, None
        if box[0] > 0 and box[1] > 0:
            return box
    return None, None


def _plain_number(value: str | None) -> int | None:
    match = _SIZE.fullmatch(value or "")
    if not match:
        return None  # "100%", "5cm": no pixel size to report
    return round(float(match.group(1))) or None
