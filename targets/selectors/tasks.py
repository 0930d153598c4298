"""Reads behind the task pages: the table of a programme's tasks with their deadline status and
flags as of a day, the overview's panel, a task's page, the reminders a unit sees and the tasks the cron
digest covers. Each function's docstring says its queries; none grows with the number of tasks, updates,
reminders or years. The judging is ``assessment.task_state``'s."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import (
    Case,
    Count,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import assessment, permissions
from ..links import reverse_path
from ..models import Program, Target, Task, TaskReminder, TaskUpdate, Unit, YearClosure
from ..text import fold, localised
from .reporting import closed_years

TaskStatus = assessment.TaskStatus
UpdateStatus = TaskUpdate.Status

TASK_STATUS_LABELS = {
    TaskStatus.DONE_ON_TIME: _("Done on time"),
    TaskStatus.DONE_LATE: _("Done late"),
    TaskStatus.OPEN_IN_TIME: _("Not done, within the deadline"),
    TaskStatus.OVERDUE: _("Not done, overdue"),
    TaskStatus.ONGOING: _("Ongoing"),
}
TASK_STATUS_CHOICES = [(str(status), TASK_STATUS_LABELS[status]) for status in assessment.TASK_STATUS_ORDER]
TASK_STALE_LABEL = _("Overdue, not updated")
TASK_DUE_SOON_LABEL = _("Due soon")
TASK_FLAGGED_LABEL = _("Reminded three times, still overdue")
# The notices of reminders a unit's staff see on their overview: those of the last days.
REMINDER_NOTICE_DAYS = 30


@dataclass
class TaskRow:
    """One task of the table: the task (with its group and lead unit), its state as of the day judged, its
    supporting units, how many reminders it had and the date of its latest approved update."""

    task: Task
    state: assessment.TaskState
    supporting_units: list[Unit]
    reminder_count: int
    last_update: datetime.date | None

    @property
    def status(self) -> str:
        return str(self.state.status)

    @property
    def status_label(self) -> str:
        return TASK_STATUS_LABELS[self.state.status]

    @property
    def sort_key(self) -> tuple:
        return (self.task.solution_group.number, self.task.order, self.task.code)

    # Sort keys of the table's columns, never empty (an ongoing task has no deadline: it sorts last).
    @property
    def status_rank(self) -> tuple:
        return (assessment.TASK_STATUS_ORDER.index(self.state.status), -(self.state.overdue_days or 0))

    @property
    def deadline_key(self) -> tuple:
        return (self.state.deadline or datetime.date.max, self.sort_key)

    @property
    def lead_unit_name(self) -> str:
        return self.task.lead_unit.display_name


def task_as_of(*, year: int | None, today: datetime.date | None = None) -> tuple[datetime.date, int]:
    """The day a table or panel judges tasks as of, and the year yearly tasks are judged in: today and its
    year, or for a past ``year`` its last day (the picture as it was then). No query."""
    today = today or timezone.localdate()
    if year is None:
        return today, today.year
    return min(today, datetime.date(year, 12, 31)), year


def _approved(**lookups) -> QuerySet:
    return TaskUpdate.objects.filter(status=UpdateStatus.APPROVED, **lookups)


@dataclass(frozen=True)
class _Counts:
    """What a task's state reads beside the task: the completion dates of its approved updates that
    report it done, the date of its latest approved update, its reminders (all, and those of the year
    judged, for a yearly task)."""

    completions: tuple = ()
    last_update: datetime.date | None = None
    reminder_count: int = 0
    reminder_count_year: int = 0


_NO_COUNTS = _Counts()


def _counts(task_ids, *, year: int) -> dict[int, _Counts]:
    """task id -> its ``_Counts``, for the tasks of ``task_ids`` (a list). 2 queries, each
    grouped by task: the approved updates (their latest date, and their completion dates; a task has one
    group for its updates that are not done and one for each completion date), the reminders. Two plain
    grouped queries, not three correlated subqueries on every task row: a third of the time to build and
    to run."""
    completions: dict[int, list[datetime.date]] = defaultdict(list)
    latest: dict[int, datetime.date] = {}
    for task_id, is_done, completed_on, newest in (
        _approved(task_id__in=task_ids)
        .order_by()
        .values_list("task_id", "is_done", "completed_on")
        .annotate(newest=Max("date"))
    ):
        if is_done:
            completions[task_id].append(completed_on)
        latest[task_id] = max(latest.get(task_id, newest), newest)
    reminders = dict.fromkeys(latest, (0, 0))
    for task_id, count, in_year in (
        TaskReminder.objects.filter(task_id__in=task_ids)
        .order_by()
        .values("task_id")
        .annotate(n=Count("id"), n_year=Count("id", filter=Q(sent_at__year=year)))
        .values_list("task_id", "n", "n_year")
    ):
        reminders[task_id] = (count, in_year)
    return {
        task_id: _Counts(
            completions=tuple(sorted(completions[task_id])),
            last_update=latest.get(task_id),
            reminder_count=count,
            reminder_count_year=in_year,
        )
        for task_id, (count, in_year) in reminders.items()
    }


def _plain_tasks(tasks: QuerySet, fields: tuple[str, ...]) -> list[SimpleNamespace]:
    """``tasks`` read as plain values, not three model instances a task (as ``dashboard_rows`` reads
    targets): ``fields`` of the task, and of its group and lead unit (``solution_group__…``, ``lead_unit__…``)
    as attributes of ``task.solution_group`` and ``task.lead_unit``, with the lead unit's ``display_name``
    (``text.localised``, as ``Unit.display_name``) and ``pk``, as the panel's and the briefing's templates
    read them. 1 query."""
    own = [f for f in fields if "__" not in f]
    related = {prefix: [f for f in fields if f.startswith(prefix + "__")] for prefix in ("solution_group", "lead_unit")}
    names = ["id", *own, "lead_unit_id", *related["solution_group"], *related["lead_unit"]]
    plain = []
    for values in tasks.values(*dict.fromkeys(names)):
        task = SimpleNamespace(**{name: values[name] for name in ("id", *own, "lead_unit_id")})
        task.pk = task.id
        task.solution_group = SimpleNamespace(**{f.split("__", 1)[1]: values[f] for f in related["solution_group"]})
        unit = SimpleNamespace(pk=task.lead_unit_id, **{f.split("__", 1)[1]: values[f] for f in related["lead_unit"]})
        unit.id = unit.pk
        if hasattr(unit, "name"):
            unit.display_name = localised(unit.name, getattr(unit, "name_en", ""))
        task.lead_unit = unit
        plain.append(task)
    return plain


def _state(task: Task, counts: _Counts, *, today: datetime.date, year: int) -> assessment.TaskState:
    yearly = task.recurrence == Task.Recurrence.YEARLY
    facts = assessment.TaskFacts(
        recurrence=task.recurrence,
        deadline=task.deadline,
        completions=counts.completions,
        last_update=counts.last_update,
        reminders=counts.reminder_count_year if yearly else counts.reminder_count,
    )
    return assessment.task_state(facts, today=today, year=year)


def _rows(
    tasks: QuerySet,
    *,
    today: datetime.date,
    year: int,
    program: Program | None = None,
    supporting: bool = True,
    fields: tuple[str, ...] = (),
) -> list[TaskRow]:
    """4 queries: the tasks with their group and lead unit; their supporting units; their updates' and
    reminders' counts (``_counts``, 2; none without tasks). With ``program`` (all the tasks are of it) its
    row is not read again for each task; without ``supporting`` the rows have no supporting units (3
    queries); with ``fields`` (and ``program``, without ``supporting``), only those of the task, its group
    and its lead unit are read, as plain values (``_plain_tasks``)."""
    tasks = tasks.order_by("program_id", "solution_group__number", "order", "code")
    if fields and program is not None and not supporting:
        tasks = _plain_tasks(tasks, fields)
    else:
        tasks = tasks.select_related("solution_group", "lead_unit")
        if fields:
            tasks = tasks.only(*fields)
        if program is None:
            tasks = tasks.select_related("program")
        if supporting:
            tasks = tasks.prefetch_related(Prefetch("supporting_units", queryset=Unit.objects.order_by("code")))
        tasks = list(tasks)
    if program is not None:
        for task in tasks:
            task.program = program
    counts = _counts([t.pk for t in tasks], year=year) if tasks else {}
    rows = []
    for task in tasks:
        counted = counts.get(task.pk, _NO_COUNTS)
        rows.append(
            TaskRow(
                task=task,
                state=_state(task, counted, today=today, year=year),
                supporting_units=list(task.supporting_units.all()) if supporting else [],
                reminder_count=counted.reminder_count,
                last_update=counted.last_update,
            )
        )
    return rows


def _due_in_year(year: int) -> Q:
    """Tasks due in ``year``: done once with a deadline in it, yearly from their first year on, ongoing."""
    return (
        Q(recurrence=Task.Recurrence.ONCE, deadline__year=year)
        | Q(recurrence=Task.Recurrence.YEARLY, deadline__year__lte=year)
        | Q(recurrence=Task.Recurrence.ONGOING)
    )


def task_rows(
    *,
    program: Program,
    today: datetime.date | None = None,
    q: str = "",
    group: int | None = None,
    unit: str = "",
    status: str = "",
    year: int | None = None,
    supporting: bool = True,
    fields: tuple[str, ...] = (),
) -> list[TaskRow]:
    """The rows of ``program``'s task table (active tasks), in the programme's order, with their state as of
    ``today`` (``task_as_of``: the end of a past ``year``). Filters, as the table's query names them: ``q``
    (code, content or expected output, with or without diacritics, as a phrase), ``group`` (the solution
    group's number), ``unit`` (the lead unit's code), ``status`` (a ``TaskStatus``), ``year`` (tasks due in
    that year, judged as of its end or today, whichever is earlier). 4 queries (3 without ``supporting``: no
    supporting units). ``fields``: only those of the tasks are read (``_rows``)."""
    as_of, judged_year = task_as_of(year=year, today=today)
    tasks = Task.objects.filter(program=program, is_active=True)
    if phrase := fold(q or ""):
        tasks = tasks.filter(search_text__contains=phrase)
    if group:
        tasks = tasks.filter(solution_group__number=group)
    if unit:
        tasks = tasks.filter(lead_unit__code=unit)
    if year is not None:
        tasks = tasks.filter(_due_in_year(year))
    rows = _rows(tasks, today=as_of, year=judged_year, program=program, supporting=supporting, fields=fields)
    if status:
        rows = [row for row in rows if row.status == status]
    return rows


def task_status_counts_by_program(*, program_ids: list[int], today: datetime.date) -> dict[int, Counter]:
    """For each programme of ``program_ids``, its active tasks by deadline status as of ``today``, judged as
    its task table judges them (``task_rows`` without filters): one pass over all the programmes' tasks.
    3 queries: the tasks, their updates' and reminders' counts (``_counts``)."""
    tasks = list(
        Task.objects.filter(program_id__in=program_ids, is_active=True).only(
            "id", "program_id", "recurrence", "deadline"
        )
    )
    counted = _counts([t.pk for t in tasks], year=today.year) if tasks else {}
    counts: dict[int, Counter] = {}
    for task in tasks:
        state = _state(task, counted.get(task.pk, _NO_COUNTS), today=today, year=today.year)
        counts.setdefault(task.program_id, Counter())[state.status] += 1
    return counts


@dataclass
class TaskReviewRow:
    """A task in the year's review: its row as the table judges it for the year, and its latest approved
    update dated on or before the day judged (its result), if any."""

    row: TaskRow
    latest: TaskUpdate | None


def task_review_rows(*, program: Program, year: int, today: datetime.date | None = None) -> list[TaskReviewRow]:
    """The tasks of ``program`` due in ``year`` as the table lists them for that year (``task_rows`` with
    ``year``: judged as of its end, or today while it runs), each with its latest approved update up to that
    day. 5 queries: the rows 4, the latest updates 1."""
    as_of, _year = task_as_of(year=year, today=today)
    rows = task_rows(program=program, year=year, today=today)
    latest: dict[int, TaskUpdate] = {}
    if rows:
        newest = _approved(task=OuterRef("pk"), date__lte=as_of).order_by("-date", "-id").values("pk")[:1]
        ids = Task.objects.filter(pk__in=[row.task.pk for row in rows]).annotate(u=Subquery(newest)).values("u")
        latest = {u.task_id: u for u in TaskUpdate.objects.filter(pk__in=ids)}
    return [TaskReviewRow(row=row, latest=latest.get(row.task.pk)) for row in rows]


def task_status_counts(rows: list[TaskRow]) -> list[dict]:
    """The number of rows in each deadline status, in ``TASK_STATUS_ORDER`` (zeros included). No query."""
    counts = Counter(row.state.status for row in rows)
    return [
        {"status": str(status), "label": TASK_STATUS_LABELS[status], "count": counts.get(status, 0)}
        for status in assessment.TASK_STATUS_ORDER
    ]


def task_overdue_by_unit(rows: list[TaskRow]) -> list[dict]:
    """The overdue rows by lead unit, most overdue first, then by code: unit, count and the flagged ones
    among them. No query."""
    per_unit: dict[int, dict] = {}
    for row in rows:
        if row.state.status != TaskStatus.OVERDUE:
            continue
        entry = per_unit.setdefault(row.task.lead_unit_id, {"unit": row.task.lead_unit, "count": 0, "flagged": 0})
        entry["count"] += 1
        entry["flagged"] += int(row.state.flagged)
    return sorted(per_unit.values(), key=lambda e: (-e["count"], e["unit"].code))


@dataclass
class TaskPanel:
    """The overview's tasks panel: counts by deadline status, overdue by unit, the flagged, stale and
    due-soon tasks."""

    total: int
    counts: list[dict]
    overdue_by_unit: list[dict]
    flagged: list[TaskRow]
    stale: list[TaskRow]
    due_soon: list[TaskRow]
    as_of: datetime.date
    year: int

    def count(self, status: str) -> int:
        return next((c["count"] for c in self.counts if c["status"] == status), 0)


# What the panel and the briefing read of a task (its state's facts, its row's order, what their templates
# show): not the long texts (search text, expected output, the assignment) that the table shows.
PANEL_FIELDS = (
    "code",
    "name",
    "recurrence",
    "deadline",
    "order",
    "program_id",
    "solution_group__number",
    "lead_unit__code",
    "lead_unit__name",
    "lead_unit__name_en",
)


def task_panel(*, program: Program, today: datetime.date | None = None, year: int | None = None) -> TaskPanel:
    """The overview's panel for ``program``, from the same rows as the table (``task_rows`` with only
    ``year``), so that its counts are what the table's ``status`` filter lists. 3 queries."""
    as_of, judged_year = task_as_of(year=year, today=today)
    rows = task_rows(program=program, today=today, year=year, supporting=False, fields=PANEL_FIELDS)
    overdue = [row for row in rows if row.state.status == TaskStatus.OVERDUE]
    return TaskPanel(
        total=len(rows),
        counts=task_status_counts(rows),
        overdue_by_unit=task_overdue_by_unit(rows),
        flagged=[row for row in overdue if row.state.flagged],
        stale=[row for row in overdue if row.state.stale],
        due_soon=sorted((row for row in rows if row.state.due_soon), key=lambda r: (r.state.deadline, r.sort_key)),
        as_of=as_of,
        year=judged_year,
    )


