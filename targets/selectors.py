"""Every read behind a page: one function per panel, returning plain data.

Each docstring states how many queries the function runs; the page tests assert the totals with
``django_assert_num_queries`` so that they stay fixed as targets, reports and years grow.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connection
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
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import assessment, permissions
from .models import (
    AnnualReview,
    DataVersion,
    DomainGroup,
    Milestone,
    Program,
    ProgressReport,
    Target,
    Unit,
    YearClosure,
)

User = get_user_model()


DATA_VERSION_SQL = f"SELECT token FROM {DataVersion._meta.db_table} WHERE id = %s"  # noqa: S608 - a constant


def data_version() -> str:
    """The token that every write a page could show changes ("" before the first write). 1 query, in
    plain SQL: every page served from the cache asks it, and the ORM would take longer to build it than
    the database takes to answer."""
    with connection.cursor() as cursor:
        cursor.execute(DATA_VERSION_SQL, [DataVersion.SINGLETON])
        row = cursor.fetchone()
    return row[0] if row else ""


def program_current() -> Program | None:
    """The programme the pages show: the newest active one. 1 query."""
    return Program.objects.filter(is_active=True).order_by("-issued_on", "-id").first()


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


def report_list(*, user, status: str | None, page_number) -> ReportList:
    """The reports ``user`` may see, by status, one page at a time.

    Staff see their units' reports, returned ones first (with the office's comment); leaders see the
    approved ones, read-only (``permissions.report_visibility``). For the office, the submitted reports
    form the approval queue, oldest submission first. Each row carries the unit's previous approved
    whole-year figure for comparison (a subquery, not a query per row). 3 queries (counts, page count,
    page), plus the user's units for staff.
    """
    visible = permissions.reports_visible_to(user)
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("id")))
    counts = {s.value: counts.get(s.value, 0) for s in REPORT_STATUS_ORDER}
    rows = visible.select_related("target", "unit", "author", "reviewer").annotate(
        previous_value=_previous_approved("value"), previous_year=_previous_approved("year")
    )
    if status:
        rows = rows.filter(status=status)
    is_queue = status == ProgressReport.Status.SUBMITTED
    # The queue is worked oldest first; other lists show what needs work first, then the newest.
    rows = rows.order_by("submitted_at", "id") if is_queue else rows.order_by(_status_rank(), "-updated_at", "-id")
    page = Paginator(rows, REPORTS_PER_PAGE).get_page(page_number)
    return ReportList(status=status, counts=counts, total=sum(counts.values()), page=page, is_queue=is_queue)


def reportable_targets_for(*, user) -> list[Target]:
    """The targets a staff user reports on (their units lead or support them), in the programme's order,
    for the links to the report form on ``/reports/``. 1 query (with the user's units already read)."""
    return list(permissions.reportable_targets(user).select_related("lead_unit").order_by("program_id", "order"))


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
    facts = assessment.TargetFacts(
        direction=target.direction,
        is_yearly=target.is_yearly,
        baseline_value=target.baseline_value,
        baseline_year=target.baseline_year,
        milestones={m.year: (m.min_value, m.max_value) for m in milestones},
    )
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


# Fields a report's history shows, in this order; the rest (timestamps, version, keys) are bookkeeping.
HISTORY_FIELDS = [
    "status",
    "year",
    "quarter",
    "value",
    "is_estimate",
    "note",
    "evidence_url",
    "evidence_file",
    "review_comment",
    "reviewer",
    "supersedes",
]


@dataclass
class HistoryChange:
    field: str
    label: str
    before: object
    after: object


# The services name each step in the history's change reason; simple_history's own types cover the rest.
HISTORY_ACTIONS = {
    "create": _("Created"),
    "update": _("Edited"),
    "submit": _("Submitted"),
    "withdraw": _("Withdrawn"),
    "discard": _("Discarded"),
    "approve": _("Approved"),
    "return": _("Returned"),
    "supersede": _("Superseded by a correction"),
    "+": _("Created"),
    "~": _("Changed"),
    "-": _("Deleted"),
}


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: object  # a user or None (a command or the shell)
    action: str  # the service's name for the step (create, update, submit, ...), or simple_history's +, ~, -
    changes: list[HistoryChange]

    @property
    def action_label(self) -> str:
        return HISTORY_ACTIONS.get(self.action, self.action)


def _history_value(name: str, value, users: dict):
    if name == "reviewer":
        return users.get(value) if value else None
    if name == "evidence_file":
        return str(value).rsplit("/", 1)[-1] if value else ""
    if name == "status" and value:
        return ProgressReport.Status(value).label
    return value


def report_history(*, report: ProgressReport) -> list[HistoryEntry]:
    """Every step of ``report``, newest first: who, when, what, and each changed field's before and after
    (simple_history's ``diff_against``). 2 queries: the history with its users, the reviewers named in it."""
    records = list(report.history.select_related("history_user").order_by("history_date", "history_id"))
    reviewer_ids = {r.reviewer_id for r in records if r.reviewer_id}
    users = {u.pk: u for u in User.objects.filter(pk__in=reviewer_ids)} if reviewer_ids else {}
    labels = {name: ProgressReport._meta.get_field(name).verbose_name for name in HISTORY_FIELDS}
    entries = []
    previous = None
    for record in records:
        if previous is None:
            # The first record: every field that has a value is a change from nothing.
            changes = [
                HistoryChange(name, labels[name], None, _history_value(name, value, users))
                for name in HISTORY_FIELDS
                if (value := getattr(record, f"{name}_id" if name in ("reviewer", "supersedes") else name))
                not in (None, "")
            ]
        else:
            delta = record.diff_against(previous, included_fields=HISTORY_FIELDS)
            order = {name: i for i, name in enumerate(HISTORY_FIELDS)}
            changes = [
                HistoryChange(
                    c.field,
                    labels[c.field],
                    _history_value(c.field, c.old, users),
                    _history_value(c.field, c.new, users),
                )
                for c in sorted(delta.changes, key=lambda c: order[c.field])
            ]
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=record.history_change_reason or record.history_type,
                changes=changes,
            )
        )
        previous = record
    entries.reverse()
    return entries


