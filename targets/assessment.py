"""The judging rules: pure functions of numbers and dates (no database, no request, no translation).

Pages, the annual review and the exports all judge targets through this module, so that the same
figure gets the same words everywhere. Everything is ``Decimal`` in and ``Decimal`` out; thresholds
come from the caller or, when the caller passes none, from settings at call time
(``TARGETS_ON_TRACK_RATIO``, ``TARGETS_AT_RISK_RATIO``, ``TARGETS_DUE_SOON_DAYS``).

The rules, as the spec states them and as this module reads them where the spec is silent:

* **Plan of a year.** A yearly target has its phase's milestone every year (2021–2025 takes 2025,
  2026–2030 takes 2030); so has an average rate over the period (bình quân giai đoạn: growth of 7,5 %
  a year on average over 2021–2025 asks 7,5 % of every year, and a line drawn from a baseline to it
  would mean nothing). A milestone year has its milestone. Any other year lies on the straight line
  from the latest known point before it (the baseline, or the previous milestone when that is later)
  to the next milestone, and the plan says it is ``interpolated``. Without such a point, or after the
  last milestone, there is no plan.
* **Assessment of a year** (the words of the annual review): ``increase`` exceeds above the top of the
  plan, achieves within it, fails below its minimum; ``decrease`` is the mirror image, the plan being
  a ceiling; ``keep`` achieves when the level is held (≥ 100 for 100 %, ≤ 0 for 0) and never exceeds.
  No figure, or no plan to judge it against, is "no data".
* **The figure of a year** is the lead unit's approved yearly figure; without one, the most recently
  approved figure of a supporting unit. A closed year's frozen review row replaces it (even with none).
* **The verdict that stands** for a year: a closed year's frozen review row (figure and assessment as
  closed, an override frozen with it included); else the office's override; else the computed assessment.
  Every page and file shows this one (``standing_verdict``), and the dashboards judge progress from the
  same figures (``standing_figures``).
* **Keep targets** hold a level from one side: from below for a level such as 100 %, from above for
  0 (no poor households) or for a level that the baseline lies above.
* **Progress status** (as of a day) for the latest approved yearly figure of this or last year: achieved
  when it meets the next milestone (the first milestone of this year or later); otherwise the progress
  made from the baseline is compared with the progress the plan of the figure's year expects from the
  baseline (≥ on-track ratio: on track; ≥ at-risk ratio: at risk; below, or backwards: off track).
  A yearly target or a period average, a target without a baseline, or one whose baseline already meets the plan of the
  figure's year, is compared with that plan directly (figure / plan, or plan / figure when lower is
  better); without a baseline, a figure that misses its plan and is worse than the year before is
  moving the wrong way, hence off track.
* **Deadline status** of a milestone: done on time when the latest figure up to the milestone year
  meets it, done late when a later figure does, otherwise overdue once the deadline has passed and
  open (within the deadline) before; "due soon" is a deadline within the next ``TARGETS_DUE_SOON_DAYS``.
* **Deadline status of a task** (``task_state``): done on time or late by the completion date of an
  approved update, open in time up to the deadline day, overdue after it, ``ongoing`` for a task without a
  deadline; a yearly task is judged per year. See the section on tasks below.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

INCREASE, DECREASE, KEEP = "increase", "decrease", "keep"
DIRECTIONS = (INCREASE, DECREASE, KEEP)

# Interpolated plans and paces are kept to the four places figures are stored with; percentages to two.
VALUE_QUANTUM = Decimal("0.0001")
PERCENT_QUANTUM = Decimal("0.01")


def _decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # str() first: Decimal(0.1) would carry the binary error into every comparison.
        return Decimal(str(value))
    return Decimal(value)


class Assessment(StrEnum):
    """The year's verdict; the same values as ``models.AnnualReview.Assessment``."""

    EXCEEDED = "exceeded"
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    NO_DATA = "no_data"


class Progress(StrEnum):
    """The progress status on the dashboards."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


class Deadline(StrEnum):
    """The four deadline buckets of the Vietnamese administration."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN = "open"
    OVERDUE = "overdue"


