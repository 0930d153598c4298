"""The judging rules, with no database: every direction, ranges, yearly targets, zero and equal baseline
and plan, missing years, figures moving the wrong way, and property tests that a better figure never
gives a worse verdict."""

import datetime
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from targets.assessment import (
    ASSESSMENT_ORDER,
    PROGRESS_RANK,
    Assessment,
    Deadline,
    Plan,
    Progress,
    ReviewFacts,
    Source,
    TargetFacts,
    assess_value,
    assess_year,
    better_sense,
    deadline_status,
    facts_for,
    format_number,
    format_plan,
    is_due_soon,
    next_milestone_year,
    percent_of_plan,
    plan_for_year,
    progress,
    progress_status,
    required_pace,
    standing_figure,
    standing_figures,
    standing_verdict,
    year_figures,
)

THRESHOLDS = {"on_track": D("0.95"), "at_risk": D("0.70")}
END_2025 = datetime.date(2025, 12, 31)
MID_2026 = datetime.date(2026, 6, 1)


def facts(direction="increase", *, yearly=False, baseline=None, milestones=None):
    baseline_value, baseline_year = baseline if baseline else (None, None)
    return TargetFacts(
        direction=direction,
        is_yearly=yearly,
        baseline_value=None if baseline_value is None else D(str(baseline_value)),
        baseline_year=baseline_year,
        milestones={y: (D(str(lo)), None if hi is None else D(str(hi))) for y, (lo, hi) in (milestones or {}).items()},
    )


def status(f, figures, today=END_2025):
    return progress_status(f, {y: D(str(v)) for y, v in figures.items()}, today=today, **THRESHOLDS)


# --- TargetFacts ----------------------------------------------------------------------------------------------


def test_facts_refuse_an_unknown_direction_and_a_reversed_range():
    with pytest.raises(ValueError):
        TargetFacts(direction="sideways")
    with pytest.raises(ValueError):
        facts(milestones={2025: (73, 70)})


def test_facts_from_a_target_read_its_milestones_only():
    milestones = [
        SimpleNamespace(year=2030, min_value=D("80"), max_value=None),
        SimpleNamespace(year=2025, min_value=D("70"), max_value=D("73")),
    ]
    target = SimpleNamespace(
        direction="increase",
        is_yearly=True,
        is_period_average=False,
        baseline_value=None,
        baseline_year=None,
        milestones=SimpleNamespace(all=lambda: milestones),
    )
    f = TargetFacts.from_target(target)
    assert f.milestones == {2025: (D("70"), D("73")), 2030: (D("80"), None)}
    assert f.milestone_years == [2025, 2030]
    assert not f.has_baseline


# --- Plans ---------------------------------------------------------------------------------------------------


def test_a_yearly_target_takes_the_milestone_of_its_phase():
    f = facts(yearly=True, milestones={2025: (90, None), 2030: (95, None)})
    assert plan_for_year(f, 2021) == Plan(D(90), None, False)
    assert plan_for_year(f, 2025) == Plan(D(90), None, False)
    assert plan_for_year(f, 2026) == Plan(D(95), None, False)
    assert plan_for_year(f, 2030) == Plan(D(95), None, False)
    assert plan_for_year(f, 2031) is None


def test_a_yearly_range_keeps_its_range():
    f = facts(yearly=True, milestones={2025: (70, 73), 2030: (73, None)})
    assert plan_for_year(f, 2023) == Plan(D(70), D(73), False)
    assert plan_for_year(f, 2027) == Plan(D(73), None, False)


def test_between_milestones_the_plan_is_the_straight_line_from_the_baseline():
    f = facts(baseline=(65, 2023), milestones={2025: (66, None), 2030: (70, None)})
    assert plan_for_year(f, 2024) == Plan(D("65.5"), None, True)
    assert plan_for_year(f, 2025) == Plan(D(66), None, False)
    # After the first milestone the line starts from it: the programme's own plan for that year.
    assert plan_for_year(f, 2027) == Plan(D("67.6"), None, True)
    # Before the baseline there is no line to draw.
    assert plan_for_year(f, 2022) is None


def test_without_a_baseline_only_milestone_years_and_the_second_phase_have_a_plan():
    f = facts(milestones={2025: (50, None), 2030: (100, None)})
    assert plan_for_year(f, 2023) is None
    assert plan_for_year(f, 2025) == Plan(D(50), None, False)
    assert plan_for_year(f, 2028) == Plan(D(80), None, True)


