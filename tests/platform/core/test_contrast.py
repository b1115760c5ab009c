"""Contrast of the page shell's palette, computed from the CSS custom properties in site.css
with the WCAG 2.2 formula: text at least 4.5:1 (1.4.3), borders, focus indicators and other
UI boundaries at least 3:1 (1.4.11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from goldenthread.platform.settings.base import PLATFORM_DIR

CSS = Path(PLATFORM_DIR, "static", "goldenthread", "site.css").read_text()
SHELL = CSS.split("=== end of the page shell")[0]

TEXT = 4.5
UI = 3.0

# (foreground, background, minimum, where the shell uses the pair)
PAIRS = [
    ("--text", "--background", TEXT, "body text"),
    ("--muted", "--background", TEXT, "hints and footer"),
    ("--link", "--background", TEXT, "links"),
    ("--error", "--background", TEXT, "error messages and summary links"),
    ("--on-brand", "--brand", TEXT, "header text and links"),
    ("--on-button", "--button", TEXT, "primary button"),
    ("--on-button", "--error", TEXT, "warning button"),
    ("--text", "--button-secondary", TEXT, "secondary button"),
    ("--text", "--panel", TEXT, "messages"),
    ("--link", "--panel", TEXT, "links in messages"),
    ("--muted", "--panel", TEXT, "hints on panels"),
    ("--text", "--focus", TEXT, "skip link"),
    ("--border", "--background", UI, "input, table and secondary button borders"),
    ("--border", "--button-secondary", UI, "secondary button border on its fill"),
    ("--error", "--background", UI, "error borders"),
    ("--link", "--panel", UI, "message bar"),
    ("--button", "--background", UI, "primary button against the page"),
    ("--text", "--background", UI, "focus outline on the page"),
    ("--focus", "--brand", UI, "focus ring in the header"),
    ("--button-secondary", "--brand", UI, "sign-out button against the header"),
]


def custom_properties(css: str) -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", css, re.S).group(1)
    return {
        name: value.lower()
        for name, value in re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{6})", root)
    }


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    lighter, darker = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


PALETTE = custom_properties(CSS)


def test_the_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the usual AA grey


@pytest.mark.parametrize(("foreground", "background", "minimum", "use"), PAIRS)
def test_palette_pair_meets_its_minimum(foreground, background, minimum, use):
    ratio = contrast(PALETTE[foreground], PALETTE[background])
    assert ratio >= minimum, f"{use}: {foreground} on {background} is {ratio:.2f}:1"


def test_every_palette_colour_has_a_contrast_decision():
    paired = {name for pair in PAIRS for name in pair[:2]}
    assert set(PALETTE) - paired <= {"--button-shadow", "--button-secondary-shadow"}


def test_the_shell_uses_only_palette_colours():
    rules = SHELL.split("}", 1)[1]  # everything after :root
    literals = re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(", rules)
    assert literals == [], "use a custom property from :root, and add its pairs to PAIRS"
