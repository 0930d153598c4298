"""Dashboards: every page judges a scope of targets from three queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.paginator import Page
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import get_language

from .. import assessment, permissions
from ..models import (
    AnnualReview,
    DomainGroup,
    Milestone,
    Program,
    ProgressReport,
    Target,
    Unit,
)
from .charts import trend_chart
from .history import TargetHistoryEntry, target_history_page
from .labels import DEADLINE_LABELS, DUE_SOON_LABEL, PROGRESS_CHOICES, PROGRESS_LABELS  # noqa: F401
from .reporting import targets_without_figure
from .scopes import of_program

User = get_user_model()


# --- Dashboards ---------------------------------------------------------------------------------------------
# Every dashboard page judges a scope of targets (a programme, a group, a unit's, a filtered table) from four
# queries: the targets with their group and lead unit, their milestones, their approved yearly figures and the
# review rows that stand (frozen or overridden), so that a year's figure and verdict are the review's.
# The last three filter on the scope as a subquery, never on a list of ids, so the number of queries and the
# size of each statement stay the same from 41 targets to 4,000 and from 5 reports to 160,000. The rules are
# applied in Python by assessment.py, so that every page, the table and the charts agree.

LATEST_FIGURES_LIMIT = 10


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
    figures: dict[int, Decimal]  # the figure of each year up to the day that counts (assessment.standing_figures)
    estimates: frozenset[int]  # the years whose figure is an estimate
    reviews: dict[int, assessment.ReviewFacts]  # the review rows that stand (frozen or overridden), by year
    result: assessment.ProgressResult
    milestones: list[MilestoneState]
    pace: Decimal | None
    program_id: int = 0

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

    def verdict(self, year: int) -> assessment.Verdict:
        """The verdict of ``year`` that stands, as the annual review gives it. No query."""
        return assessment.standing_verdict(self.facts, year, self.figures.get(year), self.reviews.get(year))

    @property
    def latest_verdict(self) -> assessment.Verdict | None:
        """The verdict of the latest figure's year, or None without a figure."""
        return None if self.latest_year is None else self.verdict(self.latest_year)

    @property
    def latest_assessment_label(self) -> str:
        verdict = self.latest_verdict
        return "" if verdict is None else str(AnnualReview.Assessment(str(verdict.assessment)).label)

    @property
    def next_milestone(self) -> MilestoneState | None:
        year = self.result.milestone_year
        return next((m for m in self.milestones if m.year == year), None)

    @property
    def sort_key(self) -> tuple:
        return (self.group_number, self.order, self.code)


def _scope_figures(
    scope: QuerySet, *, up_to: int, lead_unit_of: dict[int, int], approved_by=None, unfrozen_only: bool = False
):
    """Approved yearly figures of the targets of ``scope`` up to ``up_to``: {target id: {year: (value, estimate)}}.
    With ``approved_by`` (a datetime), the figures that stood then: those approved by that time, including
    those a later correction superseded, a later approval of the period taking over. With ``unfrozen_only``,
    the years a frozen review row holds are left out (its figure is the one that counts there). 1 query."""
    if approved_by is None:
        standing = Q(status=ProgressReport.Status.APPROVED)
    else:
        statuses = [ProgressReport.Status.APPROVED, ProgressReport.Status.SUPERSEDED]
        standing = Q(status__in=statuses, reviewed_at__lte=approved_by)
    rows = (
        ProgressReport.objects.filter(
            standing,
            target__in=scope.values("pk"),
            quarter__isnull=True,
            year__lte=up_to,
        )
        .filter(
            ~Exists(AnnualReview.objects.filter(target=OuterRef("target"), year=OuterRef("year"), is_frozen=True))
            if unfrozen_only
            else Q()
        )
        .order_by("reviewed_at", "id")
        .values_list("target_id", "unit_id", "year", "value", "is_estimate")
    )
    # The same rule as the annual review: the lead unit's figure, else the latest approved of another unit.
    figures: dict[int, dict[int, tuple[Decimal, bool]]] = defaultdict(dict)
    for (target_id, year), pair in assessment.year_figures(rows, lead_unit_of).items():
        figures[target_id][year] = pair
    return figures


