"""Reads behind the reporting workflow: report lists, the report page, what a unit still owes."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.functional import cached_property

from .. import assessment, permissions
from ..links import reverse_path
from ..models import (
    Milestone,
    ProgressReport,
    Target,
    Unit,
    YearClosure,
)
from .history import HistoryEntry, report_history

User = get_user_model()


# --- Reporting workflow -----------------------------------------------------------------------------------


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


def _with_previous(reports: list[ProgressReport]) -> None:
    """Set ``previous_value`` and ``previous_year`` on each report of a page: the same target and unit's
    approved whole-year figure of the latest earlier year (None when there is none). 1 query, none for an
    empty page: a pass over the page's pairs is cheaper to plan than two correlated subqueries per row."""
    for report in reports:
        report.previous_value = report.previous_year = None
    if not reports:
        return
    figures = defaultdict(list)
    approved = ProgressReport.objects.filter(
        target_id__in={report.target_id for report in reports},
        unit_id__in={report.unit_id for report in reports},
        status=ProgressReport.Status.APPROVED,
        quarter__isnull=True,
        year__lt=max(report.year for report in reports),
    )
    for target_id, unit_id, year, value in approved.order_by("year").values_list(
        "target_id", "unit_id", "year", "value"
    ):
        figures[target_id, unit_id].append((year, value))
    for report in reports:
        # One approved figure per period (a constraint): the last earlier year is the one.
        for year, value in figures.get((report.target_id, report.unit_id), ()):
            if year >= report.year:
                break
            report.previous_year, report.previous_value = year, value


class _CountedPaginator(Paginator):
    """A paginator told its count: the counts by status have it already, so no COUNT query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def with_row_urls(reports, **routes: str) -> None:
    """Set ``urls`` on each report: for each ``key=route`` (a URL name taking the report's id), the URL of
    ``route`` for that report (``links.reverse_path``: no ``{% url %}`` per row and per button). No query."""
    for report in reports:
        report.urls = {key: reverse_path(route, report.pk) for key, route in routes.items()}


@dataclass
class ReportList:
    """What ``/reports/`` shows: counts by status, the chosen status (None: all) and one page of reports."""

    status: str | None
    counts: dict[str, int]
    total: int
    page: Page
    is_queue: bool


def _with_plans(reports: list[ProgressReport]) -> None:
    """Set ``plan`` (the year's plan by the judging rules) and ``percent`` (% of plan, whole-year figures
    only: a quarter's figure is not a share of the year's plan) on each report of a page. 1 query: the
    milestones of the page's targets."""
    milestones = defaultdict(list)
    target_ids = {report.target_id for report in reports}
    for milestone in Milestone.objects.filter(target_id__in=target_ids).order_by():
        milestones[milestone.target_id].append(milestone)
    for report in reports:
        facts = assessment.facts_for(report.target, milestones[report.target_id])
        report.plan = assessment.plan_for_year(facts, report.year)
        report.percent = (
            assessment.percent_of_plan(facts, report.value, report.plan) if report.quarter is None else None
        )


def report_list(*, user, status: str | None, page_number, filterset=None, program=None) -> ReportList:
    """The reports ``user`` may see, by status, one page at a time.

    Staff see their units' reports, returned ones first (with the office's comment); leaders see the
    approved ones, read-only (``permissions.report_visibility``). For the office, the submitted reports
    form the approval queue, oldest submission first. Each row carries the unit's previous approved
    whole-year figure for comparison (``_with_previous``, 1 query for the page) and whether its year is
    closed (``year_closed``, for ``permissions.report_actions``, a subquery), not a query per row.
    3 queries (counts, page, previous figures; the counts give the paginator its count; an empty page
    runs none but the counts), plus the user's units for staff. Across the user's programmes, or of
    ``program``.

    ``filterset`` (a ``filters.ReportFilter``, for the office's queue) narrows the reports by unit, group
    and year, the counts by status included; the queue's page then carries each row's plan for its year
    and % of plan (``_with_plans``, 1 query more). A resubmission after a return keeps the office's earlier
    comment in ``review_comment`` (only an approval clears it), which the queue shows beside the mark.
    """
    visible = permissions.reports_visible_to(user)
    if program is not None:
        visible = visible.filter(target__program=program)
    if filterset is not None and filterset.is_valid():
        visible = filterset.filter_queryset(visible)
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("id")))
    counts = {s.value: counts.get(s.value, 0) for s in REPORT_STATUS_ORDER}
    closed = YearClosure.objects.filter(program=OuterRef("target__program"), year=OuterRef("year"), is_closed=True)
    # The reviewer is not shown in the list: no join for it.
    rows = visible.select_related("target__program", "unit", "author").annotate(year_closed=Exists(closed))
    if status:
        rows = rows.filter(status=status)
    is_queue = status == ProgressReport.Status.SUBMITTED
    # The queue is worked oldest first; other lists show what needs work first, then the newest.
    rows = rows.order_by("submitted_at", "id") if is_queue else rows.order_by(_status_rank(), "-updated_at", "-id")
    total = sum(counts.values())
    page = _CountedPaginator(rows, REPORTS_PER_PAGE, count=counts[status] if status else total).get_page(page_number)
    page.object_list = list(page.object_list)
    _with_previous(page.object_list)
    if is_queue:
        _with_plans(page.object_list)
    with_row_urls(
        page.object_list,
        detail="report_detail",
        view="report_detail",
        edit="report_edit",
        approve="report_approve",
        return_="report_return",
        evidence="report_evidence",
    )
    return ReportList(status=status, counts=counts, total=total, page=page, is_queue=is_queue)


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