def test_a_range_is_interpolated_at_both_ends():
    f = facts(baseline=(60, 2020), milestones={2025: (70, 80)})
    assert plan_for_year(f, 2022) == Plan(D(64), D(68), True)


def test_a_target_without_milestones_has_no_plan():
    f = facts(baseline=(60, 2020))
    assert plan_for_year(f, 2022) is None
    assert next_milestone_year(f, today=END_2025) is None


def test_the_next_milestone_is_this_years_or_later_and_the_last_once_all_are_past():
    f = facts(milestones={2025: (1, None), 2030: (2, None)})
    assert next_milestone_year(f, today=datetime.date(2024, 3, 1)) == 2025
    assert next_milestone_year(f, today=END_2025) == 2025
    assert next_milestone_year(f, today=MID_2026) == 2030
    assert next_milestone_year(f, today=datetime.date(2032, 1, 1)) == 2030


# --- The assessment of a year ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [("89.9", "not_achieved"), ("90", "achieved"), ("90.01", "exceeded"), ("100", "exceeded")],
)
def test_increase_against_a_single_value(value, expected):
    f = facts(yearly=True, milestones={2025: (90, None)})
    assert assess_year(f, 2025, D(value)) == (Assessment(expected), Plan(D(90), None, False))


@pytest.mark.parametrize(
    "value, expected",
    [("69.9", "not_achieved"), ("70", "achieved"), ("72", "achieved"), ("73", "achieved"), ("73.1", "exceeded")],
)
def test_increase_against_a_range_means_at_least_the_minimum(value, expected):
    f = facts(yearly=True, milestones={2025: (70, 73)})
    assert assess_year(f, 2024, D(value))[0] == expected


@pytest.mark.parametrize("value, expected", [("2", "exceeded"), ("3", "achieved"), ("4", "not_achieved")])
def test_decrease_a_rank_top_3(value, expected):
    f = facts("decrease", yearly=True, baseline=(1, 2019), milestones={2025: (3, None), 2030: (3, None)})
    assert assess_year(f, 2023, D(value))[0] == expected


@pytest.mark.parametrize(
    "value, expected",
    [("2.9", "exceeded"), ("3", "achieved"), ("4", "achieved"), ("5", "achieved"), ("5.1", "not_achieved")],
)
def test_decrease_against_a_range_is_a_ceiling(value, expected):
    f = facts("decrease", yearly=True, milestones={2025: (3, 5)})
    assert assess_year(f, 2025, D(value))[0] == expected


@pytest.mark.parametrize("value, expected", [("99.9", "not_achieved"), ("100", "achieved"), ("100.5", "achieved")])
def test_keep_a_hundred_percent(value, expected):
    f = facts("keep", yearly=True, milestones={2025: (100, None)})
    assert assess_year(f, 2025, D(value))[0] == expected


@pytest.mark.parametrize("value, expected", [("0", "achieved"), ("1", "not_achieved"), ("-0", "achieved")])
def test_keep_zero_poor_households(value, expected):
    f = facts("keep", yearly=True, baseline=(0, 2022), milestones={2025: (0, None), 2030: (0, None)})
    assert assess_year(f, 2024, D(value))[0] == expected


def test_keep_a_level_the_baseline_lies_above_is_held_from_above():
    f = facts("keep", yearly=True, baseline=(12, 2020), milestones={2025: (10, None)})
    assert better_sense(f, plan_for_year(f, 2025)) == -1
    assert assess_year(f, 2025, D(9))[0] == Assessment.ACHIEVED
    assert assess_year(f, 2025, D(11))[0] == Assessment.NOT_ACHIEVED


def test_keep_never_exceeds():
    f = facts("keep", yearly=True, milestones={2025: (100, None)})
    assert all(assess_value(f, D(v), Plan(D(100))) != Assessment.EXCEEDED for v in (100, 150, 1000))


def test_no_figure_is_no_data_and_still_gives_the_plan():
    f = facts(yearly=True, milestones={2025: (90, None)})
    assert assess_year(f, 2025, None) == (Assessment.NO_DATA, Plan(D(90), None, False))


