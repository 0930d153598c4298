"""The deadline status of a task (``assessment.task_state``) at every edge: due today, done on the
deadline, a day late, yearly tasks across years, ongoing tasks, stale at 29/30/31 days, due-soon bounds,
the overdue age and the flag for the leaders. Pure functions: no database."""

import datetime

import pytest

from targets.assessment import (
    TASK_FLAG_REMINDERS,
    TASK_STALE_DAYS,
    TaskFacts,
    TaskStatus,
    task_deadline_in_year,
    task_state,
    task_status,
)

D = datetime.date
DEADLINE = D(2025, 6, 30)


def once(*completions, last_update=None, reminders=0):
    return TaskFacts("once", DEADLINE, completions=completions, last_update=last_update, reminders=reminders)


YEARLY_FROM = D(2023, 12, 15)


def yearly(*completions, deadline=YEARLY_FROM, **kwargs):
    return TaskFacts("yearly", deadline, completions=completions, **kwargs)


# --- Once ---------------------------------------------------------------------------------------------------


def test_due_today_and_not_done_is_still_in_time():
    state = task_state(once(), today=DEADLINE)
    assert state.status == TaskStatus.OPEN_IN_TIME
    assert state.due_soon and state.overdue_days is None and not state.stale


def test_the_day_after_the_deadline_is_overdue_by_one_day():
    state = task_state(once(), today=DEADLINE + datetime.timedelta(days=1))
    assert state.status == TaskStatus.OVERDUE and state.overdue_days == 1
    assert not state.due_soon


def test_done_on_the_deadline_is_on_time():
    state = task_state(once(DEADLINE), today=D(2026, 1, 1))
    assert state.status == TaskStatus.DONE_ON_TIME and state.completed_on == DEADLINE
    assert state.is_done and state.days_late is None


def test_done_a_day_late():
    state = task_state(once(D(2025, 7, 1)), today=D(2026, 1, 1))
    assert state.status == TaskStatus.DONE_LATE and state.days_late == 1


def test_done_early_is_on_time_and_the_earliest_completion_counts():
    assert task_status(once(D(2025, 8, 1), D(2025, 3, 1)), today=D(2026, 1, 1)) == TaskStatus.DONE_ON_TIME


def test_a_completion_after_the_day_judged_is_not_known_yet():
    facts = once(D(2025, 7, 10))
    assert task_status(facts, today=D(2025, 7, 9)) == TaskStatus.OVERDUE
    assert task_status(facts, today=D(2025, 7, 10)) == TaskStatus.DONE_LATE
    assert task_status(facts, today=D(2025, 6, 1)) == TaskStatus.OPEN_IN_TIME


def test_the_overdue_age_grows_by_the_day():
    assert task_state(once(), today=D(2025, 12, 31)).overdue_days == 184


# --- Due soon ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "due_soon"),
    [(0, True), (1, True), (89, True), (90, True), (91, False), (365, False)],
)
def test_due_soon_bounds(days_before, due_soon):
    today = DEADLINE - datetime.timedelta(days=days_before)
    state = task_state(once(), today=today, due_soon_days=90)
    assert state.status == TaskStatus.OPEN_IN_TIME and state.due_soon is due_soon


def test_due_soon_reads_the_setting_by_default(settings):
    settings.TARGETS_DUE_SOON_DAYS = 10
    assert task_state(once(), today=DEADLINE - datetime.timedelta(days=10)).due_soon
    assert not task_state(once(), today=DEADLINE - datetime.timedelta(days=11)).due_soon


def test_a_done_task_is_never_due_soon():
    assert not task_state(once(D(2025, 6, 1)), today=D(2025, 6, 20), due_soon_days=90).due_soon


# --- Stale ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "stale"), [(29, False), (30, True), (31, True)])
def test_stale_when_overdue_and_no_approved_update_for_30_days(days, stale):
    today = D(2025, 12, 1)
    facts = once(last_update=today - datetime.timedelta(days=days))
    state = task_state(facts, today=today)
    assert state.status == TaskStatus.OVERDUE and state.stale is stale
    assert TASK_STALE_DAYS == 30


def test_overdue_without_any_approved_update_is_stale():
    assert task_state(once(), today=D(2025, 7, 1)).stale


