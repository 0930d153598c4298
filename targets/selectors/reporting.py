"""Reads behind the reporting workflow: report lists, the report page, what a unit still owes."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.utils import timezone

from .. import assessment, permissions
from ..models import (
    Milestone,
    ProgressReport,
    Target,
    Unit,
    YearClosure,
)
from .history import HistoryEntry, report_history

User = get_user_model()


# --- Reporting workflow (issue 3) -------------------------------------------------------------------------


def year_is_closed(*, program, year: int) -> bool:
    """Whether the office has closed ``year`` of ``program`` (a model or its id). 1 query."""
    program_id = getattr(program, "pk", program)
    return YearClosure.objects.filter(program_id=program_id, year=year, is_closed=True).exists()


def closed_years(*, program) -> frozenset[int]:
    """The closed years of ``program`` (a model or its id). 1 query."""
    program_id = getattr(program, "pk", program)
    closures = YearClosure.objects.filter(program_id=program_id, is_closed=True).order_by()  # no join for ordering
    return frozenset(closures.values_list("year", flat=True))


# The order in which a list shows statuses: what needs the reader's work first.
REPORT_STATUS_ORDER = [
    ProgressReport.Status.RETURNED,
    ProgressReport.Status.DRAFT,
    ProgressReport.Status.SUBMITTED,
    ProgressReport.Status.APPROVED,
    ProgressReport.Status.SUPERSEDED,
]
REPORTS_PER_PAGE = 50


def _status_rank():
    return Case(
        *[When(status=status, then=Value(rank)) for rank, status in enumerate(REPORT_STATUS_ORDER)],
        default=Value(len(REPORT_STATUS_ORDER)),
        output_field=IntegerField(),
    )


def _previous_approved(field: str):
    """The same target and unit's approved whole-year figure of the latest earlier year (a subquery)."""
    earlier = ProgressReport.objects.filter(
        target=OuterRef("target"),
        unit=OuterRef("unit"),
        status=ProgressReport.Status.APPROVED,
        quarter__isnull=True,
        year__lt=OuterRef("year"),
    ).order_by("-year")
    return Subquery(earlier.values(field)[:1])


@dataclass
class ReportList:
    """What ``/reports/`` shows: counts by status, the chosen status (None: all) and one page of reports."""

    status: str | None
    counts: dict[str, int]
    total: int
    page: Page
    is_queue: bool


def report_list(*, user, status: str | None, page_number, program=None) -> ReportList:
    """The reports ``user`` may see, by status, one page at a time.

    Staff see their units' reports, returned ones first (with the office's comment); leaders see the
    approved ones, read-only (``permissions.report_visibility``). For the office, the submitted reports
    form the approval queue, oldest submission first. Each row carries the unit's previous approved
    whole-year figure for comparison and whether its year is closed (``year_closed``, for
    ``permissions.report_actions``): subqueries, not a query per row. 3 queries (counts, page count,
    page), plus the user's units for staff. Across the user's programmes, or of ``program``.
    """
    visible = permissions.reports_visible_to(user)
    if program is not None:
        visible = visible.filter(target__program=program)
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("id")))
    counts = {s.value: counts.get(s.value, 0) for s in REPORT_STATUS_ORDER}
    closed = YearClosure.objects.filter(program=OuterRef("target__program"), year=OuterRef("year"), is_closed=True)
    rows = visible.select_related("target__program", "unit", "author", "reviewer").annotate(
        previous_value=_previous_approved("value"),
        previous_year=_previous_approved("year"),
        year_closed=Exists(closed),
    )
    if status:
        rows = rows.filter(status=status)
    is_queue = status == ProgressReport.Status.SUBMITTED
    # The queue is worked oldest first; other lists show what needs work first, then the newest.
    rows = rows.order_by("submitted_at", "id") if is_queue else rows.order_by(_status_rank(), "-updated_at", "-id")
    page = Paginator(rows, REPORTS_PER_PAGE).get_page(page_number)
    return ReportList(status=status, counts=counts, total=sum(counts.values()), page=page, is_queue=is_queue)


def reportable_targets_for(*, user, program=None) -> list[Target]:
    """The targets a staff user reports on (their units lead or support them), in the programme's order,
    for the links to the report form on ``/reports/`` (of ``program`` when given). 1 query (with the user's
    units already read)."""
    targets = permissions.reportable_targets(user, program).select_related("lead_unit", "program")
    return list(targets.order_by("program_id", "order"))


@dataclass
class PlanYear:
    """One year of a target for the report form and page: its plan and the approved figures already in."""

    year: int
    plan_min: Decimal | None
    plan_max: Decimal | None  # only for a range
    plan_kind: str  # "milestone", "yearly" (the phase's milestone), "line" (straight-line expectation), ""
    plan_year: int | None = None  # the milestone the plan leads to
    figures: list = field(default_factory=list)
    is_closed: bool = False


def _plan_rows(target: Target, milestones: list[Milestone], approved: list[ProgressReport], closed) -> list[PlanYear]:
    """The plan of every programme year by the judging rules (``assessment.plan_for_year``), as the
    dashboards and the annual review show it, with the approved figures of each year."""
    facts = assessment.facts_for(target, milestones)
    rows = []
    for year in target.program.years:
        plan = assessment.plan_for_year(facts, year)
        if plan is None:
            kind = ""
        elif plan.interpolated:
            kind = "line"
        else:
            kind = "milestone" if year in facts.milestones else "yearly"
        rows.append(
            PlanYear(
                year=year,
                plan_min=plan.min_value if plan else None,
                plan_max=plan.max_value if plan and plan.is_range else None,
                plan_kind=kind,
                plan_year=assessment.phase_year(facts, year),
                figures=[r for r in approved if r.year == year],
                is_closed=year in closed,
            )
        )
    return rows