def task_import_list(*, program: Program) -> list[Task]:
    """Every task of ``program`` (active or not) in its order, with its group, lead unit, supporting units
    and targets (by code): the task list's import template. 3 queries."""
    return list(
        Task.objects.filter(program=program)
        .select_related("solution_group", "lead_unit")
        .prefetch_related(
            Prefetch("supporting_units", queryset=Unit.objects.order_by("code")),
            Prefetch("targets", queryset=Target.objects.order_by("code").only("id", "code")),
        )
        .order_by("solution_group__number", "order", "code")
    )


@dataclass
class TaskUpdateTemplateLine:
    task: Task
    unit_code: str  # the unit the update is for, filled in when the user may write for one only; else ""


def task_update_import_lines(*, program: Program, user) -> list[TaskUpdateTemplateLine]:
    """The active tasks of ``program`` on which ``user`` may write updates (all for its office, those its
    units lead or support for staff, none for anyone else), in the task list's order, each with the unit
    to prefill: the lead unit for the office (the form's default), the user's one unit on the task for
    staff (empty when they have several there). 3 queries (the user's units, the tasks, their supporting
    units); none without a role that writes."""
    office = permissions.is_office(user, program)
    if not (office or permissions.is_unit_staff(user, program)) or not program.is_active:
        return []
    tasks = (
        Task.objects.filter(program=program, is_active=True)
        .select_related("lead_unit")
        .prefetch_related(Prefetch("supporting_units", queryset=Unit.objects.order_by("code")))
        .order_by("solution_group__number", "order", "code")
    )
    if office:
        return [TaskUpdateTemplateLine(task=task, unit_code=task.lead_unit.code) for task in tasks]
    mine = permissions.user_unit_ids(user)
    tasks = tasks.filter(Q(lead_unit_id__in=mine) | Q(supporting_units__id__in=mine)).distinct()
    lines = []
    for task in tasks:
        units = [u for u in [task.lead_unit, *task.supporting_units.all()] if permissions.may_report_for(user, u)]
        codes = list(dict.fromkeys(u.code for u in units))
        if codes:
            lines.append(TaskUpdateTemplateLine(task=task, unit_code=codes[0] if len(codes) == 1 else ""))
    return lines