def _scope_reviews(scope: QuerySet, *, up_to: int, approved_by=None) -> dict[int, dict[int, assessment.ReviewFacts]]:
    """The review rows of the targets of ``scope`` up to ``up_to`` that stand (frozen or overridden), as they
    were at ``approved_by`` when given (rows changed since are left out): {target id: {year: ReviewFacts}}.
    1 query."""
    reviews: dict[int, dict[int, assessment.ReviewFacts]] = defaultdict(dict)
    rows = AnnualReview.objects.filter(target__in=scope.values("pk"), year__lte=up_to)
    if approved_by is not None:
        rows = rows.filter(updated_at__lte=approved_by)
    for target_id, year, figure, verdict, computed, is_overridden, is_frozen in rows.filter(
        Q(is_frozen=True) | Q(is_overridden=True)
    ).values_list("target_id", "year", "figure", "assessment", "computed_assessment", "is_overridden", "is_frozen"):
        reviews[target_id][year] = assessment.ReviewFacts(figure, verdict, computed, is_overridden, is_frozen)
    return reviews


# What a dashboard row reads of its target, its group and its lead unit (and ``assessment.facts_for``).
_ROW_FIELDS = (
    "id",
    "program_id",
    "code",
    "name",
    "name_en",
    "order",
    "unit_of_measure",
    "unit_of_measure_en",
    "direction",
    "is_yearly",
    "is_period_average",
    "baseline_value",
    "baseline_year",
    "group_id",
    "group__code",
    "group__number",
    "group__name",
    "group__name_en",
    "lead_unit_id",
    "lead_unit__code",
    "lead_unit__name",
    "lead_unit__name_en",
)


def _judged(facts, milestones: list[tuple], pairs: dict, stored: dict, today) -> dict:
    """The judged part of a ``TargetRow`` (assessment.py's rules): the figures that stand, the estimates, the
    milestones' deadline states, the progress and the pace needed, from the target's ``facts``, its
    ``milestones`` (year, min, max, deadline), its approved yearly figures ``pairs`` ({year: (value,
    estimate)}) and the review rows that stand (``stored``). No query."""
    values = assessment.standing_figures({year: value for year, (value, _estimate) in pairs.items()}, stored)
    states = []
    for year, low, high, deadline in milestones:
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
    return {
        "facts": facts,
        "figures": dict(sorted(values.items())),
        "estimates": frozenset(year for year, (_value, estimate) in pairs.items() if estimate and year in values),
        "reviews": stored,
        "result": assessment.progress(facts, values, today=today),
        "milestones": states,
        "pace": assessment.required_pace(facts, values, today=today),
    }


def dashboard_rows(*, targets: QuerySet, as_of: AsOf, approved_by=None) -> list[TargetRow]:
    """Every target of ``targets`` (an unevaluated queryset: the scope) judged as of ``as_of``, in the
    programme's order. 4 queries: targets with group and lead unit, milestones, approved yearly figures, the
    review rows that stand. A year's figure is the one that counts (a closed year's frozen one). With
    ``approved_by`` (a datetime), only what had been approved by then counts: the picture a meeting saw."""
    scope = targets.order_by()
    # Plain values, not model instances: at a city's scale (10,000 targets) building three models a target
    # and asking the language for every name was a third of the roll-up's time.
    items = [
        SimpleNamespace(**values) for values in targets.order_by("group__number", "order", "code").values(*_ROW_FIELDS)
    ]
    milestones: dict[int, list[tuple]] = defaultdict(list)
    for target_id, year, low, high, deadline in (
        Milestone.objects.filter(target__in=scope.values("pk"))
        .order_by("year")
        .values_list("target_id", "year", "min_value", "max_value", "deadline")
    ):
        milestones[target_id].append((year, low, high, deadline))
    lead_unit_of = {t.id: t.lead_unit_id for t in items}
    figures = _scope_figures(scope, up_to=as_of.year, lead_unit_of=lead_unit_of, approved_by=approved_by)
    reviews = _scope_reviews(scope, up_to=as_of.year, approved_by=approved_by)
    today = as_of.date
    english = (get_language() or "").startswith("en")

    def name(vietnamese: str, english_name: str) -> str:  # text.localised, with the language read once
        return english_name if english and english_name else vietnamese

    rows = []
    for item in items:
        facts = assessment.facts_for(item, {year: (low, high) for year, low, high, _deadline in milestones[item.id]})
        rows.append(
            TargetRow(
                id=item.id,
                code=item.code,
                name=name(item.name, item.name_en),
                order=item.order,
                unit_of_measure=name(item.unit_of_measure, item.unit_of_measure_en),
                direction=item.direction,
                is_yearly=item.is_yearly,
                group_id=item.group_id,
                group_code=item.group__code,
                group_number=item.group__number,
                group_name=name(item.group__name, item.group__name_en),
                lead_unit_id=item.lead_unit_id,
                lead_unit_code=item.lead_unit__code,
                lead_unit_name=name(item.lead_unit__name, item.lead_unit__name_en),
                **_judged(facts, milestones[item.id], figures.get(item.id, {}), reviews.get(item.id, {}), today),
                program_id=item.program_id,
            )
        )
    return rows


