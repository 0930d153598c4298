"""Importing figures from Excel: ``/imports/`` (upload → preview → confirm) and ``/imports/template.xlsx``.

Staff import for their units' targets, the office for all (and may approve at once). The parsed rows wait
between the preview and the confirmation in the server-side session, under a token the confirmation form
carries; the browser never sends figures back. ``targets/imports.py`` reads and checks, the service
``import_confirm`` writes all rows or none.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import assessment, exports, imports, permissions, selectors, services
from ..models import Unit
from ..permissions import program_required
from .conditional import EVERY, page_etag
from .exports import xlsx_response


def importable_programs(user):
    """The active programmes ``user`` may import figures into (the office's and the staff's)."""
    if not permissions.can_import(user):
        raise PermissionDenied
    return [p for p in selectors.programs_for(user=user) if p.is_active and permissions.can_import(user, p)]


def _preview(request, program, check, *, changed=False):
    token = imports.to_session(request.session, check, program=program) if check.is_valid else ""
    if not check.is_valid:
        imports.forget(request.session)
    programs = importable_programs(request.user)
    return render(
        request,
        "targets/import_preview.html",
        {
            "program": program,
            "check": check,
            "changed": changed,
            "confirm_form": imports.ConfirmForm(initial={"token": token}),
            "upload_form": imports.UploadForm(programs=programs, initial={"program": program.slug}),
            "may_approve": permissions.can_review(request.user, program),
        },
    )


@login_required
@page_etag(EVERY)
def import_upload(request):
    """``/imports/`` for every programme the user may import into; ``?program=<slug>`` chooses one."""
    programs = importable_programs(request.user)
    wanted = request.GET.get("program", "")
    chosen = next((p for p in programs if p.slug == wanted), programs[0] if programs else None)
    if chosen is None:
        raise Http404
    initial = {"program": chosen.slug}
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        data.setdefault("program", chosen.slug)  # a script that sends only ``file`` imports into the default one
    form = imports.UploadForm(data, request.FILES or None, programs=programs, initial=initial)
    if request.method == "POST" and form.is_valid():
        program = form.cleaned_data["program"]
        raw_rows = imports.upload_rows(form)
        if raw_rows is not None:
            check = imports.check_rows(raw_rows, user=request.user, program=program)
            return _preview(request, program, check)
    return render(
        request,
        "targets/import.html",
        {
            "program": chosen,
            "programs": programs,
            "form": form,
            "may_approve": permissions.can_review(request.user, chosen),
        },
    )


@login_required
@require_POST
def import_confirm(request):
    programs = importable_programs(request.user)
    form = imports.ConfirmForm(request.POST)
    raw_rows = program = None
    if form.is_valid():
        token = form.cleaned_data["token"]
        kept = imports.session_program_id(request.session, token)
        program = next((p for p in programs if p.pk == kept), None)
        if program is not None:
            raw_rows = imports.from_session(request.session, token, program=program)
    if raw_rows is None:
        messages.error(request, _("There is nothing to import: the preview has expired or was already imported."))
        return redirect("import_upload")
    # Checked again: a year may have been closed or a report started since the preview.
    check = imports.check_rows(raw_rows, user=request.user, program=program)
    if not check.is_valid:
        return _preview(request, program, check, changed=True)
    approve = form.cleaned_data["approve"]
    try:
        created = services.import_confirm(user=request.user, rows=check.valid_rows, approve=approve)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("import_upload")
    imports.forget(request.session)
    if approve:
        message = _("%(count)s figures were imported and approved.") % {"count": len(created)}
    else:
        message = _("%(count)s figures were imported and submitted to the office for approval.") % {
            "count": len(created)
        }
    messages.success(request, message)
    return redirect("report_list")


@require_GET
@program_required
def import_template(request, program):
    """The user's template for ``program``: one row per target they may report on (all for the office)."""
    if not program.is_active or not permissions.can_import(request.user, program):
        raise PermissionDenied
    targets = (
        permissions.reportable_targets(request.user, program)
        .filter(program=program)
        .order_by("group__number", "order", "code")
        .only("code", "name", "unit_of_measure")
    )
    year = assessment.clamp_year(timezone.localdate().year, first_year=program.first_year, last_year=program.last_year)
    if permissions.is_office(request.user, program):
        label = _("all-targets")
    else:
        codes = Unit.objects.filter(pk__in=permissions.user_unit_ids(request.user)).order_by("code")
        label = "-".join(codes.values_list("code", flat=True)) or _("no-unit")
    data = exports.import_template_workbook(targets=targets.iterator(), year=year)
    return xlsx_response(data, exports.import_template_filename(program=program, label=label))
