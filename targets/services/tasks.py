"""The workflow of task updates (create, edit, submit, withdraw, approve, return, correct), the office's
correction of a completion date, and reminders (đôn đốc). The same rules as figures (``reporting``).

draft ──submit──▶ submitted ──approve──▶ approved ──(its correction is approved)──▶ superseded
  ▲                 │  │
  └────withdraw─────┘  └──return (comment)──▶ returned ──edit, submit──▶ submitted

An update belongs to the year of its date: a closed year of the task's programme refuses every step on
it. Every step re-reads the update under a row lock (its own row only: a task's row is shared by its
units), refuses a stale version, keeps the history (who, which step) and moves the programme's data
version once the transaction commits. An approved update is never changed by its unit: a correction is a
new update that supersedes it once approved. The office alone may correct the completion date of an
approved update, with a comment; the unit's own date is kept beside it.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .. import notifications, permissions
from ..models import Task, TaskReminder, TaskUpdate, Unit, YearClosure
from .common import _refuse, _user_label, history_save, version_claim
from .versions import program_version_bump

UpdateStatus = TaskUpdate.Status

TASK_UPDATE_EDITABLE = permissions.REPORT_EDITABLE
TASK_UPDATE_SUBMITTABLE = permissions.REPORT_SUBMITTABLE
TASK_UPDATE_WITHDRAWABLE = permissions.REPORT_WITHDRAWABLE
TASK_UPDATE_REVIEWABLE = permissions.REPORT_REVIEWABLE
TASK_UPDATE_CORRECTABLE = permissions.REPORT_CORRECTABLE
TASK_UPDATE_OPEN = permissions.REPORT_OPEN


def task_closed_year_refusal(year: int) -> str:
    return _("The year %(year)s is closed: its task updates can no longer change.") % {"year": year}


class TaskUpdateConflict(ValidationError):
    """The update changed since the user loaded it: ``changed_by`` changed it at ``changed_at``."""

    def __init__(self, *, update: TaskUpdate):
        self.update = update
        record = (
            TaskUpdate.history.filter(id=update.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .first()
        )
        self.changed_by = record.history_user if record else None
        self.changed_at = record.history_date if record else None
        who = _user_label(self.changed_by) if self.changed_by else _("someone")
        when = (
            formats.date_format(timezone.localtime(self.changed_at), "SHORT_DATETIME_FORMAT")
            if self.changed_at
            else "?"
        )
        super().__init__(
            _(
                "%(who)s changed this update at %(when)s, after you opened it. Nothing of yours was saved: "
                "check the current values and save again if yours are still right."
            )
            % {"who": who, "when": when},
            code="conflict",
        )


def _check_year_open(task: Task, *dates) -> None:
    """Refuse when the year of any of ``dates`` (None skipped: ``full_clean`` names a missing date) is closed."""
    years = sorted({d.year for d in dates if isinstance(d, datetime.date)})
    if not years:
        return
    closed = set(
        YearClosure.objects.filter(program_id=task.program_id, year__in=years, is_closed=True).values_list(
            "year", flat=True
        )
    )
    if closed:
        _refuse(task_closed_year_refusal(min(closed)), "date", "closed")


def _check_status(update: TaskUpdate, allowed, message: str) -> None:
    if update.status not in allowed:
        _refuse(message % {"status": update.get_status_display()}, code="transition")


def _locked(update: TaskUpdate, version: int | None) -> TaskUpdate:
    """The update as it is now, locked for the transaction (its row only); refuses a stale ``version``.
    SQLite ignores the lock: ``_bump``'s conditional UPDATE holds on every database."""
    current = (
        TaskUpdate.objects.select_for_update(of=("self",))
        .select_related("task__program", "task__lead_unit", "unit", "author")
        .filter(pk=update.pk)
        .first()
    )
    if current is None:
        _refuse(_("This update no longer exists."), code="missing")
    if version is not None and current.version != version:
        raise TaskUpdateConflict(update=current)
    return current


def _bump(update: TaskUpdate) -> None:
    version_claim(update, TaskUpdateConflict(update=update))


def _save(update: TaskUpdate, *, user, reason: str) -> None:
    history_save(update, user=user, reason=reason, program_id=update.task.program_id)


