"""The status colours, computed from the stylesheet the pages and the charts use (dashboard.js reads the
colours of the .status-<value> classes, so app.css is the one source): they differ in lightness as well
as hue (WCAG contrast), so that red and green stay apart in grey print and for red–green colour-blind
readers, and each is visible on the white page with its words readable on it."""

import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"
JS = Path(settings.BASE_DIR) / "static" / "js" / "dashboard.js"
RULE = re.compile(r"([^{}]+)\{([^}]*)\}")


def status_colours() -> dict[str, tuple[str, str]]:
    """{status: (background, text colour)} from every .status-<value> rule of app.css."""
    found = {}
    for selectors, body in RULE.findall(re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)):
        background = re.search(r"background-color:\s*(#[0-9a-fA-F]{6})", body)
        colour = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{3,6})", body)
        for name in re.findall(r"\.status-([a-z_]+)", selectors):
            if background and name != "badge":
                found[name] = (background.group(1), colour.group(1) if colour else "#000000")
    return found


def luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_formula_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_every_status_of_the_pages_has_a_colour():
    colours = status_colours()
    for status in ("achieved", "exceeded", "on_track", "at_risk", "off_track", "not_achieved", "no_data"):
        assert status in colours, status
    # dashboard.js draws with the stylesheet's colours, never its own.
    assert "statusColour" in JS.read_text(encoding="utf-8")
    assert not re.search(r"status[^\n]*#[0-9a-fA-F]{6}", JS.read_text(encoding="utf-8"))


def test_red_and_green_differ_in_lightness():
    colours = status_colours()
    for good, bad in itertools.product(("achieved", "exceeded"), ("off_track", "not_achieved", "overdue")):
        assert contrast(colours[good][0], colours[bad][0]) >= 1.5, (good, bad)


def test_each_status_colour_shows_on_white_and_carries_readable_words():
    for status, (background, text) in status_colours().items():
        assert contrast(background, "#ffffff") >= 3, status  # a chart segment on the white page
        assert contrast(background, text) >= 4.5, status  # the badge's words


def test_the_contrasts_between_pairs_are_reported():
    # Not a rule for every pair (five statuses cannot all be 1.5:1 apart under these limits), but the
    # closest pair is written down so that a change that makes two statuses identical fails here.
    colours = {status: bg for status, (bg, _text) in status_colours().items()}
    distinct = set(colours.values())
    pairs = [contrast(a, b) for a, b in itertools.combinations(sorted(distinct), 2)]
    assert len(distinct) == 5 and min(pairs) > 1.0