@dataclass
class TargetPanel:
    """What a reporter compares with: the target's definition, plan by year and approved figures."""

    target: Target
    supporting_units: list[Unit]
    milestones: list[Milestone]
    years: list[PlanYear]
    closed_years: frozenset[int]


def report_target_panel(*, target: Target) -> TargetPanel:
    """The panel beside the report form and on the report page. ``target`` comes with its programme,
    group and lead unit. 4 queries: supporting units, milestones, approved figures, closed years."""
    supporting = list(target.supporting_units.order_by("code"))
    milestones = list(target.milestones.order_by("year"))
    approved = list(
        target.reports.filter(status=ProgressReport.Status.APPROVED)
        .select_related("unit")
        .order_by("year", F("quarter").asc(nulls_last=True), "unit__code")
    )
    closed = closed_years(program=target.program_id)
    return TargetPanel(
        target=target,
        supporting_units=supporting,
        milestones=milestones,
        years=_plan_rows(target, milestones, approved, closed),
        closed_years=closed,
    )


@dataclass
class ReportDetail:
    report: ProgressReport
    history: list[HistoryEntry]
    superseded_by: list[ProgressReport]
    panel: TargetPanel


def report_detail(*, report: ProgressReport) -> ReportDetail:
    """The report page: the report (loaded with its target, programme, group, units and people by the
    permission check), its whole history, the reports that correct it, and the target panel.
    7 queries: history 2, corrections 1, panel 4."""
    return ReportDetail(
        report=report,
        history=report_history(report=report),
        superseded_by=list(report.superseded_by.select_related("unit").order_by("created_at")),
        panel=report_target_panel(target=report.target),
    )


def targets_without_figure(*, year: int, unit_ids=None, program=None) -> QuerySet[Target]:
    """Targets of active programmes that include ``year``, not closed for that year, with no approved
    whole-year figure for it; limited to targets led by ``unit_ids`` when given. A lazy queryset
    (1 query when read), with the lead unit and the programme (the reminder's links name its slug)."""
    approved = ProgressReport.objects.filter(
        target=OuterRef("pk"), year=year, quarter__isnull=True, status=ProgressReport.Status.APPROVED
    )
    closed = YearClosure.objects.filter(program=OuterRef("program"), year=year, is_closed=True)
    targets = Target.objects.filter(
        program__is_active=True, program__first_year__lte=year, program__last_year__gte=year
    ).filter(~Exists(approved), ~Exists(closed))
    if unit_ids is not None:
        targets = targets.filter(lead_unit_id__in=unit_ids)
    if program is not None:
        targets = targets.filter(program=program)
    return targets.select_related("lead_unit", "program").order_by("program_id", "order", "code")


WAITING_LIST_LIMIT = 10


def waiting_for(*, user, program=None) -> dict | None:
    """What waits for ``user`` on a programme's overview (``program``'s reports only; every programme of the
    user's organisations without it).

    Office: the number of submitted reports and the oldest few (1 query). Staff: their units' returned
    and draft reports, and the targets they lead with no approved figure for last year (3 queries with
    their units). Leaders and others: None (no query).
    """
    role = permissions.role_of(user, program)
    in_program = {"target__program": program} if program is not None else {}
    if role == permissions.ROLE_OFFICE:
        # The window counts every submitted report before LIMIT applies: the total and the oldest in one query.
        office_ids = permissions.office_organisation_ids(user)
        if program is None and office_ids is not None:
            in_program = {"target__program__organisation_id__in": office_ids}
        oldest = list(
            ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED, **in_program)
            .select_related("target", "unit")
            .annotate(total=Window(Count("id")))
            .order_by("submitted_at", "id")[:WAITING_LIST_LIMIT]
        )
        return {"role": role, "to_review": oldest[0].total if oldest else 0, "oldest": oldest}
    if role == permissions.ROLE_UNIT_STAFF:
        units = permissions.user_unit_ids(user)
        last_year = timezone.localdate().year - 1
        reports = list(
            ProgressReport.objects.filter(
                unit_id__in=units,
                status__in=[ProgressReport.Status.RETURNED, ProgressReport.Status.DRAFT],
                **in_program,
            )
            .select_related("target", "unit", "reviewer")
            .order_by(_status_rank(), "-updated_at")
        )
        return {
            "role": role,
            "returned": [r for r in reports if r.status == ProgressReport.Status.RETURNED],
            "drafts": [r for r in reports if r.status == ProgressReport.Status.DRAFT],
            "missing": list(targets_without_figure(year=last_year, unit_ids=units, program=program)),
            "missing_year": last_year,
        }
    return None


def milestones_due(*, start: datetime.date, end: datetime.date) -> list[Milestone]:
    """Milestones of active programmes whose deadline falls between ``start`` and ``end`` (both included),
    with their targets, lead units and supporting units. 2 queries."""
    return list(
        Milestone.objects.filter(deadline__gte=start, deadline__lte=end, target__program__is_active=True)
        .select_related("target__lead_unit")
        .prefetch_related("target__supporting_units")
        .order_by("deadline", "target__order", "target__code")
    )