def _check_unit(user, task: Task, unit: Unit | None) -> None:
    """The unit must be the task's lead or a supporting unit (bad input: a field message), and one the user
    may write for (403 otherwise)."""
    if unit is None:
        _refuse(_("Choose the unit this update is written for."), "unit", "required")
    task_units = {task.lead_unit_id, *task.supporting_units.values_list("id", flat=True)}
    if unit.pk not in task_units:
        _refuse(not_a_task_unit_refusal(unit=unit, task=task), "unit", "invalid")
    if unit.pk not in {u.pk for u in permissions.task_update_units_for(user, task)}:
        raise PermissionDenied(permissions.task_update_refusal(task, unit))


def not_a_task_unit_refusal(*, unit: Unit, task: Task) -> str:
    return _("%(unit)s is neither the lead unit nor a supporting unit of %(code)s.") % {
        "unit": unit.name,
        "code": task.code,
    }


def _check_no_open_duplicate(*, task: Task, unit: Unit, exclude_pk=None) -> None:
    """One update of a unit in the workflow per task, so that nobody works on two versions."""
    others = TaskUpdate.objects.filter(task=task, unit=unit, status__in=TASK_UPDATE_OPEN)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    other = others.order_by("pk").first()
    if other is not None:
        _refuse(open_task_update_refusal(unit=unit, other=other), "unit", "duplicate")


def open_task_update_refusal(*, unit: Unit, other: TaskUpdate) -> str:
    """A unit already has ``other`` in the workflow for the task: the form, the import's preview and its
    confirmation say the same."""
    return _(
        "%(unit)s already has an update of this task in the workflow (number %(number)s, %(status)s): "
        "edit or withdraw that one first."
    ) % {"unit": unit.name, "number": other.pk, "status": other.get_status_display().lower()}


def _notify_on_commit(send, **ids) -> None:
    """Mail once the change is committed: nothing goes out for a change that is rolled back."""
    transaction.on_commit(lambda: send(**ids))


@transaction.atomic
def task_update_create(
    *,
    user,
    task: Task,
    unit: Unit,
    date: datetime.date,
    content: str,
    progress: int | None = None,
    is_done: bool = False,
    completed_on: datetime.date | None = None,
    evidence_url: str = "",
    evidence_file=None,
    submit: bool = False,
    supersedes: TaskUpdate | None = None,
) -> TaskUpdate:
    """A new update of ``task`` by ``user`` for ``unit``, as a draft or submitted at once."""
    if not permissions.can_update_task(user, task):
        raise PermissionDenied(permissions.task_update_refusal(task, None))
    if not task.is_active:
        _refuse(_("%(code)s is no longer an active task.") % {"code": task.code}, code="inactive")
    _check_unit(user, task, unit)
    _check_year_open(task, date)
    _check_no_open_duplicate(task=task, unit=unit)
    update = TaskUpdate(
        task=task,
        unit=unit,
        date=date,
        content=(content or "").strip(),
        progress=progress,
        is_done=bool(is_done),
        completed_on=completed_on,
        evidence_url=evidence_url or "",
        author=user,
        supersedes=supersedes,
    )
    if evidence_file:
        update.evidence_file = evidence_file
    _save(update, user=user, reason="create")
    if submit:
        update = task_update_submit(user=user, update=update, version=update.version)
    return update


@transaction.atomic
def task_update_edit(
    *,
    user,
    update: TaskUpdate,
    version: int,
    date: datetime.date,
    content: str,
    progress: int | None = None,
    is_done: bool = False,
    completed_on: datetime.date | None = None,
    evidence_url: str = "",
    evidence_file=None,
    remove_evidence_file: bool = False,
    submit: bool = False,
) -> TaskUpdate:
    """Change a draft or returned update (``version`` must still be current), and maybe submit it. The task
    and unit stay: an update for another unit is a new update."""
    if not permissions.can_edit_task_update(user, update):
        raise PermissionDenied
    update = _locked(update, version)
    _check_status(
        update, TASK_UPDATE_EDITABLE, _("Only a draft or a returned update can be edited; this one is: %(status)s.")
    )
    _check_year_open(update.task, update.date, date)
    update.date, update.content, update.progress = date, (content or "").strip(), progress
    update.is_done, update.completed_on, update.evidence_url = bool(is_done), completed_on, evidence_url or ""
    if evidence_file:
        update.evidence_file = evidence_file
    elif remove_evidence_file:
        update.evidence_file = ""
    _bump(update)
    _save(update, user=user, reason="update")
    if submit:
        update = task_update_submit(user=user, update=update, version=update.version)
    return update


