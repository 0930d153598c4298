"""Template filters of the reporting pages."""

import functools
import unicodedata
from decimal import Decimal, InvalidOperation
from html import escape as _e  # django.utils.html.escape without its SafeString: rows are marked safe whole

from django import template
from django.template.defaultfilters import stringfilter, truncatechars
from django.template.defaulttags import CsrfTokenNode
from django.utils import dateformat, formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
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


@register.simple_tag(takes_context=True)
def report_rows(context, reports, is_queue: bool, may_review: bool) -> str:
    """``{% report_rows reports is_queue may_review %}``: the ``<tr>`` of each report of ``/reports/`` (with
    its ``urls``, ``actions``, ``previous_value``/``previous_year`` and, in the queue, ``plan``/``percent``),
    written by one tag rather than two dozen template nodes a row: each label is translated once for the
    page. The tick box of the bulk approval in the office's queue; the forms of ``review_actions``."""
    from .dashboard_tags import pct, plan  # the dashboards' filters, which load this module's

    labels = {
        key: _e(text)
        for key, text in {
            "unit": _("Unit"),
            "period": _("Period"),
            "value": _("Value"),
            "previous": _("Previous year"),
            "plan": _("Plan of the year"),
            "percent": _("% of plan"),
            "status": _("Status"),
            "when": _("Submitted") if is_queue else _("Updated"),
            "comment": _("The office's comment:"),
            "resubmitted": _("Resubmitted after a return"),
            "earlier": _("Earlier comment:"),
            "evidence": _("Evidence:"),
            "link": _("link"),
            "estimate": _("estimate"),
            "line": _("straight-line expectation"),
        }.items()
    }
    ticks = is_queue and may_review
    when_of = _when(context, is_queue)
    rows = []
    for report in reports:
        target, unit, author = report.target, report.unit, report.author
        out = [f'<tr id="report-{report.pk}" data-status="{_e(report.status)}">']
        if ticks:
            aria = _("Approve %(code)s, %(period)s, %(unit)s") % {
                "code": target.code,
                "period": report.period_label,
                "unit": unit.code,
            }
            out.append(
                f'<td><input class="form-check-input" type="checkbox" name="reports" value="{report.pk}"'
                f' form="bulk-approve" id="tick-{report.pk}" aria-label="{_e(aria)}">'
                f'<input type="hidden" name="version-{report.pk}" value="{report.version}" form="bulk-approve"></td>'
            )
        out.append(
            f'<td><a href="{_e(report.urls["detail"])}"><strong class="code">{_e(target.code)}</strong></a>'
            f' <span class="small">{_e(clip(target.display_name, 70))}</span>'
        )
        if report.status == "returned" and report.review_comment:
            out.append(
                f'<div class="small text-warning-emphasis review-comment"><span class="fw-semibold">'
                f"{labels['comment']}</span> {_e(report.review_comment)}</div>"
            )
        if is_queue and report.review_comment:
            out.append(
                f'<div class="small resubmitted"><span class="badge text-bg-warning">{labels["resubmitted"]}</span>'
                f' <span class="text-body-secondary">{labels["earlier"]} {_e(clip(report.review_comment, 160))}'
                "</span></div>"
            )
        if report.note and is_queue:
            out.append(f'<div class="small text-body-secondary">{_e(clip(report.note, 140))}</div>')
        if is_queue and (report.evidence_url or report.actions.view_evidence):
            out.append(f'<div class="small evidence">{labels["evidence"]}')
            if report.evidence_url:
                out.append(
                    f' <a href="{_e(report.evidence_url)}" rel="noopener noreferrer nofollow" target="_blank">'
                    f"{labels['link']}</a>"
                )
            if report.actions.view_evidence:
                out.append(f' <a href="{_e(report.urls["evidence"])}">{_e(filename(report.evidence_file.name))}</a>')
            out.append("</div>")
        out.append("</td>")
        out.append(
            f'<td data-label="{labels["unit"]}">{_e(unit.display_name)}'
            f' <span class="d-block small text-body-secondary code">{_e(unit.code)}</span></td>'
            f'<td class="text-nowrap" data-label="{labels["period"]}">{_e(report.period_label)}</td>'
            f'<td class="num" data-label="{labels["value"]}">{_e(figure(report.value))}'
            f' <span class="small text-body-secondary">{_e(target.display_unit_of_measure)}</span>'
        )
        if report.is_estimate:
            out.append(f'<div class="small text-body-secondary">{labels["estimate"]}</div>')
        out.append(f'</td><td class="num" data-label="{labels["previous"]}">')
        if report.previous_value is not None:
            out.append(
                f'{_e(figure(report.previous_value))} <span class="small text-body-secondary">'
                f"({report.previous_year})</span>"
            )
        else:
            out.append("—")
        out.append("</td>")
        if is_queue:
            out.append(f'<td class="num plan" data-label="{labels["plan"]}">')
            if report.plan:
                out.append(_e(plan(report.plan)))
                if report.plan.interpolated:
                    out.append(f'<abbr title="{labels["line"]}">*</abbr>')
            else:
                out.append("—")
            if report.percent is not None:
                out.append(
                    f' <span class="d-block small percent" title="{labels["percent"]}">{_e(pct(report.percent))}</span>'
                )
            out.append("</td>")
        when = when_of(report)
        username = author.get_username()
        name = _e(author.get_full_name() or username)
        out.append(
            f'<td class="verdict" data-label="{labels["status"]}">{report_status_badge(report)}</td>'
            f'<td class="text-nowrap small" data-label="{labels["when"]}">{_e(when)}'
            f'<div class="text-body-secondary" title="{_e(username)}">{name}</div></td>'
            f'<td class="report-actions">{review_actions(context, report, "comment")}</td></tr>'
        )
        rows.append("".join(out))
    return mark_safe("\n".join(rows))  # noqa: S308 - every text above is escaped