def test_no_plan_is_no_data():
    f = facts(milestones={2025: (50, None)})
    assert assess_year(f, 2023, D(40)) == (Assessment.NO_DATA, None)
    assert assess_year(f, 2026, D(40)) == (Assessment.NO_DATA, None)


def test_between_milestones_the_assessment_says_it_is_against_the_straight_line():
    f = facts(baseline=(60, 2020), milestones={2025: (70, None)})
    assessment, plan = assess_year(f, 2022, D(64))
    assert assessment == Assessment.ACHIEVED and plan.interpolated and plan.min_value == 64
    assert assess_year(f, 2022, D("63.9"))[0] == Assessment.NOT_ACHIEVED


def test_percent_of_plan():
    up = facts(yearly=True, milestones={2025: (80, None)})
    down = facts("decrease", yearly=True, milestones={2025: (3, None)})
    keep_zero = facts("keep", yearly=True, milestones={2025: (0, None)})
    assert percent_of_plan(up, D(60), plan_for_year(up, 2025)) == D("75.00")
    assert percent_of_plan(down, D(4), plan_for_year(down, 2025)) == D("75.00")
    assert percent_of_plan(down, D(0), plan_for_year(down, 2025)) is None
    assert percent_of_plan(keep_zero, D(0), plan_for_year(keep_zero, 2025)) is None
    assert percent_of_plan(up, None, plan_for_year(up, 2025)) is None
    assert percent_of_plan(up, D(60), None) is None


# --- Progress status ------------------------------------------------------------------------------------------


def test_increase_progress_from_the_baseline():
    # Baseline 60 in 2020, 70 planned for 2025: the line expects 66 in 2023, i.e. 6 points of progress.
    f = facts(baseline=(60, 2020), milestones={2025: (70, None)})
    today = datetime.date(2023, 12, 31)
    assert status(f, {2023: 70}, today) == Progress.ACHIEVED
    assert status(f, {2023: 66}, today) == Progress.ON_TRACK
    assert status(f, {2023: "65.7"}, today) == Progress.ON_TRACK  # 5.7 / 6 = 95 %
    assert status(f, {2023: "65.6"}, today) == Progress.AT_RISK
    assert status(f, {2023: "64.2"}, today) == Progress.AT_RISK  # 4.2 / 6 = 70 %
    assert status(f, {2023: "64.1"}, today) == Progress.OFF_TRACK
    assert status(f, {2023: 59}, today) == Progress.OFF_TRACK


def test_a_figure_moving_the_wrong_way_from_the_baseline_is_off_track():
    f = facts(baseline=(60, 2020), milestones={2025: (70, None)})
    result = progress(f, {2023: D("59.9")}, today=datetime.date(2023, 12, 31), **THRESHOLDS)
    assert result.status == Progress.OFF_TRACK and result.wrong_way


def test_decrease_progress_from_the_baseline():
    # Unemployment from 5 % (2020) down to 3 % in 2025: the line expects 3.8 in 2023.
    f = facts("decrease", baseline=(5, 2020), milestones={2025: (3, None)})
    today = datetime.date(2023, 12, 31)
    assert status(f, {2023: 3}, today) == Progress.ACHIEVED
    assert status(f, {2023: "3.8"}, today) == Progress.ON_TRACK
    assert status(f, {2023: "4.1"}, today) == Progress.AT_RISK  # 0.9 / 1.2 = 75 %
    assert status(f, {2023: "4.5"}, today) == Progress.OFF_TRACK
    assert status(f, {2023: "5.2"}, today) == Progress.OFF_TRACK  # the wrong way


def test_keep_progress_against_the_yearly_plan():
    f = facts("keep", yearly=True, milestones={2025: (100, None), 2030: (100, None)})
    assert status(f, {2025: 100}) == Progress.ACHIEVED
    assert status(f, {2025: 96}) == Progress.ON_TRACK
    assert status(f, {2025: 80}) == Progress.AT_RISK
    assert status(f, {2025: 60}) == Progress.OFF_TRACK


def test_keep_zero_with_a_zero_baseline():
    f = facts("keep", yearly=True, baseline=(0, 2022), milestones={2025: (0, None), 2030: (0, None)})
    assert status(f, {2025: 0}) == Progress.ACHIEVED
    assert status(f, {2025: 2}) == Progress.OFF_TRACK