def targets_without_report(*, year: int, unit_ids, program=None) -> QuerySet[Target]:
    """Targets led by ``unit_ids`` in active programmes that include ``year``, not closed for it, for which
    the lead unit has no whole-year report for ``year`` yet, in any state but superseded: what the unit
    still owes (a draft, a returned or a submitted report is listed, or waits, elsewhere). A lazy
    queryset (1 query when read), with the lead unit."""
    reported = ProgressReport.objects.filter(
        target=OuterRef("pk"), unit=OuterRef("lead_unit"), year=year, quarter__isnull=True
    ).exclude(status=ProgressReport.Status.SUPERSEDED)
    closed = YearClosure.objects.filter(program=OuterRef("program"), year=year, is_closed=True)
    targets = Target.objects.filter(
        program__is_active=True, program__first_year__lte=year, program__last_year__gte=year, lead_unit_id__in=unit_ids
    ).filter(~Exists(reported), ~Exists(closed))
    if program is not None:
        targets = targets.filter(program=program)
    return targets.select_related("lead_unit", "program").order_by("program_id", "order", "code")


def period_reports(*, target: Target, unit_ids, year: int, quarter: int | None) -> list[ProgressReport]:
    """The reports of ``unit_ids`` for ``target`` and the period, superseded ones aside: what the new-report
    form says exists already when it opens (one in the workflow is edited instead; an approved figure
    would be corrected). 1 query."""
    return list(
        ProgressReport.objects.filter(target=target, unit_id__in=unit_ids, year=year, quarter=quarter)
        .exclude(status=ProgressReport.Status.SUPERSEDED)
        .select_related("unit")
        .order_by(_status_rank(), "-updated_at")
    )


def next_in_queue(*, user, after: ProgressReport) -> int | None:
    """The id of the submitted report ``user`` works on after ``after``, in the queue's order (oldest
    submission first): the next one after it, else the oldest other one, else None. 1 query (2 at the
    end of the queue)."""
    queue = (
        permissions.reports_visible_to(user)
        .filter(status=ProgressReport.Status.SUBMITTED)
        .exclude(pk=after.pk)
        .order_by("submitted_at", "id")
    )
    if after.submitted_at is not None:
        later = Q(submitted_at__gt=after.submitted_at) | Q(submitted_at=after.submitted_at, id__gt=after.pk)
        following = queue.filter(later).values_list("pk", flat=True).first()
        if following is not None:
            return following
    return queue.values_list("pk", flat=True).first()


UNDO_LIST_LIMIT = 10


def approvals_to_undo(*, user, now: datetime.datetime | None = None) -> list[ProgressReport]:
    """The reports ``user`` approved within the last ``TARGETS_UNDO_MINUTES`` that still stand (approved,
    their year open), newest first, each with ``undo_until``: what the queue and the report page offer to
    undo. 1 query."""
    now = now or timezone.now()
    minutes = settings.TARGETS_UNDO_MINUTES
    closed = YearClosure.objects.filter(program=OuterRef("target__program"), year=OuterRef("year"), is_closed=True)
    reports = list(
        ProgressReport.objects.filter(
            reviewer=user,
            status=ProgressReport.Status.APPROVED,
            reviewed_at__gte=now - datetime.timedelta(minutes=minutes),
        )
        .filter(~Exists(closed))
        .select_related("target", "unit")
        # What the list shows (_undo_approvals.html): the target's code, the period, the unit, the version.
        .only("version", "year", "quarter", "reviewed_at", "target__code", "unit__name", "unit__name_en")
        .order_by("-reviewed_at", "-id")[:UNDO_LIST_LIMIT]
    )
    for report in reports:
        report.undo_until = assessment.undo_deadline(report.reviewed_at, minutes=minutes)
    with_row_urls(reports, detail="report_detail", unapprove="report_unapprove")
    return reports


WAITING_LIST_LIMIT = 10


def waiting_for(*, user, program=None) -> dict | None:
    """What waits for ``user`` on a programme's overview (``program``'s reports only; every programme of the
    user's organisations without it).

    Office: the number of submitted reports and the oldest few (1 query). Staff: their to-do list, the
    same on the overview and on ``/reports/``: their units' returned reports first (with the office's
    comment), their drafts, and the targets they lead with no report yet for the year being reported
    (``assessment.reporting_year``) (3 queries with their units). Leaders and others: None (no query).
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
            # What the overview's list shows (dashboard_tags.waiting_report_items), and the status.
            .only("year", "quarter", "value", "status", "submitted_at", "target__code", "unit__name", "unit__name_en")
            .annotate(total=Window(Count("id")))
            .order_by("submitted_at", "id")[:WAITING_LIST_LIMIT]
        )
        return {"role": role, "to_review": oldest[0].total if oldest else 0, "oldest": oldest}
    if role == permissions.ROLE_UNIT_STAFF:
        units = permissions.user_unit_ids(user)
        year = assessment.reporting_year(timezone.localdate())
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
            "missing": list(targets_without_report(year=year, unit_ids=units, program=program)),
            "missing_year": year,
        }
    return None


def milestones_due(*, start: datetime.date, end: datetime.date) -> list[Milestone]:
    """Milestones of active programmes whose deadline falls between ``start`` and ``end`` (both included),
    with their targets, lead units and supporting units. 2 queries."""
    return list(
        Milestone.objects.filter(deadline__gte=start, deadline__lte=end, target__program__is_active=True)
        .select_related("target__lead_unit", "target__program")
        .prefetch_related("target__supporting_units")
        .order_by("deadline", "target__order", "target__code")
    )
