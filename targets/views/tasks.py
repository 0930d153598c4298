"""The task pages: the table of a programme's tasks and its Excel export, a task's page with its
updates, reminders and history, the update form (new, edit, correction), the POST steps of an update's
workflow, the office's reminder and completion-date correction, and a group of solutions with its tasks.

Thin, as the figures' pages: ``permissions`` decides (404 for a task of another programme, 403 when not
allowed), forms validate, services write and refuse illegal steps, selectors read.
"""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from .. import exports, permissions, selectors, services
from ..filters import TaskFilterForm
from ..form_rendering import FILTER_FORM_RENDERER
from ..forms import (
    EVIDENCE_CONTENT_TYPES,
    CompletionForm,
    RemindForm,
    ReviewForm,
    TaskUpdateEditForm,
    TaskUpdateForm,
)
from ..models import Task, TaskUpdate
from ..permissions import program_required
from ..selectors.history import HISTORY_ACTIONS
from ..selectors.tasks import TASK_HISTORY_FIELDS
from ..services.tasks import task_closed_year_refusal
from ..tables import TASKS_PER_PAGE, TaskTable
from .conditional import PROGRAM, page_etag
from .exports import require_export, xlsx_response
from .reports import _add_errors, _next_or, _run, _version, _wants_submit

Status = TaskUpdate.Status
# The labels of the task's fields its history names (verbose names, translated when shown).
TASK_FIELD_LABELS = {name: Task._meta.get_field(name).verbose_name for name in TASK_HISTORY_FIELDS}


def _task_url(task, update=None) -> str:
    url = reverse("task_detail", args=[task.program.slug, task.code])
    return f"{url}#update-{update.pk}" if update is not None else url


def _filtered_rows(request, program):
    """The table's rows for the request's filters (a bad value is left out, with its message)."""
    form = TaskFilterForm(request.GET or None, program=program)
    chosen = form.chosen()
    return form, chosen, selectors.task_rows(program=program, **chosen)


@require_GET
@program_required
@page_etag(PROGRAM)
def task_list(request, program):
    form, chosen, rows = _filtered_rows(request, program)
    form.renderer = FILTER_FORM_RENDERER
    table = TaskTable(rows)
    RequestConfig(request, paginate={"per_page": TASKS_PER_PAGE}).configure(table)
    as_of, year = selectors.task_as_of(year=chosen.get("year"))
    return render(
        request,
        "targets/task_list.html",
        {
            "program": program,
            "form": form,
            "table": table,
            "total": len(rows),
            "as_of": as_of,
            "year": year,
            "may_import": permissions.can_import_tasks(request.user, program),
            "may_import_updates": program.is_active and permissions.can_import_task_updates(request.user, program),
        },
    )


@require_GET
@program_required
def task_export(request, program):
    """``tasks/export.xlsx``: every row of ``tasks/`` for the same parameters and sort, not one page."""
    require_export(request.user, program)
    form, chosen, rows = _filtered_rows(request, program)
    table = TaskTable(rows, order_by=request.GET.get("sort") or None)
    as_of, _year = selectors.task_as_of(year=chosen.get("year"))
    data = exports.task_table_workbook(
        rows=[bound.record for bound in table.rows], program=program, as_of_date=as_of, filters=form.described()
    )
    return xlsx_response(data, exports.task_table_filename(program=program))


@require_GET
@program_required
@page_etag(PROGRAM)
def task_detail(request, program, code):
    task = selectors.task_by_code(program=program, code=code)
    if task is None:
        raise Http404
    page = selectors.task_page(task=task, user=request.user)
    remind_units = [task.lead_unit, *page.supporting_units] if page.can_remind else []
    return render(
        request,
        "targets/task_detail.html",
        {
            "program": program,
            "task": task,
            "page": page,
            "status_label": selectors.TASK_STATUS_LABELS[page.state.status],
            "remind_units": remind_units,
            "history_actions": HISTORY_ACTIONS,
            "field_labels": TASK_FIELD_LABELS,
        },
    )


@require_GET
@program_required
@page_etag(PROGRAM)
def solution_group_detail(request, program, number):
    group = selectors.solution_group_by_number(program=program, number=number)
    if group is None:
        raise Http404
    rows = selectors.task_rows(program=program, group=number)
    return render(
        request,
        "targets/solution_group.html",
        {"program": program, "group": group, "rows": rows, "counts": selectors.task_status_counts(rows)},
    )


