"""The one-page briefing (``/p/<slug>/briefing/``): what a leader takes into a meeting. The counts by
progress status today against the end of the last closed year, the groups, the targets off track, the
overdue tasks and the units that are late, each list cut to what fits on one A4 page."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from .. import assessment
from ..models import Program
from ..text import localised
from .dashboards import (
    AsOf,
    TargetRow,
    dashboard_rows,
    group_counts,
    program_groups,
    program_rows,
    program_targets,
    status_counts,
)
from .organisations import late_targets, late_year
from .reporting import closed_years
from .tasks import PANEL_FIELDS, TaskRow, task_overdue_by_unit, task_rows

# Each list of the page shows at most this many lines (the worst first), then "and N more": one A4 page.
BRIEFING_LIST_LIMIT = 8


@dataclass(frozen=True)
class StatusLine:
    key: str
    label: str
    count: int
    change: int | None  # on the end of the last closed year; None without one

    @property
    def change_text(self) -> str:
        """ "+3", "-2", "±0"."""
        if self.change is None:
            return ""
        return "±0" if self.change == 0 else f"{self.change:+d}"


@dataclass(frozen=True)
class LateUnit:
    code: str
    name: str
    late_figures: int  # yearly figures of ``Briefing.late_year`` not submitted by their due day
    overdue_tasks: int


@dataclass
class Briefing:
    program: Program
    today: datetime.date
    closed_year: int | None  # the last closed year, the counts' point of comparison
    late_year: int
    total: int
    statuses: list[StatusLine]
    groups: list[dict]  # ``group_counts``: code, number, name, counts (in PROGRESS_ORDER), total
    off_track: list[TargetRow]
    off_track_more: int
    overdue_tasks: list[TaskRow]
    overdue_tasks_more: int
    late_units: list[LateUnit] = field(default_factory=list)
    late_units_more: int = 0


def _cut(items: list, limit: int) -> tuple[list, int]:
    return items[:limit], max(len(items) - limit, 0)


def briefing(*, program: Program, today: datetime.date | None = None) -> Briefing:
    """The briefing of ``program`` as of ``today``. The progress statuses are the dashboards' (``dashboard_rows``:
    today's standing verdicts), compared with the same judgement as of 31 December of the last closed year,
    which reads that year's frozen review rows, so that "+3" says what moved since the last yearly review.

    A fixed number of queries whatever the number of targets, tasks or reports: the closed years 1, the
    groups 1, the rows today 4 (none when kept: ``program_rows``) and at the end of the last closed year 4
    (none without one), the tasks 3, the late yearly figures 1."""
    today = today or timezone.localdate()
    closed = [year for year in closed_years(program=program) if year <= today.year]
    closed_year = max(closed) if closed else None
    groups = program_groups(program=program)
    rows = program_rows(program=program, as_of=AsOf(date=today, year=today.year, is_past=False, years=[]))
    then = None
    if closed_year is not None:
        then_rows = dashboard_rows(
            targets=program_targets(program=program),
            as_of=AsOf(date=datetime.date(closed_year, 12, 31), year=closed_year, is_past=True, years=[]),
        )
        then = {item["key"]: item["count"] for item in status_counts(then_rows)}
    statuses = [
        StatusLine(
            key=item["key"],
            label=item["label"],
            count=item["count"],
            change=None if then is None else item["count"] - then[item["key"]],
        )
        for item in status_counts(rows)
    ]

    off_track = [row for row in rows if row.result.status == assessment.Progress.OFF_TRACK]
    # Only what the page shows of a task: no supporting units, no long texts (as the overview's panel).
    tasks = task_rows(program=program, today=today, supporting=False, fields=PANEL_FIELDS)
    overdue = sorted(
        (row for row in tasks if row.state.status == assessment.TaskStatus.OVERDUE),
        key=lambda row: (-(row.state.overdue_days or 0), row.sort_key),
    )

    # The late units: those with yearly figures not submitted on time, or tasks overdue (as lead unit).
    late: dict[int, dict] = defaultdict(lambda: {"late": 0, "tasks": 0})
    for unit_id, code, name, name_en in late_targets(program_ids=[program.pk], today=today).values_list(
        "lead_unit_id", "lead_unit__code", "lead_unit__name", "lead_unit__name_en"
    ):
        entry = late[unit_id]
        entry.update(code=code, name=localised(name, name_en))
        entry["late"] += 1
    for entry in task_overdue_by_unit(tasks):
        unit = entry["unit"]
        late[unit.pk].update(code=unit.code, name=unit.display_name)
        late[unit.pk]["tasks"] += entry["count"]
    late_units = sorted(
        (
            LateUnit(code=e["code"], name=e["name"], late_figures=e["late"], overdue_tasks=e["tasks"])
            for e in late.values()
        ),
        key=lambda u: (-(u.late_figures + u.overdue_tasks), u.name),
    )

    off_track, off_track_more = _cut(off_track, BRIEFING_LIST_LIMIT)
    overdue, overdue_more = _cut(overdue, BRIEFING_LIST_LIMIT)
    late_units, late_more = _cut(late_units, BRIEFING_LIST_LIMIT)
    return Briefing(
        program=program,
        today=today,
        closed_year=closed_year,
        late_year=late_year(today),
        total=len(rows),
        statuses=statuses,
        groups=group_counts(groups=groups, rows=rows),
        off_track=off_track,
        off_track_more=off_track_more,
        overdue_tasks=overdue,
        overdue_tasks_more=overdue_more,
        late_units=late_units,
        late_units_more=late_more,
    )