def task_by_code(*, program: Program, code: str) -> Task | None:
    """The task ``code`` of ``program`` (active or not: its page stays readable), with its programme,
    organisation, group and lead unit, and its supporting units. 2 queries (1 when missing)."""
    return (
        Task.objects.filter(program=program, code=code)
        .select_related("program__organisation", "solution_group", "lead_unit")
        .prefetch_related(Prefetch("supporting_units", queryset=Unit.objects.order_by("code")))
        .first()
    )


def task_state_of(*, task: Task, today: datetime.date | None = None, year: int | None = None):
    """One task's state as of ``today`` (a yearly task in ``year``, today's by default). 2 queries: its
    updates' and reminders' counts (``_counts``)."""
    as_of, judged_year = task_as_of(year=year, today=today)
    counted = _counts([task.pk], year=judged_year).get(task.pk, _NO_COUNTS)
    return _state(task, counted, today=as_of, year=judged_year)


@dataclass
class UpdateLine:
    """An update on a task's page, with the steps the user may take on it."""

    update: TaskUpdate
    actions: permissions.TaskUpdateActions


@dataclass
class TaskHistoryEntry:
    """A step in a task's history: a change to the task itself (``update`` None) or a step of an update."""

    when: datetime.datetime
    who: object
    action: str
    update_id: int | None = None
    unit: Unit | None = None
    status: str = ""
    changes: list[str] = field(default_factory=list)


