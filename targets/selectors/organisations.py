"""An organisation's page (``/o/<code>/``): its programmes and, for one with organisations below it (the
city above its wards), the roll-up of their programmes, counted the way each programme's overview counts."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .. import assessment, permissions
from ..models import Organisation, Program, ProgressReport, Target
from .dashboards import AsOf, scope_counts_by_program
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


ROLLUP_CACHE_SECONDS = 24 * 60 * 60


def _rollup_key(program: Program, today: datetime.date) -> str:
    """A programme's counts as of ``today``: the key moves with its data version (``program_version_bump``
    after every committed change) and with the day, so a cached value is never stale and nobody deletes it."""
    return f"targets:rollup:2:{program.pk}:{program.data_version}:{today.isoformat()}"


def _programme_counts(program_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Each programme's counts as its overview counts them, computed in one pass over all their
    targets (``scope_counts_by_program``):
    {program id: {"total", "by_status", "by_deadline", "late", "by_task_status"}}. 8 queries whatever their
    number."""
    empty = {"total": 0, "by_status": {}, "by_deadline": {}, "late": 0, "by_task_status": {}}
    counts = {pk: {k: (dict(v) if isinstance(v, dict) else v) for k, v in empty.items()} for pk in program_ids}
    as_of = AsOf(date=today, year=today.year, is_past=False, years=[])
    for program_id, line in scope_counts_by_program(
        targets=Target.objects.filter(program__in=program_ids), as_of=as_of
    ).items():
        counts[program_id].update(total=line.total, by_status=line.by_status, by_deadline=line.by_deadline)
    for program_id, late in late_report_counts(program_ids=program_ids, today=today).items():
        counts[program_id]["late"] = late
    for program_id, by_status in task_status_counts_by_program(program_ids=program_ids, today=today).items():
        counts[program_id]["by_task_status"] = {str(k): n for k, n in by_status.items()}
    return counts


def _kept_counts(programs: list[Program], today: datetime.date) -> tuple[dict[int, dict], int]:
    """Each programme's counts as of ``today``, read from the cache under ``_rollup_key`` or computed (all the
    missing ones in one pass, ``_programme_counts``) and kept there: ({program id: counts}, how many were
    computed). 1 cache read; for the missing ones 8 queries and 1 cache write."""
    keys = {p.pk: _rollup_key(p, today) for p in programs}
    cached = cache.get_many(list(keys.values()))
    counts = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in keys if pk not in counts]
    if missing:
        fresh = _programme_counts(missing, today)
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, ROLLUP_CACHE_SECONDS)
        counts.update(fresh)
    return counts, len(missing)


def rollup_warm(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Compute and keep today's counts of every programme that has an organisation above it (those a roll-up
    shows), so that the first roll-up of the day reads them instead of judging every ward's targets at
    once (``manage.py rollup_warm``, from cron after midnight and after a restart of the cache). Returns
    (programmes, how many were computed): a programme already kept for today under its version is not
    computed again."""
    today = today or timezone.localdate()
    programs = list(Program.objects.filter(organisation__parent__isnull=False).only("id", "data_version"))
    _counts, computed = _kept_counts(programs, today)
    return len(programs), computed


def rollup(*, organisation: Organisation, today: datetime.date | None = None, sort: str = DEFAULT_SORT):
    """Every programme of the organisations below ``organisation``, each counted as its overview counts
    (``dashboard_rows`` as of today) with its tasks counted as its task table counts them, sorted by
    ``sort`` (``SORTS``).

    Each programme's counts are kept in the cache under a key made of its data version and the day
    (``_rollup_key``): a change in one ward's programme (a figure, a task update) moves its version, so the
    next view recomputes that programme only, in one pass with any other that changed. Nothing is ever
    invalidated by hand.

    A fixed number of queries whatever the number of organisations, programmes, reports and tasks: the
    descendants 1, the programmes 1, and for the programmes not in the cache the rows 4, the late reports
    1 and the tasks 3."""
    today = today or timezone.localdate()
    below = descendant_ids(organisation)
    programs = list(
        Program.objects.filter(organisation_id__in=below)
        .select_related("organisation")
        .order_by("organisation__name", "-issued_on", "number")
    )
    counts, _computed = _kept_counts(programs, today)
    lines = []
    for program in programs:
        value = counts[program.pk]
        lines.append(
            ProgrammeRollup(
                program=program,
                organisation=program.organisation,
                total=value["total"],
                by_status={assessment.Progress(k): n for k, n in value["by_status"].items()},
                by_deadline=dict(value["by_deadline"]),
                late=value["late"],
                by_task_status={assessment.TaskStatus(k): n for k, n in value["by_task_status"].items()},
            )
        )
    key = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return sorted(lines, key=key)


def late_targets(*, program_ids: list[int], today: datetime.date):
    """The targets of ``program_ids`` whose yearly figure for ``late_year`` was not submitted by its due day
    (``report_due_date``), when the year is in their programme: a lazy queryset."""
    year = late_year(today)
    submitted = ProgressReport.objects.filter(
        target=OuterRef("pk"),
        year=year,
        quarter__isnull=True,
        submitted_at__date__lte=report_due_date(year),
    )
    return Target.objects.filter(
        program_id__in=program_ids, program__first_year__lte=year, program__last_year__gte=year
    ).filter(~Exists(submitted))


def late_report_counts(*, program_ids: list[int], today: datetime.date) -> dict[int, int]:
    """For each programme, its active targets whose yearly figure for last year was not submitted by its due
    day (``report_due_date``), when that day has passed and the year is in the programme. 1 query."""
    counts: dict[int, int] = defaultdict(int)
    for program_id in late_targets(program_ids=program_ids, today=today).values_list("program_id", flat=True):
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
