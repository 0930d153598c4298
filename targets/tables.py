"""The target table (``/targets/``): django-tables2 over the rows judged by selectors.dashboard_rows.

The rows are plain objects, so sorting and pagination happen in Python on at most a programme's targets;
each sortable column sorts on a key that is never empty (ranks and codes, not figures of different units).
The columns here give the headers, the sorting and the values of an export (``as_values``); the page's
cells are written in the same order by one tag (``templatetags/table_tags.py``, called from
``templates/targets/_target_table.html``), which renders a page of rows several times faster than
django-tables2's cell-by-cell rendering.
"""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .assessment import format_plan

TARGETS_PER_PAGE = 25


class TargetTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), order_by=("group_number", "order", "code"))
    name = tables.Column(verbose_name=_("Target"), order_by=("name",))
    group = tables.Column(verbose_name=_("Group"), accessor="group_code", order_by=("group_number", "order", "code"))
    lead_unit = tables.Column(
        verbose_name=_("Lead unit"), accessor="lead_unit_name", order_by=("lead_unit_name", "group_number", "order")
    )
    latest = tables.Column(verbose_name=_("Latest figure"), accessor="latest_value", orderable=False, default="")
    plan = tables.Column(verbose_name=_("Next milestone"), accessor="next_milestone", orderable=False, default="")
    status = tables.Column(verbose_name=_("Progress status"), order_by=("status_rank", "group_number", "order", "code"))
    direction = tables.Column(
        verbose_name=_("Direction"), accessor="direction_label", order_by=("direction", "group_number", "order")
    )

    class Meta:
        template_name = "targets/_target_table.html"
        empty_text = _("No target matches these filters.")
        attrs = {"class": "table table-sm table-hover align-middle target-table table-stack"}
        per_page = TARGETS_PER_PAGE

    def value_latest(self, record):
        return record.latest_value

    def value_plan(self, record):
        milestone = record.next_milestone
        return f"{format_plan(milestone.plan)} ({milestone.year})" if milestone else ""

    def value_status(self, record):
        return record.status_label


TASKS_PER_PAGE = 25


class TaskTable(tables.Table):
    """The task table (``/tasks/``) over ``selectors.TaskRow``: headers, sorting and pagination; the cells are
    written in the order of these columns by ``table_tags.task_table_rows`` (``_task_table.html``)."""

    code = tables.Column(verbose_name=_("Code"), accessor="task__code", order_by=("sort_key",))
    name = tables.Column(verbose_name=_("Task"), accessor="task__name", order_by=("task__name", "sort_key"))
    group = tables.Column(
        verbose_name=_("Group"), accessor="task__solution_group__number", order_by=("sort_key",), attrs={}
    )
    lead_unit = tables.Column(verbose_name=_("Lead unit"), order_by=("lead_unit_name", "sort_key"))
    deadline = tables.Column(verbose_name=_("Deadline"), accessor="state__deadline", order_by=("deadline_key",))
    status = tables.Column(verbose_name=_("Deadline status"), order_by=("status_rank", "sort_key"))
    reminders = tables.Column(
        verbose_name=_("Reminders"), accessor="reminder_count", order_by=("reminder_count", "sort_key")
    )
    last_update = tables.Column(verbose_name=_("Last approved update"), orderable=False)

    class Meta:
        template_name = "targets/_task_table.html"
        empty_text = _("No task matches these filters.")
        attrs = {"class": "table table-sm table-hover align-middle task-table table-stack", "id": "tasks"}
        per_page = TASKS_PER_PAGE