# How long a programme's judged rows are kept (``program_rows``) once nobody reads them.
ROWS_CACHE_SECONDS = 24 * 60 * 60


def _rows_key(program: Program, as_of: AsOf) -> str:
    """The one entry of a programme's rows as of ``as_of`` in the current language (the rows carry localised
    names). The entry holds the data version it was judged at; one entry a programme, day and language, so
    that a programme that changes all day long does not fill the cache with the rows of its old versions."""
    return f"targets:rows:2:{program.pk}:{as_of.date.isoformat()}:{as_of.year}:{get_language()}"


def kept_program_rows(*, program: Program, as_of: AsOf) -> list[TargetRow] | None:
    """The rows ``program_rows`` keeps, when they are kept for the programme's current version; else None
    (nothing is judged or kept). 1 cache read."""
    kept = cache.get(_rows_key(program, as_of))
    return kept[1] if kept is not None and kept[0] == program.data_version else None


def program_rows(*, program: Program, as_of: AsOf) -> list[TargetRow]:
    """``dashboard_rows`` of every target of ``program`` as of ``as_of``, the same for every user: kept in the
    cache (``_rows_key``) with the programme's data version, and read back while the version is still the
    programme's, so that the overview, a unit's page and the briefing of one programme judge its targets
    once a version and a day, not once a page view. The version is the one the request read with the
    programme (the page's ETag carries the same): any change committed since moves it
    (``program_version_bump``), and the next page judges afresh. 1 cache read; when missing or of another
    version, the rows' 4 queries and 1 cache write."""
    rows = kept_program_rows(program=program, as_of=as_of)
    if rows is None:
        rows = dashboard_rows(targets=program_targets(program=program), as_of=as_of)
        cache.set(_rows_key(program, as_of), (program.data_version, rows), ROWS_CACHE_SECONDS)
    return rows


@dataclass
class ScopeCounts:
    """A scope's targets counted as its overview counts them: by progress status and, for their
    milestones, by deadline status (the ``bucket`` of ``MilestoneState``)."""

    total: int = 0
    by_status: dict = field(default_factory=dict)
    by_deadline: dict = field(default_factory=dict)


