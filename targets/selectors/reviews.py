"""The annual review and the figures of the Excel exports, one programme-year at a time."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Exists,
    F,
    OuterRef,
)

from .. import assessment
from ..models import (
    AnnualReview,
    Milestone,
    Program,
    ProgressReport,
    Target,
    YearClosure,
)
from .scopes import of_program

User = get_user_model()


# --- The annual review and the Excel exports --------------------------------------------------------------
# One programme-year at a time. Every query filters on the programme (through a subquery of its targets'
# ids, ``scopes.of_program``, which SQLite plans from the programme; never on a list of ids), so the number
# of queries and the size of each statement stay the same from 41 targets to 4,000.

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
    unapproved: bool = False  # the figure is a unit's submitted estimate, not yet approved (``with_estimates``)
    supporting_unit_ids: list[int] = field(default_factory=list)  # beside ``supporting_units``, in its order

    @property
    def change(self) -> Decimal | None:
        """This year's figure against last year's, in the target's unit (+2.5, -1): empty without both."""
        if self.figure is None or self.previous is None:
            return None
        return self.figure - self.previous

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
    def met(self) -> int:
        """The targets achieved or exceeded ("đạt và vượt x/N"), from the review's counts."""
        return assessment.meets_plan_count(self.counts)

    @property
    def is_closed(self) -> bool:
        return self.closure is not None and self.closure.is_closed

    @property
    def lines(self) -> list[ReviewLine]:
        return [line for group in self.groups for line in group.lines]

    def count_rows(self) -> list[tuple[str, str, int]]:
        """(value, label, count) for every assessment, in the order of the review's totals."""
        return [(value, str(AnnualReview.Assessment(value).label), self.counts[value]) for value in ASSESSMENT_ORDER]


def review_year(*, program: Program, year: int, target: Target | None = None, with_estimates: bool = False) -> Review:
    """Every target of ``program`` with the year's plan, last year's and this year's approved figures, the
    percentage of the plan and the verdict that stands (``assessment.standing_verdict``: frozen, the office's
    override, or computed), grouped; the totals by assessment and by group; the year's closure.

    A closed year shows what was frozen when it was closed (figure and assessment of each review row).
    With ``target``, only that target's line (for the services that store one review). With
    ``with_estimates`` and the year open (the December meeting), a target without an approved figure shows
    the whole-year figure its units submitted (the lead unit's first), judged by the same rules and marked
    ``unapproved``: 1 query more.
    7 queries: groups, targets with lead units, milestones, supporting units, approved yearly figures of the
    year and the year before, the stored reviews of both years, the closure.
    """
    # Every related query filters on the programme, or on the one target when there is one.
    scope = {"target": target} if target is not None else of_program(program)
    groups = list(program.groups.order_by("number"))
    targets = program.targets.select_related("lead_unit").order_by("group__number", "order", "code")
    targets = list(targets.filter(pk=target.pk) if target is not None else targets)
    milestones: dict[int, dict[int, tuple[Decimal, Decimal | None]]] = defaultdict(dict)
    for target_id, m_year, min_value, max_value in Milestone.objects.filter(**scope).values_list(
        "target_id", "year", "min_value", "max_value"
    ):
        milestones[target_id][m_year] = (min_value, max_value)
    supporting: dict[int, list[str]] = defaultdict(list)
    supporting_ids: dict[int, list[int]] = defaultdict(list)
    for target_id, unit_id, unit_name in (
        Target.supporting_units.through.objects.filter(**scope)
        .order_by("unit__code")
        .values_list("target_id", "unit_id", "unit__name")
    ):
        supporting[target_id].append(unit_name)
        supporting_ids[target_id].append(unit_id)
    lead_unit_of = {t.id: t.lead_unit_id for t in targets}
    figures = assessment.year_figures(
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
    submitted = {}
    if with_estimates and not (closure is not None and closure.is_closed):
        submitted = assessment.year_figures(
            ProgressReport.objects.filter(
                **scope, status=ProgressReport.Status.SUBMITTED, quarter__isnull=True, year=year
            )
            .order_by("submitted_at", "id")
            .values_list("target_id", "unit_id", "year", "value", "is_estimate"),
            lead_unit_of,
        )

    milestone_years = sorted(program.milestone_years)
    by_group: dict[int, list[ReviewLine]] = defaultdict(list)
    for number, item in enumerate(targets, start=1):
        facts = assessment.facts_for(item, milestones[item.id])
        review = stored.get((item.id, year))
        last_review = stored.get((item.id, year - 1))
        figure, is_estimate = figures.get((item.id, year), (None, False))
        unapproved = figure is None and (item.id, year) in submitted
        if unapproved:
            figure, is_estimate = submitted[(item.id, year)]
        previous = assessment.standing_figure(figures.get((item.id, year - 1), (None, False))[0], last_review)
        verdict = assessment.standing_verdict(facts, year, figure, review)
        figure, plan = verdict.figure, verdict.plan
        by_group[item.group_id].append(
            ReviewLine(
                number=number,
                target_id=item.id,
                code=item.code,
                name=item.display_name,
                unit_of_measure=item.display_unit_of_measure,
                direction=item.direction,
                milestones=[milestones[item.id].get(y) for y in milestone_years],
                plan=plan,
                previous=previous,
                figure=figure,
                is_estimate=is_estimate,
                percent=assessment.percent_of_plan(facts, figure, plan) if figure is not None else None,
                computed=str(verdict.computed),
                assessment=str(verdict.assessment),
                is_overridden=verdict.is_overridden,
                is_frozen=verdict.is_frozen,
                comment=review.comment if review is not None else "",
                review_updated_at=review.updated_at if review is not None else None,
                lead_unit=item.lead_unit.display_name,
                supporting_units=supporting[item.id],
                unapproved=unapproved,
                supporting_unit_ids=supporting_ids[item.id],
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
                name=group.display_name,
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
        **of_program(program), year=year, status=ProgressReport.Status.SUBMITTED
    ).count()


@dataclass
class YearCloseChecklist:
    """What the office checks before closing a year: reports still waiting for approval (closing leaves
    them out), targets without an approved yearly figure (they close as "no data"), and whether the year
    has ended at all (``assessment.year_has_ended``: a year that has not is not closed)."""

    year: int
    has_ended: bool
    pending: int
    without_figure: list[Target]


def year_close_checklist(*, program: Program, year: int, today: datetime.date) -> YearCloseChecklist:
    """The closing's checklist for ``year`` of ``program``. 2 queries: the reports waiting, the targets
    (with lead units) that no unit has an approved whole-year figure of ``year`` for."""
    approved = ProgressReport.objects.filter(
        target=OuterRef("pk"), year=year, quarter__isnull=True, status=ProgressReport.Status.APPROVED
    )
    without = (
        program.targets.filter(~Exists(approved)).select_related("lead_unit").order_by("group__number", "order", "code")
    )
    return YearCloseChecklist(
        year=year,
        has_ended=assessment.year_has_ended(year, today),
        pending=review_pending_count(program=program, year=year),
        without_figure=list(without),
    )


def review_figures(*, program: Program, year: int):
    """Every approved figure of the year (yearly and quarterly, all units), in the programme's order, as
    tuples (code, name, unit of measure, year, quarter, value, is_estimate, note, unit name, approved at).

    1 query, streamed in chunks so that a city-wide export never holds every report in memory.
    """
    return (
        ProgressReport.objects.filter(**of_program(program), year=year, status=ProgressReport.Status.APPROVED)
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