# Best first: the order of the dashboards' legends, and what "a better status" means in the tests.
PROGRESS_ORDER = (Progress.ACHIEVED, Progress.ON_TRACK, Progress.AT_RISK, Progress.OFF_TRACK, Progress.NO_DATA)
ASSESSMENT_ORDER = (Assessment.EXCEEDED, Assessment.ACHIEVED, Assessment.NOT_ACHIEVED, Assessment.NO_DATA)
DEADLINE_ORDER = (Deadline.OVERDUE, Deadline.OPEN, Deadline.DONE_LATE, Deadline.DONE_ON_TIME)
PROGRESS_RANK = {Progress.ACHIEVED: 3, Progress.ON_TRACK: 2, Progress.AT_RISK: 1, Progress.OFF_TRACK: 0}


@dataclass(frozen=True)
class TargetFacts:
    """Plain data about one target: all the judging rules need."""

    direction: str
    is_yearly: bool = False
    is_period_average: bool = False
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    milestones: Mapping[int, tuple[Decimal, Decimal | None]] = field(default_factory=dict)

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {self.direction!r}")
        milestones = {}
        for year, (low, high) in self.milestones.items():
            low, high = _decimal(low), None if high is None else _decimal(high)
            if high is not None and high < low:
                raise ValueError(f"milestone {year}: the maximum {high} is below the minimum {low}")
            milestones[int(year)] = (low, high)
        object.__setattr__(self, "milestones", dict(sorted(milestones.items())))
        if self.baseline_value is not None:
            object.__setattr__(self, "baseline_value", _decimal(self.baseline_value))

    @classmethod
    def from_target(cls, target) -> "TargetFacts":
        """From a ``models.Target``; reads ``target.milestones.all()`` (prefetch it) and nothing else."""
        return facts_for(target, target.milestones.all())

    @property
    def has_baseline(self) -> bool:
        return self.baseline_value is not None and self.baseline_year is not None

    @property
    def has_phase_plan(self) -> bool:
        """Whether every year of a phase has the phase's milestone as its plan (no straight line)."""
        return self.is_yearly or self.is_period_average

    @property
    def milestone_years(self) -> list[int]:
        return list(self.milestones)


def facts_for(target, milestones) -> TargetFacts:
    """The one way to get the facts of a target (a ``models.Target`` or anything with its attributes):
    ``milestones`` are its milestones, either a mapping year -> (min, max) or objects with ``year``,
    ``min_value`` and ``max_value`` (``Milestone`` rows). Reads attributes only: the caller fetches."""
    if not isinstance(milestones, Mapping):
        milestones = {m.year: (m.min_value, m.max_value) for m in milestones}
    return TargetFacts(
        direction=target.direction,
        is_yearly=target.is_yearly,
        is_period_average=getattr(target, "is_period_average", False),
        baseline_value=target.baseline_value,
        baseline_year=target.baseline_year,
        milestones=milestones,
    )


@dataclass(frozen=True)
class Plan:
    """The planned value of a year: at least ``min_value`` (or at most, when lower is better), up to
    ``max_value`` for a range. ``interpolated`` when it is the straight-line expectation, not a planned value."""

    min_value: Decimal
    max_value: Decimal | None = None
    interpolated: bool = False

    @property
    def top(self) -> Decimal:
        return self.min_value if self.max_value is None else self.max_value

    @property
    def is_range(self) -> bool:
        return self.max_value is not None and self.max_value != self.min_value


@dataclass(frozen=True)
class ProgressResult:
    """A progress status with the numbers behind it, for pages that explain it."""

    status: Progress
    figure_year: int | None = None
    figure: Decimal | None = None
    milestone_year: int | None = None
    milestone: Plan | None = None
    expected: Plan | None = None  # the plan of the figure's year the figure was compared with
    ratio: Decimal | None = None  # progress made / progress expected; None when not needed
    wrong_way: bool = False


# --- Plans ----------------------------------------------------------------------------------------------------


def milestone_plan(facts: TargetFacts, year: int) -> Plan | None:
    """The milestone of ``year`` as a plan, or None when ``year`` is not a milestone year."""
    if year not in facts.milestones:
        return None
    low, high = facts.milestones[year]
    return Plan(low, high, interpolated=False)


