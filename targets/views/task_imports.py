"""Loading a programme's task list from Excel: ``tasks/import/`` (upload → preview →
confirm) and ``tasks/import/template.xlsx``, for the office of the programme only; and the units' task
updates the same way: ``tasks/updates/import/`` and its ``template.xlsx``, for staff and the office.

As the figures import: ``imports.read_upload`` reads the file with its guards, ``task_imports`` checks the
rows, the rows wait in the server-side session under a token between the preview and the confirmation,
and ``services.task_import_confirm`` writes all of them or none.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import exports, imports, permissions, selectors, services, task_imports, task_update_imports
from ..exports import TASK_COLUMNS, TASK_UPDATE_COLUMNS
from ..models import TaskUpdate, Unit
from ..permissions import program_required
from .exports import xlsx_response


def _require_office(request, program):
    if not permissions.can_import_tasks(request.user, program):
        raise PermissionDenied


def _preview(request, program, check, *, rows, template, upload_form, confirm_form, changed=False, **extra):
    """The preview of an import: every row with its verdict; valid rows kept in the session (``rows``: the
    import's module, with ``to_session`` and ``forget``) under the confirmation form's token."""
    token = rows.to_session(request.session, check, program=program) if check.is_valid else ""
    if not check.is_valid:
        rows.forget(request.session)
    context = {
        "program": program,
        "check": check,
        "changed": changed,
        "form": upload_form(),
        "confirm_form": confirm_form(initial={"token": token}),
    }
    return render(request, template, {**context, **extra})


def _task_preview(request, program, check, *, changed=False):
    return _preview(
        request,
        program,
        check,
        rows=task_imports,
        template="targets/task_import.html",
        upload_form=task_imports.TaskUploadForm,
        confirm_form=task_imports.TaskConfirmForm,
        changed=changed,
    )


@program_required
def task_import(request, program):
    _require_office(request, program)
    form = task_imports.TaskUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        raw_rows = imports.upload_rows(form, columns=TASK_COLUMNS)
        if raw_rows is not None:
            return _task_preview(request, program, task_imports.check_rows(raw_rows, program=program))
    return render(request, "targets/task_import.html", {"program": program, "form": form, "check": None})


@require_POST
@program_required
def task_import_confirm(request, program):
    _require_office(request, program)
    form = task_imports.TaskConfirmForm(request.POST)
    raw_rows = None
    if form.is_valid():
        raw_rows = task_imports.from_session(request.session, form.cleaned_data["token"], program=program)
    if raw_rows is None:
        messages.error(request, _("There is nothing to import: the preview has expired or was already imported."))
        return redirect("task_import", program.slug)
    # Checked again: a unit, group or target may have changed since the preview.
    check = task_imports.check_rows(raw_rows, program=program)
    if not check.is_valid:
        return _task_preview(request, program, check, changed=True)
    try:
        created, updated = services.task_import_confirm(user=request.user, program=program, rows=check.rows)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("task_import", program.slug)
    task_imports.forget(request.session)
    messages.success(
        request,
        _("The task list was imported: %(created)s tasks added, %(updated)s updated.")
        % {"created": len(created), "updated": len(updated)},
    )
    return redirect("task_list", program.slug)


@require_GET
@program_required
def task_import_template(request, program):
    """The programme's task list as it stands, in the import's layout (an empty template when none)."""
    _require_office(request, program)
    data = exports.task_import_template_workbook(tasks=selectors.task_import_list(program=program))
    return xlsx_response(data, exports.task_import_template_filename(program=program))


# --- The units' task updates ---------------------------------------------------------------------------------


def _require_update_importer(user, program):
    if not program.is_active or not permissions.can_import_task_updates(user, program):
        raise PermissionDenied


def _update_preview(request, program, check, *, changed=False):
    return _preview(
        request,
        program,
        check,
        rows=task_update_imports,
        template="targets/task_update_import.html",
        upload_form=task_update_imports.TaskUpdateUploadForm,
        confirm_form=task_update_imports.TaskUpdateConfirmForm,
        changed=changed,
        may_approve=permissions.can_review(request.user, program),
    )


@program_required
def task_update_import(request, program):
    """Upload a workbook of task updates, then its preview: every row with its verdict."""
    _require_update_importer(request.user, program)
    form = task_update_imports.TaskUpdateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        raw_rows = imports.upload_rows(form, columns=TASK_UPDATE_COLUMNS)
        if raw_rows is not None:
            check = task_update_imports.check_rows(raw_rows, user=request.user, program=program)
            return _update_preview(request, program, check)
    return render(
        request,
        "targets/task_update_import.html",
        {
            "program": program,
            "form": form,
            "check": None,
            "may_approve": permissions.can_review(request.user, program),
        },
    )


@require_POST
@program_required
def task_update_import_confirm(request, program):
    _require_update_importer(request.user, program)
    form = task_update_imports.TaskUpdateConfirmForm(request.POST)
    raw_rows = None
    if form.is_valid():
        raw_rows = task_update_imports.from_session(request.session, form.cleaned_data["token"], program=program)
    if raw_rows is None:
        messages.error(request, _("There is nothing to import: the preview has expired or was already imported."))
        return redirect("task_update_import", program.slug)
    # Checked again: a year may have been closed or an update started since the preview.
    check = task_update_imports.check_rows(raw_rows, user=request.user, program=program)
    if not check.is_valid:
        return _update_preview(request, program, check, changed=True)
    approve = form.cleaned_data["approve"]
    try:
        created = services.task_update_import_confirm(
            user=request.user, program=program, rows=check.valid_rows, approve=approve
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("task_update_import", program.slug)
    task_update_imports.forget(request.session)
    if approve:
        message = _("%(count)s task updates were imported and approved.") % {"count": len(created)}
    else:
        message = _("%(count)s task updates were imported and submitted to the office for approval.") % {
            "count": len(created)
        }
    messages.success(request, message)
    status = TaskUpdate.Status.APPROVED if approve else TaskUpdate.Status.SUBMITTED
    return redirect(f"{reverse('report_list')}?{urlencode({'program': program.slug, 'status': status})}")


@require_GET
@program_required
def task_update_import_template(request, program):
    """The user's template: one row per active task they may report on (all for the office)."""
    _require_update_importer(request.user, program)
    lines = selectors.task_update_import_lines(program=program, user=request.user)
    if permissions.is_office(request.user, program):
        label = _("all-tasks")
    else:
        codes = Unit.objects.filter(pk__in=permissions.user_unit_ids(request.user)).order_by("code")
        label = "-".join(codes.values_list("code", flat=True)) or _("no-unit")
    data = exports.task_update_import_template_workbook(lines=lines)
    return xlsx_response(data, exports.task_update_import_template_filename(program=program, label=label))