# --- The update form ------------------------------------------------------------------------------------------


def _form_page(request, *, task, form, heading, update=None, conflict=None, version=None, correcting=None):
    return render(
        request,
        "targets/task_update_form.html",
        {
            "program": task.program,
            "task": task,
            "form": form,
            "heading": heading,
            "update": update,
            "correcting": correcting,
            "conflict": conflict,
            "version": version,
        },
    )


def _saved_message(request, update) -> None:
    if update.status == Status.SUBMITTED:
        messages.success(request, _("The task update was submitted to the office for approval."))
    else:
        messages.success(request, _("The task update was saved as a draft. Submit it when it is ready."))


@program_required
def task_update_new(request, program, code):
    task = permissions.get_task_for_update(request.user, program, code)
    units = permissions.task_update_units_for(request.user, task)
    data = request.POST if request.method == "POST" else None
    initial = {"unit": units[0].pk if units else None, "date": timezone.localdate()}
    form = TaskUpdateForm(data, request.FILES or None, units=units, initial=initial)
    if data is not None and form.is_valid():
        try:
            update = services.task_update_create(
                user=request.user,
                task=task,
                unit=form.cleaned_data["unit"],
                submit=_wants_submit(request),
                **form.service_arguments(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _saved_message(request, update)
            return redirect(_task_url(task, update))
    heading = _("New update of %(code)s") % {"code": task.code}
    return _form_page(request, task=task, form=form, heading=heading)


def _initial_of(update) -> dict:
    return {
        "date": update.date,
        "content": update.content,
        "progress": update.progress,
        "is_done": update.is_done,
        "completed_on": update.completed_on,
        "evidence_url": update.evidence_url,
        "version": update.version,
    }


def _refused(request, update, message: str):
    messages.error(request, message)
    return redirect(_task_url(update.task, update))


def _closed_message(update) -> str:
    return task_closed_year_refusal(update.year)


def _actions(request, update):
    return permissions.task_update_actions(request.user, update)


@program_required
def task_update_edit(request, program, code, pk):
    update = permissions.get_task_update_to_edit(request.user, program, code, pk)
    actions = _actions(request, update)
    if not actions.edit:
        if update.status in permissions.REPORT_EDITABLE:
            return _refused(request, update, _closed_message(update))
        return _refused(request, update, _("Only a draft or a returned update can be edited."))
    data = request.POST if request.method == "POST" else None
    form = TaskUpdateEditForm(data, request.FILES or None, initial=_initial_of(update))
    version, conflict = update.version, None
    if data is not None:
        version = form["version"].value()
        if form.is_valid():
            try:
                saved = services.task_update_edit(
                    user=request.user, update=update, submit=_wants_submit(request), **form.service_arguments()
                )
            except services.TaskUpdateConflict as error:
                # Keep what the user typed; show what is saved now and carry its version for a deliberate save.
                form.add_error(None, error)
                conflict, version = error.update, error.update.version
            except ValidationError as error:
                _add_errors(form, error)
            else:
                _saved_message(request, saved)
                return redirect(_task_url(saved.task, saved))
    heading = _("Edit the update of %(code)s of %(date)s") % {
        "code": update.task.code,
        "date": update.date.strftime("%d/%m/%Y"),
    }
    return _form_page(
        request, task=update.task, form=form, heading=heading, update=update, conflict=conflict, version=version
    )


@program_required
def task_update_correct(request, program, code, pk):
    """A correction of an approved update: a new update that supersedes it once approved."""
    update = permissions.get_task_update_to_edit(request.user, program, code, pk)
    if not _actions(request, update).correct:
        if update.status in permissions.REPORT_CORRECTABLE:
            return _refused(request, update, _closed_message(update))
        return _refused(request, update, _("Only an approved update is corrected; edit an update in the workflow."))
    initial = _initial_of(update)
    initial.pop("version")
    data = request.POST if request.method == "POST" else None
    form = TaskUpdateForm(data, request.FILES or None, initial=initial)
    if data is not None and form.is_valid():
        try:
            correction = services.task_update_correct(
                user=request.user, update=update, submit=_wants_submit(request), **form.service_arguments()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _saved_message(request, correction)
            return redirect(_task_url(correction.task, correction))
    heading = _("Correct the approved update of %(code)s of %(date)s") % {
        "code": update.task.code,
        "date": update.date.strftime("%d/%m/%Y"),
    }
    return _form_page(request, task=update.task, form=form, heading=heading, correcting=update)


# --- The POST steps -------------------------------------------------------------------------------------------


def _named(update) -> dict:
    return {"code": update.task.code, "date": update.date.strftime("%d/%m/%Y"), "unit": update.unit.display_name}


@program_required
@require_POST
def task_update_submit(request, program, code, pk):
    update = permissions.get_task_update_to_edit(request.user, program, code, pk)
    success = _("The task update was submitted to the office for approval.")
    _run(request, services.task_update_submit, update=update, version=_version(request), success=success)
    return redirect(_next_or(request, _task_url(update.task, update)))


@program_required
@require_POST
def task_update_withdraw(request, program, code, pk):
    update = permissions.get_task_update_to_edit(request.user, program, code, pk)
    if update.status == Status.DRAFT:
        success = _("The draft was discarded.")
    else:
        success = _("The task update was withdrawn and is a draft again.")
    done, result = _run(
        request, services.task_update_withdraw, update=update, version=_version(request), success=success
    )
    if done and result is None:
        return redirect(_task_url(update.task))  # the discarded draft is gone
    return redirect(_next_or(request, _task_url(update.task, update)))


@program_required
@require_POST
def task_update_approve(request, program, code, pk):
    update = permissions.get_task_update_to_review(request.user, program, code, pk)
    success = _("Approved the update of %(code)s of %(date)s by %(unit)s.") % _named(update)
    _run(request, services.task_update_approve, update=update, version=_version(request), success=success)
    return redirect(_next_or(request, _task_url(update.task, update)))


@program_required
@require_POST
def task_update_return(request, program, code, pk):
    update = permissions.get_task_update_to_review(request.user, program, code, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.task_update_return,
            update=update,
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
            success=_("The task update was returned to the unit with your comment."),
        )
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect(_next_or(request, _task_url(update.task, update)))


@program_required
@require_POST
def task_completion_correct(request, program, code, pk):
    update = permissions.get_task_update_to_review(request.user, program, code, pk)
    form = CompletionForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.task_completion_correct,
            update=update,
            completed_on=form.cleaned_data["completed_on"],
            comment=form.cleaned_data["completion_comment"],
            version=form.cleaned_data["version"],
            success=_("The completion date was corrected; the unit's own date is kept beside it."),
        )
    else:
        fields = {name: str(form.fields[name].label) for name in form.fields}
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{fields.get(name, '')}: {error}" if name in fields else error)
    return redirect(_task_url(update.task, update))


@program_required
@require_POST
def task_remind(request, program, code):
    task = permissions.get_task_to_remind(request.user, program, code)
    units = [task.lead_unit, *task.supporting_units.order_by("code")]
    form = RemindForm(request.POST, units=units)
    if not form.is_valid():
        fields = {name: str(form.fields[name].label) for name in form.fields}
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{fields[name]}: {error}" if name in fields else error)
        return redirect(_task_url(task))
    unit = form.cleaned_data["unit"] or task.lead_unit
    try:
        mailed = services.task_remind(task, by=request.user, unit=unit, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "The reminder to %(unit)s was logged and mailed to %(count)s person.",
                "The reminder to %(unit)s was logged and mailed to %(count)s people.",
                mailed,
            )
            % {"unit": unit.display_name, "count": mailed},
        )
    return redirect(_next_or(request, _task_url(task)))


@require_GET
@program_required
def task_update_evidence(request, program, code, pk):
    """The evidence file, to whoever may see the update; always as a download, never shown inline."""
    update = permissions.get_task_update_to_view(request.user, program, code, pk)
    if not update.evidence_file:
        raise Http404
    name = PurePath(update.evidence_file.name).name
    try:
        handle = update.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = EVIDENCE_CONTENT_TYPES.get(PurePath(name).suffix.lower(), "application/octet-stream")
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
