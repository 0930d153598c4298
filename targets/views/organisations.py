"""An organisation's page ``/o/<code>/``: its programmes, and for one with organisations below it (the city
above its wards) the roll-up of their programmes, with its Excel export. Read only, for the organisation's
people and those above it; 404 for anyone else."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import assessment, exports, selectors
from ..permissions import role_required
from ..selectors.organisations import DEFAULT_SORT, SORTS
from .conditional import EVERY, page_etag
from .exports import xlsx_response


def _organisation_or_404(request, code):
    organisation = selectors.organisation_by_code(user=request.user, code=code)
    if organisation is None:
        raise Http404
    return organisation


@require_GET
@role_required
@page_etag(EVERY)
def organisation_detail(request, code):
    organisation = _organisation_or_404(request, code)
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    lines = selectors.rollup(organisation=organisation, sort=sort)
    programs = list(organisation.programs.order_by("-issued_on", "number"))
    return render(
        request,
        "targets/organisation.html",
        {
            "organisation": organisation,
            "programs": programs,
            "lines": lines,
            "totals": selectors.rollup_totals(lines),
            "sort": sort,
            "late_year": selectors.late_year(),
            "statuses": selectors.PROGRESS_CHOICES,
            "deadline_labels": [selectors.DEADLINE_LABELS[d] for d in assessment.DEADLINE_ORDER],
            "task_statuses": selectors.TASK_STATUS_CHOICES,
        },
    )


@require_GET
@role_required
def organisation_rollup_export(request, code):
    organisation = _organisation_or_404(request, code)
    sort = request.GET.get("sort", DEFAULT_SORT)
    lines = selectors.rollup(organisation=organisation, sort=sort)
    data = exports.rollup_workbook(
        organisation=organisation,
        lines=lines,
        totals=selectors.rollup_totals(lines),
        as_of_date=timezone.localdate(),
        late_year=selectors.late_year(),
    )
    return xlsx_response(data, exports.rollup_filename(organisation=organisation))