def test_increase_from_a_zero_baseline():
    f = facts(baseline=(0, 2020), milestones={2025: (50, None)})
    today = datetime.date(2022, 12, 31)  # the line expects 20
    assert status(f, {2022: 20}, today) == Progress.ON_TRACK
    assert status(f, {2022: 15}, today) == Progress.AT_RISK
    assert status(f, {2022: 0}, today) == Progress.OFF_TRACK


def test_a_baseline_equal_to_the_plan_compares_the_figure_with_the_plan():
    f = facts(baseline=(90, 2020), milestones={2025: (90, None)})
    today = datetime.date(2023, 12, 31)
    assert status(f, {2023: 90}, today) == Progress.ACHIEVED
    assert status(f, {2023: 86}, today) == Progress.ON_TRACK  # 95.6 % of the plan
    assert status(f, {2023: 70}, today) == Progress.AT_RISK
    assert status(f, {2023: 10}, today) == Progress.OFF_TRACK


def test_a_baseline_above_an_increase_plan_compares_with_the_plan():
    f = facts(yearly=True, baseline=("8.7", 2021), milestones={2025: (7, None)})
    assert status(f, {2025: "6.8"}) == Progress.ON_TRACK
    assert status(f, {2025: 5}) == Progress.AT_RISK


def test_without_a_baseline_the_figure_is_compared_with_the_plan_of_its_year():
    f = facts(milestones={2025: (50, None), 2030: (100, None)})
    # As of mid-2026 the next milestone is 2030; the 2025 figure is judged against the 2025 plan.
    assert status(f, {2025: 50}, MID_2026) == Progress.ON_TRACK
    assert status(f, {2025: 40}, MID_2026) == Progress.AT_RISK
    assert status(f, {2025: 100}, MID_2026) == Progress.ACHIEVED
    # A year without a plan of its own is compared with the next milestone.
    assert status(f, {2023: 48}, datetime.date(2023, 12, 31)) == Progress.ON_TRACK


def test_without_a_baseline_a_figure_worse_than_last_year_and_short_of_the_plan_is_off_track():
    f = facts(yearly=True, milestones={2025: (90, None)})
    assert status(f, {2024: 92, 2025: 89}) == Progress.OFF_TRACK
    assert status(f, {2024: 88, 2025: 89}) == Progress.ON_TRACK
    # Meeting the plan is fine even if lower than last year.
    assert status(f, {2024: 95, 2025: 91}) == Progress.ACHIEVED


def test_a_yearly_target_is_achieved_when_it_meets_the_next_milestone():
    f = facts(yearly=True, milestones={2025: (90, None), 2030: (95, None)})
    assert status(f, {2025: 96}, MID_2026) == Progress.ACHIEVED
    assert status(f, {2025: 92}, MID_2026) == Progress.ON_TRACK  # met 2025's plan, not yet 2030's


def test_missing_years_no_figure_for_this_or_last_year_is_no_data():
    f = facts(yearly=True, milestones={2025: (90, None), 2030: (95, None)})
    assert status(f, {}) == Progress.NO_DATA
    assert status(f, {2024: 92}) == Progress.ACHIEVED  # last year's figure still counts
    assert status(f, {2023: 99}) == Progress.NO_DATA  # two years old
    assert status(f, {2021: 90, 2023: 90}, MID_2026) == Progress.NO_DATA


def test_figures_after_the_day_are_ignored():
    f = facts(yearly=True, milestones={2025: (90, None)})
    assert status(f, {2024: 50, 2025: 99}, datetime.date(2024, 12, 31)) == Progress.OFF_TRACK


def test_no_milestone_is_no_data():
    assert status(facts(baseline=(1, 2020)), {2025: 5}) == Progress.NO_DATA


def test_thresholds_come_from_settings(settings):
    f = facts(yearly=True, milestones={2025: (100, None)})
    settings.TARGETS_ON_TRACK_RATIO = 0.5
    settings.TARGETS_AT_RISK_RATIO = 0.4
    assert progress_status(f, {2025: D(60)}, today=END_2025) == Progress.ON_TRACK
    settings.TARGETS_ON_TRACK_RATIO = 0.95
    settings.TARGETS_AT_RISK_RATIO = 0.7
    assert progress_status(f, {2025: D(60)}, today=END_2025) == Progress.OFF_TRACK


# --- Deadlines and pace -----------------------------------------------------------------------------------


