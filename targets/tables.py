"""The target table (``/targets/``): django-tables2 over the rows judged by selectors.dashboard_rows.

The rows are plain objects, so sorting and pagination happen in Python on at most a programme's targets;
each sortable column sorts on a key that is never empty (ranks and codes, not figures of different units).
Cells are rendered by methods with ``format_html`` rather than templates or ``linkify``: both cost a
template render or a signature inspection per cell, which dominated the page's time.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .templatetags.dashboard_tags import num, plan, status_badge

TARGETS_PER_PAGE = 25


def _cell(label):
    """A cell's attributes: its heading again, shown before the value when the table stacks on a phone."""
    return {"td": {"data-label": label}}


class TargetTable(tables.Table):
    code = tables.Column(
        verbose_name=_("Code"),
        order_by=("group_number", "order", "code"),
        attrs={"td": {"class": "text-nowrap fw-semibold"}},
    )
    name = tables.Column(verbose_name=_("Target"), order_by=("name",))
    group = tables.Column(
        verbose_name=_("Group"),
        accessor="group_code",
        order_by=("group_number", "order", "code"),
        attrs=_cell(_("Group")),
    )
    lead_unit = tables.Column(
        verbose_name=_("Lead unit"),
        accessor="lead_unit_name",
        order_by=("lead_unit_name", "group_number", "order"),
        attrs=_cell(_("Lead unit")),
    )
    latest = tables.Column(
        verbose_name=_("Latest figure"),
        accessor="latest_value",
        orderable=False,
        default="",
        attrs={"td": {"class": "num", "data-label": _("Latest figure")}},
    )
    plan = tables.Column(
        verbose_name=_("Next milestone"),
        accessor="next_milestone",
        orderable=False,
        attrs={"td": {"class": "num", "data-label": _("Next milestone")}},
    )
    status = tables.Column(
        verbose_name=_("Progress status"),
        order_by=("status_rank", "group_number", "order", "code"),
        attrs=_cell(_("Progress status")),
    )
    direction = tables.Column(
        verbose_name=_("Direction"),
        accessor="direction_label",
        order_by=("direction", "group_number", "order"),
        attrs=_cell(_("Direction")),
    )

    class Meta:
        empty_text = _("No target matches these filters.")
        attrs = {"class": "table table-sm table-hover align-middle target-table table-stack"}
        per_page = TARGETS_PER_PAGE

    def render_code(self, record):
        return format_html('<a href="{}">{}</a>', reverse("target_detail", args=[record.code]), record.code)

    def render_lead_unit(self, record):
        url = reverse("unit_detail", args=[record.lead_unit_code])
        return format_html('<a href="{}">{}</a>', url, record.lead_unit_name)

    def render_latest(self, record):
        if record.latest_value is None:
            return format_html('<span class="text-body-secondary">{}</span>', gettext("none yet"))
        detail = str(record.latest_year)
        if record.latest_is_estimate:
            detail = f"{detail}, {gettext('estimate')}"
        return format_html('{} <span class="text-body-secondary small">({})</span>', num(record.latest_value), detail)

    def render_plan(self, value):
        return f"{plan(value.plan)} ({value.year})"

    def render_status(self, record):
        return status_badge(record.status, record.status_label)

    def value_latest(self, record):
        return num(record.latest_value)