# The task's fields whose changes its history shows.
TASK_HISTORY_FIELDS = [
    "name",
    "solution_group",
    "lead_unit",
    "deadline",
    "recurrence",
    "expected_output",
    "assigned_by_number",
    "assigned_by_date",
    "assigned_by_summary",
    "is_active",
]
TASK_HISTORY_LIMIT = 200


@dataclass
class TaskPage:
    task: Task
    state: assessment.TaskState
    supporting_units: list[Unit]
    targets: list
    updates: list[UpdateLine]
    reminders: list[TaskReminder]
    history: list[TaskHistoryEntry]
    closed_years: frozenset[int]
    can_update: bool
    can_remind: bool


def task_page(*, task: Task, user, today: datetime.date | None = None) -> TaskPage:
    """A task's page for ``user``: the task (from ``task_by_code``), its state as of today, the targets it
    serves, the updates the user may see (``permissions.task_update_visibility``) with their actions, its
    reminders (who, when, to whom) and its history, newest first. 8 queries: state 2, targets, updates,
    reminders, closed years, the task's history, its updates' history (the user's rights and units are
    read once a request and not counted)."""
    state = task_state_of(task=task, today=today)
    targets = list(task.targets.select_related("group", "lead_unit").order_by("order", "code"))
    visibility = permissions.task_update_visibility(user, task.program)
    closed = closed_years(program=task.program_id)
    updates = list(
        task.updates.filter(visibility.q(permissions.TASK_UPDATE_ORGANISATION_FIELD))
        .select_related("unit", "author", "reviewer")
        .order_by("-date", "-id")
    )
    for update in updates:
        update.task = task  # the permission checks read its programme: no query per update
    lines = [
        UpdateLine(update, permissions.task_update_actions(user, update, year_closed=update.year in closed))
        for update in updates
    ]
    reminders = list(
        task.reminders.select_related("unit", "sent_by")
        .annotate(recipient_count=Count("recipients"))
        .order_by("-sent_at", "-id")
    )
    return TaskPage(
        task=task,
        state=state,
        supporting_units=list(task.supporting_units.all()),
        targets=targets,
        updates=lines,
        reminders=reminders,
        history=_task_history(task=task, visibility=visibility),
        closed_years=closed,
        can_update=permissions.can_update_task(user, task),
        can_remind=permissions.can_remind(user, task.program),
    )