@transaction.atomic
def task_update_submit(*, user, update: TaskUpdate, version: int | None = None) -> TaskUpdate:
    """Draft or returned → submitted."""
    if not permissions.can_edit_task_update(user, update):
        raise PermissionDenied
    update = _locked(update, version)
    _check_status(
        update,
        TASK_UPDATE_SUBMITTABLE,
        _("Only a draft or a returned update can be submitted; this one is: %(status)s."),
    )
    _check_year_open(update.task, update.date)
    update.status = UpdateStatus.SUBMITTED
    update.submitted_at = timezone.now()
    _bump(update)
    _save(update, user=user, reason="submit")
    return update


@transaction.atomic
def task_update_withdraw(*, user, update: TaskUpdate, version: int | None = None) -> TaskUpdate | None:
    """Submitted → draft, back in the unit's hands; a draft is discarded (None). History keeps both."""
    if not permissions.can_edit_task_update(user, update):
        raise PermissionDenied
    update = _locked(update, version)
    _check_status(
        update,
        TASK_UPDATE_WITHDRAWABLE,
        _("Only a draft or a submitted update can be withdrawn; this one is: %(status)s."),
    )
    _check_year_open(update.task, update.date)
    if update.status == UpdateStatus.DRAFT:
        update._history_user = user
        update._change_reason = "discard"
        update.delete()
        program_version_bump(program_ids=[update.task.program_id])
        return None
    update.status = UpdateStatus.DRAFT
    update.submitted_at = None
    _bump(update)
    _save(update, user=user, reason="withdraw")
    return update


@transaction.atomic
def task_update_approve(*, user, update: TaskUpdate, version: int | None = None) -> TaskUpdate:
    """Submitted → approved. The approved update it corrects, if any, becomes superseded."""
    if not permissions.can_review(user, update.task.program):
        raise PermissionDenied
    update = _locked(update, version)
    _check_status(
        update, TASK_UPDATE_REVIEWABLE, _("Only a submitted update can be approved; this one is: %(status)s.")
    )
    _check_year_open(update.task, update.date)
    if update.supersedes_id:
        previous = (
            TaskUpdate.objects.select_for_update(of=("self",)).select_related("task").get(pk=update.supersedes_id)
        )
        if previous.status == UpdateStatus.APPROVED:
            previous.status = UpdateStatus.SUPERSEDED
            _bump(previous)
            _save(previous, user=user, reason="supersede")
    update.status = UpdateStatus.APPROVED
    update.reviewer = user
    update.reviewed_at = timezone.now()
    update.review_comment = ""
    _bump(update)
    _save(update, user=user, reason="approve")
    return update