def date_writer(context, format_name: str):
    """``value|date:format_name`` (a format's name or a format) as a template writes it, a time in the page's
    time zone, "" for None; the format read once for the rows of a page."""
    date_format, use_tz = formats.get_format(format_name), context.use_tz

    def write(value) -> str:
        return "" if value is None else dateformat.format(template_localtime(value, use_tz), date_format)

    return write


def _when(context, is_queue: bool):
    """The last-but-one cell's date of a row of ``/reports/``: when it was submitted in the queue, else
    when it was last updated."""
    if is_queue:
        write = date_writer(context, "SHORT_DATETIME_FORMAT")
        return lambda row: write(row.submitted_at)
    write = date_writer(context, "SHORT_DATE_FORMAT")
    return lambda row: write(row.updated_at)


@register.simple_tag(takes_context=True)
def task_update_rows(context, updates, is_queue: bool) -> str:
    """``{% task_update_rows updates is_queue %}``: the ``<tr>`` of each task update of ``/reports/`` (with its
    ``urls`` and ``actions``), written by one tag as ``report_rows`` writes the reports'."""
    labels = {
        key: _e(text)
        for key, text in {
            "unit": _("Unit"),
            "date": _("Date"),
            "progress": _("Progress"),
            "status": _("Status"),
            "when": _("Submitted") if is_queue else _("Updated"),
            "comment": _("The office's comment:"),
        }.items()
    }
    when_of, day = _when(context, is_queue), date_writer(context, "d/m/Y")
    rows = []
    for update in updates:
        task, author = update.task, update.author
        out = [
            f'<tr id="task-update-{update.pk}" data-status="{_e(update.status)}">'
            f'<td><a href="{_e(update.urls["task"])}#update-{update.pk}"><strong class="code">{_e(task.code)}</strong>'
            f'</a> <span class="small">{_e(clip(task.name, 90))}</span>'
        ]
        if update.status == "returned" and update.review_comment:
            out.append(
                f'<div class="small text-warning-emphasis review-comment"><span class="fw-semibold">'
                f"{labels['comment']}</span> {_e(update.review_comment)}</div>"
            )
        out.append(
            f'<div class="small text-body-secondary">{_e(clip(update.content, 160))}</div></td>'
            f'<td data-label="{labels["unit"]}">{_e(update.unit.display_name)}</td>'
            f'<td class="text-nowrap" data-label="{labels["date"]}">{_e(day(update.date))}</td>'
            f'<td class="num" data-label="{labels["progress"]}">'
        )
        out.append("—" if update.progress is None else f"{update.progress} %")
        if update.is_done:
            done = _("done on %(date)s") % {"date": day(update.completed_on)}
            out.append(f'<div class="small">{_e(done)}</div>')
        when = when_of(update)
        out.append(
            f'</td><td data-label="{labels["status"]}">{report_status_badge(update)}</td>'
            f'<td class="text-nowrap small" data-label="{labels["when"]}">{_e(when)}'
            f'<div class="text-body-secondary">{_e(author.get_full_name() or author.get_username())}</div></td>'
            f'<td class="task-update-actions">{review_actions(context, update, "task-comment")}</td></tr>'
        )
        rows.append("".join(out))
    return mark_safe("\n".join(rows))  # noqa: S308 - every text above is escaped