def _task_history(*, task: Task, visibility) -> list[TaskHistoryEntry]:
    """The task's own changes (with the fields that changed) and the steps of the updates the user may
    see, newest first, at most ``TASK_HISTORY_LIMIT``. 2 queries."""
    entries = []
    records = list(task.history.select_related("history_user").order_by("history_date", "history_id"))
    previous = None
    for record in records:
        changed = [] if previous is None else record.diff_against(previous, included_fields=TASK_HISTORY_FIELDS)
        entries.append(
            TaskHistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=record.history_change_reason or record.history_type,
                changes=[] if previous is None else sorted(c.field for c in changed.changes),
            )
        )
        previous = record
    steps = (
        TaskUpdate.history.filter(task_id=task.pk)
        .filter(visibility.q(permissions.TASK_UPDATE_ORGANISATION_FIELD))
        .select_related("history_user", "unit")
        .order_by("-history_date", "-history_id")[:TASK_HISTORY_LIMIT]
    )
    for record in steps:
        entries.append(
            TaskHistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=record.history_change_reason or record.history_type,
                update_id=record.id,
                unit=record.unit,
                status=record.status,
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:TASK_HISTORY_LIMIT]


def task_reminder_notices(*, user, program: Program | None = None, today: datetime.date | None = None) -> list:
    """The reminders of the last ``REMINDER_NOTICE_DAYS`` days sent to the units ``user`` reports for (of
    ``program`` when given), newest first, with their task and unit: the notice on a staff user's overview.
    1 query (with the user's units read); none for a user without units."""
    units = permissions.user_unit_ids(user)
    if not units:
        return []
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=REMINDER_NOTICE_DAYS)
    reminders = TaskReminder.objects.filter(unit_id__in=units, sent_at__date__gte=since, task__is_active=True)
    if program is not None:
        reminders = reminders.filter(task__program=program)
    return list(reminders.select_related("task", "unit", "sent_by").order_by("-sent_at", "-id"))