def test_the_four_deadline_buckets():
    f = facts(yearly=True, milestones={2025: (90, None)})
    deadline = datetime.date(2025, 12, 31)
    assert deadline_status(f, 2025, deadline, {2025: D(91)}, today=MID_2026) == Deadline.DONE_ON_TIME
    assert deadline_status(f, 2025, deadline, {2025: D(80), 2026: D(90)}, today=MID_2026) == Deadline.DONE_LATE
    assert deadline_status(f, 2025, deadline, {2025: D(80)}, today=MID_2026) == Deadline.OVERDUE
    assert deadline_status(f, 2025, deadline, {}, today=MID_2026) == Deadline.OVERDUE
    assert deadline_status(f, 2025, deadline, {2024: D(80)}, today=datetime.date(2025, 10, 1)) == Deadline.OPEN
    # A figure of a later year does not count before its year.
    assert deadline_status(f, 2025, deadline, {2026: D(95)}, today=END_2025) == Deadline.OPEN


def test_a_deadline_set_otherwise_than_the_end_of_the_year():
    f = facts("decrease", milestones={2025: (3, None)})
    deadline = datetime.date(2025, 6, 30)
    assert deadline_status(f, 2025, deadline, {2024: D(4)}, today=datetime.date(2025, 7, 1)) == Deadline.OVERDUE
    assert deadline_status(f, 2025, deadline, {2024: D(3)}, today=datetime.date(2025, 7, 1)) == Deadline.DONE_ON_TIME


def test_deadline_of_a_year_without_milestone_is_refused():
    with pytest.raises(ValueError):
        deadline_status(facts(milestones={2025: (1, None)}), 2024, END_2025, {}, today=END_2025)


@pytest.mark.parametrize(
    "today, due_soon",
    [((2025, 10, 2), True), ((2025, 10, 1), False), ((2025, 12, 31), True), ((2026, 1, 1), False)],
)
def test_due_soon_is_within_the_next_90_days(today, due_soon):
    assert is_due_soon(END_2025, today=datetime.date(*today), days=90) is due_soon


def test_due_soon_reads_its_days_from_settings(settings):
    settings.TARGETS_DUE_SOON_DAYS = 10
    assert not is_due_soon(END_2025, today=datetime.date(2025, 12, 1))
    assert is_due_soon(END_2025, today=datetime.date(2025, 12, 21))


def test_required_pace():
    up = facts(milestones={2025: (50, None), 2030: (100, None)})
    assert required_pace(up, {2025: D(60)}, today=MID_2026) == D(8)  # 40 more in 5 years
    assert required_pace(up, {2025: D(100)}, today=MID_2026) == 0
    assert required_pace(up, {}, today=MID_2026) is None
    assert required_pace(up, {2030: D(60)}, today=datetime.date(2031, 1, 1)) is None
    # The figure of the milestone year itself: the whole gap is still needed.
    assert required_pace(up, {2030: D(90)}, today=datetime.date(2030, 12, 31)) == D(10)
    down = facts("decrease", milestones={2025: (3, None)})
    assert required_pace(down, {2023: D(5)}, today=datetime.date(2023, 12, 31)) == D(-1)


def test_format_plan_and_numbers():
    assert format_plan(Plan(D("70.0000"), D("73.0000"))) == "70–73"
    assert format_plan((D("90.0000"), None)) == "90"
    assert format_plan((D("90"), D("90"))) == "90"
    assert format_plan((D("7.5"), D("8")), decimal_separator=",") == "7,5–8"
    assert format_plan(None) == ""
    assert format_number(D("100.0000")) == "100"
    assert format_number(D("0.2500")) == "0.25"
    assert format_number(D("-0.0")) == "0"
    assert format_number(D("1E+3")) == "1000"
    assert format_number(None) == ""


# --- Which figure counts, which verdict stands ------------------------------------------------------------

LEAD, OTHER, THIRD = 1, 2, 3
# Plan 90 in 2025 (increase, yearly): 97 exceeds, 90 achieves, 80 does not.
REVIEWED = TargetFacts("increase", is_yearly=True, milestones={2025: (D(90), None)})


def test_the_lead_units_figure_counts_whatever_came_later():
    rows = [(7, LEAD, 2025, D(80), False), (7, OTHER, 2025, D(60), True)]  # in order of approval
    assert year_figures(rows, {7: LEAD}) == {(7, 2025): (D(80), False)}


