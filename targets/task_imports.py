"""Reading an uploaded workbook of a programme's task list (the appendix "phân công nhiệm vụ"), and every
check made before anything is written: the figures import's flow (``imports.py``) for tasks.

Upload → preview → confirm. ``imports.read_upload`` reads the file with the same guards (size, archive,
parts, rows, deadline) against ``TASK_COLUMNS``; ``check_rows`` judges every row and attaches its group,
units, targets and the task it updates; only when every row is valid are the rows kept in the session
(``to_session``, what was typed, as text); the confirmation reads them back (``from_session``), checks them
again and hands them to ``services.task_import_confirm``, which writes all of them or none.
"""

import contextlib
import datetime
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exports import TASK_COLUMNS
from .forms import DATE_INPUTS
from .imports import _is_blank, _typed, _whole_number, rows_keep, rows_kept
from .models import SolutionGroup, Target, Task, Unit
from .text import fold

SESSION_KEY = "task_import"

COLUMN_KEYS = [key for key, _label in TASK_COLUMNS]
COLUMN_LABELS = dict(TASK_COLUMNS)
COL = {key: index for index, key in enumerate(COLUMN_KEYS)}
NAME_MAX_LENGTH = Task._meta.get_field("name").max_length
# The model's fields whose errors (from ``Task.clean``) name a column of the file.
MODEL_COLUMNS = {
    "code": "code",
    "name": "name",
    "solution_group": "group",
    "lead_unit": "lead_unit",
    "deadline": "deadline",
    "recurrence": "recurrence",
    "expected_output": "expected_output",
    "assigned_by_number": "assigned_by_number",
    "assigned_by_date": "assigned_by_date",
    "assigned_by_summary": "assigned_by_summary",
}


class TaskUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class TaskConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


@dataclass
class TaskImportRow:
    """One row of the file: what was typed, what it means, and what is wrong with it."""

    number: int
    typed: dict[str, str]
    code: str = ""
    group: SolutionGroup | None = None
    name: str = ""
    lead_unit: Unit | None = None
    supporting_units: list[Unit] = field(default_factory=list)
    deadline: datetime.date | None = None
    recurrence: str = Task.Recurrence.ONCE
    expected_output: str = ""
    assigned_by_number: str = ""
    assigned_by_date: datetime.date | None = None
    assigned_by_summary: str = ""
    targets: list[Target] = field(default_factory=list)
    existing: Task | None = None  # the task of that code the row updates; None: a new task
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def error(self, column: str, message: str) -> None:
        self.errors.append((str(COLUMN_LABELS.get(column, column)), message))


@dataclass
class TaskImportCheck:
    rows: list[TaskImportRow]

    @property
    def error_rows(self) -> list[TaskImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.existing is None)

    @property
    def updated_count(self) -> int:
        return sum(1 for row in self.rows if row.existing is not None)

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.error_rows


def _recurrence_words() -> dict[str, str]:
    """Folded word -> recurrence: the keys, the labels in every language, and the usual Vietnamese words."""
    words = {
        "": "",
        "mot lan": Task.Recurrence.ONCE,
        "hang nam": Task.Recurrence.YEARLY,
        "thuong xuyen": Task.Recurrence.ONGOING,
    }
    for value in Task.Recurrence.values:
        words[value] = value
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in Task.Recurrence.choices:
                words[fold(str(label))] = value
    return {fold(word): value for word, value in words.items()}


def _date(value) -> datetime.date:
    """A date cell, or text typed dd/mm/yyyy (the forms' formats). ``ValueError`` otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise ValueError
    text = value.strip()
    for pattern in DATE_INPUTS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _typed_cell(value) -> str:
    """What the user typed, as text: a date cell as dd/mm/yyyy (the session keeps rows as text)."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return _typed(value)


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.replace(",", ";").split(";") if code.strip()]