def phase_year(facts: TargetFacts, year: int) -> int | None:
    """The milestone year whose phase ``year`` belongs to: the first milestone year on or after it."""
    return next((y for y in facts.milestones if y >= year), None)


def next_milestone_year(facts: TargetFacts, *, today: datetime.date) -> int | None:
    """The first milestone of this year or later; the last one once all are past; None without milestones."""
    if not facts.milestones:
        return None
    return phase_year(facts, today.year) or max(facts.milestones)


def _line_start(facts: TargetFacts, year: int) -> tuple[int, Decimal, Decimal] | None:
    """The latest known point before ``year``: (year, low, high), from the baseline or a milestone."""
    start = None
    if facts.has_baseline and facts.baseline_year < year:
        start = (facts.baseline_year, facts.baseline_value, facts.baseline_value)
    previous = [y for y in facts.milestones if y < year]
    if previous:
        y = max(previous)
        # On a tie the milestone wins: it is the programme's own plan for that year.
        if start is None or y >= start[0]:
            low, high = facts.milestones[y]
            start = (y, low, low if high is None else high)
    return start


def plan_for_year(facts: TargetFacts, year: int) -> Plan | None:
    """The plan of ``year``: see the module's docstring. None when there is nothing to judge against."""
    end_year = phase_year(facts, year)
    if end_year is None:
        return None
    end_low, end_high = facts.milestones[end_year]
    if facts.has_phase_plan or end_year == year:
        return Plan(end_low, end_high, interpolated=False)
    start = _line_start(facts, year)
    if start is None:
        return None
    start_year, start_low, start_high = start
    share = Decimal(year - start_year) / Decimal(end_year - start_year)
    low = (start_low + (end_low - start_low) * share).quantize(VALUE_QUANTUM, ROUND_HALF_UP)
    high = None
    if end_high is not None:
        high = (start_high + (end_high - start_high) * share).quantize(VALUE_QUANTUM, ROUND_HALF_UP)
        high = max(high, low)
    return Plan(low, high, interpolated=True)


def better_sense(facts: TargetFacts, plan: Plan) -> int:
    """+1 when a higher figure is better against ``plan``, -1 when a lower one is."""
    if facts.direction == INCREASE:
        return 1
    if facts.direction == DECREASE:
        return -1
    # keep: a level of 0 (no poor households) is held from above, as is a level the baseline lies above;
    # any other level (100 % of cases handled) is held from below.
    if plan.min_value == 0 or (facts.has_baseline and facts.baseline_value > plan.top):
        return -1
    return 1


def _goal(plan: Plan, sense: int) -> Decimal:
    """The edge of the plan a figure must reach: its minimum when higher is better, its top otherwise."""
    return plan.min_value if sense > 0 else plan.top


# --- The assessment of a year -----------------------------------------------------------------------------


def assess_value(facts: TargetFacts, value: Decimal, plan: Plan) -> Assessment:
    """The words of the annual review for ``value`` against ``plan``."""
    value = _decimal(value)
    if facts.direction == INCREASE:
        if value > plan.top:
            return Assessment.EXCEEDED
        return Assessment.ACHIEVED if value >= plan.min_value else Assessment.NOT_ACHIEVED
    if facts.direction == DECREASE:
        if value < plan.min_value:
            return Assessment.EXCEEDED
        return Assessment.ACHIEVED if value <= plan.top else Assessment.NOT_ACHIEVED
    # keep: there is nothing beyond holding the level.
    held = value >= plan.min_value if better_sense(facts, plan) > 0 else value <= plan.top
    return Assessment.ACHIEVED if held else Assessment.NOT_ACHIEVED


def meets(facts: TargetFacts, value: Decimal, plan: Plan) -> bool:
    """Whether ``value`` achieves or exceeds ``plan``."""
    return assess_value(facts, value, plan) in (Assessment.EXCEEDED, Assessment.ACHIEVED)