def scope_counts_by_program(*, targets: QuerySet, as_of: AsOf) -> dict[int, ScopeCounts]:
    """The targets of ``targets`` counted per programme as ``dashboard_rows`` judges them as of ``as_of``
    ({program id: ScopeCounts}), with only what the counts need: the targets' facts as plain values, their
    milestones, their approved yearly figures and the frozen review rows (the figures that count), and the
    same ``assessment`` rules as every page. For a city's roll-up, which counts every ward's targets at once.
    4 queries whatever the number of programmes and targets."""
    scope = targets.order_by()
    items = list(
        scope.values_list(
            "id",
            "program_id",
            "lead_unit_id",
            "direction",
            "is_yearly",
            "is_period_average",
            "baseline_value",
            "baseline_year",
            named=True,
        )
    )
    milestones: dict[int, list[tuple]] = defaultdict(list)
    for target_id, year, low, high, deadline in (
        Milestone.objects.filter(target__in=scope.values("pk"))
        .order_by("year")
        .values_list("target_id", "year", "min_value", "max_value", "deadline")
    ):
        milestones[target_id].append((year, low, high, deadline))
    figures = _scope_figures(
        scope, up_to=as_of.year, lead_unit_of={t.id: t.lead_unit_id for t in items}, unfrozen_only=True
    )
    frozen: dict[int, dict[int, assessment.ReviewFacts]] = defaultdict(dict)
    for target_id, year, figure in AnnualReview.objects.filter(
        target__in=scope.values("pk"), year__lte=as_of.year, is_frozen=True
    ).values_list("target_id", "year", "figure"):
        frozen[target_id][year] = assessment.ReviewFacts(figure, "", is_frozen=True)
    today = as_of.date
    counts: dict[int, ScopeCounts] = {}
    for item in items:
        line = counts.get(item.program_id)
        if line is None:
            line = counts[item.program_id] = ScopeCounts()
        facts = assessment.facts_for(item, {year: (low, high) for year, low, high, _deadline in milestones[item.id]})
        pairs = figures.get(item.id, {})
        values = assessment.standing_figures({year: value for year, (value, _e) in pairs.items()}, frozen[item.id])
        status = str(assessment.progress(facts, values, today=today).status)
        line.total += 1
        line.by_status[status] = line.by_status.get(status, 0) + 1
        for year, _low, _high, deadline in milestones[item.id]:
            bucket = str(assessment.deadline_status(facts, year, deadline, values, today=today))
            line.by_deadline[bucket] = line.by_deadline.get(bucket, 0) + 1
    return counts


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
            "name": g.display_name,
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
    """The most recently approved figures of the programme (of years up to the day), with target and unit
    (the fields the overview shows). 1 query."""
    order = ("-reviewed_at", "-id")
    # The latest ids in a subquery, then their rows with target and unit: sorting every approved report
    # joined with its target's and unit's whole rows took twice as long as sorting the narrow rows.
    latest = (
        ProgressReport.objects.filter(
            **of_program(program), status=ProgressReport.Status.APPROVED, year__lte=as_of.year
        )
        .order_by(*order)
        .values("pk")[:limit]
    )
    # What the overview's rows show (dashboard_tags.latest_figure_rows), and the status.
    shown = ("year", "quarter", "value", "is_estimate", "status", "reviewed_at")
    names = ("target__code", "target__name", "target__name_en", "unit__code", "unit__name", "unit__name_en")
    reports = ProgressReport.objects.filter(pk__in=latest).select_related("target", "unit").only(*shown, *names)
    return list(reports.order_by(*order))


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
    The rows are those the programme's kept rows hold for the targets the unit leads or supports
    (``kept_program_rows``: 1 query, the targets it supports), or when none are kept for the programme's
    version, its own targets judged alone (``dashboard_rows``: 4 queries), not the whole programme's.
    3 or 6 queries: the rows 1 or 4, targets without last year's figure 1, returned reports 1."""
    kept = kept_program_rows(program=program, as_of=as_of)
    supported = Target.supporting_units.through.objects.filter(unit=unit)
    if kept is not None:
        ids = set(supported.filter(target__program=program).values_list("target_id", flat=True))
        rows = [row for row in kept if row.lead_unit_id == unit.id or row.id in ids]
    else:
        # Led or supported, without a join and DISTINCT that each of the rows' subqueries would repeat.
        rows = dashboard_rows(
            targets=Target.objects.filter(Q(lead_unit=unit) | Q(pk__in=supported.values("target_id")), program=program),
            as_of=as_of,
        )
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


@dataclass
class TargetPage:
    """Everything the target page shows besides the target itself."""

    row: TargetRow
    supporting_units: list[Unit]
    years: list[int]
    plans: list[dict]  # per year: year, plan, figure, assessment (the verdict that stands) and its source, percent
    reports: list[ProgressReport]
    reviews: list[AnnualReview]
    history: list[TargetHistoryEntry]  # the entries of the history's page shown
    history_page: Page  # that page, for the links to the newer and older entries
    chart: dict


def target_by_code(*, program: Program, code: str) -> Target | None:
    """The programme's target with ``code``, with its group and lead unit, and ``program`` (already read,
    with its organisation) as its programme. 1 query."""
    target = Target.objects.filter(program=program, code=code).select_related("group", "lead_unit").first()
    if target is not None:
        target.program = program
    return target


