"""Template filters and tags of the dashboards: numbers in the reader's language, plans, status badges."""

import datetime
import unicodedata
from decimal import Decimal
from html import escape as _e  # django.utils.html.escape without its SafeString: the rows are marked safe whole

from django import template
from django.template.base import render_value_in_context
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from .. import assessment
from ..links import path_builder
from .report_tags import date_writer, figure, plain_decimal

register = template.Library()


# One way to write a figure everywhere: the reporting pages' filters, under the dashboards' name.
_plain = plain_decimal
num = register.filter("num", figure)


@register.filter
def signed(value) -> str:
    """A change per year with its sign: +8, −1,5 (a true minus sign), 0."""
    number = _plain(value)
    if number is None:
        return ""
    text = formats.number_format(abs(number), use_l10n=True, force_grouping=True)
    return f"+{text}" if number > 0 else f"−{text}" if number < 0 else text


@register.filter
def pct(value) -> str:
    """A percentage to one place: 103,5 % in Vietnamese; empty for None."""
    if value is None:
        return ""
    number = Decimal(value).quantize(Decimal("0.1"))
    return f"{formats.number_format(number, 1, use_l10n=True)} %"


@register.filter
def plan(value) -> str:
    """A plan (``assessment.Plan`` or a (min, max) pair) as "70–73" or "90", in the reader's decimal mark."""
    return assessment.format_plan(value, decimal_separator=formats.get_format("DECIMAL_SEPARATOR"))


@register.simple_tag
def status_badge(value, label):
    """A status in colour and in words: the colour never stands alone."""
    return format_html('<span class="badge status-badge status-{}">{}</span>', value, label)


@register.simple_tag
def count_cells(line, counts, list_url, filter_name, as_of, total_label) -> str:
    """The cells of one row of the overview's count tables (a group's or a lead unit's ``line``: its
    ``code``, its ``counts`` in the order of ``counts`` and its ``total``): each status's number of
    targets, then the total, each linked to the target table filtered to them (``filter_name`` is
    ``group`` or ``unit``). One tag, not a dozen nodes a cell; each text is escaped once."""
    year = f"&amp;year={int(as_of.year)}" if as_of.is_past else ""
    link = f"{_e(str(list_url))}?{_e(filter_name)}={_e(str(line['code']))}"
    cells = [
        f'<td class="num" data-label="{_e(str(item["label"]))}"><a href="{link}&amp;status={_e(item["key"])}{year}"'
        f' data-status="{_e(item["key"])}">{int(count)}</a></td>'
        for item, count in zip(counts, line["counts"], strict=True)
    ]
    total = int(line["total"])
    cells.append(f'<td class="num" data-label="{_e(str(total_label))}"><a href="{link}{year}">{total}</a></td>')
    return mark_safe("".join(cells))  # noqa: S308 - every text above is escaped


