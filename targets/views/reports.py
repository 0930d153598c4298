"""The reporting workflow's pages: the report form, ``/reports/`` (the unit's reports, the office's
approval queue, the leaders' read-only list), a report's page with its history, and the POST actions.

Thin, as everywhere: ``permissions`` decides (404 when missing, 403 when not allowed, the login page when
signed out), forms validate, services write and refuse illegal steps, selectors read.
"""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import assessment, permissions, selectors, services
from ..filters import ReportFilter
from ..form_rendering import FILTER_FORM_RENDERER
from ..forms import EVIDENCE_CONTENT_TYPES, BulkApproveForm, ReportEditForm, ReportForm, ReviewForm, VersionForm
from ..models import ProgressReport
from ..permissions import program_required
from ..templatetags.report_tags import figure_input
from .conditional import EVERY, page_etag

Status = ProgressReport.Status


def _add_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _wants_submit(request) -> bool:
    # Two buttons named "action": save as draft (also the default for scripts), or submit.
    return request.POST.get("action") == "submit"


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


def _detail_url(report) -> str:
    return reverse("report_detail", args=[report.pk])


def _saved_message(request, report) -> None:
    if report.status == Status.SUBMITTED:
        messages.success(request, _("The report was submitted to the office for approval."))
    else:
        messages.success(request, _("The report was saved as a draft. Submit it when it is ready."))


def _refused_step(report, *, year_closed: bool, message: str) -> str:
    """Why a step is not offered: the closed year if that is the reason, else ``message`` (the status)."""
    return services.closed_year_refusal(report.year) if year_closed else message


def _chosen_year(form, default: int) -> int:
    try:
        return int(form["year"].value())
    except (TypeError, ValueError):
        return default


def _default_year(request, program) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return assessment.clamp_year(year, first_year=program.first_year, last_year=program.last_year)


def _form_page(request, *, form, panel, report=None, heading, conflict=None, version=None, existing=()):
    return render(
        request,
        "targets/report_form.html",
        {
            "form": form,
            "panel": panel,
            "target": panel.target,
            "report": report,
            "heading": heading,
            "conflict": conflict,
            "version": version,
            "chosen_year": _chosen_year(form, report.year if report else None),
            "existing": existing,
        },
    )