def assess_year(facts: TargetFacts, year: int, value: Decimal | None) -> tuple[Assessment, Plan | None]:
    """The assessment of ``year`` for the approved figure ``value``, with the plan it was judged against.

    No figure, or no plan (no milestone ahead, no straight line for lack of a baseline), gives NO_DATA;
    ``plan.interpolated`` tells the reader the plan is the straight-line expectation.
    """
    plan = plan_for_year(facts, year)
    if value is None or plan is None:
        return Assessment.NO_DATA, plan
    return assess_value(facts, value, plan), plan


def percent_of_plan(facts: TargetFacts, value: Decimal | None, plan: Plan | None) -> Decimal | None:
    """``value`` as a percentage of the plan's minimum (plan / value for decrease), to two places.

    None when it cannot be computed: no figure, no plan, or a zero divisor.
    """
    if value is None or plan is None:
        return None
    value = _decimal(value)
    if facts.direction == DECREASE:
        numerator, divisor = plan.min_value, value
    else:
        numerator, divisor = value, plan.min_value
    if divisor == 0:
        return None
    return (numerator / divisor * 100).quantize(PERCENT_QUANTUM, ROUND_HALF_UP)


# --- Which figure counts, and which verdict stands ---------------------------------------------------------


def year_figures(rows, lead_unit_of: Mapping[int, int]) -> dict[tuple[int, int], tuple[Decimal, bool]]:
    """(target id, year) -> (value, is_estimate): the figure that counts for each target and year.

    ``rows`` are approved yearly figures as (target id, unit id, year, value, is_estimate), ordered by
    approval time; ``lead_unit_of`` maps a target id to its lead unit's id. Several units may report one
    target: the lead unit's figure is the target's; without one, the most recently approved figure of a
    supporting unit stands in (a later row of equal rank wins).
    """
    best: dict[tuple[int, int], tuple[bool, Decimal, bool]] = {}
    for target_id, unit_id, year, value, is_estimate in rows:
        is_lead = unit_id == lead_unit_of.get(target_id)
        key = (target_id, year)
        if key not in best or is_lead or not best[key][0]:
            best[key] = (is_lead, value, is_estimate)
    return {key: (value, is_estimate) for key, (_lead, value, is_estimate) in best.items()}


class Source(StrEnum):
    """Where a year's verdict comes from."""

    FROZEN = "frozen"  # the review row of a closed year: its figure and assessment as they were closed
    OVERRIDDEN = "overridden"  # the office's assessment of an open year, on today's figure
    COMPUTED = "computed"  # these rules, on today's figure


@dataclass(frozen=True)
class ReviewFacts:
    """What a stored annual review row (``models.AnnualReview``) says about a target's year."""

    figure: Decimal | None
    assessment: str
    computed_assessment: str = ""
    is_overridden: bool = False
    is_frozen: bool = False

    @classmethod
    def from_review(cls, review) -> "ReviewFacts":
        return cls(
            figure=review.figure,
            assessment=review.assessment,
            computed_assessment=review.computed_assessment,
            is_overridden=review.is_overridden,
            is_frozen=review.is_frozen,
        )

    @property
    def stands(self) -> bool:
        """Whether the row says anything the rules would not: frozen, or the office's override."""
        return self.is_frozen or self.is_overridden


@dataclass(frozen=True)
class Verdict:
    """The verdict of a target's year that every page and file shows, with the figure and plan behind it."""

    assessment: Assessment  # what the review says
    computed: Assessment  # what these rules say (for a frozen year: what they said when it was closed)
    source: Source
    figure: Decimal | None
    plan: Plan | None

    @property
    def is_overridden(self) -> bool:
        return self.assessment != self.computed

    @property
    def is_frozen(self) -> bool:
        return self.source == Source.FROZEN


def standing_figure(figure: Decimal | None, review=None) -> Decimal | None:
    """The figure that counts for a year: a frozen review's (even none), else today's approved ``figure``."""
    if review is not None and review.is_frozen:
        return review.figure
    return figure