def tasks_to_remind(*, today: datetime.date, days: int) -> list[TaskRow]:
    """The active tasks of active programmes, across programmes, that are overdue today or due within
    ``days`` days (and not done), for the cron digest. 4 queries."""
    soon = today + datetime.timedelta(days=days)
    tasks = Task.objects.filter(program__is_active=True, is_active=True).exclude(recurrence=Task.Recurrence.ONGOING)
    # Done-once tasks due later than the window cannot be overdue or due soon: leave them to the database.
    tasks = tasks.filter(~Q(recurrence=Task.Recurrence.ONCE) | Q(deadline__lte=soon))
    rows = _rows(tasks, today=today, year=today.year)

    def to_remind(state: assessment.TaskState) -> bool:
        if state.status == TaskStatus.OVERDUE:
            return True
        return state.status == TaskStatus.OPEN_IN_TIME and state.deadline is not None and state.deadline <= soon

    return [row for row in rows if to_remind(row.state)]


def unit_task_rows(*, program: Program, unit: Unit, today: datetime.date | None = None) -> list[TaskRow]:
    """The active tasks of ``program`` that ``unit`` leads or supports, as the table's rows (a unit's page).
    4 queries."""
    supported = Task.supporting_units.through.objects.filter(unit_id=unit.pk).values("task_id")
    tasks = Task.objects.filter(program=program, is_active=True).filter(Q(lead_unit=unit) | Q(pk__in=supported))
    as_of, year = task_as_of(year=None, today=today)
    return _rows(tasks, today=as_of, year=year, program=program)


