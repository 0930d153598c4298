"""What changed since the last meeting (``/p/<slug>/changes/``): the targets whose progress status moved,
the figures approved, the tasks done and those that fell overdue, between a day (the last closed year's
closing, or one the leader chooses) and today."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from .. import assessment
from ..models import Program, ProgressReport, YearClosure
from .dashboards import AsOf, TargetRow, dashboard_rows, program_targets
from .labels import PROGRESS_LABELS
from .tasks import TaskRow, task_rows

_DONE = {assessment.TaskStatus.DONE_ON_TIME, assessment.TaskStatus.DONE_LATE}


@dataclass
class StatusMove:
    row: TargetRow
    before: str  # a Progress value
    after: str

    @property
    def before_label(self) -> str:
        return str(PROGRESS_LABELS[assessment.Progress(self.before)])

    @property
    def after_label(self) -> str:
        return str(PROGRESS_LABELS[assessment.Progress(self.after)])

    @property
    def is_better(self) -> bool:
        """Moved to a better status (``assessment.PROGRESS_ORDER``, best first)."""
        order = assessment.PROGRESS_ORDER
        return order.index(assessment.Progress(self.after)) < order.index(assessment.Progress(self.before))


@dataclass
class Changes:
    since: datetime.date
    since_closure: int | None  # the closed year whose closing ``since`` is, when it is the default
    moved: list[StatusMove] = field(default_factory=list)
    approved: list[ProgressReport] = field(default_factory=list)
    tasks_done: list[TaskRow] = field(default_factory=list)
    tasks_overdue: list[TaskRow] = field(default_factory=list)

    @property
    def better(self) -> list[StatusMove]:
        return [m for m in self.moved if m.is_better]

    @property
    def worse(self) -> list[StatusMove]:
        return [m for m in self.moved if not m.is_better]


def last_meeting(*, program: Program, today: datetime.date) -> tuple[datetime.date, int | None]:
    """The default day to compare with: the day the programme's latest closed year was closed (the yearly
    review's meeting), else 1 January of this year. 1 query."""
    closure = (
        YearClosure.objects.filter(program=program, is_closed=True, changed_at__date__lte=today)
        .order_by("-year")
        .first()
    )
    if closure is not None:
        return timezone.localdate(closure.changed_at), closure.year
    return datetime.date(today.year, 1, 1), None


def changes_since(*, program: Program, since: datetime.date, today: datetime.date | None = None) -> Changes:
    """What changed in ``program`` between the end of ``since`` and today. A fixed number of queries: the
    rows now and as they stood then (4 each), the figures approved since (1), the tasks now and then
    (3 each)."""
    today = today or timezone.localdate()
    since = min(since, today)
    end_of_since = timezone.make_aware(datetime.datetime.combine(since, datetime.time.max))
    now = dashboard_rows(
        targets=program_targets(program=program), as_of=AsOf(date=today, year=today.year, is_past=False, years=[])
    )
    then = {
        row.id: row.status
        for row in dashboard_rows(
            targets=program_targets(program=program),
            as_of=AsOf(date=since, year=since.year, is_past=True, years=[]),
            approved_by=end_of_since,
        )
    }
    changes = Changes(since=since, since_closure=None)
    changes.moved = [
        StatusMove(row=row, before=then[row.id], after=row.status)
        for row in now
        if row.id in then and then[row.id] != row.status
    ]
    changes.moved.sort(key=lambda m: (not m.is_better, m.row.sort_key))
    changes.approved = list(
        ProgressReport.objects.filter(
            target__program=program, status=ProgressReport.Status.APPROVED, reviewed_at__gt=end_of_since
        )
        .select_related("target", "unit")
        .order_by("-reviewed_at", "-id")
    )
    tasks_then = {row.task.pk: row.state.status for row in task_rows(program=program, today=since)}
    for row in task_rows(program=program, today=today):
        before = tasks_then.get(row.task.pk)
        if row.state.status in _DONE and before not in _DONE:
            changes.tasks_done.append(row)
        elif row.state.status == assessment.TaskStatus.OVERDUE and before != assessment.TaskStatus.OVERDUE:
            changes.tasks_overdue.append(row)
    return changes