def standing_verdict(facts: TargetFacts, year: int, figure: Decimal | None, review=None) -> Verdict:
    """The verdict that stands for ``year``, given today's approved ``figure`` (``year_figures``) and the
    year's stored review row, if any (a ``ReviewFacts`` or an ``AnnualReview``):

    * a frozen row (a closed year) keeps its figure, computed assessment and assessment, whatever the
      reports or milestones say now (an override frozen with it stays the verdict);
    * otherwise an override of the office stands, judged against the computed assessment of today's figure;
    * otherwise the rules' assessment of today's figure (a row stored by a refresh or a reopening and not
      overridden says nothing the rules would not).

    The plan is today's plan of the year in every case.
    """
    plan = plan_for_year(facts, year)
    if review is not None and review.is_frozen:
        return Verdict(
            assessment=Assessment(review.assessment),
            computed=Assessment(review.computed_assessment or review.assessment),
            source=Source.FROZEN,
            figure=review.figure,
            plan=plan,
        )
    computed, plan = assess_year(facts, year, figure)
    if review is not None and review.is_overridden and review.assessment != computed:
        return Verdict(Assessment(review.assessment), computed, Source.OVERRIDDEN, figure, plan)
    return Verdict(computed, computed, Source.COMPUTED, figure, plan)


# "Đạt và vượt": the verdicts a yearly review counts as meeting the plan.
MEETS_PLAN = (Assessment.EXCEEDED, Assessment.ACHIEVED)


def meets_plan_count(counts: Mapping[str, int]) -> int:
    """How many targets met their plan ("đạt và vượt x/N"), from counts by assessment value."""
    return sum(counts.get(str(value), 0) for value in MEETS_PLAN)


def standing_figures(figures: Mapping[int, Decimal], reviews: Mapping[int, object]) -> dict[int, Decimal]:
    """The figure of each year that counts (``standing_figure``), by year: ``figures`` are today's approved
    figures, ``reviews`` the stored review rows by year. A year frozen without a figure has none."""
    years = set(figures) | {year for year, review in reviews.items() if review.is_frozen}
    out = {}
    for year in sorted(years):
        value = standing_figure(figures.get(year), reviews.get(year))
        if value is not None:
            out[year] = value
    return out


# --- The calendar of reporting ------------------------------------------------------------------------------


def reporting_year(today: datetime.date) -> int:
    """The year whose yearly figure the units owe on ``today``: last year's (due by 31 January, and owed
    until it is in), except in December, when the office gathers this year's estimates (số ước) for the
    year-end meeting and the year being reported is the current one."""
    return today.year if today.month == 12 else today.year - 1


def year_has_ended(year: int, today: datetime.date) -> bool:
    """Whether ``year`` is over on ``today``: a year is closed (chốt số liệu) only once it has ended, since
    until 31 December its figures are still estimates."""
    return today > datetime.date(year, 12, 31)


def undo_deadline(approved_at: datetime.datetime, *, minutes: int) -> datetime.datetime:
    """Until when an approval approved at ``approved_at`` may be undone (``TARGETS_UNDO_MINUTES``)."""
    return approved_at + datetime.timedelta(minutes=minutes)


def may_undo_approval(approved_at: datetime.datetime | None, *, now: datetime.datetime, minutes: int) -> bool:
    """Whether an approval is recent enough to be undone: within ``minutes`` of ``approved_at``."""
    return approved_at is not None and approved_at <= now <= undo_deadline(approved_at, minutes=minutes)


# --- Progress status --------------------------------------------------------------------------------------


def clamp_year(year: int, *, first_year: int, last_year: int) -> int:
    """``year`` if it lies in a programme's span ``first_year``–``last_year``, else the nearest end of it:
    the year a page opens on when the one asked for (or today's) is outside the programme."""
    return min(max(year, first_year), last_year)


def _thresholds(on_track, at_risk) -> tuple[Decimal, Decimal]:
    if on_track is None or at_risk is None:
        from django.conf import settings

        on_track = settings.TARGETS_ON_TRACK_RATIO if on_track is None else on_track
        at_risk = settings.TARGETS_AT_RISK_RATIO if at_risk is None else at_risk
    return _decimal(on_track), _decimal(at_risk)


def latest_figure(figures: Mapping[int, Decimal], *, up_to: int) -> tuple[int, Decimal] | None:
    """The latest (year, figure) of a year on or before ``up_to``."""
    years = [y for y, v in figures.items() if y <= up_to and v is not None]
    if not years:
        return None
    year = max(years)
    return year, _decimal(figures[year])