def report_last_change(*, report_id: int):
    """Who made the latest change to a report and when, for the message of a refused stale save.
    1 query. Returns ``(user or None, datetime)``, or ``(None, None)`` without history."""
    record = (
        ProgressReport.history.filter(id=report_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    return (record.history_user, record.history_date) if record else (None, None)


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


def targets_without_figure(*, year: int, unit_ids=None) -> QuerySet[Target]:
    """Targets of active programmes that include ``year``, not closed for that year, with no approved
    whole-year figure for it; limited to targets led by ``unit_ids`` when given. A lazy queryset
    (1 query when read), with the lead unit."""
    approved = ProgressReport.objects.filter(
        target=OuterRef("pk"), year=year, quarter__isnull=True, status=ProgressReport.Status.APPROVED
    )
    closed = YearClosure.objects.filter(program=OuterRef("program"), year=year, is_closed=True)
    targets = Target.objects.filter(
        program__is_active=True, program__first_year__lte=year, program__last_year__gte=year
    ).filter(~Exists(approved), ~Exists(closed))
    if unit_ids is not None:
        targets = targets.filter(lead_unit_id__in=unit_ids)
    return targets.select_related("lead_unit").order_by("program_id", "order", "code")


WAITING_LIST_LIMIT = 10


def waiting_for(*, user) -> dict | None:
    """What waits for ``user`` on the home page.

    Office: the number of submitted reports and the oldest few (1 query). Staff: their units' returned
    and draft reports, and the targets they lead with no approved figure for last year (3 queries with
    their units). Leaders and others: None (no query).
    """
    role = permissions.role_of(user)
    if role == permissions.ROLE_OFFICE:
        # The window counts every submitted report before LIMIT applies: the total and the oldest in one query.
        oldest = list(
            ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED)
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
                unit_id__in=units, status__in=[ProgressReport.Status.RETURNED, ProgressReport.Status.DRAFT]
            )
            .select_related("target", "unit", "reviewer")
            .order_by(_status_rank(), "-updated_at")
        )
        return {
            "role": role,
            "returned": [r for r in reports if r.status == ProgressReport.Status.RETURNED],
            "drafts": [r for r in reports if r.status == ProgressReport.Status.DRAFT],
            "missing": list(targets_without_figure(year=last_year, unit_ids=units)),
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


# --- The annual review and the Excel exports (issue 5) ----------------------------------------------------
# One programme-year at a time. Every query filters on the programme (a join), never on a list of target
# ids, so the number of queries and the size of each statement stay the same from 41 targets to 4,000.

# Exceeded, achieved, not achieved, no data: the order of the review's totals (plain strings for templates).
ASSESSMENT_ORDER = tuple(str(value) for value in assessment.ASSESSMENT_ORDER)

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"))
_ROMAN += ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    """I, II, III, IV … as Party documents number their sections."""
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


@dataclass
class ReviewLine:
    """One target's line of the annual review: plain data for the page and the workbook."""

    number: int  # 1, 2, 3 … straight through the groups
    target_id: int
    code: str
    name: str
    unit_of_measure: str
    direction: str
    milestones: list[tuple[Decimal, Decimal | None] | None]  # one per programme milestone year
    plan: assessment.Plan | None
    previous: Decimal | None  # last year's approved figure
    figure: Decimal | None  # this year's approved figure
    is_estimate: bool
    percent: Decimal | None
    computed: str  # what assessment.py says
    assessment: str  # what the review says: the computed one unless the office overrode it
    is_overridden: bool
    is_frozen: bool
    comment: str
    review_updated_at: datetime.datetime | None  # of the stored review, None when there is none
    lead_unit: str
    supporting_units: list[str]

    @property
    def assessment_label(self) -> str:
        return str(AnnualReview.Assessment(self.assessment).label)

    @property
    def computed_label(self) -> str:
        return str(AnnualReview.Assessment(self.computed).label)


@dataclass
class ReviewGroup:
    number: int
    roman: str
    code: str
    name: str
    lines: list[ReviewLine]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return len(self.lines)


@dataclass
class Review:
    """The annual review of a programme's year, grouped as the programme groups its targets."""

    program: Program
    year: int
    milestone_years: list[int]
    groups: list[ReviewGroup]
    counts: dict[str, int]  # every assessment value, in ASSESSMENT_ORDER
    closure: YearClosure | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def is_closed(self) -> bool:
        return self.closure is not None and self.closure.is_closed

    @property
    def lines(self) -> list[ReviewLine]:
        return [line for group in self.groups for line in group.lines]

    def count_rows(self) -> list[tuple[str, str, int]]:
        """(value, label, count) for every assessment, in the order of the review's totals."""
        return [(value, str(AnnualReview.Assessment(value).label), self.counts[value]) for value in ASSESSMENT_ORDER]


def _year_figures(rows, lead_unit_of: dict[int, int]) -> dict[tuple[int, int], tuple[Decimal, bool]]:
    """(target id, year) -> (value, is_estimate) from approved yearly reports.

    Several units may report one target. The lead unit's figure is the target's; without one, the most
    recently approved figure of a supporting unit stands in. ``rows`` are ordered by approval time, so a
    later row of equal rank wins.
    """
    best: dict[tuple[int, int], tuple[bool, Decimal, bool]] = {}
    for target_id, unit_id, year, value, is_estimate in rows:
        is_lead = unit_id == lead_unit_of.get(target_id)
        key = (target_id, year)
        if key not in best or is_lead or not best[key][0]:
            best[key] = (is_lead, value, is_estimate)
    return {key: (value, is_estimate) for key, (_lead, value, is_estimate) in best.items()}


def review_year(*, program: Program, year: int, target: Target | None = None) -> Review:
    """Every target of ``program`` with the year's plan, last year's and this year's approved figures, the
    percentage of the plan and the assessment (computed by assessment.py, or the office's override), grouped;
    the totals by assessment and by group; the year's closure.

    A closed year shows what was frozen when it was closed (figure and assessment of each review row).
    With ``target``, only that target's line (for the services that store one review).
    7 queries: groups, targets with lead units, milestones, supporting units, approved yearly figures of the
    year and the year before, the stored reviews of both years, the closure.
    """
    # Every related query filters on the programme, or on the one target when there is one.
    scope = {"target": target} if target is not None else {"target__program": program}
    groups = list(program.groups.order_by("number"))
    targets = program.targets.select_related("lead_unit").order_by("group__number", "order", "code")
    targets = list(targets.filter(pk=target.pk) if target is not None else targets)
    milestones: dict[int, dict[int, tuple[Decimal, Decimal | None]]] = defaultdict(dict)
    for target_id, m_year, min_value, max_value in Milestone.objects.filter(**scope).values_list(
        "target_id", "year", "min_value", "max_value"
    ):
        milestones[target_id][m_year] = (min_value, max_value)
    supporting: dict[int, list[str]] = defaultdict(list)
    for target_id, unit_name in (
        Target.supporting_units.through.objects.filter(**scope)
        .order_by("unit__code")
        .values_list("target_id", "unit__name")
    ):
        supporting[target_id].append(unit_name)
    lead_unit_of = {t.id: t.lead_unit_id for t in targets}
    figures = _year_figures(
        ProgressReport.objects.filter(
            **scope,
            status=ProgressReport.Status.APPROVED,
            quarter__isnull=True,
            year__in=[year - 1, year],
        )
        .order_by("reviewed_at", "id")
        .values_list("target_id", "unit_id", "year", "value", "is_estimate"),
        lead_unit_of,
    )
    stored = {(r.target_id, r.year): r for r in AnnualReview.objects.filter(**scope, year__in=[year - 1, year])}
    closure = YearClosure.objects.filter(program=program, year=year).first()

    milestone_years = sorted(program.milestone_years)
    by_group: dict[int, list[ReviewLine]] = defaultdict(list)
    for number, item in enumerate(targets, start=1):
        facts = assessment.TargetFacts(
            direction=item.direction,
            is_yearly=item.is_yearly,
            baseline_value=item.baseline_value,
            baseline_year=item.baseline_year,
            milestones=dict(milestones[item.id]),
        )
        review = stored.get((item.id, year))
        last_review = stored.get((item.id, year - 1))
        figure, is_estimate = figures.get((item.id, year), (None, False))
        previous = figures.get((item.id, year - 1), (None, False))[0]
        if last_review is not None and last_review.is_frozen:
            previous = last_review.figure
        if review is not None and review.is_frozen:
            figure = review.figure
        computed, plan = assessment.assess_year(facts, year, figure)
        computed = str(computed)
        if review is not None and review.is_frozen:
            computed, verdict = review.computed_assessment, review.assessment
        elif review is not None and review.is_overridden:
            verdict = review.assessment
        else:
            verdict = computed
        by_group[item.group_id].append(
            ReviewLine(
                number=number,
                target_id=item.id,
                code=item.code,
                name=item.name,
                unit_of_measure=item.unit_of_measure,
                direction=item.direction,
                milestones=[milestones[item.id].get(y) for y in milestone_years],
                plan=plan,
                previous=previous,
                figure=figure,
                is_estimate=is_estimate,
                percent=assessment.percent_of_plan(facts, figure, plan) if figure is not None else None,
                computed=computed,
                assessment=verdict,
                is_overridden=verdict != computed,
                is_frozen=review is not None and review.is_frozen,
                comment=review.comment if review is not None else "",
                review_updated_at=review.updated_at if review is not None else None,
                lead_unit=item.lead_unit.name,
                supporting_units=supporting[item.id],
            )
        )

    review_groups = []
    totals = dict.fromkeys(ASSESSMENT_ORDER, 0)
    for group in groups:
        lines = by_group.get(group.id, [])
        counts = dict.fromkeys(ASSESSMENT_ORDER, 0)
        for line in lines:
            counts[line.assessment] += 1
            totals[line.assessment] += 1
        review_groups.append(
            ReviewGroup(
                number=group.number,
                roman=roman(group.number),
                code=group.code,
                name=group.name,
                lines=lines,
                counts=counts,
            )
        )
    return Review(
        program=program,
        year=year,
        milestone_years=milestone_years,
        groups=review_groups,
        counts=totals,
        closure=closure,
    )


def review_closure_history(*, program: Program, year: int) -> list:
    """Every closing and reopening of the year, newest first, with who did it and why. 1 query."""
    return list(
        YearClosure.history.filter(program_id=program.id, year=year)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def review_pending_count(*, program: Program, year: int) -> int:
    """Reports of the year still waiting for the office (submitted), which closing would leave out. 1 query."""
    return ProgressReport.objects.filter(
        target__program=program, year=year, status=ProgressReport.Status.SUBMITTED
    ).count()


def review_figures(*, program: Program, year: int):
    """Every approved figure of the year (yearly and quarterly, all units), in the programme's order, as
    tuples (code, name, unit of measure, year, quarter, value, is_estimate, note, unit name, approved at).

    1 query, streamed in chunks so that a city-wide export never holds every report in memory.
    """
    return (
        ProgressReport.objects.filter(target__program=program, year=year, status=ProgressReport.Status.APPROVED)
        .order_by(
            "target__group__number",
            "target__order",
            "target__code",
            F("quarter").asc(nulls_first=True),
            "unit__code",
        )
        .values_list(
            "target__code",
            "target__name",
            "target__unit_of_measure",
            "year",
            "quarter",
            "value",
            "is_estimate",
            "note",
            "unit__name",
            "reviewed_at",
        )
        .iterator(chunk_size=2000)
    )


# --- Dashboards (issue 4) -----------------------------------------------------------------------------------
# Every dashboard page judges a scope of targets (a programme, a group, a unit's, a filtered table) from three
# queries: the targets with their group and lead unit, their milestones, and their approved yearly figures.
# The last two filter on the scope as a subquery, never on a list of ids, so the number of queries and the
# size of each statement stay the same from 41 targets to 4,000 and from 5 reports to 160,000. The rules are
# applied in Python by assessment.py, so that every page, the table and the charts agree.

PROGRESS_LABELS = {
    # "Đã đạt" on the dashboards, where the annual review says "Đạt": the same English word, two meanings.
    assessment.Progress.ACHIEVED: pgettext_lazy("progress status", "Achieved"),
    assessment.Progress.ON_TRACK: _("On track"),
    assessment.Progress.AT_RISK: _("At risk"),
    assessment.Progress.OFF_TRACK: _("Off track"),
    assessment.Progress.NO_DATA: _("No data"),
}
PROGRESS_CHOICES = [(str(status), PROGRESS_LABELS[status]) for status in assessment.PROGRESS_ORDER]
DEADLINE_LABELS = {
    assessment.Deadline.DONE_ON_TIME: _("Done on time"),
    assessment.Deadline.DONE_LATE: _("Done late"),
    assessment.Deadline.OPEN: _("Not done, within the deadline"),
    assessment.Deadline.OVERDUE: _("Not done, overdue"),
}
DUE_SOON_LABEL = _("Due soon")
LATEST_FIGURES_LIMIT = 10
TARGET_HISTORY_LIMIT = 200


@dataclass(frozen=True)
class AsOf:
    """The day the dashboards judge as of: today, or 31 December of a past year of the programme."""

    date: datetime.date
    year: int
    is_past: bool
    years: list[int]  # the years a reader may choose, newest first


def dashboard_as_of(*, program: Program | None, year=None, today: datetime.date | None = None) -> AsOf:
    """Reads the ``?year=`` of a page. A missing, malformed or out-of-range year means today. No query."""
    today = today or timezone.localdate()
    years = []
    if program is not None:
        years = list(range(min(today.year, program.last_year), program.first_year - 1, -1))
    try:
        chosen = int(year)
    except (TypeError, ValueError):
        chosen = None
    if chosen is None or chosen not in years or chosen == today.year:
        return AsOf(date=today, year=today.year, is_past=False, years=years)
    return AsOf(date=datetime.date(chosen, 12, 31), year=chosen, is_past=True, years=years)


@dataclass
class MilestoneState:
    """A milestone of a target, judged as of a day."""

    year: int
    plan: assessment.Plan
    deadline: datetime.date
    bucket: str  # an assessment.Deadline value
    due_soon: bool  # not done and the deadline within TARGETS_DUE_SOON_DAYS

    @property
    def bucket_label(self) -> str:
        return str(DEADLINE_LABELS[assessment.Deadline(self.bucket)])


@dataclass
class TargetRow:
    """One target as the dashboards show it: plain data, judged by assessment.py as of a day."""

    id: int
    code: str
    name: str
    order: int
    unit_of_measure: str
    direction: str
    is_yearly: bool
    group_id: int
    group_code: str
    group_number: int
    group_name: str
    lead_unit_id: int
    lead_unit_code: str
    lead_unit_name: str
    facts: assessment.TargetFacts
    figures: dict[int, Decimal]  # the approved yearly figure of each year up to the day (the lead unit's first)
    estimates: frozenset[int]  # the years whose figure is an estimate
    result: assessment.ProgressResult
    milestones: list[MilestoneState]
    pace: Decimal | None

    @property
    def status(self) -> str:
        return str(self.result.status)

    @property
    def status_label(self) -> str:
        return str(PROGRESS_LABELS[self.result.status])

    @property
    def status_rank(self) -> int:
        return assessment.PROGRESS_ORDER.index(self.result.status)

    @property
    def direction_label(self) -> str:
        return str(Target.Direction(self.direction).label)

    @property
    def latest_year(self) -> int | None:
        return max(self.figures) if self.figures else None

    @property
    def latest_value(self) -> Decimal | None:
        return self.figures[max(self.figures)] if self.figures else None

    @property
    def latest_is_estimate(self) -> bool:
        return self.latest_year in self.estimates

    @property
    def next_milestone(self) -> MilestoneState | None:
        year = self.result.milestone_year
        return next((m for m in self.milestones if m.year == year), None)

    @property
    def sort_key(self) -> tuple:
        return (self.group_number, self.order, self.code)


def _scope_figures(scope: QuerySet, *, up_to: int, lead_unit_of: dict[int, int]):
    """Approved yearly figures of the targets of ``scope`` up to ``up_to``: {target id: {year: (value, estimate)}}.
    1 query."""
    rows = (
        ProgressReport.objects.filter(
            target__in=scope.values("pk"),
            status=ProgressReport.Status.APPROVED,
            quarter__isnull=True,
            year__lte=up_to,
        )
        .order_by("reviewed_at", "id")
        .values_list("target_id", "unit_id", "year", "value", "is_estimate")
    )
    # The same rule as the annual review: the lead unit's figure, else the latest approved of another unit.
    figures: dict[int, dict[int, tuple[Decimal, bool]]] = defaultdict(dict)
    for (target_id, year), pair in _year_figures(rows, lead_unit_of).items():
        figures[target_id][year] = pair
    return figures


def dashboard_rows(*, targets: QuerySet, as_of: AsOf) -> list[TargetRow]:
    """Every target of ``targets`` (an unevaluated queryset: the scope) judged as of ``as_of``, in the
    programme's order. 3 queries: targets with group and lead unit, milestones, approved yearly figures."""
    scope = targets.order_by()
    items = list(targets.select_related("group", "lead_unit").order_by("group__number", "order", "code"))
    milestones: dict[int, list[tuple]] = defaultdict(list)
    for target_id, year, low, high, deadline in (
        Milestone.objects.filter(target__in=scope.values("pk"))
        .order_by("year")
        .values_list("target_id", "year", "min_value", "max_value", "deadline")
    ):
        milestones[target_id].append((year, low, high, deadline))
    figures = _scope_figures(scope, up_to=as_of.year, lead_unit_of={t.id: t.lead_unit_id for t in items})
    today = as_of.date
    rows = []
    for item in items:
        facts = assessment.TargetFacts(
            direction=item.direction,
            is_yearly=item.is_yearly,
            baseline_value=item.baseline_value,
            baseline_year=item.baseline_year,
            milestones={year: (low, high) for year, low, high, _deadline in milestones[item.id]},
        )
        pairs = figures.get(item.id, {})
        values = {year: value for year, (value, _estimate) in pairs.items()}
        states = []
        for year, low, high, deadline in milestones[item.id]:
            bucket = assessment.deadline_status(facts, year, deadline, values, today=today)
            states.append(
                MilestoneState(
                    year=year,
                    plan=assessment.Plan(low, high),
                    deadline=deadline,
                    bucket=str(bucket),
                    due_soon=bucket == assessment.Deadline.OPEN and assessment.is_due_soon(deadline, today=today),
                )
            )
        rows.append(
            TargetRow(
                id=item.id,
                code=item.code,
                name=item.name,
                order=item.order,
                unit_of_measure=item.unit_of_measure,
                direction=item.direction,
                is_yearly=item.is_yearly,
                group_id=item.group_id,
                group_code=item.group.code,
                group_number=item.group.number,
                group_name=item.group.name,
                lead_unit_id=item.lead_unit_id,
                lead_unit_code=item.lead_unit.code,
                lead_unit_name=item.lead_unit.name,
                facts=facts,
                figures=dict(sorted(values.items())),
                estimates=frozenset(year for year, (_value, estimate) in pairs.items() if estimate),
                result=assessment.progress(facts, values, today=today),
                milestones=states,
                pace=assessment.required_pace(facts, values, today=today),
            )
        )
    return rows


def program_targets(*, program: Program) -> QuerySet[Target]:
    """The scope of the overview and the table: the programme's targets (a lazy queryset)."""
    return Target.objects.filter(program=program)


def status_counts(rows: list[TargetRow]) -> list[dict]:
    """Targets per progress status, best first, every status listed: [{key, label, count}]. No query."""
    counts = dict.fromkeys(assessment.PROGRESS_ORDER, 0)
    for row in rows:
        counts[row.result.status] += 1
    return [{"key": str(s), "label": str(PROGRESS_LABELS[s]), "count": n} for s, n in counts.items()]


def group_counts(*, groups: list[DomainGroup], rows: list[TargetRow]) -> list[dict]:
    """Per group, in the programme's order: its code, number, name and targets per status. No query."""
    by_group = {g.id: dict.fromkeys(assessment.PROGRESS_ORDER, 0) for g in groups}
    for row in rows:
        by_group.setdefault(row.group_id, dict.fromkeys(assessment.PROGRESS_ORDER, 0))[row.result.status] += 1
    return [
        {
            "code": g.code,
            "number": g.number,
            "name": g.name,
            "counts": [by_group[g.id][s] for s in assessment.PROGRESS_ORDER],
            "total": sum(by_group[g.id].values()),
        }
        for g in groups
    ]


def unit_counts(rows: list[TargetRow]) -> list[dict]:
    """Per lead unit: its targets per status, the units with most targets behind (at risk or off track)
    first. No query."""
    units: dict[int, dict] = {}
    for row in rows:
        unit = units.setdefault(
            row.lead_unit_id,
            {"code": row.lead_unit_code, "name": row.lead_unit_name, "by": dict.fromkeys(assessment.PROGRESS_ORDER, 0)},
        )
        unit["by"][row.result.status] += 1
    out = []
    for unit in units.values():
        by = unit.pop("by")
        behind = by[assessment.Progress.AT_RISK] + by[assessment.Progress.OFF_TRACK]
        out.append(
            {**unit, "counts": [by[s] for s in assessment.PROGRESS_ORDER], "total": sum(by.values()), "behind": behind}
        )
    return sorted(out, key=lambda u: (-u["behind"], -u["counts"][-1], u["code"]))


def deadline_panel(rows: list[TargetRow]) -> dict[str, list[tuple[TargetRow, MilestoneState]]]:
    """The overdue milestones (oldest deadline first) and those due soon (nearest first). No query."""
    overdue, due_soon = [], []
    for row in rows:
        for milestone in row.milestones:
            if milestone.bucket == assessment.Deadline.OVERDUE:
                overdue.append((row, milestone))
            elif milestone.due_soon:
                due_soon.append((row, milestone))
    overdue.sort(key=lambda pair: (pair[1].deadline, pair[0].sort_key))
    due_soon.sort(key=lambda pair: (pair[1].deadline, pair[0].sort_key))
    return {"overdue": overdue, "due_soon": due_soon}


def latest_figures(*, program: Program, as_of: AsOf, limit: int = LATEST_FIGURES_LIMIT) -> list[ProgressReport]:
    """The most recently approved figures of the programme (of years up to the day), with target and unit.
    1 query."""
    return list(
        ProgressReport.objects.filter(
            target__program=program, status=ProgressReport.Status.APPROVED, year__lte=as_of.year
        )
        .select_related("target", "unit")
        .order_by("-reviewed_at", "-id")[:limit]
    )


def status_chart(counts: list[dict]) -> dict:
    """The doughnut's data for json_script. No query."""
    return {
        "keys": [c["key"] for c in counts],
        "labels": [c["label"] for c in counts],
        "values": [c["count"] for c in counts],
    }


def groups_chart(groups: list[dict]) -> dict:
    """The stacked bars' data for json_script: one series per status. No query."""
    return {
        "labels": [f"{g['number']}. {g['name']}" for g in groups],
        "series": [
            {"key": str(s), "label": str(PROGRESS_LABELS[s]), "values": [g["counts"][i] for g in groups]}
            for i, s in enumerate(assessment.PROGRESS_ORDER)
        ],
    }


def program_groups(*, program: Program) -> list[DomainGroup]:
    """The programme's groups in order. 1 query."""
    return list(program.groups.order_by("number"))


def group_by_code(*, program: Program, code: str) -> DomainGroup | None:
    """The programme's group with ``code``. 1 query."""
    return program.groups.filter(code=code).first()


def trend_years(*, program: Program, rows: list[TargetRow]) -> list[int]:
    """The years a trend shows: the programme's years, from the earliest baseline when earlier. No query."""
    first = min([program.first_year, *(r.facts.baseline_year for r in rows if r.facts.has_baseline)])
    return list(range(first, program.last_year + 1))


def sparklines(*, rows: list[TargetRow], years: list[int]) -> dict:
    """{code: {labels, values}} of each target's approved figures, for the group page. No query."""
    span = [y for y in years if any(y in r.figures for r in rows)] or years
    span = list(range(span[0], span[-1] + 1))
    return {r.code: {"labels": span, "values": [_float(r.figures.get(y)) for y in span]} for r in rows if r.figures}


def _float(value: Decimal | None) -> float | None:
    # JSON has no decimals; charts only draw, the tables beside them show the exact figures.
    return None if value is None else float(value)


def trend_chart(*, row: TargetRow, years: list[int]) -> dict:
    """The target page's line chart: approved figures, the plan (milestones, or every year of a yearly
    target) and the straight line from the baseline through the milestones. No query."""
    facts = row.facts
    plan, line = [], []
    for year in years:
        planned = assessment.plan_for_year(facts, year)
        plan.append(_float(planned.min_value) if planned and not planned.interpolated else None)
        if facts.has_baseline and year == facts.baseline_year:
            line.append(_float(facts.baseline_value))
        else:
            line.append(_float(planned.min_value) if planned else None)
    return {
        "labels": years,
        "unit": row.unit_of_measure,
        "series": [
            {
                "key": "figure",
                "label": str(_("Approved figure")),
                "values": [_float(row.figures.get(y)) for y in years],
            },
            {"key": "plan", "label": str(_("Plan")), "values": plan},
            # A yearly target has no straight line: its plan is the same every year of its phase.
            *(
                []
                if facts.is_yearly
                else [{"key": "line", "label": str(_("Straight-line expectation")), "values": line}]
            ),
        ],
    }


@dataclass
class UnitPanel:
    unit: Unit
    lead: list[TargetRow]
    support: list[TargetRow]
    counts: list[dict]
    missing_year: int | None  # the year whose figure is checked for lateness
    missing: list[Target]  # targets the unit leads with no approved figure for that year
    returned: list[ProgressReport]


def unit_panel(*, unit: Unit, program: Program, as_of: AsOf) -> UnitPanel:
    """The unit's targets of the programme, as lead and as support, judged as of the day; the targets it
    leads with no approved figure for the year before (unless closed); its reports returned for correction.
    5 queries: rows 3, targets without last year's figure 1, returned reports 1."""
    led = Target.objects.filter(program=program, lead_unit=unit)
    supported = Target.objects.filter(program=program, supporting_units=unit)
    rows = dashboard_rows(targets=(led | supported).distinct(), as_of=as_of)
    missing_year = as_of.year - 1 if program.contains_year(as_of.year - 1) else None
    missing = []
    if missing_year is not None:
        missing = list(targets_without_figure(year=missing_year, unit_ids=[unit.id]).filter(program=program))
    returned = list(
        ProgressReport.objects.filter(unit=unit, target__program=program, status=ProgressReport.Status.RETURNED)
        .select_related("target", "reviewer")
        .order_by("-reviewed_at", "-id")
    )
    return UnitPanel(
        unit=unit,
        lead=[r for r in rows if r.lead_unit_id == unit.id],
        support=[r for r in rows if r.lead_unit_id != unit.id],
        counts=status_counts([r for r in rows if r.lead_unit_id == unit.id]),
        missing_year=missing_year,
        missing=missing,
        returned=returned,
    )


# The change history of a target's page: which fields each model shows, in this order.
TARGET_HISTORY_FIELDS = {
    "target": [
        "name",
        "name_en",
        "unit_of_measure",
        "direction",
        "is_yearly",
        "baseline_value",
        "baseline_year",
        "group",
        "lead_unit",
        "order",
        "source_note",
    ],
    "milestone": ["year", "min_value", "max_value", "deadline"],
    "report": ["status", "unit", "year", "quarter", "value", "is_estimate", "note", "evidence_url", "review_comment"],
}


@dataclass
class TargetHistoryEntry:
    when: datetime.datetime
    who: object  # a user, or None for a command or the shell
    kind: str  # target, milestone, report
    subject: str  # what changed: the target's code, "Milestone 2025", "Report 2024 · PVHTT"
    action: str  # simple_history's +, ~, -, or the service's step name
    changes: list[HistoryChange]

    @property
    def action_label(self) -> str:
        return str(HISTORY_ACTIONS.get(self.action, self.action))


def _history_display(model, name: str, value, names: dict):
    if value is None or value == "":
        return None
    if name in ("unit", "lead_unit"):
        return names["unit"].get(value, value)
    if name == "group":
        return names["group"].get(value, value)
    field_ = model._meta.get_field(name)
    if field_.choices:
        return dict(field_.flatchoices).get(value, value)
    return value


def _history_entries(records, *, model, kind: str, subject, names: dict) -> list[TargetHistoryEntry]:
    """Before and after of each field, against the previous record of the same object (records ordered)."""
    fields = TARGET_HISTORY_FIELDS[kind]
    attnames = {name: model._meta.get_field(name).attname for name in fields}
    labels = {name: model._meta.get_field(name).verbose_name for name in fields}
    previous: dict[int, object] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        for name in fields:
            old = getattr(before, attnames[name]) if before is not None else None
            new = getattr(record, attnames[name])
            if record.history_type == "-":
                new, old = None, new
            if old in ("", None) and new in ("", None):
                continue
            if old != new:
                changes.append(
                    HistoryChange(
                        name,
                        labels[name],
                        _history_display(model, name, old, names),
                        _history_display(model, name, new, names),
                    )
                )
        previous[record.id] = record
        if record.history_type == "~" and not changes:
            continue  # a save that changed nothing shown here (a derived field, a relation): not news
        entries.append(
            TargetHistoryEntry(
                when=record.history_date,
                who=record.history_user,
                kind=kind,
                subject=subject(record),
                action=record.history_change_reason or record.history_type,
                changes=changes,
            )
        )
    return entries


def _report_subject(record, names: dict) -> str:
    if record.quarter:
        period = str(_("Q%(quarter)s/%(year)s")) % {"quarter": record.quarter, "year": record.year}
    else:
        period = str(record.year)
    return str(_("Report %(period)s · %(unit)s")) % {"period": period, "unit": names["unit"].get(record.unit_id, "")}


def target_history(*, target: Target, user, limit: int = TARGET_HISTORY_LIMIT) -> list[TargetHistoryEntry]:
    """Every recorded change of the target, its milestones and its reports, newest first (at most ``limit``),
    with who, when, and each field's before and after. Of the reports, only the records ``user`` may see
    (``permissions.report_visibility``: for others' reports, the approvals and later), each compared with
    the previous record the user may see, so that no before-value shows what was hidden. 5 queries: the
    three histories with their users, unit names, group names; + the user's units for staff."""
    order = ("history_date", "history_id")
    names = {
        "unit": dict(Unit.objects.values_list("id", "code")),
        "group": dict(DomainGroup.objects.filter(program_id=target.program_id).values_list("id", "code")),
    }
    entries = _history_entries(
        Target.history.filter(id=target.id).select_related("history_user").order_by(*order),
        model=Target,
        kind="target",
        subject=lambda r: r.code,
        names=names,
    )
    entries += _history_entries(
        Milestone.history.filter(target_id=target.id).select_related("history_user").order_by(*order),
        model=Milestone,
        kind="milestone",
        subject=lambda r: str(_("Milestone %(year)s")) % {"year": r.year},
        names=names,
    )
    entries += _history_entries(
        ProgressReport.history.filter(permissions.report_visibility(user).q(), target_id=target.id)
        .select_related("history_user")
        .order_by(*order),
        model=ProgressReport,
        kind="report",
        subject=lambda r: _report_subject(r, names),
        names=names,
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


@dataclass
class TargetPage:
    """Everything the target page shows besides the target itself."""

    row: TargetRow
    supporting_units: list[Unit]
    years: list[int]
    plans: list[dict]  # per year: year, plan, figure, assessment, percent
    reports: list[ProgressReport]
    reviews: list[AnnualReview]
    history: list[TargetHistoryEntry]
    chart: dict


def target_by_code(*, user, code: str) -> Target | None:
    """The target with ``code`` among those ``user`` may see, of the newest active programme when several
    have it; with its programme, group and lead unit. 1 query."""
    return (
        permissions.targets_visible_to(user)
        .filter(code=code)
        .select_related("program", "group", "lead_unit")
        .order_by("-program__issued_on", "-program_id")
        .first()
    )


def target_page(*, target: Target, user, as_of: AsOf) -> TargetPage:
    """The target page. 11 queries: the row 3 (target, milestones, figures), supporting units, the reports
    ``user`` may see, annual reviews, history 5 (three histories, unit and group codes); for staff, + their
    units (the permission check, cached for the request)."""
    row = dashboard_rows(targets=Target.objects.filter(pk=target.pk), as_of=as_of)[0]
    years = trend_years(program=target.program, rows=[row])
    plans = []
    for year in range(target.program.first_year, target.program.last_year + 1):
        figure = row.figures.get(year)
        verdict, plan = assessment.assess_year(row.facts, year, figure)
        plans.append(
            {
                "year": year,
                "plan": plan,
                "figure": figure,
                "is_estimate": year in row.estimates,
                "assessment": str(verdict),
                "assessment_label": str(AnnualReview.Assessment(str(verdict)).label),
                "percent": assessment.percent_of_plan(row.facts, figure, plan),
                "is_future": year > as_of.year,
            }
        )
    reports = list(
        permissions.reports_visible_to(user)
        .filter(target=target)
        .select_related("unit")
        .order_by("-year", F("quarter").desc(nulls_first=True), "unit__code", "-created_at")
    )
    return TargetPage(
        row=row,
        supporting_units=list(target.supporting_units.order_by("code")),
        years=years,
        plans=plans,
        reports=reports,
        reviews=list(target.reviews.order_by("year")),
        history=target_history(target=target, user=user),
        chart=trend_chart(row=row, years=years),
    )