def test_an_update_after_the_day_judged_does_not_count_against_staleness():
    assert task_state(once(last_update=D(2025, 12, 1)), today=D(2025, 11, 1)).stale


def test_only_overdue_tasks_are_stale():
    old = D(2024, 1, 1)
    assert not task_state(once(last_update=old), today=D(2025, 6, 1)).stale  # in time
    assert not task_state(once(D(2025, 7, 5), last_update=old), today=D(2025, 12, 1)).stale  # done late


# --- Flagged for the leaders ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("reminders", "flagged"), [(0, False), (2, False), (3, True), (4, True)])
def test_flagged_when_reminded_three_times_and_still_overdue(reminders, flagged):
    assert TASK_FLAG_REMINDERS == 3
    assert task_state(once(reminders=reminders), today=D(2025, 9, 1)).flagged is flagged


def test_reminders_do_not_flag_a_task_in_time_or_done():
    assert not task_state(once(reminders=5), today=D(2025, 6, 1)).flagged
    assert not task_state(once(D(2025, 8, 1), reminders=5), today=D(2025, 9, 1)).flagged


# --- Yearly ---------------------------------------------------------------------------------------------------


def test_yearly_deadline_in_each_year():
    deadline = D(2023, 12, 15)
    assert task_deadline_in_year(deadline, 2022) is None
    assert task_deadline_in_year(deadline, 2023) == deadline
    assert task_deadline_in_year(deadline, 2027) == D(2027, 12, 15)
    assert task_deadline_in_year(D(2024, 2, 29), 2025) == D(2025, 2, 28)
    assert task_deadline_in_year(D(2024, 2, 29), 2028) == D(2028, 2, 29)


def test_a_yearly_task_is_judged_per_year():
    facts = yearly(D(2023, 12, 10), D(2024, 12, 20), D(2026, 3, 1))
    today = D(2026, 6, 1)
    assert task_status(facts, today=today, year=2023) == TaskStatus.DONE_ON_TIME
    assert task_state(facts, today=today, year=2024).days_late == 5
    assert task_status(facts, today=today, year=2025) == TaskStatus.OVERDUE
    assert task_status(facts, today=today, year=2026) == TaskStatus.DONE_ON_TIME
    assert task_status(facts, today=today, year=2027) == TaskStatus.OPEN_IN_TIME


def test_a_yearly_task_defaults_to_todays_year_and_last_years_completion_does_not_count():
    facts = yearly(D(2024, 12, 1))
    state = task_state(facts, today=D(2025, 12, 15), due_soon_days=90)
    assert (state.status, state.year, state.deadline, state.due_soon) == (
        TaskStatus.OPEN_IN_TIME,
        2025,
        D(2025, 12, 15),
        True,
    )
    state = task_state(facts, today=D(2025, 12, 16))
    assert (state.status, state.overdue_days) == (TaskStatus.OVERDUE, 1)


def test_a_yearly_task_is_not_due_before_its_first_year():
    state = task_state(yearly(), today=D(2022, 12, 31))
    assert state.status == TaskStatus.OPEN_IN_TIME and state.deadline is None and not state.due_soon


def test_a_yearly_task_done_on_its_day_is_on_time():
    assert task_status(yearly(D(2025, 12, 15)), today=D(2025, 12, 15)) == TaskStatus.DONE_ON_TIME


# --- Ongoing ---------------------------------------------------------------------------------------------------


def test_an_ongoing_task_is_ongoing_whatever_its_updates_and_reminders():
    facts = TaskFacts("ongoing", completions=(D(2024, 1, 1),), reminders=9)
    state = task_state(facts, today=D(2030, 12, 31))
    assert state.status == TaskStatus.ONGOING
    assert not (state.due_soon or state.stale or state.flagged) and state.overdue_days is None


# --- Facts ---------------------------------------------------------------------------------------------------


def test_facts_refuse_an_unknown_recurrence_and_a_missing_deadline():
    with pytest.raises(ValueError):
        TaskFacts("monthly", DEADLINE)
    with pytest.raises(ValueError):
        TaskFacts("once")
    assert TaskFacts("once", DEADLINE, completions=(None, D(2025, 2, 1), D(2025, 1, 1))).completions == (
        D(2025, 1, 1),
        D(2025, 2, 1),
    )