def check_rows(raw_rows: list[tuple[int, tuple]], *, program) -> TaskImportCheck:
    """Judge every row of a task list for ``program``: a code once in the file (a known code updates its
    task), a group of solutions, units and targets of the programme's own (a unit of another organisation
    is named as such), a deadline in the programme's span (``Task.clean``: and matching the recurrence),
    each length the model allows. 6 queries whatever the number of rows (groups, the organisation's units,
    units of that code elsewhere, targets, existing tasks, the organisation)."""
    words = _recurrence_words()
    groups = {g.number: g for g in program.solution_groups.all()}
    units = {u.code.upper(): u for u in Unit.objects.filter(organisation_id=program.organisation_id)}
    targets = {t.code.upper(): t for t in program.targets.only("id", "code", "program_id")}
    existing = {t.code.upper(): t for t in Task.objects.filter(program=program)}
    elsewhere = _units_elsewhere(raw_rows, program=program, units=units)
    organisation = program.organisation.name
    rows: list[TaskImportRow] = []
    for number, values in raw_rows:
        row = TaskImportRow(number=number, typed={key: _typed_cell(values[COL[key]]) for key in COLUMN_KEYS})
        rows.append(row)
        typed = row.typed
        row.code = typed["code"]
        if not row.code:
            row.error("code", _("The task's code is missing."))
        else:
            row.existing = existing.get(row.code.upper())
            if row.existing is not None:
                row.code = row.existing.code

        raw_group = values[COL["group"]]
        if _is_blank(raw_group):
            row.error("group", _("The number of the group of solutions is missing."))
        else:
            with contextlib.suppress(ValueError):  # not a number: no such group, said below
                row.group = groups.get(_whole_number(raw_group))
            if row.group is None:
                row.error(
                    "group",
                    _("Programme %(program)s has no group of solutions “%(value)s”.")
                    % {"program": program.number, "value": typed["group"]},
                )

        row.name = typed["name"]
        if not row.name:
            row.error("name", _("The content of the task is missing."))
        elif len(row.name) > NAME_MAX_LENGTH:  # a TextField's max_length is the form's, not the model's
            row.error("name", _("At most %(max)s characters, please.") % {"max": NAME_MAX_LENGTH})

        lead = typed["lead_unit"]
        if not lead:
            row.error("lead_unit", _("The lead unit's code is missing."))
        else:
            row.lead_unit = units.get(lead.upper())
            if row.lead_unit is None:
                row.error("lead_unit", _unit_refusal(lead, organisation=organisation, elsewhere=elsewhere))
        for code in _codes(typed["supporting_units"]):
            unit = units.get(code.upper())
            if unit is None:
                row.error("supporting_units", _unit_refusal(code, organisation=organisation, elsewhere=elsewhere))
            elif unit not in row.supporting_units:
                row.supporting_units.append(unit)

        raw_recurrence = typed["recurrence"]
        recurrence = words.get(fold(raw_recurrence))
        if recurrence is None:
            row.error(
                "recurrence",
                _("“%(value)s” is not a recurrence: write once, yearly or ongoing (một lần, hằng năm, thường xuyên).")
                % {"value": raw_recurrence},
            )
        for key in ("deadline", "assigned_by_date"):
            raw = values[COL[key]]
            if _is_blank(raw):
                continue
            try:
                setattr(row, key, _date(raw))
            except ValueError:
                row.error(key, _("“%(value)s” is not a date: write dd/mm/yyyy.") % {"value": typed[key]})
        if recurrence == "":
            # Left empty: a task without a deadline is ongoing (thường xuyên), one with a deadline done once.
            recurrence = Task.Recurrence.ONCE if row.deadline or typed["deadline"] else Task.Recurrence.ONGOING
        row.recurrence = recurrence or Task.Recurrence.ONCE

        row.expected_output = typed["expected_output"]
        row.assigned_by_number = typed["assigned_by_number"]
        row.assigned_by_summary = typed["assigned_by_summary"]
        for code in _codes(typed["targets"]):
            target = targets.get(code.upper())
            if target is None:
                row.error(
                    "targets",
                    _("No target has the code “%(code)s” in programme %(program)s.")
                    % {"code": code, "program": program.number},
                )
            elif target not in row.targets:
                row.targets.append(target)

    _check_duplicates(rows)
    for row in rows:
        _check_model(row, program)
    return TaskImportCheck(rows=rows)