def test_without_the_leads_figure_the_latest_approved_of_another_unit_stands_in():
    rows = [(7, OTHER, 2025, D(60), False), (7, THIRD, 2025, D(65), True), (7, OTHER, 2024, D(50), False)]
    assert year_figures(rows, {7: LEAD}) == {(7, 2025): (D(65), True), (7, 2024): (D(50), False)}
    # Once the lead unit's figure is in, a later one of another unit does not replace it.
    rows += [(7, LEAD, 2025, D(70), False), (7, OTHER, 2025, D(99), False)]
    assert year_figures(rows, {7: LEAD})[(7, 2025)] == (D(70), False)


def test_a_later_correction_of_the_lead_unit_wins():
    rows = [(7, LEAD, 2025, D(80), False), (7, LEAD, 2025, D(85), False)]
    assert year_figures(rows, {7: LEAD}) == {(7, 2025): (D(85), False)}


def test_without_a_review_row_the_computed_verdict_stands():
    verdict = standing_verdict(REVIEWED, 2025, D(80))
    assert (verdict.assessment, verdict.computed, verdict.source, verdict.figure) == (
        Assessment.NOT_ACHIEVED,
        Assessment.NOT_ACHIEVED,
        Source.COMPUTED,
        D(80),
    )
    assert verdict.plan == Plan(D(90)) and not verdict.is_overridden and not verdict.is_frozen
    assert standing_verdict(REVIEWED, 2025, None).assessment == Assessment.NO_DATA


def test_the_offices_override_stands_on_todays_figure():
    review = ReviewFacts(figure=D(80), assessment="achieved", computed_assessment="not_achieved", is_overridden=True)
    verdict = standing_verdict(REVIEWED, 2025, D(80), review)
    assert (verdict.assessment, verdict.computed, verdict.source) == ("achieved", "not_achieved", Source.OVERRIDDEN)
    assert verdict.is_overridden
    # A later figure changes the computed assessment, the override stays; once they agree, it is no override.
    later = standing_verdict(REVIEWED, 2025, D(97), review)
    assert (later.assessment, later.computed, later.figure) == ("achieved", "exceeded", D(97))
    agreeing = standing_verdict(REVIEWED, 2025, D(90), review)
    assert (agreeing.assessment, agreeing.source, agreeing.is_overridden) == ("achieved", Source.COMPUTED, False)


def test_a_stored_row_that_is_neither_frozen_nor_overridden_says_nothing():
    stale = ReviewFacts(figure=D(97), assessment="exceeded", computed_assessment="exceeded")
    verdict = standing_verdict(REVIEWED, 2025, D(80), stale)
    assert (verdict.assessment, verdict.source, verdict.figure) == ("not_achieved", Source.COMPUTED, D(80))
    assert standing_figure(D(80), stale) == D(80)


def test_a_frozen_row_keeps_its_figure_and_verdict_whatever_the_figure_is_now():
    frozen = ReviewFacts(figure=D(97), assessment="exceeded", computed_assessment="exceeded", is_frozen=True)
    verdict = standing_verdict(REVIEWED, 2025, D(10), frozen)
    assert (verdict.assessment, verdict.computed, verdict.source, verdict.figure) == (
        "exceeded",
        "exceeded",
        Source.FROZEN,
        D(97),
    )
    assert verdict.is_frozen and not verdict.is_overridden and verdict.plan == Plan(D(90))
    assert standing_figure(D(10), frozen) == D(97)
    # Frozen without a figure: no figure, whatever came in later.
    empty = ReviewFacts(figure=None, assessment="no_data", computed_assessment="no_data", is_frozen=True)
    assert standing_verdict(REVIEWED, 2025, D(97), empty).assessment == Assessment.NO_DATA
    assert standing_figure(D(97), empty) is None


def test_a_frozen_override_stays_the_verdict():
    review = ReviewFacts(
        figure=D(80), assessment="achieved", computed_assessment="not_achieved", is_overridden=True, is_frozen=True
    )
    verdict = standing_verdict(REVIEWED, 2025, D(97), review)
    assert (verdict.assessment, verdict.computed, verdict.source, verdict.figure) == (
        "achieved",
        "not_achieved",
        Source.FROZEN,
        D(80),
    )
    assert verdict.is_overridden and verdict.is_frozen


