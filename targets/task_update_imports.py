"""Reading an uploaded workbook of task updates (the units' accounts of their tasks' progress), and every
check made before anything is written: the figures import's flow (``imports.py``) for task updates.

Upload → preview → confirm. ``imports.read_upload`` reads the file with the same guards (size, archive,
parts, rows, deadline) against ``TASK_UPDATE_COLUMNS``; ``check_rows`` judges every row by the rules of the
update form and of ``services.task_update_create``, with their messages: the form (``TaskUpdateForm``)
parses and checks the update's fields, the model (``TaskUpdate.value_errors``) its dates against the task
and the programme, the services' refusals name the unit, the closed year and an update already in the
workflow. Only when every row is valid are the rows kept in the session (``to_session``, what was typed,
as text); the confirmation reads them back (``from_session``), checks them again and hands them to
``services.task_update_import_confirm``, which writes all of them or none.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import permissions, selectors
from .exports import TASK_UPDATE_COLUMNS
from .forms import TaskUpdateForm
from .imports import ImportCheck, _estimate, _is_blank, _typed, _yes_no_words, rows_keep, rows_kept
from .models import Task, TaskUpdate, Unit
from .services.tasks import (
    TASK_UPDATE_OPEN,
    not_a_task_unit_refusal,
    open_task_update_refusal,
    task_closed_year_refusal,
)
from .text import fold

SESSION_KEY = "task_update_import"

COLUMN_KEYS = [key for key, _label in TASK_UPDATE_COLUMNS]
COLUMN_LABELS = dict(TASK_UPDATE_COLUMNS)
COL = {key: index for index, key in enumerate(COLUMN_KEYS)}
# The columns of the update itself: a row with none of them filled in is a task the user skips.
UPDATE_KEYS = ["date", "content", "progress", "is_done", "completed_on", "evidence_url"]
# The model's fields whose errors (``value_errors``, ``clean_fields``) name a column of the file.
MODEL_COLUMNS = {key: key for key in UPDATE_KEYS}
# Words for "done" beyond the yes and no of the figures' "estimate" column.
DONE_WORDS = {"xong", "da xong", "hoan thanh", "done"}
NOT_DONE_WORDS = {"chua", "chua xong", "chua hoan thanh", "not done"}


class TaskUpdateUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class TaskUpdateConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    approve = forms.BooleanField(label=gettext_lazy("Approve the updates at once"), required=False)


@dataclass
class TaskUpdateImportRow:
    """One row of the file: what was typed, what it means, and what is wrong with it."""

    number: int
    typed: dict[str, str]
    task: Task | None = None
    unit: Unit | None = None
    date: datetime.date | None = None
    content: str = ""
    progress: int | None = None
    is_done: bool = False
    completed_on: datetime.date | None = None
    evidence_url: str = ""
    skipped: bool = False  # a template row left empty: the user reports nothing on that task
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.skipped

    def error(self, column: str, message: str) -> None:
        self.errors.append((str(COLUMN_LABELS.get(column, column)), message))


# The rows of an upload with their verdicts: the figures import's check, for task updates' rows.
TaskUpdateImportCheck = ImportCheck


def _typed_cell(value) -> str:
    """What the user typed, as text: a date cell as dd/mm/yyyy (the form's format; the session keeps text)."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return _typed(value)


def _done_words() -> tuple[set[str], set[str]]:
    yes, no = _yes_no_words()
    return yes | DONE_WORDS, no | NOT_DONE_WORDS


def _is_no(value, no: set[str]) -> bool:
    return _is_blank(value) or value is False or (isinstance(value, str) and fold(value) in no)


def check_rows(raw_rows: list[tuple[int, tuple]], *, user, program) -> TaskUpdateImportCheck:
    """Judge every row for ``user`` in ``program``: a task of the programme (active), a unit of the task
    that the user may write for (the only one when the column is empty), the update form's rules on the
    fields, the model's on the dates, an open year, no other update of that unit in the workflow, each
    task and unit once in the file. 6 queries whatever the number of rows (the tasks, their supporting
    units, the organisation's units, the closed years, the user's units, the updates in the workflow), and
    1 more when the file names codes the programme lacks (the other programmes' tasks of those codes)."""
    yes, no = _done_words()
    tasks = {
        task.code.upper(): task
        for task in Task.objects.filter(program=program)
        .select_related("lead_unit")
        .prefetch_related("supporting_units")
        .order_by()
    }
    for task in tasks.values():
        task.program = program  # the model's rules read it: no query per row
    units = {unit.code.upper(): unit for unit in Unit.objects.filter(organisation_id=program.organisation_id)}
    closed = selectors.closed_years(program=program)
    elsewhere = _tasks_elsewhere(raw_rows, user=user, program=program, known=tasks)
    organisation = program.organisation.name
    rows: list[TaskUpdateImportRow] = []
    for number, values in raw_rows:
        row = TaskUpdateImportRow(number=number, typed={key: _typed_cell(values[COL[key]]) for key in COLUMN_KEYS})
        rows.append(row)
        if all(
            _is_no(values[COL[key]], no) if key == "is_done" else _is_blank(values[COL[key]]) for key in UPDATE_KEYS
        ):
            row.skipped = True
            continue
        _check_task(row, tasks=tasks, elsewhere=elsewhere, program=program)
        if row.task is not None:
            _check_unit(row, user=user, units=units, organisation=organisation)
        _check_fields(row, values, yes=yes, no=no)
        if row.date is not None and row.date.year in closed:
            row.error("date", task_closed_year_refusal(row.date.year))
        if row.task is not None and not row.errors:
            _check_model(row, user)

    _check_duplicates(rows)
    _check_open_updates(rows, program=program)
    return TaskUpdateImportCheck(rows=rows)


def _check_task(row: TaskUpdateImportRow, *, tasks: dict, elsewhere: dict, program) -> None:
    code = row.typed["code"]
    if not code:
        row.error("code", _("The task's code is missing."))
        return
    task = tasks.get(code.upper())
    if task is None:
        other = elsewhere.get(code.upper())
        if other is not None:
            row.error(
                "code",
                _("%(code)s is a task of programme %(other)s, not of %(program)s: import it on that programme's page.")
                % {"code": code, "other": other, "program": program.number},
            )
        else:
            row.error(
                "code",
                _("No task has the code “%(code)s” in programme %(program)s.")
                % {"code": code, "program": program.number},
            )
        return
    if not task.is_active:
        row.error("code", _("%(code)s is no longer an active task.") % {"code": task.code})
        return
    row.task = task


def _tasks_elsewhere(raw_rows, *, user, program, known: dict) -> dict[str, str]:
    """The task codes typed in the file that the programme lacks but another programme the user reads has
    (upper case -> that programme's number), so that the message says so rather than "unknown". 1 query,
    none when every code is known."""
    missing = {_typed(values[COL["code"]]).upper() for _number, values in raw_rows} - set(known) - {""}
    if not missing:
        return {}
    others = (
        Task.objects.filter(code__in=missing, program__in=permissions.programs_visible_to(user))
        .exclude(program=program)
        .order_by("-program__issued_on")
        .values_list("code", "program__number")
    )
    found: dict[str, str] = {}
    for code, number in others:
        found.setdefault(code.upper(), number)
    return found


def _check_unit(row: TaskUpdateImportRow, *, user, units: dict, organisation: str) -> None:
    """The unit the update is for: one of the task's lead and supporting units that the user may write for
    (``permissions.may_report_for``); the only such unit when the column is empty."""
    task = row.task
    task_units = [task.lead_unit, *task.supporting_units.all()]
    allowed = [unit for unit in task_units if permissions.may_report_for(user, unit)]
    if not allowed:
        row.error("code", permissions.task_update_refusal(task, None))
        return
    typed = row.typed["unit"]
    if not typed:
        if len(allowed) > 1:
            row.error("unit", _("Choose the unit this update is written for."))
        else:
            row.unit = allowed[0]
        return
    unit = units.get(typed.upper())
    if unit is None:
        row.error(
            "unit",
            _("No unit has the code “%(code)s” in %(organisation)s.") % {"code": typed, "organisation": organisation},
        )
    elif unit not in task_units:
        row.error("unit", not_a_task_unit_refusal(unit=unit, task=task))
    elif unit not in allowed:
        row.error("unit", permissions.task_update_refusal(task, unit))
    else:
        row.unit = unit


def _check_fields(row: TaskUpdateImportRow, values, *, yes: set[str], no: set[str]) -> None:
    """The update's own columns, through the update form: its parsing, its messages, its rules."""
    typed = row.typed
    try:
        row.is_done = _estimate(values[COL["is_done"]], yes, no)
    except ValueError:
        row.error("is_done", _("“%(value)s” is neither yes nor no.") % {"value": typed["is_done"]})
    progress = typed["progress"]
    if progress.endswith("%"):
        progress = progress[:-1].strip()  # "50 %" typed as text: the percentage the column asks for
    form = TaskUpdateForm(
        {
            "date": typed["date"],
            "content": typed["content"],
            "progress": progress,
            "is_done": "on" if row.is_done else "",
            "completed_on": typed["completed_on"],
            "evidence_url": typed["evidence_url"],
        }
    )
    if not form.is_valid():
        for name, messages in form.errors.items():
            for message in messages:
                row.error(name if name in COL else "code", message)
    data = form.cleaned_data
    row.date = data.get("date")
    row.content = data.get("content", "")
    row.progress = data.get("progress")
    row.completed_on = data.get("completed_on")
    row.evidence_url = data.get("evidence_url", "")


def update_from_row(row: TaskUpdateImportRow, *, user, status: str = TaskUpdate.Status.SUBMITTED) -> TaskUpdate:
    """The row's update, not saved."""
    return TaskUpdate(
        task=row.task,
        unit=row.unit,
        date=row.date,
        content=row.content,
        progress=row.progress,
        is_done=row.is_done,
        completed_on=row.completed_on,
        evidence_url=row.evidence_url,
        author=user,
        status=status,
    )


def model_errors(update: TaskUpdate) -> dict[str, list[str]]:
    """The model's rules on the update's values (lengths, the dates against the task and the programme),
    without a query: the task, its programme and the unit are those read for the whole file."""
    problems: dict[str, list[str]] = {}
    try:
        update.clean_fields(exclude=["task", "unit", "author", "reviewer", "supersedes", "evidence_file"])
    except ValidationError as error:
        problems = error.message_dict
    for name, message in update.value_errors().items():
        if message not in problems.get(name, []):
            problems.setdefault(name, []).append(message)
    return problems


def _check_model(row: TaskUpdateImportRow, user) -> None:
    if row.unit is None or row.date is None:
        return
    for name, messages in model_errors(update_from_row(row, user=user)).items():
        for message in messages:
            row.error(MODEL_COLUMNS.get(name, "code"), message)


def duplicate_refusal(*, first_row: int, code: str, unit: Unit) -> str:
    """A file names the same task and unit twice: the preview and the confirmation say the same."""
    return _("Row %(first)s already has an update of %(code)s for %(unit)s: each task may appear once per unit.") % {
        "first": first_row,
        "code": code,
        "unit": unit.name,
    }


def _check_duplicates(rows: list[TaskUpdateImportRow]) -> None:
    seen: dict[tuple[int, int], int] = {}
    for row in rows:
        if row.skipped or row.task is None or row.unit is None:
            continue
        key = (row.task.pk, row.unit.pk)
        if key in seen:
            row.error("code", duplicate_refusal(first_row=seen[key], code=row.task.code, unit=row.unit))
        else:
            seen[key] = row.number


def _check_open_updates(rows: list[TaskUpdateImportRow], *, program) -> None:
    """A unit with an update of the task in the workflow (a draft, submitted or returned one) edits that one:
    the row is refused, as the form refuses a second one. 1 query."""
    candidates = [row for row in rows if row.task is not None and row.unit is not None and not row.skipped]
    if not candidates:
        return
    open_updates: dict[tuple[int, int], TaskUpdate] = {}
    for update in (
        TaskUpdate.objects.filter(
            task__program=program,
            unit_id__in={row.unit.pk for row in candidates},
            status__in=TASK_UPDATE_OPEN,
        )
        .only("pk", "task_id", "unit_id", "status")
        .order_by("pk")
    ):
        open_updates.setdefault((update.task_id, update.unit_id), update)
    for row in candidates:
        other = open_updates.get((row.task.pk, row.unit.pk))
        if other is not None:
            row.error("unit", open_task_update_refusal(unit=row.unit, other=other))


# --- Between the preview and the confirmation ---------------------------------------------------------------


def to_session(session, check: TaskUpdateImportCheck, *, program) -> str:
    """Keep the valid rows (what was typed, as text) in the session under a fresh token, for the confirmation."""
    rows = [[row.number, [row.typed[key] for key in COLUMN_KEYS]] for row in check.valid_rows]
    return rows_keep(session, SESSION_KEY, program=program, rows=rows)


def from_session(session, token: str, *, program) -> list[tuple[int, tuple]] | None:
    """The rows kept for ``token`` in the shape ``read_upload`` gives, or None if there are none."""
    kept = rows_kept(session, SESSION_KEY, token, program=program)
    return None if kept is None else [(number, tuple(values)) for number, values in kept]


def forget(session) -> None:
    session.pop(SESSION_KEY, None)
