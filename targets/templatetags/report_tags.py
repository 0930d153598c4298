"""Template filters of the reporting pages."""

import functools
import unicodedata
from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import stringfilter, truncatechars
from django.template.defaulttags import CsrfTokenNode
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

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


@register.filter(is_safe=True)
@stringfilter
def clip(value: str, length: int) -> str:
    """``truncatechars`` without its cost for a text that fits: one of at most ``length`` characters is never
    cut (Truncator counts characters after NFC normalisation, which never lengthens a text, and skips
    combining marks), so it comes back normalised as Truncator would return it. Most names and notes of
    the report tables fit."""
    if len(value) <= int(length):
        return unicodedata.normalize("NFC", value)
    return truncatechars(value, length)


# A report's status as a badge: the words always show, the colour only helps.
_STATUS_BADGE_CLASSES = {
    "approved": "text-bg-success",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
    "superseded": "text-bg-light border",
}


@functools.cache
def _status_labels(model) -> dict:
    # The model's status choices once, rather than get_status_display()'s dict of them for every badge.
    return dict(model._meta.get_field("status").flatchoices)


@register.simple_tag
def report_status_badge(report) -> str:
    """``{% report_status_badge report %}`` (a report or a task update): a tag, not an include, as it stands
    in every row of the report tables."""
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        _STATUS_BADGE_CLASSES.get(report.status, "text-bg-secondary"),
        report.status,
        _status_labels(type(report)).get(report.status, report.status),
    )


@register.simple_tag(takes_context=True)
def review_actions(context, row, comment_prefix: str) -> str:
    """``{% review_actions row comment_prefix %}``: the last cell's buttons of a row of ``/reports/`` (a report
    or a task update with its ``actions`` and ``urls``): the approve and return forms when the office may
    review it, else the link to edit it, else the link to see it (``urls.view``). The forms come back to
    ``next_path`` (the page, from the context); the comment's field is ``<comment_prefix>-<id>``. A tag, not
    template markup, as it stands in every row of the queue, twice a form."""
    actions, urls = row.actions, row.urls
    if not (actions.approve or actions.return_):
        if actions.edit:
            return format_html('<a class="btn btn-outline-primary btn-sm" href="{}">{}</a>', urls["edit"], _("Edit"))
        return format_html('<a class="btn btn-link btn-sm" href="{}">{}</a>', urls["view"], _("View"))
    csrf, next_path = CsrfTokenNode().render(context), context.get("next_path", "")
    comment_id = f"{comment_prefix}-{row.pk}"
    forms = []
    if actions.approve:
        forms.append(
            format_html(
                '<form method="post" action="{}">{}\n'
                '<input type="hidden" name="version" value="{}">\n'
                '<input type="hidden" name="next" value="{}">\n'
                '<button type="submit" class="btn btn-success btn-sm" name="do" value="approve">{}</button>\n'
                "</form>",
                urls["approve"],
                csrf,
                row.version,
                next_path,
                _("Approve"),
            )
        )
    if actions.return_:
        forms.append(
            format_html(
                '<form method="post" action="{}" class="d-flex gap-1">{}\n'
                '<input type="hidden" name="version" value="{}">\n'
                '<input type="hidden" name="next" value="{}">\n'
                '<label class="visually-hidden" for="{}">{}</label>\n'
                '<input class="form-control form-control-sm" type="text" name="comment" id="{}" maxlength="2000"'
                ' required placeholder="{}">\n'
                '<button type="submit" class="btn btn-warning btn-sm" name="do" value="return">{}</button>\n'
                "</form>",
                urls["return_"],
                csrf,
                row.version,
                next_path,
                comment_id,
                _("Comment for the unit"),
                comment_id,
                _("Comment"),
                _("Return"),
            )
        )
    return format_html('<div class="d-flex flex-wrap gap-1">\n{}\n</div>', mark_safe("\n".join(forms)))  # noqa: S308