def test_a_review_row_of_the_model_is_read_as_it_is():
    row = SimpleNamespace(figure=D(97), assessment="exceeded", computed_assessment="exceeded", is_overridden=False)
    row.is_frozen = True
    assert ReviewFacts.from_review(row) == ReviewFacts(D(97), "exceeded", "exceeded", False, True)
    assert standing_verdict(REVIEWED, 2025, D(10), row).figure == D(97)


def test_standing_figures_put_the_frozen_years_in_place():
    frozen = ReviewFacts(figure=D(97), assessment="exceeded", computed_assessment="exceeded", is_frozen=True)
    empty = ReviewFacts(figure=None, assessment="no_data", computed_assessment="no_data", is_frozen=True)
    override = ReviewFacts(figure=D(1), assessment="achieved", computed_assessment="not_achieved", is_overridden=True)
    figures = {2023: D(70), 2024: D(10), 2025: D(80), 2026: D(81)}
    reviews = {2022: frozen, 2024: frozen, 2025: empty, 2026: override}
    assert standing_figures(figures, reviews) == {2022: D(97), 2023: D(70), 2024: D(97), 2026: D(81)}
    assert standing_figures(figures, {}) == figures


def test_one_constructor_reads_milestone_rows_or_a_mapping():
    target = SimpleNamespace(direction="increase", is_yearly=False, baseline_value=D(60), baseline_year=2020)
    rows = [
        SimpleNamespace(year=2030, min_value=D(80), max_value=None),
        SimpleNamespace(year=2025, min_value=D(70), max_value=D(73)),
    ]
    facts = facts_for(target, rows)
    assert facts == facts_for(target, {2025: (D(70), D(73)), 2030: (D(80), None)})
    assert facts.milestone_years == [2025, 2030] and facts.baseline_value == D(60)
    target.milestones = SimpleNamespace(all=lambda: rows)
    assert TargetFacts.from_target(target) == facts


# --- Properties ---------------------------------------------------------------------------------------------

