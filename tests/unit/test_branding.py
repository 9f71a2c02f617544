"""A trainer's accent colour: parsed strictly, checked against white, repaired by darkening."""

from __future__ import annotations

import colorsys

import pytest

from webinar.domain import branding
from webinar.domain.branding import AA_NORMAL, ColourError


def _hls(colour):
    digits = colour[1:]
    return colorsys.rgb_to_hls(*(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)))


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#000000", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#777777", "#ffffff", 4.48),
    ("#767676", "#ffffff", 4.54),
])
def test_contrast_ratios_match_the_known_wcag_values(a, b, expected):
    assert branding.contrast_ratio(a, b) == pytest.approx(expected, abs=0.01)


def test_relative_luminance_runs_from_black_to_white():
    assert branding.relative_luminance("#000000") == 0.0
    assert branding.relative_luminance("#ffffff") == pytest.approx(1.0)
    assert branding.relative_luminance("#ff0000") == pytest.approx(0.2126)


@pytest.mark.parametrize(("text", "expected"), [
    ("#abc", "#aabbcc"),
    ("#aabbcc", "#aabbcc"),
    ("aabbcc", "#aabbcc"),
    ("ABC", "#aabbcc"),
    ("  #0B5CAB \n", "#0b5cab"),
])
def test_parse_accepts_the_hex_forms(text, expected):
    assert branding.parse_colour(text) == expected


@pytest.mark.parametrize(("text", "reason"), [
    (None, "empty"),
    ("", "empty"),
    ("   ", "empty"),
    ("red", "format"),
    ("rgb(0, 0, 0)", "format"),
    ("#aabbccdd", "format"),
    ("#abcd", "format"),
    ("#gggggg", "format"),
    ("##abc", "format"),
    ("#ab c", "format"),
])
def test_parse_refuses_anything_else(text, reason):
    with pytest.raises(ColourError) as caught:
        branding.parse_colour(text)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)


def test_a_passing_accent_needs_no_suggestion():
    check = branding.check_accent("#0B5CAB")
    assert check == branding.AccentCheck("#0b5cab", check.ratio, True, None)
    assert check.ratio >= AA_NORMAL


def test_the_borderline_greys_fall_either_side_of_aa():
    assert branding.check_accent("#767676").passes
    failing = branding.check_accent("#777777")
    assert not failing.passes
    assert branding.contrast_ratio(failing.suggestion, "#ffffff") >= AA_NORMAL


def test_a_light_accent_gets_a_darker_passing_suggestion_of_the_same_hue():
    check = branding.check_accent("#ffcc00")
    assert not check.passes and check.ratio < AA_NORMAL
    suggestion = check.suggestion
    assert suggestion == branding.parse_colour(suggestion)
    assert branding.contrast_ratio(suggestion, "#ffffff") >= AA_NORMAL
    hue, lightness, _ = _hls("#ffcc00")
    s_hue, s_lightness, _ = _hls(suggestion)
    assert abs(s_hue - hue) < 0.02
    assert s_lightness < lightness


def test_the_suggestion_is_the_nearest_passing_step():
    """One lightness step lighter than the suggestion would fail again."""
    check = branding.check_accent("#ffcc00")
    h, lightness, s = _hls(check.suggestion)
    lighter = colorsys.hls_to_rgb(h, lightness + 0.01, s)
    lighter_hex = "#" + "".join(f"{round(c * 255):02x}" for c in lighter)
    assert branding.contrast_ratio(lighter_hex, "#ffffff") < AA_NORMAL


@pytest.mark.parametrize("colour", ["#ffffff", "#ffff00", "#00ffff", "#f0f0f0", "#ff99cc"])
def test_even_white_and_yellow_get_a_passing_suggestion(colour):
    check = branding.check_accent(colour)
    assert check.suggestion is not None
    assert branding.contrast_ratio(check.suggestion, "#ffffff") >= AA_NORMAL


def test_check_accent_refuses_what_is_not_a_colour():
    with pytest.raises(ColourError):
        branding.check_accent("blue")


@pytest.mark.parametrize("colour", ["#0b5cab", "#ffcc00", "#777777", "#ff0000", "#fefefe",
                                    "#123456", "#00ff80", "#000000"])
def test_dark_variant_is_darker_and_never_loses_contrast(colour):
    dark = branding.dark_variant(colour)
    assert dark == branding.parse_colour(dark)
    assert branding.relative_luminance(dark) <= branding.relative_luminance(colour)
    assert branding.contrast_ratio(dark, "#ffffff") >= branding.contrast_ratio(colour, "#ffffff")
    if colour != "#000000":
        assert dark != colour


def test_dark_variant_never_loses_contrast_across_the_colour_cube():
    for r in range(0, 256, 17):
        for g in range(0, 256, 51):
            for b in range(0, 256, 51):
                colour = f"#{r:02x}{g:02x}{b:02x}"
                assert (branding.contrast_ratio(branding.dark_variant(colour), "#ffffff")
                        >= branding.contrast_ratio(colour, "#ffffff")), colour