def progress(
    facts: TargetFacts,
    figures: Mapping[int, Decimal],
    *,
    today: datetime.date,
    on_track=None,
    at_risk=None,
) -> ProgressResult:
    """The progress status as of ``today`` with the numbers behind it (see the module's docstring).

    ``figures`` are the approved yearly figures by year; years after ``today`` are ignored, so the picture
    as of the end of a past year is ``today=date(year, 12, 31)``.
    """
    on_track, at_risk = _thresholds(on_track, at_risk)
    latest = latest_figure(figures, up_to=today.year)
    milestone_year = next_milestone_year(facts, today=today)
    if latest is None or latest[0] < today.year - 1 or milestone_year is None:
        return ProgressResult(Progress.NO_DATA, *(latest or (None, None)), milestone_year=milestone_year)
    year, value = latest
    milestone = milestone_plan(facts, milestone_year)
    found = {"figure_year": year, "figure": value, "milestone_year": milestone_year, "milestone": milestone}
    if meets(facts, value, milestone):
        return ProgressResult(Progress.ACHIEVED, **found)

    # What the figure's year expected: its plan, or the next milestone when the year has none.
    expected = plan_for_year(facts, year) or milestone
    found["expected"] = expected
    if meets(facts, value, expected):
        return ProgressResult(Progress.ON_TRACK, **found)
    sense = better_sense(facts, expected)
    goal = _goal(expected, sense)

    def verdict(ratio: Decimal | None, wrong_way: bool = False) -> ProgressResult:
        if wrong_way or ratio is None or ratio < at_risk:
            status = Progress.OFF_TRACK
        elif ratio < on_track:
            status = Progress.AT_RISK
        else:
            status = Progress.ON_TRACK
        ratio = None if ratio is None else ratio.quantize(VALUE_QUANTUM, ROUND_HALF_UP)
        return ProgressResult(status, ratio=ratio, wrong_way=wrong_way, **found)

    if not facts.has_phase_plan and facts.has_baseline and facts.baseline_year < year:
        expected_gain = sense * (goal - facts.baseline_value)
        made_gain = sense * (value - facts.baseline_value)
        if expected_gain > 0:
            return verdict(made_gain / expected_gain, wrong_way=made_gain < 0)
        # The baseline already met this plan: nothing was to be gained, so compare with the plan itself.
    else:
        previous = latest_figure(figures, up_to=year - 1)
        moved_back = previous is not None and previous[0] == year - 1 and sense * (value - previous[1]) < 0
        if not facts.has_baseline and moved_back:
            return verdict(None, wrong_way=True)
    # Figure against plan: the ratio is only meaningful for positive quantities; otherwise the figure,
    # which misses the plan, is simply off track.
    ratio = None
    if goal > 0 and (sense > 0 or value > 0):
        ratio = value / goal if sense > 0 else goal / value
    return verdict(ratio)


def progress_status(
    facts: TargetFacts,
    figures: Mapping[int, Decimal],
    *,
    today: datetime.date,
    on_track=None,
    at_risk=None,
) -> Progress:
    """The progress status as of ``today`` for the latest approved yearly figure (see ``progress``)."""
    return progress(facts, figures, today=today, on_track=on_track, at_risk=at_risk).status


# --- Deadlines and pace -----------------------------------------------------------------------------------


def deadline_status(
    facts: TargetFacts,
    milestone_year: int,
    deadline: datetime.date,
    figures: Mapping[int, Decimal],
    *,
    today: datetime.date,
) -> Deadline:
    """The deadline bucket of the milestone of ``milestone_year`` as of ``today``."""
    plan = milestone_plan(facts, milestone_year)
    if plan is None:
        raise ValueError(f"{milestone_year} is not a milestone year of this target")
    on_time = latest_figure(figures, up_to=min(milestone_year, today.year))
    if on_time is not None and meets(facts, on_time[1], plan):
        return Deadline.DONE_ON_TIME
    for year in sorted(figures):
        if milestone_year < year <= today.year and figures[year] is not None and meets(facts, figures[year], plan):
            return Deadline.DONE_LATE
    return Deadline.OVERDUE if today > deadline else Deadline.OPEN


