"""A trainer's accent colour, checked for contrast against white (WCAG 2.x).

The accent is a button background under white text, a link or heading colour on white, and a
header band under white text: all three are "accent against white", so one check covers them.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass

AA_NORMAL = 4.5
WHITE = "#ffffff"

_HEX = re.compile(r"#?([0-9a-f]{3}|[0-9a-f]{6})")
_STEP = 0.01  # lightness step when searching for a passing shade: small enough to stay "nearest"


class ColourError(ValueError):
    """The text is not a colour; `reason` is "empty" or "format"."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class AccentCheck:
    asked: str
    ratio: float
    passes: bool
    suggestion: str | None


def parse_colour(text: str | None) -> str:
    """'#abc', '#aabbcc', 'AABBCC' and the like → '#aabbcc'. Names and rgb() are refused: the
    form field asks for hex, and one spelling keeps stored values comparable."""
    cleaned = (text or "").strip().lower()
    if not cleaned:
        raise ColourError("empty", "no colour given")
    match = _HEX.fullmatch(cleaned)
    if not match:
        raise ColourError("format", f"not a hex colour: {text!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


def _rgb(colour: str) -> tuple[float, float, float]:
    digits = parse_colour(colour)[1:]
    r, g, b = (int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in (r, g, b))


def relative_luminance(colour: str) -> float:
    # WCAG 2.x text gives 0.03928 as the threshold; sRGB's own 0.04045 is what WCAG 2.2 notes as
    # correct. We use 0.04045: no 8-bit channel value falls between the two, so results agree.
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def _with_lightness(colour: str, lightness: float) -> str:
    h, _l, s = colorsys.rgb_to_hls(*_rgb(colour))
    return _hex(*colorsys.hls_to_rgb(h, max(0.0, lightness), s))


def _suggest(colour: str) -> str:
    # Darkening in HLS keeps hue and saturation, so the trainer still recognises their colour.
    # Lightness 0 is black (21:1), so the loop always ends.
    lightness = colorsys.rgb_to_hls(*_rgb(colour))[1]
    while True:
        lightness -= _STEP
        candidate = _with_lightness(colour, lightness)
        if contrast_ratio(candidate, WHITE) >= AA_NORMAL:
            return candidate


def check_accent(text: str) -> AccentCheck:
    colour = parse_colour(text)
    ratio = contrast_ratio(colour, WHITE)
    passes = ratio >= AA_NORMAL
    return AccentCheck(colour, ratio, passes, None if passes else _suggest(colour))


def dark_variant(colour: str) -> str:
    """A darker shade for hover states. With hue and saturation fixed, every RGB channel grows
    with HLS lightness, so a lower lightness never lowers the contrast against white."""
    lightness = colorsys.rgb_to_hls(*_rgb(colour))[1]
    return _with_lightness(colour, lightness * 0.7)
