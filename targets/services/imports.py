"""Confirming an import from Excel, of figures or of a programme's task list: every row checked first,
then all written in bulk."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import notifications, permissions
from ..models import ProgressReport, Target, Task, TaskUpdate, YearClosure
from ..text import fold
from .common import _refuse
from .reporting import REPORT_OPEN, ReportStatus, closed_year_refusal, open_duplicate_refusal
from .tasks import not_a_task_unit_refusal, open_task_update_refusal, task_closed_year_refusal
from .versions import program_version_bump

User = get_user_model()

# Rows per INSERT: well under PostgreSQL's 65,535 parameters a statement (a report has 20 columns).
IMPORT_BATCH = 1000


def period_label(year: int, quarter: int | None) -> str:
    return _("Q%(quarter)s/%(year)s") % {"quarter": quarter, "year": year} if quarter else str(year)


def repeated_period_refusal(*, first_row: int, code: str, year: int, quarter: int | None) -> str:
    """A file names the same target and period twice: the preview and the confirmation say the same."""
    return _("Row %(first)s already has %(code)s for %(period)s: each target and period may appear once.") % {
        "first": first_row,
        "code": code,
        "period": period_label(year, quarter),
    }


def _row_refused(row, reason: str):
    _refuse(_("Row %(row)s: %(reason)s Nothing was imported.") % {"row": row.number, "reason": reason}, code="import")


@transaction.atomic
def import_confirm(*, user, rows: list, approve: bool = False) -> list[ProgressReport]:
    """Create a submitted report for every checked import row (``imports.ImportRow`` with its target and
    unit), or approved ones at once when the office imports and asks for it. All or nothing: every row is
    checked before anything is written, by the rules of ``report_create`` and ``report_approve`` (the
    user may report on the target in the unit's name, the year is open, the period appears once in the
    file and has no other report in the workflow, the model's own rules), and the first row refused
    names its number. An approved figure of the period becomes the new report's ``supersedes``; if the
    import approves, it is superseded.

    A fixed number of queries whatever the number of rows: the targets, those the user may report on (and
    for staff their units and supporting links), the closed years, the open and the approved reports of
    the periods (the approved ones locked), then the writes in batches of ``IMPORT_BATCH`` (the superseded
    figures: one UPDATE and their history; the new reports and their history). The office and the
    reporting staff get one summary mail each (``notifications.import_done``) once it is committed.
    """
    if not permissions.can_import(user):
        raise PermissionDenied
    if approve and not permissions.can_review(user):
        raise PermissionDenied
    if approve and not all(permissions.can_review(user, row.target.program) for row in rows if row.target):
        raise PermissionDenied
    if not rows:
        _refuse(_("The file has no figures to import."), code="empty")

    # What the checks need, read once for all the rows.
    target_ids = {row.target.pk for row in rows if row.target is not None}
    targets = Target.objects.select_related("program", "lead_unit").in_bulk(target_ids)
    allowed = set(permissions.reportable_targets(user).filter(pk__in=target_ids).values_list("pk", flat=True))
    units = permissions.reporting_unit_by_target(user, list(targets.values()))
    program_ids = {target.program_id for target in targets.values()}
    closed = set(
        YearClosure.objects.filter(program_id__in=program_ids, is_closed=True)
        .order_by()
        .values_list("program_id", "year")
    )
    years = {row.year for row in rows if row.year is not None}
    unit_ids = {unit.pk for unit in units.values()}
    period = Q(target_id__in=target_ids, unit_id__in=unit_ids, year__in=years)
    open_reports, approved_reports = {}, {}
    for report in ProgressReport.objects.filter(period, status__in=REPORT_OPEN).order_by("pk"):
        open_reports.setdefault(_key(report), report)
    # Locked: a concurrent approval of the same period waits, and the import supersedes these figures. Only
    # these rows (``of``, no ordering join): locking their targets would hold up every unit reporting on them.
    approved = ProgressReport.objects.filter(period, status=ReportStatus.APPROVED).order_by()
    for report in approved.select_for_update(of=("self",)):
        approved_reports[_key(report)] = report

    now = timezone.now()
    seen: dict[tuple, int] = {}
    new_reports = []
    for row in rows:
        target = targets.get(row.target.pk) if row.target is not None else None
        if target is None:
            _row_refused(row, _("This target no longer exists."))
        unit = row.unit
        chosen = units.get(target.pk)
        refusal = permissions.reporting_refusal(
            target,
            unit,
            may_report_on=target.pk in allowed,
            unit_ids={chosen.pk} if chosen is not None else set(),
        )
        if refusal:
            _row_refused(row, refusal)
        if (target.program_id, row.year) in closed:
            _row_refused(row, closed_year_refusal(row.year))
        key = (target.pk, unit.pk, row.year, row.quarter)
        if key in seen:
            _row_refused(
                row, repeated_period_refusal(first_row=seen[key], code=target.code, year=row.year, quarter=row.quarter)
            )
        seen[key] = row.number
        if key in open_reports:
            _row_refused(row, open_duplicate_refusal(unit=unit, other=open_reports[key]))
        report = ProgressReport(
            target=target,
            unit=unit,
            year=row.year,
            quarter=row.quarter,
            value=row.value,
            is_estimate=row.is_estimate,
            note=row.note,
            author=user,
            status=ReportStatus.APPROVED if approve else ReportStatus.SUBMITTED,
            submitted_at=now,
            reviewer=user if approve else None,
            reviewed_at=now if approve else None,
            supersedes=approved_reports.get(key),
        )
        try:
            report.clean_own_fields()
        except ValidationError as error:
            _row_refused(row, " ".join(error.messages))
        new_reports.append(report)

    if approve and approved_reports:
        _supersede(list(approved_reports.values()), user=user, now=now)
    try:
        # Two approvals of the same period at once: the database's unique index decides, with a message.
        with transaction.atomic():
            created = bulk_create_with_history(
                new_reports,
                ProgressReport,
                batch_size=IMPORT_BATCH,
                default_user=user,
                default_change_reason="import",
                default_date=now,
            )
    except IntegrityError:
        _refuse(_("Another figure for this period was approved at the same time. Reload and check."), code="import")
    # One move of each programme's data version for the whole import, after the commit.
    program_version_bump(program_ids=program_ids)
    report_ids, actor_id = [report.pk for report in created], user.pk
    transaction.on_commit(lambda: notifications.import_done(report_ids=report_ids, actor_id=actor_id))
    return created


def _key(report: ProgressReport) -> tuple:
    return (report.target_id, report.unit_id, report.year, report.quarter)


def _supersede(previous: list[ProgressReport], *, user, now) -> None:
    """The approved figures the import's approved ones correct become superseded: one UPDATE (their
    versions move on, so that a page opened before refuses a stale save) and their history rows."""
    ProgressReport.objects.filter(pk__in=[report.pk for report in previous]).update(
        status=ReportStatus.SUPERSEDED, version=F("version") + 1, updated_at=now
    )
    for report in previous:
        report.status, report.version, report.updated_at = ReportStatus.SUPERSEDED, report.version + 1, now
    ProgressReport.history.bulk_history_create(
        previous,
        batch_size=IMPORT_BATCH,
        update=True,
        default_user=user,
        default_change_reason="supersede",
        default_date=now,
    )


# --- The task list ------------------------------------------------------------------------------------------

TASK_IMPORT_FIELDS = [
    "code",
    "solution_group",
    "name",
    "lead_unit",
    "deadline",
    "recurrence",
    "expected_output",
    "assigned_by_number",
    "assigned_by_date",
    "assigned_by_summary",
    "order",
    "search_text",
]


@transaction.atomic
def task_import_confirm(*, user, program, rows: list) -> tuple[list[Task], list[Task]]:
    """Write a programme's task list from checked rows (``task_imports.TaskImportRow``): a new task for a
    new code, the existing task of a known code updated (its supporting units and targets replaced by the
    row's), each task's ``order`` its place in the file. All or nothing: every row is checked again before
    anything is written (the office of the programme, a code once, the model's rules), and the first row
    refused names its number. Returns (created, updated).

    A fixed number of queries whatever the number of rows: the existing tasks of the codes (locked: a
    concurrent import or edit of the same tasks waits), then in bulk the new tasks and their history, the
    updated ones and their history, the links to units and targets replaced (delete, insert each), and the
    links' history beside the tasks' (the import's history rows, then per link kind a read and an insert)."""
    from ..task_imports import task_from_row  # imported here: the reader imports this module (via imports.py)

    if not permissions.can_import_tasks(user, program):
        raise PermissionDenied
    if not rows:
        _refuse(_("The file has no tasks to import."), code="empty")
    codes = [row.code for row in rows]
    locked = {
        task.code.upper(): task
        for task in Task.objects.filter(program=program, code__in=codes).select_for_update(of=("self",)).order_by()
    }
    seen: dict[str, int] = {}
    new, changed = [], []
    for position, row in enumerate(rows, start=1):
        if row.errors:
            _row_refused(row, " ".join(message for _column, message in row.errors))
        key = row.code.upper()
        if key in seen:
            _row_refused(
                row,
                _("Row %(first)s already has the code %(code)s: each task may appear once.")
                % {"first": seen[key], "code": row.code},
            )
        seen[key] = row.number
        task = task_from_row(row, program=program, task=locked.get(key) or Task(program=program))
        task.order = position
        task.search_text = fold(f"{task.code} {task.name} {task.expected_output}")
        try:
            task.clean_fields(exclude=["program", "solution_group", "lead_unit"])
            task.clean()
        except ValidationError as error:
            _row_refused(row, " ".join(error.messages))
        (changed if task.pk else new).append((task, row))
    now = timezone.now()
    try:
        with transaction.atomic():
            bulk_create_with_history(
                [task for task, _row in new],
                Task,
                batch_size=IMPORT_BATCH,
                default_user=user,
                default_change_reason="import",
                default_date=now,
            )
    except IntegrityError:
        _refuse(_("Another task with one of these codes was created at the same time. Reload and check."))
    if changed:
        bulk_update_with_history(
            [task for task, _row in changed],
            Task,
            fields=TASK_IMPORT_FIELDS,
            batch_size=IMPORT_BATCH,
            default_user=user,
            default_change_reason="import",
            default_date=now,
        )
    # bulk_create may not give back the rows in every database: find the new tasks by their codes.
    by_code = {task.code.upper(): task for task, _row in changed}
    by_code.update(
        {t.code.upper(): t for t in Task.objects.filter(program=program, code__in=[t.code for t, _r in new])}
    )
    _replace_links(Task.supporting_units.through, "unit_id", by_code, rows, lambda row: row.supporting_units)
    _replace_links(Task.targets.through, "target_id", by_code, rows, lambda row: row.targets)
    _link_history(task_ids=[task.pk for task in by_code.values()], now=now)
    program_version_bump(program_ids=[program.pk])
    return [by_code[t.code.upper()] for t, _r in new], [task for task, _row in changed]


def _replace_links(through, column: str, by_code: dict, rows: list, chosen) -> None:
    """The rows' tasks' links in ``through`` (to units or targets) become the rows' own: 2 queries."""
    task_ids = [task.pk for task in by_code.values()]
    through.objects.filter(task_id__in=task_ids).delete()
    links = [through(task_id=by_code[row.code.upper()].pk, **{column: item.pk}) for row in rows for item in chosen(row)]
    through.objects.bulk_create(links, batch_size=IMPORT_BATCH)


def _link_history(*, task_ids: list[int], now) -> None:
    """The import's history rows of the tasks get their links (units, targets) as a save would record them:
    the bulk writes bypass the signals ``simple_history`` records them with. 5 queries."""
    records = {
        record.id: record
        for record in Task.history.filter(id__in=task_ids, history_date=now, history_change_reason="import")
    }
    for field in Task.history.model._history_m2m_fields:
        m2m_history = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        names = [f.attname for f in through._meta.fields]
        m2m_history.objects.bulk_create(
            [
                m2m_history(history=records[link.task_id], **{name: getattr(link, name) for name in names})
                for link in through.objects.filter(task_id__in=list(records))
            ],
            batch_size=IMPORT_BATCH,
        )


# --- Task updates ---------------------------------------------------------------------------------------------


@transaction.atomic
def task_update_import_confirm(*, user, program, rows: list, approve: bool = False) -> list[TaskUpdate]:
    """Create a submitted update for every checked row (``task_update_imports.TaskUpdateImportRow`` with its
    task and unit), in the office's approval queue as the form's are, or approved ones at once when the
    office imports and asks for it (as the figures import). All or nothing: every row is checked again
    before anything is written, by the rules of ``task_update_create`` (an active task of the programme,
    a unit of the task that the user may write for, an open year, no other update of that unit in the
    workflow, each task and unit once in the file, the model's own rules), and the first row refused names
    its number. The history of each update says "import"; the programme's data version moves once.

    A fixed number of queries whatever the number of rows: the tasks (with their programme and lead unit)
    and their supporting units, the closed years, the updates in the workflow, then the updates and their
    history in batches of ``IMPORT_BATCH``."""
    from ..task_update_imports import duplicate_refusal, model_errors, update_from_row  # the reader imports this

    if not permissions.can_import_task_updates(user, program):
        raise PermissionDenied
    if approve and not permissions.can_review(user, program):
        raise PermissionDenied
    if not rows:
        _refuse(_("The file has no task updates to import."), code="empty")
    task_ids = {row.task.pk for row in rows if row.task is not None}
    tasks = (
        Task.objects.filter(program=program, pk__in=task_ids)
        .select_related("program", "lead_unit")
        .prefetch_related("supporting_units")
        .in_bulk()
    )
    closed = set(YearClosure.objects.filter(program=program, is_closed=True).order_by().values_list("year", flat=True))
    open_updates: dict[tuple[int, int], TaskUpdate] = {}
    for update in TaskUpdate.objects.filter(
        task_id__in=task_ids, unit_id__in={row.unit.pk for row in rows if row.unit is not None}, status__in=REPORT_OPEN
    ).order_by("pk"):
        open_updates.setdefault((update.task_id, update.unit_id), update)

    now = timezone.now()
    status = TaskUpdate.Status.APPROVED if approve else TaskUpdate.Status.SUBMITTED
    seen: dict[tuple[int, int], int] = {}
    new_updates = []
    for row in rows:
        if row.errors or row.skipped:
            _row_refused(row, " ".join(message for _column, message in row.errors) or _("The row is empty."))
        task = tasks.get(row.task.pk) if row.task is not None else None
        if task is None or not task.is_active:
            _row_refused(row, _("This task no longer exists or is no longer active."))
        unit = row.unit
        if unit is None:
            _row_refused(row, _("Choose the unit this update is written for."))
        if unit.pk != task.lead_unit_id and unit.pk not in {u.pk for u in task.supporting_units.all()}:
            _row_refused(row, not_a_task_unit_refusal(unit=unit, task=task))
        if not permissions.may_report_for(user, unit):
            _row_refused(row, permissions.task_update_refusal(task, unit))
        if row.date is None:
            _row_refused(row, _("The date of the update is missing."))
        if row.date.year in closed:
            _row_refused(row, task_closed_year_refusal(row.date.year))
        key = (task.pk, unit.pk)
        if key in seen:
            _row_refused(row, duplicate_refusal(first_row=seen[key], code=task.code, unit=unit))
        seen[key] = row.number
        if key in open_updates:
            _row_refused(row, open_task_update_refusal(unit=unit, other=open_updates[key]))
        row.task = task
        update = update_from_row(row, user=user, status=status)
        problems = model_errors(update)
        if problems:
            _row_refused(row, " ".join(message for messages in problems.values() for message in messages))
        update.submitted_at = now
        if approve:
            update.reviewer, update.reviewed_at = user, now
        new_updates.append(update)

    created = bulk_create_with_history(
        new_updates,
        TaskUpdate,
        batch_size=IMPORT_BATCH,
        default_user=user,
        default_change_reason="import",
        default_date=now,
    )
    # One move of the programme's data version for the whole import, after the commit.
    program_version_bump(program_ids=[program.pk])
    return created