def is_due_soon(deadline: datetime.date, *, today: datetime.date, days: int | None = None) -> bool:
    """Whether ``deadline`` falls today or within the next ``days`` days (``TARGETS_DUE_SOON_DAYS``)."""
    if days is None:
        from django.conf import settings

        days = settings.TARGETS_DUE_SOON_DAYS
    return 0 <= (deadline - today).days <= days


def required_pace(facts: TargetFacts, figures: Mapping[int, Decimal], *, today: datetime.date) -> Decimal | None:
    """The change per year still needed from the latest figure to reach the next milestone.

    Signed: negative when the figure must come down. 0 when the figure already meets the milestone.
    None without a figure or without a milestone still ahead. When the figure is of the milestone year
    itself, the whole gap is still needed (one year).
    """
    milestone_year = next_milestone_year(facts, today=today)
    if milestone_year is None or milestone_year < today.year:
        return None
    latest = latest_figure(figures, up_to=today.year)
    if latest is None:
        return None
    year, value = latest
    plan = milestone_plan(facts, milestone_year)
    if meets(facts, value, plan):
        return Decimal(0)
    goal = _goal(plan, better_sense(facts, plan))
    years = max(milestone_year - year, 1)
    return ((goal - value) / years).quantize(VALUE_QUANTUM, ROUND_HALF_UP)


# --- Words and numbers ------------------------------------------------------------------------------------


def format_number(value, *, decimal_separator: str = ".") -> str:
    """A figure without trailing zeros or exponent: 90, 7.5, 0.25 (no grouping of thousands)."""
    if value is None:
        return ""
    number = _decimal(value)
    if number == 0:
        return "0"  # also for -0
    text = format(number.normalize(), "f")
    return text.replace(".", decimal_separator) if decimal_separator != "." else text


def format_plan(plan, *, decimal_separator: str = ".") -> str:
    """ "70–73" for a range (en dash), "90" otherwise, no trailing zeros; "" for no plan.

    Takes a ``Plan`` or a ``(min, max)`` pair.
    """
    if plan is None:
        return ""
    low, high = (plan.min_value, plan.max_value) if isinstance(plan, Plan) else plan
    text = format_number(low, decimal_separator=decimal_separator)
    if high is not None and _decimal(high) != _decimal(low):
        text += "–" + format_number(high, decimal_separator=decimal_separator)
    return text


# --- Tasks (nhiệm vụ) -------------------------------------------------------------------------------------
#
# A task is judged from plain facts: its recurrence, its deadline, the completion dates of its approved
# updates that report it done, the date of its latest approved update and how many reminders it had.
#
# * ``once``: done on time when completed on or before the deadline, done late when after it; otherwise
#   open in time up to and including the deadline day (due today is still in time), overdue the day after.
# * ``yearly``: due every year on the deadline's day and month, from the deadline's year on; a year is
#   judged on its own, by the completions dated in that calendar year (a 29 February deadline falls on 28
#   February in other years). Before the first deadline's year the task is not due yet: open in time.
# * ``ongoing`` (thường xuyên): no deadline, never late: ``ongoing`` whatever its updates say.
#
# Only completions on or before the day judged count, so the picture as of a past day is what was known
# then. Flags: due soon (not done, deadline today or within the due-soon days), stale (overdue and no
# approved update for ``TASK_STALE_DAYS`` days or more, or none at all), flagged for the leaders (overdue
# and reminded ``TASK_FLAG_REMINDERS`` times or more).

TASK_ONCE, TASK_YEARLY, TASK_ONGOING = "once", "yearly", "ongoing"
TASK_RECURRENCES = (TASK_ONCE, TASK_YEARLY, TASK_ONGOING)
TASK_STALE_DAYS = 30
TASK_FLAG_REMINDERS = 3