values = st.decimals(min_value=-200, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
years = st.integers(min_value=2021, max_value=2030)


@st.composite
def target_facts(draw):
    direction = draw(st.sampled_from(["increase", "decrease", "keep"]))
    if direction == "keep":
        # Keep holds one level through the programme.
        level = draw(st.sampled_from([D(0), D(100), draw(values)]))
        milestones = {2025: (level, None), 2030: (level, None)}
    else:
        milestones = {}
        for year in draw(st.sampled_from([[2025, 2030], [2025], [2030]])):
            low = draw(values)
            high = draw(st.one_of(st.none(), st.decimals(min_value=low, max_value=low + 50, places=2)))
            milestones[year] = (low, high)
    baseline = draw(st.one_of(st.none(), st.tuples(values, st.integers(min_value=2015, max_value=2026))))
    return facts(direction, yearly=draw(st.booleans()), baseline=baseline, milestones=milestones)


def _better(f, low, high, today):
    """(worse, better) of two figures for ``f`` as of ``today``."""
    plan = plan_for_year(f, next_milestone_year(f, today=today))
    return (low, high) if better_sense(f, plan) > 0 else (high, low)


@given(target_facts(), st.dictionaries(years, values, max_size=6), years, values, values, st.integers(2021, 2031))
def test_a_better_latest_figure_never_gives_a_worse_progress_status(f, earlier, year, a, b, today_year):
    assume(a != b)
    today = datetime.date(today_year, 12, 31)
    assume(year <= today_year)
    figures = {y: v for y, v in earlier.items() if y < year}
    worse, better = _better(f, min(a, b), max(a, b), today)
    worse_status = progress_status(f, {**figures, year: worse}, today=today, **THRESHOLDS)
    better_status = progress_status(f, {**figures, year: better}, today=today, **THRESHOLDS)
    assert (worse_status == Progress.NO_DATA) == (better_status == Progress.NO_DATA)
    if worse_status != Progress.NO_DATA:
        assert PROGRESS_RANK[better_status] >= PROGRESS_RANK[worse_status], (worse_status, better_status)


@given(target_facts(), years, values, values)
def test_a_better_figure_never_gives_a_worse_assessment(f, year, a, b):
    plan = plan_for_year(f, year)
    assume(plan is not None)
    worse, better = (min(a, b), max(a, b)) if better_sense(f, plan) > 0 else (max(a, b), min(a, b))
    rank = {a: i for i, a in enumerate(reversed(ASSESSMENT_ORDER))}
    assert rank[assess_year(f, year, better)[0]] >= rank[assess_year(f, year, worse)[0]]


@given(target_facts(), years, values, values, st.integers(2021, 2030))
def test_a_better_figure_never_needs_a_faster_pace(f, year, a, b, today_year):
    today = datetime.date(today_year, 12, 31)
    assume(year <= today_year)
    worse, better = _better(f, min(a, b), max(a, b), today)
    pace_worse = required_pace(f, {year: worse}, today=today)
    pace_better = required_pace(f, {year: better}, today=today)
    assert (pace_worse is None) == (pace_better is None)
    if pace_worse is not None:
        sense = better_sense(f, plan_for_year(f, next_milestone_year(f, today=today)))
        assert sense * pace_better <= sense * pace_worse


@given(target_facts(), years)
def test_a_plan_range_is_never_reversed(f, year):
    plan = plan_for_year(f, year)
    if plan is not None:
        assert plan.max_value is None or plan.max_value >= plan.min_value
        assert plan.interpolated == (not f.is_yearly and year not in f.milestones)


@given(target_facts(), st.dictionaries(years, values, max_size=6), st.integers(2021, 2031))
def test_every_milestone_falls_in_exactly_one_bucket(f, figures, today_year):
    today = datetime.date(today_year, 6, 30)
    for year in f.milestones:
        bucket = deadline_status(f, year, datetime.date(year, 12, 31), figures, today=today)
        assert bucket in Deadline
        if today_year <= year:
            assert bucket in (Deadline.DONE_ON_TIME, Deadline.OPEN)


# --- Averages over a period (bình quân giai đoạn) -----------------------------------------------------------


def kt01(**kwargs):
    """KT-01 as the reference data has it: average growth of gross output, 7.5–8.0 %/year over 2021–2025 and
    8.0–8.5 over 2026–2030, baseline 7.51 in 2023."""
    return TargetFacts(
        direction="increase",
        is_period_average=True,
        baseline_value=D("7.51"),
        baseline_year=2023,
        milestones={2025: (D("7.5"), D("8.0")), 2030: (D("8.0"), D("8.5"))},
        **kwargs,
    )


def test_a_period_average_is_judged_each_year_against_the_period_target():
    facts = kt01()
    for year in (2021, 2024, 2025):
        assert plan_for_year(facts, year) == Plan(D("7.5"), D("8.0"), interpolated=False), year
    # 2026 belongs to the next phase: its target, not a line from 2025's.
    assert plan_for_year(facts, 2026) == Plan(D("8.0"), D("8.5"), interpolated=False)
    assert assess_year(facts, 2024, D("7.6"))[0] == Assessment.ACHIEVED
    assert assess_year(facts, 2026, D("7.9"))[0] == Assessment.NOT_ACHIEVED


def test_without_the_flag_the_same_target_would_be_drawn_on_a_line():
    facts = TargetFacts(
        direction="increase",
        baseline_value=D("7.51"),
        baseline_year=2023,
        milestones={2025: (D("7.5"), D("8.0")), 2030: (D("8.0"), D("8.5"))},
    )
    assert plan_for_year(facts, 2026).interpolated
    assert plan_for_year(facts, 2021) is None  # before the baseline: nothing to judge against


def test_a_period_average_without_a_baseline_still_has_a_plan_every_year():
    facts = TargetFacts(direction="increase", is_period_average=True, milestones={2025: (D("6.5"), None)})
    assert plan_for_year(facts, 2022) == Plan(D("6.5"), None, interpolated=False)


def test_progress_of_a_period_average_compares_the_rate_with_the_period_target():
    facts = kt01()
    # 7.3 % against 7.5: 97 % of the plan, on track; no "progress since the baseline" for a rate.
    result = progress(facts, {2025: D("7.3")}, today=datetime.date(2026, 3, 1), on_track=0.95, at_risk=0.7)
    assert result.status == Progress.ON_TRACK
    assert result.expected == Plan(D("7.5"), D("8.0"), interpolated=False)
    assert result.ratio == D("0.9733")
