"""An organisation's page (``/o/<code>/``): its programmes and, for one with organisations below it (the
city above its wards), the roll-up of their programmes, counted the way each programme's overview counts."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .. import assessment, permissions
from ..models import Organisation, Program, ProgressReport, Target
from .dashboards import AsOf, dashboard_rows
from .tasks import task_status_counts_by_program
from .units import report_due_date


@dataclass
class ProgrammeRollup:
    """One programme in the roll-up: its targets by progress status (``assessment.PROGRESS_ORDER``) and its
    milestones by deadline status (``assessment.DEADLINE_ORDER``), as its overview counts them, the
    yearly figures of last year still missing after their due day (the late reports), and its active tasks
    by deadline status (``assessment.TASK_STATUS_ORDER``), as its task table counts them."""

    program: Program
    organisation: Organisation
    total: int = 0
    by_status: dict = field(default_factory=dict)
    by_deadline: dict = field(default_factory=dict)
    late: int = 0
    by_task_status: dict = field(default_factory=dict)

    @property
    def status_counts(self) -> list[int]:
        return [self.by_status.get(s, 0) for s in assessment.PROGRESS_ORDER]

    @property
    def deadline_counts(self) -> list[int]:
        return [self.by_deadline.get(d, 0) for d in assessment.DEADLINE_ORDER]

    @property
    def task_counts(self) -> list[int]:
        return [self.by_task_status.get(s, 0) for s in assessment.TASK_STATUS_ORDER]

    @property
    def tasks(self) -> int:
        return sum(self.by_task_status.values())

    @property
    def behind(self) -> int:
        return self.by_status.get(assessment.Progress.AT_RISK, 0) + self.by_status.get(assessment.Progress.OFF_TRACK, 0)


def organisation_by_code(*, user, code: str) -> Organisation | None:
    """The organisation ``code`` if ``user`` may read it (its own people, those above it), with its parent.
    1 query."""
    return permissions.organisations_visible_to(user).filter(code=code).select_related("parent").first()


def descendant_ids(organisation: Organisation) -> list[int]:
    """The organisations below ``organisation`` (the same depth as the readers' reach). 1 query."""
    reach = Q(parent_id=organisation.pk)
    for level in range(1, permissions._DEPTH):
        reach |= Q(**{"parent__" * level + "parent_id": organisation.pk})
    return list(Organisation.objects.filter(reach).values_list("id", flat=True))


SORTS = {
    "organisation": lambda r: (r.organisation.name, r.program.number),
    "program": lambda r: (r.program.number, r.organisation.name),
    "total": lambda r: (-r.total, r.organisation.name),
    "behind": lambda r: (-r.behind, r.organisation.name),
    "late": lambda r: (-r.late, r.organisation.name),
    "overdue": lambda r: (-r.by_deadline.get(assessment.Deadline.OVERDUE, 0), r.organisation.name),
    "tasks_overdue": lambda r: (-r.by_task_status.get(assessment.TaskStatus.OVERDUE, 0), r.organisation.name),
}
DEFAULT_SORT = "organisation"


def rollup(*, organisation: Organisation, today: datetime.date | None = None, sort: str = DEFAULT_SORT):
    """Every programme of the organisations below ``organisation``, each counted as its overview counts
    (``dashboard_rows`` as of today, all programmes in one pass) with its tasks counted as its task table
    counts them (all programmes' tasks in one pass), sorted by ``sort`` (``SORTS``).

    A fixed number of queries whatever the number of organisations, programmes, reports and tasks: the
    descendants 1, the programmes 1, the rows 4, the late reports 1, the tasks 2."""
    today = today or timezone.localdate()
    below = descendant_ids(organisation)
    programs = list(
        Program.objects.filter(organisation_id__in=below)
        .select_related("organisation")
        .order_by("organisation__name", "-issued_on", "number")
    )
    lines = {p.pk: ProgrammeRollup(program=p, organisation=p.organisation) for p in programs}
    if programs:
        as_of = AsOf(date=today, year=today.year, is_past=False, years=[])
        for row in dashboard_rows(targets=Target.objects.filter(program__in=list(lines)), as_of=as_of):
            line = lines[row.program_id]
            line.total += 1
            line.by_status[row.result.status] = line.by_status.get(row.result.status, 0) + 1
            for milestone in row.milestones:
                line.by_deadline[milestone.bucket] = line.by_deadline.get(milestone.bucket, 0) + 1
        for program_id, count in late_report_counts(program_ids=list(lines), today=today).items():
            lines[program_id].late = count
        for program_id, counts in task_status_counts_by_program(program_ids=list(lines), today=today).items():
            lines[program_id].by_task_status = dict(counts)
    key = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return sorted(lines.values(), key=key)


def late_report_counts(*, program_ids: list[int], today: datetime.date) -> dict[int, int]:
    """For each programme, its active targets whose yearly figure for last year was not submitted by its due
    day (``report_due_date``), when that day has passed and the year is in the programme. 1 query."""
    year = late_year(today)
    submitted = ProgressReport.objects.filter(
        target=OuterRef("pk"),
        year=year,
        quarter__isnull=True,
        submitted_at__date__lte=report_due_date(year),
    )
    late = Target.objects.filter(
        program_id__in=program_ids, program__first_year__lte=year, program__last_year__gte=year
    ).filter(~Exists(submitted))
    counts: dict[int, int] = defaultdict(int)
    for program_id in late.values_list("program_id", flat=True):
        counts[program_id] += 1
    return dict(counts)


def late_year(today: datetime.date | None = None) -> int:
    """The year whose yearly figures ``late_report_counts`` counts: last year once its due day has passed,
    else the year before."""
    today = today or timezone.localdate()
    year = today.year - 1
    return year - 1 if report_due_date(year) >= today else year


def rollup_totals(lines: list[ProgrammeRollup]) -> dict:
    """The column sums of the roll-up. No query."""
    return {
        "total": sum(line.total for line in lines),
        "status_counts": [sum(col) for col in zip(*(line.status_counts for line in lines), strict=False)]
        or [0] * len(assessment.PROGRESS_ORDER),
        "deadline_counts": [sum(col) for col in zip(*(line.deadline_counts for line in lines), strict=False)]
        or [0] * len(assessment.DEADLINE_ORDER),
        "late": sum(line.late for line in lines),
        "tasks": sum(line.tasks for line in lines),
        "task_counts": [sum(col) for col in zip(*(line.task_counts for line in lines), strict=False)]
        or [0] * len(assessment.TASK_STATUS_ORDER),
    }
