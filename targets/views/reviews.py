"""The annual review: ``/reviews/<year>/`` for everyone with a role, the office's closing, reopening and
overriding, the review workbook ``/reviews/<year>/export.xlsx``, and the yearly review report: its page
``/reviews/<year>/report/`` and its document ``/reviews/<year>/report.docx``.

Thin: ``permissions`` decides, the forms validate, the services write (and refuse a closed year, a missing
reason, an override without a comment), the selectors read, ``exports`` builds the workbook.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import assessment, documents, exports, permissions, selectors, services
from ..forms import CloseForm, OverrideForm, ReopenForm, ReviewReportForm
from ..models import ReviewReport, Target
from ..permissions import program_required
from .conditional import PROGRAM, page_etag
from .exports import require_export, xlsx_response


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _refused_whole(request, form, error: ValidationError, program, year: int):
    """A refusal about the year itself (already closed, already open) rather than a field of the form:
    the form may not be on the page at all, so it is said as a message over the review."""
    fields = getattr(error, "error_dict", {})
    if any(name in form.fields for name in fields):
        return None
    messages.error(request, " ".join(error.messages))
    return redirect("review_year", slug=program.slug, year=year)


def _check_year(program, year: int):
    if not program.contains_year(year):
        raise Http404
    return program


def _page(request, program, year, *, close_form=None, reopen_form=None):
    may_close = permissions.can_close_year(request.user, program)
    # ``?estimates=1`` (an open year, for the December meeting): the units' submitted figures where no
    # figure is approved yet, marked as such.
    with_estimates = request.GET.get("estimates") == "1"
    review = selectors.review_year(program=program, year=year, with_estimates=with_estimates)
    context = {
        "program": program,
        "year": year,
        "review": review,
        "with_estimates": with_estimates and not review.is_closed,
        "years": list(program.years),
        "history": selectors.review_closure_history(program=program, year=year),
        "may_close": may_close,
        "may_read_report": permissions.can_read_review_report(request.user, program),
        "year_ended": assessment.year_has_ended(year, timezone.localdate()),
        "pending": selectors.review_pending_count(program=program, year=year) if may_close else 0,
        "close_form": close_form or CloseForm(),
        "reopen_form": reopen_form or ReopenForm(),
    }
    return render(request, "targets/review.html", context)


@require_GET
@program_required
def review_index(request, program):
    """The review of the last finished year (or the programme's nearest year)."""
    year = assessment.clamp_year(
        timezone.localdate().year - 1, first_year=program.first_year, last_year=program.last_year
    )
    return redirect("review_year", slug=program.slug, year=year)


@require_GET
@program_required
@page_etag(PROGRAM)
def review_year(request, program, year):
    _check_year(program, year)
    return _page(request, program, year)


def _close_page(request, program, year, form):
    """The closing's confirmation: the checklist (reports waiting, targets without an approved figure,
    whether the year has ended) and the form that closes."""
    checklist = selectors.year_close_checklist(program=program, year=year, today=timezone.localdate())
    context = {
        "program": program,
        "year": year,
        "checklist": checklist,
        "close_form": form,
        "not_ended": services.year_not_ended_refusal(year),
    }
    return render(request, "targets/review_close.html", context)


@require_http_methods(["GET", "POST"])
@program_required(office=True)
def review_close(request, program, year):
    """GET: the confirmation step with its checklist. POST: close (the service refuses an open year that
    has not ended, a closed one, anyone but the office)."""
    _check_year(program, year)
    if request.method == "GET":
        if selectors.year_is_closed(program=program, year=year):
            messages.info(request, _("The year %(year)s is already closed.") % {"year": year})
            return redirect("review_year", slug=program.slug, year=year)
        return _close_page(request, program, year, CloseForm())
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.year_close(user=request.user, program=program, year=year, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            refused = _refused_whole(request, form, error, program, year)
            if refused:
                return refused
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The year %(year)s is closed: its reviews are frozen and its figures can no longer change.")
                % {"year": year},
            )
            return redirect("review_year", slug=program.slug, year=year)
    return _close_page(request, program, year, form)


@require_POST
@program_required(office=True)
def review_reopen(request, program, year):
    _check_year(program, year)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.year_reopen(user=request.user, program=program, year=year, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            refused = _refused_whole(request, form, error, program, year)
            if refused:
                return refused
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The year %(year)s is open again: figures can be reported and approved.") % {"year": year}
            )
            return redirect("review_year", slug=program.slug, year=year)
    return _page(request, program, year, reopen_form=form)


@program_required(office=True)
def review_edit(request, program, year, code):
    """The office's assessment of one target for the year, with a comment when it differs from the computed one."""
    _check_year(program, year)
    target = Target.objects.filter(program=program, code=code).select_related("program", "group").first()
    if target is None:
        raise Http404
    line = selectors.review_year(program=program, year=year, target=target).lines[0]
    seen = line.review_updated_at.isoformat() if line.review_updated_at else ""
    is_closed = selectors.year_is_closed(program=program, year=year)
    if request.method == "POST":
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                services.review_override(
                    user=request.user,
                    target=target,
                    year=year,
                    assessment=form.cleaned_data["assessment"],
                    comment=form.cleaned_data["comment"],
                    seen=form.cleaned_data["seen"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The review of %(code)s was saved.") % {"code": target.code})
                return redirect(reverse("review_year", args=[program.slug, year]) + f"#review-{target.code}")
    else:
        form = OverrideForm(initial={"assessment": line.assessment, "comment": line.comment, "seen": seen})
    context = {"program": program, "year": year, "target": target, "line": line, "form": form, "is_closed": is_closed}
    return render(request, "targets/review_edit.html", context)


@require_GET
@program_required
def review_export(request, program, year):
    require_export(request.user, program)
    _check_year(program, year)
    data = exports.annual_review_workbook(program=program, year=year)
    return xlsx_response(data, exports.annual_review_filename(program=program, year=year))


# --- The yearly review report -----------------------------------------------------------------------------

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_report_reader(user, program) -> None:
    if not permissions.can_read_review_report(user, program):
        raise PermissionDenied


def _report_initial(report) -> dict:
    initial = {field: getattr(report, field) for field in services.REVIEW_REPORT_FIELDS}
    initial["dated"] = report.dated.strftime("%d/%m/%Y") if report.dated else ""
    return {**initial, "version": report.version}


@require_http_methods(["GET", "POST"])
@program_required
def review_report(request, program, year):
    """``/reviews/<year>/report/``: the office writes the report's parts (number, date, signer, recipients,
    the narrative parts) beside a preview of the whole report; leaders read the preview. A closed year's
    report is frozen: the form is disabled and a POST refused by the service, with its message."""
    _require_report_reader(request.user, program)
    _check_year(program, year)
    may_write = permissions.can_write_review_report(request.user, program)
    report = selectors.review_report_for(program=program, year=year)
    form, conflict = None, False
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        form = ReviewReportForm(request.POST)
        if form.is_valid():
            data = {field: form.cleaned_data[field] for field in services.REVIEW_REPORT_FIELDS}
            try:
                services.review_report_save(
                    program=program, year=year, user=request.user, data=data, version=form.cleaned_data["version"]
                )
            except services.ReviewReportConflict as error:
                conflict = True
                form.add_error(None, error)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The report of %(year)s was saved.") % {"year": year})
                return redirect("review_report", slug=program.slug, year=year)
    elif may_write:
        form = ReviewReportForm(initial=_report_initial(report))
    content = selectors.review_report_content(program=program, year=year, report=report)
    context = {
        "program": program,
        "year": year,
        "content": content,
        "report": report,
        "form": form,
        "may_write": may_write,
        "conflict": conflict,
        "history": selectors.review_report_history(program=program, year=year),
        "narrative_fields": ReviewReport.NARRATIVE_FIELDS,
        "number_example": f"45-BC/{selectors.document_symbol(program)}",
    }
    return render(request, "targets/review_report.html", context)


@require_GET
@program_required
def review_report_docx(request, program, year):
    """``/reviews/<year>/report.docx``: the report as a Word document, for those who read it."""
    _require_report_reader(request.user, program)
    _check_year(program, year)
    data = documents.review_report_document(program=program, year=year)
    return xlsx_response(
        data, documents.review_report_filename(program=program, year=year), content_type=DOCX_CONTENT_TYPE
    )
