"""Template filters of the reporting pages."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.html import format_html

register = template.Library()


def plain_decimal(value) -> Decimal | None:
    """``value`` without the trailing zeros of the database's four decimal places (7.5000 → 7.5, 100.0000 → 100)."""
    if value is None or value == "":
        return None
    try:
        # str() first: a float such as 0.1 would otherwise bring its binary expansion along.
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not number.is_finite():
        return None
    # normalize() alone writes 100 as 1E+2.
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


@register.filter
def figure(value) -> str:
    """A figure for reading, in the reader's language: 1.234,5 in Vietnamese, 1,234.5 in English."""
    number = plain_decimal(value)
    return "" if number is None else formats.number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def figure_input(value) -> str:
    """A figure for a form field: the language's decimal mark and no grouping, so that reading it back
    gives the same number (1234,5, never 1.234,5)."""
    number = plain_decimal(value)
    if number is None:
        return ""
    return format(number, "f").replace(".", formats.get_format("DECIMAL_SEPARATOR"))


@register.filter
def filename(value) -> str:
    """The last part of a stored file's name: evidence/2026/11/bang-so-lieu.pdf → bang-so-lieu.pdf."""
    return str(value or "").rsplit("/", 1)[-1]


# A report's status as a badge: the words always show, the colour only helps.
_STATUS_BADGE_CLASSES = {
    "approved": "text-bg-success",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
    "superseded": "text-bg-light border",
}


@register.simple_tag
def report_status_badge(report) -> str:
    """``{% report_status_badge report %}``: a tag, not an include, as it stands in every row of the
    report tables."""
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        _STATUS_BADGE_CLASSES.get(report.status, "text-bg-secondary"),
        report.status,
        report.get_status_display(),
    )