class TaskStatus(StrEnum):
    """The deadline status of a task: the four buckets, and ``ongoing`` for tasks without a deadline."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_IN_TIME = "open_in_time"
    OVERDUE = "overdue"
    ONGOING = "ongoing"


# What needs attention first: the order of the overview's counts and of the table's default sort.
TASK_STATUS_ORDER = (
    TaskStatus.OVERDUE,
    TaskStatus.OPEN_IN_TIME,
    TaskStatus.DONE_LATE,
    TaskStatus.DONE_ON_TIME,
    TaskStatus.ONGOING,
)


@dataclass(frozen=True)
class TaskFacts:
    """Plain data about one task: all the task rules need. ``completions`` are the ``completed_on`` dates of
    its approved updates with ``is_done``; ``last_update`` the date of its latest approved update."""

    recurrence: str
    deadline: datetime.date | None = None
    completions: tuple = ()
    last_update: datetime.date | None = None
    reminders: int = 0

    def __post_init__(self):
        if self.recurrence not in TASK_RECURRENCES:
            raise ValueError(f"recurrence must be one of {TASK_RECURRENCES}, not {self.recurrence!r}")
        if self.recurrence != TASK_ONGOING and self.deadline is None:
            raise ValueError(f"a {self.recurrence} task needs a deadline")
        object.__setattr__(self, "completions", tuple(sorted(d for d in self.completions if d is not None)))


@dataclass(frozen=True)
class TaskState:
    """A task's deadline status as of a day, with its flags and the dates behind them."""

    status: TaskStatus
    year: int | None = None  # the year judged, for a yearly task
    deadline: datetime.date | None = None  # the deadline judged (of that year, for a yearly task)
    completed_on: datetime.date | None = None
    due_soon: bool = False
    stale: bool = False
    overdue_days: int | None = None  # days past the deadline, while overdue
    days_late: int | None = None  # days past the deadline at completion, when done late
    flagged: bool = False

    @property
    def is_done(self) -> bool:
        return self.status in (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE)


def task_deadline_in_year(deadline: datetime.date, year: int) -> datetime.date | None:
    """The deadline of a yearly task in ``year``: the same day and month (28 February for a 29 February in
    other years); None before the first deadline's year."""
    if year < deadline.year:
        return None
    try:
        return deadline.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return datetime.date(year, 2, 28)


def task_state(
    facts: TaskFacts,
    *,
    today: datetime.date,
    year: int | None = None,
    due_soon_days: int | None = None,
    stale_days: int = TASK_STALE_DAYS,
    flag_reminders: int = TASK_FLAG_REMINDERS,
) -> TaskState:
    """The deadline status of a task as of ``today`` (see the comment above). ``year`` chooses the year a
    yearly task is judged in (today's year when None); other tasks ignore it."""
    if facts.recurrence == TASK_ONGOING:
        return TaskState(TaskStatus.ONGOING)
    known = [d for d in facts.completions if d <= today]
    if facts.recurrence == TASK_YEARLY:
        year = today.year if year is None else year
        deadline = task_deadline_in_year(facts.deadline, year)
        if deadline is None:  # not due yet in that year
            return TaskState(TaskStatus.OPEN_IN_TIME, year=year)
        known = [d for d in known if d.year == year]
    else:
        year, deadline = None, facts.deadline
    if known:
        completed_on = known[0]
        if completed_on <= deadline:
            return TaskState(TaskStatus.DONE_ON_TIME, year=year, deadline=deadline, completed_on=completed_on)
        return TaskState(
            TaskStatus.DONE_LATE,
            year=year,
            deadline=deadline,
            completed_on=completed_on,
            days_late=(completed_on - deadline).days,
        )
    if today <= deadline:
        return TaskState(
            TaskStatus.OPEN_IN_TIME,
            year=year,
            deadline=deadline,
            due_soon=is_due_soon(deadline, today=today, days=due_soon_days),
        )
    last = facts.last_update if facts.last_update is not None and facts.last_update <= today else None
    return TaskState(
        TaskStatus.OVERDUE,
        year=year,
        deadline=deadline,
        overdue_days=(today - deadline).days,
        stale=last is None or (today - last).days >= stale_days,
        flagged=facts.reminders >= flag_reminders,
    )


def task_status(facts: TaskFacts, *, today: datetime.date, year: int | None = None) -> TaskStatus:
    """The deadline status alone (see ``task_state``)."""
    return task_state(facts, today=today, year=year).status
