"""The design tokens in static/css/design.css: every text colour has at least 4.5:1
contrast against the backgrounds it is used on (WCAG 1.4.3), and the focus ring's two
colours stand out at least 3:1 against the page and the brand colour (WCAG 1.4.11,
2.4.13). The values are read from the stylesheet, so changing a token re-runs the sums."""

import re
from pathlib import Path

import pytest
from django.conf import settings

DESIGN_CSS = Path(settings.BASE_DIR) / "static" / "css" / "design.css"

TEXT_PAIRS = [
    ("course-text", "course-background"),
    ("course-text", "course-surface"),
    ("course-text", "course-brand-tint"),
    ("course-text", "course-success-tint"),
    ("course-text", "course-warning-tint"),
    ("course-text", "course-error-tint"),
    ("course-text", "course-law-tint"),
    ("course-text-secondary", "course-background"),
    ("course-text-secondary", "course-surface"),
    ("course-brand", "course-background"),  # links and headings
    ("course-brand", "course-brand-tint"),  # links inside call-outs
    ("course-brand", "course-surface"),  # links in the footer
    ("course-background", "course-brand"),  # primary button text
    ("course-background", "course-brand-dark"),  # primary button, hovered
    ("course-background", "course-success"),
    ("course-background", "course-error"),
    ("course-error", "course-background"),  # error messages
    ("course-error", "course-error-tint"),
    ("course-warning", "course-warning-tint"),
    ("course-law", "course-law-tint"),
    ("course-focus-text", "course-focus"),  # a focused link
]

FOCUS_PAIRS = [
    # One of the ring's two colours stands out on every background it can sit on.
    ("course-focus-text", "course-background"),
    ("course-focus", "course-brand"),
    ("course-focus", "course-brand-dark"),
]


def tokens():
    text = DESIGN_CSS.read_text(encoding="utf-8")
    return dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\b", text))


def luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_is_worked_out_as_wcag_defines_it():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_text_colours_have_at_least_4_5_to_1_contrast(foreground, background):
    values = tokens()

    ratio = contrast(values[foreground], values[background])

    assert ratio >= 4.5, f"{foreground} on {background}: {ratio:.2f}:1"


@pytest.mark.parametrize(("ring", "background"), FOCUS_PAIRS)
def test_the_focus_ring_stands_out_at_least_3_to_1(ring, background):
    values = tokens()

    assert contrast(values[ring], values[background]) >= 3


def test_bootstrap_rgb_copies_match_their_tokens():
    """Bootstrap needs some colours as "r, g, b" too: they must not drift from the hex."""
    text = DESIGN_CSS.read_text(encoding="utf-8")
    values = tokens()
    for name, token in [("primary", "course-brand"), ("link-color", "course-brand")]:
        rgb = re.search(rf"--bs-{name}-rgb:\s*(\d+), (\d+), (\d+);", text).groups()
        assert "#{:02x}{:02x}{:02x}".format(*map(int, rgb)) == values[token]