@register.simple_tag(takes_context=True)
def count_rows(context, lines, counts, list_url, filter_name, as_of, total_label) -> str:
    """``{% count_rows by_group counts list_url "group" as_of total_label %}``: the rows of the overview's
    count tables, a group's (``filter_name`` "group": "number. name", linking to the group's page) or a lead
    unit's ("unit": its name, linking to the unit's page), each with its ``count_cells``. The HTML the
    loop wrote."""
    if not lines:
        return ""
    if filter_name == "group":
        page_url = path_builder("group_detail", context["program"].slug)
    else:
        page_url = path_builder("unit_detail", context["program"].slug)
    year = f"?year={int(as_of.year)}" if as_of.is_past else ""
    html = []
    for line in lines:
        name = f"{int(line['number'])}. {_e(line['name'])}" if filter_name == "group" else _e(line["name"])
        html.append(
            "\n              <tr>\n"
            f'                <th scope="row"><a href="{_e(page_url(line["code"]))}{year}">{name}</a></th>\n'
            f"                {count_cells(line, counts, list_url, filter_name, as_of, total_label)}\n"
            "              </tr>\n            "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value in it is escaped above


@register.simple_tag
def verdict_badge(value, label, figure):
    """A year's assessment as a badge. "No data" with a figure means the year has no plan to judge the
    figure against (no milestone ahead, no line for lack of a baseline): say that, not "no figure"."""
    if value == "no_data" and figure is not None:
        label = gettext("No plan to judge against")
    return status_badge(value, label)


@register.simple_tag
def figure_cell(row) -> str:
    """``{% figure_cell row %}``: a target row's latest figure with its year (and "estimate"), or "none yet".
    A tag, not an include, as it stands in every row of the target tables."""
    if row.latest_value is None:
        return format_html('<span class="text-body-secondary">{}</span>', gettext("none yet"))
    year = str(row.latest_year)
    note = f"{year}, {gettext('estimate')}" if row.latest_is_estimate else year
    return format_html('{} <span class="text-body-secondary small">({})</span>', num(row.latest_value), note)


@register.filter
def ratio_pct(value) -> str:
    """A ratio as a percentage: 0.8333 → 83,3 %."""
    return "" if value is None else pct(Decimal(value) * 100)


_FIGURE_FIELDS = {"value", "min_value", "max_value", "baseline_value"}


@register.filter
def history_value(value, name) -> str:
    """A value of the change history, as a person reads it (a filter, not an include: a target's history
    can have hundreds of changes)."""
    if value is None or value == "":
        return mark_safe('<span class="text-body-secondary">—</span>')  # noqa: S308 - a constant
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if name in _FIGURE_FIELDS:
        return num(value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return Truncator(str(value)).chars(200)


@register.filter
def nfc(value):
    """Text in Unicode's composed form: Django's name for Vietnamese ("Tiếng Việt") comes with separate
    combining accents, which some fonts and screen readers handle worse than the composed letters."""
    return unicodedata.normalize("NFC", str(value))


@register.simple_tag(takes_context=True)
def latest_figure_rows(context, reports) -> str:
    """``{% latest_figure_rows latest %}``: the rows of the overview's latest approved figures
    (``selectors.latest_figures``), linking into the page's ``program``; the HTML its loop wrote."""
    if not reports:
        return ""
    slug = context["program"].slug
    target_url, unit_url = path_builder("target_detail", slug), path_builder("unit_detail", slug)
    estimate = f' <span class="small text-body-secondary">({_e(gettext("estimate"))})</span>'
    short_date = date_writer(context, "SHORT_DATE_FORMAT")
    html = []
    cell = "\n                    <td"
    for report in reports:
        target, unit = report.target, report.unit
        code, name = _e(target.code), _e(target.display_name)
        value = _e(num(report.value)) + (estimate if report.is_estimate else "")
        html.append(
            "\n                  <tr>"
            f'{cell}><a href="{_e(target_url(target.code))}" title="{name}"><span class="d-print-none">{code}</span>'
            f'<span class="d-none d-print-inline">{name}</span></a></td>'
            f"{cell}>{_e(report.period_label)}</td>"
            f'{cell} class="num">{value}</td>'
            f'{cell}><a href="{_e(unit_url(unit.code))}" title="{_e(unit.code)}">{_e(unit.display_name)}</a></td>'
            f'{cell} class="text-nowrap">{_e(short_date(report.reviewed_at))}</td>'
            "\n                  </tr>\n                "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value in it is escaped above


@register.simple_tag(takes_context=True)
def deadline_items(context, items) -> str:
    """``{% deadline_items items %}``: the ``<li>`` of each (row, milestone) of the overview's overdue and
    due-soon lists (``selectors.deadline_panel``), linking into the page's ``program``; the HTML its loop
    wrote, each value written as the template wrote it (``render_value_in_context``: the page's
    localisation and escaping), the messages translated once."""
    if not items:
        return ""
    target_url = path_builder("target_detail", context["program"].slug)
    due_soon = status_badge("due_soon", gettext("Due soon"))
    without = gettext("Milestone %(year)s: %(plan)s %(unit)s, deadline %(date)s; no approved figure yet")
    latest = gettext(
        "Milestone %(year)s: %(plan)s %(unit)s, deadline %(date)s; latest figure %(latest)s (%(latest_year)s)"
    )
    short_date = date_writer(context, "SHORT_DATE_FORMAT")

    def value(item) -> str:
        return render_value_in_context(item, context)

    html = []
    for row, milestone in items:
        badge = due_soon if milestone.due_soon else status_badge(milestone.bucket, milestone.bucket_label)
        data = {
            "year": value(milestone.year),
            "plan": value(plan(milestone.plan)),
            "unit": value(row.unit_of_measure),
            "date": value(short_date(milestone.deadline)),
        }
        if row.latest_value is None:
            text = without % data
        else:
            text = latest % {**data, "latest": value(num(row.latest_value)), "latest_year": value(row.latest_year)}
        html.append(
            f'<li class="mb-2">{badge} <a href="{_e(target_url(row.code))}">{_e(row.code)}</a> {_e(row.name)} '
            f'<span class="small text-body-secondary d-block">{text}</span></li>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every value in it is escaped above


@register.simple_tag(takes_context=True)
def waiting_report_items(context, reports) -> str:
    """``{% waiting_report_items waiting.oldest %}``: the office's oldest submitted reports on the overview
    (``selectors.waiting_for``), one ``<li>`` each; the HTML its loop wrote."""
    if not reports:
        return ""
    report_url = path_builder("report_detail")
    submitted = gettext("submitted %(date)s")
    short_date = date_writer(context, "SHORT_DATE_FORMAT")
    html = []
    for report in reports:
        label = f"{_e(report.target.code)} · {_e(report.period_label)} · {_e(report.unit.display_name)}"
        date = _e(short_date(report.submitted_at))
        html.append(
            f'\n            <li><a href="{_e(report_url(report.pk))}">{label}</a>: {_e(figure(report.value))}'
            f' <span class="text-body-secondary">({submitted % {"date": date}})</span></li>\n          '
        )
    return mark_safe("".join(html))  # noqa: S308 - every value in it is escaped above