def _units_elsewhere(raw_rows, *, program, units: dict) -> set[str]:
    """The unit codes typed in the file that the programme's organisation lacks but another has (upper
    case), so that the message says so rather than "unknown". 1 query, none when every code is known."""
    missing = set()
    for _number, values in raw_rows:
        typed = [_typed(values[COL["lead_unit"]]), *_codes(_typed(values[COL["supporting_units"]]))]
        missing.update(code.upper() for code in typed if code and code.upper() not in units)
    if not missing:
        return set()
    others = Unit.objects.exclude(organisation_id=program.organisation_id).filter(code__in=missing)
    return {code.upper() for code in others.values_list("code", flat=True)}


def _unit_refusal(code: str, *, organisation: str, elsewhere: set[str]) -> str:
    if code.upper() in elsewhere:
        return _("The unit %(code)s belongs to another organisation, not to %(organisation)s.") % {
            "code": code,
            "organisation": organisation,
        }
    return _("No unit has the code “%(code)s” in %(organisation)s.") % {"code": code, "organisation": organisation}


def _check_duplicates(rows: list[TaskImportRow]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        if not row.code:
            continue
        key = row.code.upper()
        if key in seen:
            row.error(
                "code",
                _("Row %(first)s already has the code %(code)s: each task may appear once.")
                % {"first": seen[key], "code": row.code},
            )
        else:
            seen[key] = row.number


def _check_model(row: TaskImportRow, program) -> None:
    """The model's own rules (lengths, the deadline in the programme's span and matching the recurrence,
    not before the assignment) without touching the database."""
    if row.group is None or row.lead_unit is None or not row.code:
        return
    task = task_from_row(row, program=program)
    problems: dict[str, list[str]] = {}
    for check in (lambda: task.clean_fields(exclude=["program", "solution_group", "lead_unit"]), task.clean):
        try:
            check()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                problems.setdefault(name, [])
                problems[name] += [m for m in messages if m not in problems[name]]
    for name, messages in problems.items():
        for message in messages:
            row.error(MODEL_COLUMNS.get(name, "code"), message)


def task_from_row(row: TaskImportRow, *, program, task: Task | None = None) -> Task:
    """The row's values on ``task`` (the existing one it updates, or a new one); not saved."""
    task = task or row.existing or Task(program=program)
    task.program = program
    task.code = row.code
    task.solution_group = row.group
    task.name = row.name
    task.lead_unit = row.lead_unit
    task.deadline = row.deadline
    task.recurrence = row.recurrence
    task.expected_output = row.expected_output
    task.assigned_by_number = row.assigned_by_number
    task.assigned_by_date = row.assigned_by_date
    task.assigned_by_summary = row.assigned_by_summary
    return task


# --- Between the preview and the confirmation ---------------------------------------------------------------


def to_session(session, check: TaskImportCheck, *, program) -> str:
    """Keep the rows (what was typed, as text) in the session under a fresh token, for the confirmation."""
    rows = [[row.number, [row.typed[key] for key in COLUMN_KEYS]] for row in check.rows]
    return rows_keep(session, SESSION_KEY, program=program, rows=rows)


def from_session(session, token: str, *, program) -> list[tuple[int, tuple]] | None:
    """The rows kept for ``token`` in the shape ``read_upload`` gives, or None if there are none."""
    kept = rows_kept(session, SESSION_KEY, token, program=program)
    return None if kept is None else [(number, tuple(values)) for number, values in kept]


def forget(session) -> None:
    session.pop(SESSION_KEY, None)
