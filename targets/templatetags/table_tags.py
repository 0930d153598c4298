"""The rows of the task and target tables, written by one tag per table rather than template text per row.

A task table (``/tasks/``, and a unit's, a target's or a group's page) and the target table show up to a
page of rows; written cell by cell (an ``{% include %}``, four ``{% url %}``, a ``{% with %}`` and a dozen
filters a row) they were most of their pages' time. Here each page's labels are translated once and each
link's URL is reversed once (``links.path_builder``), a row's link being that URL with the row's code in
it. The HTML is the one the templates wrote, character for character.
"""

import unicodedata
from html import escape as _e  # django.utils.html.escape without its SafeString: the rows are marked safe whole

from django import template
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from ..links import path_builder
from ..models import Task
from .dashboard_tags import figure_cell, plan, status_badge

register = template.Library()


def _day(value) -> str:
    """``value|date:"d/m/Y"``: 31/12/2025."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _escaped(*texts) -> list[str]:
    return [_e(str(text)) for text in texts]


def _truncated(text: str, length: int) -> str:
    """``text|truncatechars:length``, which writes the text in NFC even when it is short enough."""
    normal = unicodedata.normalize("NFC", text)
    return normal if len(normal) <= length else Truncator(text).chars(length)


def _task_rows(context, rows) -> str:
    """The ``<tr>`` of each ``selectors.TaskRow`` of ``rows``, linking into the page's ``program``."""
    if not rows:
        return ""
    slug = context["program"].slug
    task_url, group_url, unit_url = (
        path_builder(name, slug) for name in ("task_detail", "solution_group_detail", "unit_detail")
    )
    group_label, unit_label, deadline_label, status_label, reminders_label, update_label = _escaped(
        gettext("Group"),
        gettext("Lead unit"),
        gettext("Deadline"),
        gettext("Deadline status"),
        gettext("Reminders"),
        gettext("Last approved update"),
    )
    output_label, with_label, every_year, ongoing, due_soon, stale, flagged = _escaped(
        gettext("Output:"),
        gettext("with"),
        gettext("every year"),
        gettext("ongoing"),
        gettext("Due soon"),
        gettext("Overdue, not updated"),
        gettext("Reminded three times, still overdue"),
    )
    every_year = f' <span class="small text-body-secondary">({every_year})</span>'
    ongoing = f'<span class="text-body-secondary">{ongoing}</span>'
    due_soon = f'<span class="badge status-badge status-due_soon flag-due-soon">{due_soon}</span>'
    stale = f'<span class="badge text-bg-light border flag-stale">{stale}</span>'
    flagged = f'<span class="badge text-bg-danger flag-flagged">{flagged}</span>'
    badges = {}  # one badge a status
    use_l10n = context.use_l10n
    html = []
    for row in rows:
        task, state = row.task, row.state
        code, status = _e(task.code), row.status
        if (badge := badges.get(status)) is None:
            badge = badges[status] = status_badge(status, row.status_label)
        if state.deadline:
            deadline = _day(state.deadline) + (every_year if task.recurrence == Task.Recurrence.YEARLY else "")
        else:
            deadline = ongoing
        overdue = ""
        if days := state.overdue_days:
            counted = ngettext("%(counter)s day overdue", "%(counter)s days overdue", days)
            overdue = (
                f'<span class="d-block small overdue-days">{_e(counted % {"counter": localize(days, use_l10n)})}</span>'
            )
        supporting = ""
        if row.supporting_units:
            codes = ", ".join(_e(unit.code) for unit in row.supporting_units)
            supporting = f'<span class="d-block small text-body-secondary">{with_label} {codes}</span>'
        output = ""
        if task.expected_output:
            output = f'<span class="d-block small text-body-secondary">{output_label} {_e(task.expected_output)}</span>'
        group, unit = task.solution_group.number, task.lead_unit
        group_link = f'<a href="{_e(group_url(group))}">{_e(localize(group, use_l10n))}</a>'
        unit_link = f'<a href="{_e(unit_url(unit.code))}">{_e(unit.display_name)}</a>'
        last_update = _day(row.last_update) if row.last_update else "—"
        html.append(
            f'\n<tr id="task-{code}" data-status="{_e(status)}">\n'
            f'  <td class="text-nowrap fw-semibold"><a href="{_e(task_url(task.code))}">{code}</a></td>\n'
            f"  <td>{_e(_truncated(task.name, 220))}{output}</td>\n"
            f'  <td data-label="{group_label}">{group_link}</td>\n'
            f'  <td data-label="{unit_label}">{unit_link}{supporting}</td>\n'
            f'  <td class="text-nowrap" data-label="{deadline_label}">{deadline}</td>\n'
            f'  <td data-label="{status_label}">{badge}\n'
            f"    {overdue}\n"
            f"    {due_soon if state.due_soon else ''}\n"
            f"    {stale if state.stale else ''}\n"
            f"    {flagged if state.flagged else ''}</td>\n"
            f'  <td class="num" data-label="{reminders_label}">{_e(localize(row.reminder_count, use_l10n))}</td>\n'
            f'  <td class="text-nowrap" data-label="{update_label}">{last_update}</td>\n'
            "</tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value in it is escaped above


@register.simple_tag(takes_context=True)
def task_rows(context, rows) -> str:
    """``{% task_rows rows %}``: the rows of a short task table (a unit's, a target's, a group's page)."""
    return _task_rows(context, rows)


@register.simple_tag(takes_context=True)
def task_table_rows(context, table) -> str:
    """``{% task_table_rows table %}``: the rows of the page of ``tables.TaskTable`` shown."""
    return _task_rows(context, [bound.record for bound in table.paginated_rows])


@register.simple_tag(takes_context=True)
def target_table_rows(context, table) -> str:
    """``{% target_table_rows table %}``: the rows (``selectors.TargetRow``) of the page of
    ``tables.TargetTable`` shown, linking into the page's ``program``."""
    rows = [bound.record for bound in table.paginated_rows]
    if not rows:
        return ""
    slug = context["program"].slug
    target_url, unit_url = path_builder("target_detail", slug), path_builder("unit_detail", slug)
    group_label, unit_label, latest_label, plan_label, status_label, direction_label = _escaped(
        gettext("Group"),
        gettext("Lead unit"),
        gettext("Latest figure"),
        gettext("Next milestone"),
        gettext("Progress status"),
        gettext("Direction"),
    )
    badges = {}  # one badge a status
    html = []
    for row in rows:
        status, milestone = row.status, row.next_milestone
        if (badge := badges.get(status)) is None:
            badge = badges[status] = status_badge(status, row.status_label)
        unit_link = f'<a href="{_e(unit_url(row.lead_unit_code))}">{_e(row.lead_unit_name)}</a>'
        next_plan = _e(f"{plan(milestone.plan)} ({milestone.year})") if milestone else ""
        html.append(
            "\n<tr>\n"
            f'  <td class="text-nowrap fw-semibold"><a href="{_e(target_url(row.code))}">{_e(row.code)}</a></td>\n'
            f"  <td>{_e(row.name)}</td>\n"
            f'  <td data-label="{group_label}">{_e(row.group_code)}</td>\n'
            f'  <td data-label="{unit_label}">{unit_link}</td>\n'
            f'  <td class="num" data-label="{latest_label}">{figure_cell(row)}</td>\n'
            f'  <td class="num" data-label="{plan_label}">{next_plan}</td>\n'
            f'  <td data-label="{status_label}">{badge}</td>\n'
            f'  <td data-label="{direction_label}">{_e(row.direction_label)}</td>\n'
            "</tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value in it is escaped above