def _clean_comment(comment: str, field: str, required_message: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        _refuse(required_message, field, "required")
    max_length = TaskUpdate._meta.get_field("review_comment").max_length
    if len(comment) > max_length:
        _refuse(_("The comment may have at most %(max)s characters.") % {"max": max_length}, field, "max_length")
    return comment


@transaction.atomic
def task_update_return(*, user, update: TaskUpdate, comment: str, version: int | None = None) -> TaskUpdate:
    """Submitted → returned to the unit with the office's comment (required)."""
    if not permissions.can_review(user, update.task.program):
        raise PermissionDenied
    comment = _clean_comment(
        comment, "comment", _("Say what should change: a comment is required to return an update.")
    )
    update = _locked(update, version)
    _check_status(
        update, TASK_UPDATE_REVIEWABLE, _("Only a submitted update can be returned; this one is: %(status)s.")
    )
    _check_year_open(update.task, update.date)
    update.status = UpdateStatus.RETURNED
    update.reviewer = user
    update.reviewed_at = timezone.now()
    update.review_comment = comment
    _bump(update)
    _save(update, user=user, reason="return")
    return update


@transaction.atomic
def task_update_correct(
    *,
    user,
    update: TaskUpdate,
    date: datetime.date,
    content: str,
    progress: int | None = None,
    is_done: bool = False,
    completed_on: datetime.date | None = None,
    evidence_url: str = "",
    evidence_file=None,
    submit: bool = False,
) -> TaskUpdate:
    """A correction of an approved update: a new update of the same task and unit that supersedes it once
    approved; the approved one keeps counting until then. Refused when either one's year is closed."""
    if not permissions.can_edit_task_update(user, update):
        raise PermissionDenied
    current = _locked(update, None)
    _check_status(
        current, TASK_UPDATE_CORRECTABLE, _("Only an approved update can be corrected; this one is: %(status)s.")
    )
    _check_year_open(current.task, current.date)
    return task_update_create(
        user=user,
        task=current.task,
        unit=current.unit,
        date=date,
        content=content,
        progress=progress,
        is_done=is_done,
        completed_on=completed_on,
        evidence_url=evidence_url,
        evidence_file=evidence_file,
        submit=submit,
        supersedes=current,
    )


@transaction.atomic
def task_completion_correct(
    *, user, update: TaskUpdate, completed_on: datetime.date, comment: str, version: int | None = None
) -> TaskUpdate:
    """The office corrects the completion date of an approved update that reports its task done, with a
    comment (required); the unit's own date is kept in ``completed_on_reported`` and the history."""
    if not permissions.can_review(user, update.task.program):
        raise PermissionDenied
    comment = _clean_comment(
        comment, "completion_comment", _("Say why the date changes: a comment is required to correct it.")
    )
    if not isinstance(completed_on, datetime.date):
        _refuse(_("Enter the date the task was completed."), "completed_on", "required")
    update = _locked(update, version)
    _check_status(
        update,
        TASK_UPDATE_CORRECTABLE,
        _("Only the completion date of an approved update can be corrected; this one is: %(status)s."),
    )
    if not update.is_done:
        _refuse(_("This update does not report the task done: it has no completion date."), "completed_on")
    _check_year_open(update.task, update.date, update.completed_on, completed_on)
    if update.completed_on_reported is None:
        update.completed_on_reported = update.completed_on
    update.completed_on = completed_on
    update.completion_comment = comment
    _bump(update)
    _save(update, user=user, reason="correct_completion")
    return update


@transaction.atomic
def task_remind(task: Task, *, by, unit: Unit | None = None, note: str = "") -> int:
    """The office reminds ``unit`` (the lead unit by default; a supporting unit may be chosen) of ``task``:
    logs a ``TaskReminder`` (who, when, to whom) and mails the unit's active members who have an address,
    once the transaction commits. Returns the number of people mailed (0 when nobody has an address: the
    reminder is still logged and shown to the unit)."""
    if not permissions.can_remind(by, task.program):
        raise PermissionDenied
    unit = unit or task.lead_unit
    if unit.pk != task.lead_unit_id and not task.supporting_units.filter(pk=unit.pk).exists():
        _refuse(
            _("%(unit)s is neither the lead unit nor a supporting unit of %(code)s.")
            % {"unit": unit.name, "code": task.code},
            "unit",
        )
    if not task.is_active:
        _refuse(_("%(code)s is no longer an active task.") % {"code": task.code}, code="inactive")
    note = (note or "").strip()
    max_length = TaskReminder._meta.get_field("note").max_length
    if len(note) > max_length:
        _refuse(_("The note may have at most %(max)s characters.") % {"max": max_length}, "note", "max_length")
    recipients = list(unit.members.filter(is_active=True).exclude(email="").order_by("pk"))
    reminder = TaskReminder(task=task, unit=unit, sent_by=by, note=note)
    reminder.full_clean()
    reminder.save()
    reminder.recipients.set(recipients)
    program_version_bump(program_ids=[task.program_id])
    if recipients:
        _notify_on_commit(notifications.task_reminder_sent, reminder_id=reminder.pk)
    return len(recipients)