@program_required
def report_new(request, program, code):
    target = permissions.get_target_for_report(request.user, program, code)
    units = permissions.reporting_units_for(request.user, target)  # the lead unit first
    panel = selectors.report_target_panel(target=target)
    quarter = request.GET.get("quarter", "")
    initial = {
        "year": _default_year(request, target.program),
        "quarter": int(quarter) if quarter in {"1", "2", "3", "4"} else None,
        "unit": units[0].pk if units else None,
    }
    data = request.POST if request.method == "POST" else None
    form = ReportForm(
        data, request.FILES or None, target=target, units=units, closed_years=panel.closed_years, initial=initial
    )
    if data is not None and form.is_valid():
        try:
            report = services.report_create(
                user=request.user,
                target=target,
                unit=form.cleaned_data["unit"],
                submit=_wants_submit(request),
                **form.service_arguments(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _saved_message(request, report)
            return redirect(_detail_url(report))
    existing = ()
    if data is None:
        # Said when the form opens: a report of this period exists already (edit it, or correct the figure).
        existing = selectors.period_reports(
            target=target, unit_ids=[u.pk for u in units], year=initial["year"], quarter=initial["quarter"]
        )
    heading = _("New report for %(code)s") % {"code": target.code}
    return _form_page(request, form=form, panel=panel, heading=heading, existing=existing)


@login_required
def report_edit(request, pk):
    report = permissions.get_report_to_edit(request.user, pk)
    request.program = report.target.program
    panel = selectors.report_target_panel(target=report.target)
    year_closed = report.year in panel.closed_years
    if not permissions.report_actions(request.user, report, year_closed=year_closed).edit:
        message = _("Only a draft or a returned report can be edited.")
        messages.error(request, _refused_step(report, year_closed=year_closed, message=message))
        return redirect(_detail_url(report))
    initial = {
        "year": report.year,
        "quarter": report.quarter,
        "value": figure_input(report.value),
        "is_estimate": report.is_estimate,
        "note": report.note,
        "evidence_url": report.evidence_url,
        "version": report.version,
    }
    data = request.POST if request.method == "POST" else None
    form = ReportEditForm(
        data, request.FILES or None, target=report.target, closed_years=panel.closed_years, initial=initial
    )
    version, conflict = report.version, None
    if data is not None:
        version = form["version"].value()
        if form.is_valid():
            try:
                saved = services.report_update(
                    user=request.user, report=report, submit=_wants_submit(request), **form.service_arguments()
                )
            except services.ReportConflict as error:
                # Keep what the user typed; show what is saved now, and carry the current version so that a
                # second, deliberate save goes through.
                form.add_error(None, error)
                conflict, version = error.report, error.report.version
            except ValidationError as error:
                _add_errors(form, error)
            else:
                _saved_message(request, saved)
                return redirect(_detail_url(saved))
    heading = _("Edit the report %(code)s, %(period)s") % {"code": report.target.code, "period": report.period_label}
    return _form_page(
        request, form=form, panel=panel, report=report, heading=heading, conflict=conflict, version=version
    )


@login_required
def report_correct(request, pk):
    """A correction of an approved figure: a new report for the same period, which supersedes it once approved."""
    report = permissions.get_report_to_edit(request.user, pk)
    panel = selectors.report_target_panel(target=report.target)
    year_closed = report.year in panel.closed_years
    if not permissions.report_actions(request.user, report, year_closed=year_closed).correct:
        message = _("Only an approved figure is corrected; edit a report in the workflow instead.")
        messages.error(request, _refused_step(report, year_closed=year_closed, message=message))
        return redirect(_detail_url(report))
    initial = {"value": figure_input(report.value), "is_estimate": report.is_estimate}
    data = request.POST if request.method == "POST" else None
    form = ReportForm(
        data,
        request.FILES or None,
        target=report.target,
        closed_years=panel.closed_years,
        fixed_period=(report.year, report.quarter),
        initial=initial,
    )
    if data is not None and form.is_valid():
        arguments = form.service_arguments()
        del arguments["year"], arguments["quarter"]
        try:
            correction = services.report_correct(
                user=request.user, report=report, submit=_wants_submit(request), **arguments
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _saved_message(request, correction)
            return redirect(_detail_url(correction))
    heading = _("Correct the approved figure %(code)s, %(period)s") % {
        "code": report.target.code,
        "period": report.period_label,
    }
    return _form_page(request, form=form, panel=panel, report=report, heading=heading)


@login_required
@page_etag(EVERY)
def report_detail(request, pk):
    report = permissions.get_report_to_view(request.user, pk)
    request.program = report.target.program
    detail = selectors.report_detail(report=report)
    year_closed = report.year in detail.panel.closed_years
    may_review = permissions.can_review(request.user)
    return render(
        request,
        "targets/report_detail.html",
        {
            "detail": detail,
            "report": report,
            "target": report.target,
            "actions": permissions.report_actions(request.user, report, year_closed=year_closed),
            "to_undo": selectors.approvals_to_undo(user=request.user) if may_review else [],
        },
    )


@permissions.role_required
@page_etag(EVERY)
def report_list(request):
    user = request.user
    status = request.GET.get("status")
    if status is None and permissions.is_office(user):
        status = Status.SUBMITTED  # the office lands on its approval queue
    if status not in Status.values:
        status = None  # "all", or anything unknown
    programs = selectors.programs_for(user=user)
    program = next((p for p in programs if p.slug == request.GET.get("program")), None)
    may_review = permissions.can_review(user)
    filterset = ReportFilter(request.GET, user=user) if may_review else None  # the queue's unit, group and year
    if filterset is not None:
        filterset.form.renderer = FILTER_FORM_RENDERER
    listing = selectors.report_list(
        user=user, status=status, page_number=request.GET.get("page"), filterset=filterset, program=program
    )
    for report in listing.page:
        report.actions = permissions.report_actions(user, report, year_closed=report.year_closed)
    role = permissions.role_of(user)
    is_staff = role == permissions.ROLE_UNIT_STAFF
    # Staff start new reports from here: their to-do list, and every target of their units.
    reportable = selectors.reportable_targets_for(user=user, program=program) if is_staff else []
    filter_query = urlencode({"program": program.slug}) if program else ""
    if filterset is not None and filterset.is_active:
        chosen = {name: value for name, value in filterset.form.cleaned_data.items() if value not in (None, "")}
        chosen = {name: int(v) if name == "year" else v for name, v in chosen.items()}
        if program:
            chosen["program"] = program.slug
        filter_query = urlencode(chosen)
    return render(
        request,
        "targets/report_list.html",
        {
            "listing": listing,
            "tabs": [(s, Status(s).label, listing.counts[s]) for s in selectors.REPORT_STATUS_ORDER],
            "may_review": may_review,  # the approval queue; each row has its ``actions``
            "role": role,
            "reportable": reportable,
            "programs": programs if len(programs) > 1 else [],
            "chosen_program": program,
            "waiting": selectors.waiting_for(user=user, program=program) if is_staff else None,  # the to-do list
            "filterset": filterset,
            "filter_query": filter_query,
            "to_undo": selectors.approvals_to_undo(user=user) if may_review else [],
            # The task updates in the same status, beside the figures (the office's queue holds both).
            "task_updates": selectors.task_update_list(user=user, status=status, program=program),
        },
    )


def _run(request, action, *, success: str, **arguments):
    """Run a POST action's service; a refusal becomes an error message. Returns (done, the service's result)."""
    try:
        result = action(user=request.user, **arguments)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False, None
    messages.success(request, success)
    return True, result


def _version(request):
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


@login_required
@require_POST
def report_submit(request, pk):
    report = permissions.get_report_to_edit(request.user, pk)
    success = _("The report was submitted to the office for approval.")
    _run(request, services.report_submit, report=report, version=_version(request), success=success)
    return redirect(_next_or(request, _detail_url(report)))


@login_required
@require_POST
def report_withdraw(request, pk):
    report = permissions.get_report_to_edit(request.user, pk)
    if report.status == Status.DRAFT:
        success = _("The draft was discarded.")
    else:
        success = _("The report was withdrawn and is a draft again.")
    done, result = _run(request, services.report_withdraw, report=report, version=_version(request), success=success)
    if done and result is None:
        return redirect("report_list")  # the discarded draft has no page any more
    return redirect(_next_or(request, _detail_url(report)))


def _named(report) -> dict:
    return {"code": report.target.code, "period": report.period_label, "unit": report.unit.display_name}


def _after_review(request, report, done: bool) -> str:
    """Where a decision leads: the posted ``next`` (the queue), or, from the report's own page (``then`` is
    "next"), the next report of the queue, or the queue once it is empty; else the report's page."""
    if request.POST.get("then") == "next" and done:
        following = selectors.next_in_queue(user=request.user, after=report)
        if following is None:
            messages.info(request, _("Nothing else waits for approval."))
            return reverse("report_list")
        return _detail_url_of(following)
    return _next_or(request, _detail_url(report))


def _detail_url_of(pk: int) -> str:
    return reverse("report_detail", args=[pk])


@login_required
@require_POST
def report_approve(request, pk):
    report = permissions.get_report_to_review(request.user, pk)
    done, _result = _run(
        request,
        services.report_approve,
        report=report,
        version=_version(request),
        success=_("Approved the report %(code)s %(period)s of %(unit)s.") % _named(report),
    )
    return redirect(_after_review(request, report, done))


@login_required
@require_POST
def report_unapprove(request, pk):
    """Undo an approval made a moment ago: the report goes back to the queue (``services.report_unapprove``)."""
    report = permissions.get_report_to_review(request.user, pk)
    success = _("The approval of %(code)s %(period)s of %(unit)s was undone: the report waits in the queue again.")
    _run(request, services.report_unapprove, report=report, version=_version(request), success=success % _named(report))
    return redirect(_next_or(request, _detail_url(report)))


@login_required
@require_POST
def report_return(request, pk):
    report = permissions.get_report_to_review(request.user, pk)
    form = ReviewForm(request.POST)
    done = False
    if form.is_valid():
        done, _result = _run(
            request,
            services.report_return,
            report=report,
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
            success=_("The report was returned to the unit with your comment."),
        )
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect(_after_review(request, report, done))


@permissions.office_required
@require_POST
def report_bulk_approve(request):
    back = _next_or(request, reverse("report_list"))
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the reports to approve."))
        return redirect(back)
    ids = form.cleaned_data["reports"]
    reports = list(ProgressReport.objects.filter(pk__in=ids).order_by("submitted_at", "id"))
    if len(reports) != len(ids):
        messages.error(request, _("Some of the ticked reports no longer exist. Nothing was approved."))
        return redirect(back)
    try:
        count = services.report_bulk_approve(user=request.user, reports=reports, versions=form.versions())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(count)s reports were approved.") % {"count": count})
    return redirect(back)


@login_required
def report_evidence(request, pk):
    """The evidence file, to whoever may see the report; always as a download, never shown inline."""
    report = permissions.get_report_to_view(request.user, pk)
    if not report.evidence_file:
        raise Http404
    name = PurePath(report.evidence_file.name).name
    try:
        handle = report.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = EVIDENCE_CONTENT_TYPES.get(PurePath(name).suffix.lower(), "application/octet-stream")
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
