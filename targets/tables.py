"""The target table (``/targets/``): django-tables2 over the rows judged by selectors.dashboard_rows.

The rows are plain objects, so sorting and pagination happen in Python on at most a programme's targets;
each sortable column sorts on a key that is never empty (ranks and codes, not figures of different units).
"""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .templatetags.dashboard_tags import num, plan, status_badge

TARGETS_PER_PAGE = 25


class TargetTable(tables.Table):
    code = tables.Column(
        verbose_name=_("Code"),
        linkify=lambda record: reverse("target_detail", args=[record.code]),
        order_by=("group_number", "order", "code"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    name = tables.Column(verbose_name=_("Target"), order_by=("name",))
    group = tables.Column(
        verbose_name=_("Group"), accessor="group_code", order_by=("group_number", "order", "code")
    )
    lead_unit = tables.Column(
        verbose_name=_("Lead unit"),
        accessor="lead_unit_name",
        linkify=lambda record: reverse("unit_detail", args=[record.lead_unit_code]),
        order_by=("lead_unit_name", "group_number", "order"),
    )
    latest = tables.Column(
        verbose_name=_("Latest figure"), accessor="latest_value", orderable=False, attrs={"td": {"class": "num"}}
    )
    plan = tables.Column(
        verbose_name=_("Next milestone"), accessor="next_milestone", orderable=False, attrs={"td": {"class": "num"}}
    )
    status = tables.Column(
        verbose_name=_("Progress status"), order_by=("status_rank", "group_number", "order", "code")
    )
    direction = tables.Column(
        verbose_name=_("Direction"), accessor="direction_label", order_by=("direction", "group_number", "order")
    )

    class Meta:
        empty_text = _("No target matches these filters.")
        attrs = {"class": "table table-sm table-hover align-middle target-table"}
        per_page = TARGETS_PER_PAGE

    def render_group(self, record):
        return record.group_code

    def render_latest(self, record):
        return render_to_string("targets/_figure_cell.html", {"row": record})

    def render_plan(self, record, value):
        return f"{plan(value.plan)} ({value.year})"

    def render_status(self, record):
        return status_badge(record.status, record.status_label)

    def value_latest(self, record):
        return "" if record.latest_value is None else num(record.latest_value)