def _target_row(
    *, target: Target, as_of: AsOf, reports: list[ProgressReport], reviews: list[AnnualReview]
) -> TargetRow:
    """``dashboard_rows``' row of one target, from what the target page has already read: the target (with
    its group and lead unit), all its reports and all its review rows. The same rules (assessment.py) on
    the same data: the approved yearly figures up to the year in the order of their approval (as
    ``_scope_figures`` reads them), the review rows that stand (as ``_scope_reviews``). 1 query: the
    milestones."""
    milestones = list(
        Milestone.objects.filter(target_id=target.pk)
        .order_by("year")
        .values_list("year", "min_value", "max_value", "deadline")
    )
    approved = sorted(
        (
            r
            for r in reports
            if r.status == ProgressReport.Status.APPROVED and r.quarter is None and r.year <= as_of.year
        ),
        # As PostgreSQL orders them: by approval time, a report without one last, then by id.
        key=lambda r: (r.reviewed_at is None, r.reviewed_at or 0, r.id),
    )
    counted = assessment.year_figures(
        [(r.target_id, r.unit_id, r.year, r.value, r.is_estimate) for r in approved], {target.pk: target.lead_unit_id}
    )
    pairs = {year: pair for (_target_id, year), pair in counted.items()}
    stored = {
        review.year: facts
        for review in reviews
        if review.year <= as_of.year and (facts := assessment.ReviewFacts.from_review(review)).stands
    }
    facts = assessment.facts_for(target, {year: (low, high) for year, low, high, _deadline in milestones})
    return TargetRow(
        id=target.pk,
        code=target.code,
        name=target.display_name,
        order=target.order,
        unit_of_measure=target.display_unit_of_measure,
        direction=target.direction,
        is_yearly=target.is_yearly,
        group_id=target.group_id,
        group_code=target.group.code,
        group_number=target.group.number,
        group_name=target.group.display_name,
        lead_unit_id=target.lead_unit_id,
        lead_unit_code=target.lead_unit.code,
        lead_unit_name=target.lead_unit.display_name,
        **_judged(facts, milestones, pairs, stored, as_of.date),
        program_id=target.program_id,
    )


def target_page(*, target: Target, user, as_of: AsOf, history_page=None) -> TargetPage:
    """The target page of ``target`` (as ``target_by_code`` reads it), with page ``history_page`` of its
    history (``?history_page=``; the newest by default). 9 queries: its reports (the list shows those ``user``
    may see, the row counts the approved figures), its annual reviews (the table, and the rows that stand for
    the row), its milestones, supporting units, history 5 (three histories, unit and group codes), whatever
    the history's length; for staff, + their units (the permission check, cached for the request)."""
    all_reports = list(
        ProgressReport.objects.filter(target_id=target.pk)
        .select_related("unit")
        .order_by("-year", F("quarter").desc(nulls_first=True), "unit__code", "-created_at")
    )
    reviews = list(AnnualReview.objects.filter(target_id=target.pk).order_by("year"))
    row = _target_row(target=target, as_of=as_of, reports=all_reports, reviews=reviews)
    years = trend_years(program=target.program, rows=[row])
    plans = []
    for year in range(target.program.first_year, target.program.last_year + 1):
        # The verdict that stands, as the annual review gives it: frozen, the office's override, or computed.
        verdict = row.verdict(year)
        plans.append(
            {
                "year": year,
                "plan": verdict.plan,
                "figure": verdict.figure,
                "is_estimate": year in row.estimates,
                "assessment": str(verdict.assessment),
                "assessment_label": str(AnnualReview.Assessment(str(verdict.assessment)).label),
                "source": str(verdict.source),
                "is_overridden": verdict.is_overridden,
                "computed_label": str(AnnualReview.Assessment(str(verdict.computed)).label),
                "percent": assessment.percent_of_plan(row.facts, verdict.figure, verdict.plan),
                "is_future": year > as_of.year,
            }
        )
    # The reports ``user`` may see: the same rule as ``permissions.reports_visible_to``, on the rows read.
    visibility = permissions.report_visibility(user)
    organisation_id = target.program.organisation_id
    reports = [
        r for r in all_reports if visibility.allows(unit_id=r.unit_id, status=r.status, organisation_id=organisation_id)
    ]
    history = target_history_page(target=target, user=user, number=history_page)
    return TargetPage(
        row=row,
        supporting_units=list(target.supporting_units.order_by("code")),
        years=years,
        plans=plans,
        reports=reports,
        reviews=reviews,
        history=list(history.object_list),
        history_page=history,
        chart=trend_chart(row=row, years=years),
    )