def target_task_rows(*, target, today: datetime.date | None = None) -> list[TaskRow]:
    """The active tasks that serve ``target``, as the table's rows (a target's page). 4 queries; the
    target's programme (``target.program``, already read) is each task's, not read again."""
    tasks = Task.objects.filter(program_id=target.program_id, is_active=True, targets=target)
    as_of, year = task_as_of(year=None, today=today)
    return _rows(tasks, today=as_of, year=year, program=target.program)


def solution_group_by_number(*, program: Program, number: int):
    """The group of solutions ``number`` of ``program``, or None. 1 query."""
    return program.solution_groups.filter(number=number).first()


# The most task updates the list of /reports/ shows in one status; the count says how many there are.
TASK_UPDATE_LIST_LIMIT = 50


@dataclass
class TaskUpdateList:
    """The task updates of ``/reports/`` in one status (or all): the ``total`` and the first ones."""

    status: str | None
    total: int
    updates: list[TaskUpdate]

    @property
    def is_queue(self) -> bool:
        return self.status == UpdateStatus.SUBMITTED


def _update_urls(update: TaskUpdate, actions) -> dict[str, str]:
    """The links of a row of the task updates' list: its task's page, and the steps the row offers (reversed
    here, once each, rather than by a ``{% url %}`` per row and button); ``view``, the update on its task's
    page."""
    args = [update.task.program.slug, update.task.code]
    task = reverse_path("task_detail", *args)
    urls = {"task": task, "view": f"{task}#update-{update.pk}"}
    for key, route, offered in (
        ("approve", "task_update_approve", actions.approve),
        ("return_", "task_update_return", actions.return_),
        ("edit", "task_update_edit", actions.edit),
    ):
        if offered:
            urls[key] = reverse_path(route, *args, update.pk)
    return urls


def task_update_list(*, user, status: str | None, program: Program | None = None) -> TaskUpdateList:
    """The task updates ``user`` may see (``permissions.task_update_visibility``), across the user's
    programmes or of ``program``, in ``status`` (every status when None): the office's queue of submitted
    updates oldest first, else what needs work first (returned, drafts), then the newest. At most
    ``TASK_UPDATE_LIST_LIMIT``, each with ``actions`` (``permissions.task_update_actions``) and its task's
    programme and its ``urls`` (the task's page; approve, return or edit when offered). 1 query (the total
    counted in the same query)."""
    updates = permissions.task_updates_visible_to(user)
    if program is not None:
        updates = updates.filter(task__program=program)
    if status:
        updates = updates.filter(status=status)
    closed = YearClosure.objects.filter(
        program_id=OuterRef("task__program_id"), year=ExtractYear(OuterRef("date")), is_closed=True
    )
    rank = Case(
        When(status=UpdateStatus.RETURNED, then=Value(0)),
        When(status=UpdateStatus.DRAFT, then=Value(1)),
        When(status=UpdateStatus.SUBMITTED, then=Value(2)),
        default=Value(3),
    )
    order = ("submitted_at", "id") if status == UpdateStatus.SUBMITTED else (rank, "-updated_at", "-id")
    rows = list(
        updates.select_related("task__program", "unit", "author")
        .annotate(year_closed=Exists(closed), total=Window(Count("id")))
        .order_by(*order)[:TASK_UPDATE_LIST_LIMIT]
    )
    for update in rows:
        update.actions = actions = permissions.task_update_actions(user, update, year_closed=update.year_closed)
        update.urls = _update_urls(update, actions)
    return TaskUpdateList(status=status, total=rows[0].total if rows else 0, updates=rows)
