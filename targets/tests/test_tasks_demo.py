"""The demo's tasks (issue 14.7): about 40 across the 6 groups of 12-CTr/QU and about 15 for the Cầu Giấy ward,
marked illustrative, with every deadline status, updates in every state, and a task reminded three times that
is still overdue."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from targets import selectors
from targets.assessment import TaskStatus
from targets.models import Program, Task, TaskReminder, TaskUpdate

pytestmark = pytest.mark.django_db

WARD = "01-ctr-du-phuong-cau-giay"


def _assert_demo_tasks(program, *, count):
    """``program``'s demo tasks: ``count`` of them in its 6 groups, illustrative, every update state and
    recurrence, every deadline status today, a task reminded 3 times still overdue, a stale overdue one."""
    tasks = Task.objects.filter(program=program)
    assert tasks.count() == count
    assert set(tasks.values_list("solution_group__number", flat=True)) == {1, 2, 3, 4, 5, 6}
    assert all(task.has_illustrative_wording for task in tasks)
    assert set(TaskUpdate.objects.filter(task__program=program).values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "approved",
        "returned",
        "superseded",
    }
    assert set(tasks.values_list("recurrence", flat=True)) == {"once", "yearly", "ongoing"}
    panel = selectors.task_panel(program=program)
    assert all(entry["count"] > 0 for entry in panel.counts), panel.counts
    assert panel.flagged and all(row.reminder_count >= 3 for row in panel.flagged)
    assert panel.stale
    assert TaskUpdate.objects.filter(task__program=program).exclude(completed_on_reported=None).exists()


@time_machine.travel(datetime.datetime(2026, 12, 2, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_load_demo_writes_the_tasks_once(capsys):
    call_command("load_demo")
    assert "56 tasks created" in capsys.readouterr().out  # 40 of the district's, 16 of the ward's
    program = Program.objects.get(slug="12-ctr-qu")
    _assert_demo_tasks(program, count=40)
    rows = {row.task.code: row for row in selectors.task_rows(program=program, year=2024)}
    assert {row.status for row in rows.values()} >= {TaskStatus.DONE_LATE, TaskStatus.DONE_ON_TIME}

    # The ward's: its own units and deadlines in its 2025–2030 span, signed by its staff and its office.
    ward = Program.objects.select_related("organisation").get(slug=WARD)
    _assert_demo_tasks(ward, count=16)
    tasks = Task.objects.filter(program=ward)
    assert all(code.endswith("-PCG") for code in tasks.values_list("lead_unit__code", flat=True))
    assert all(2025 <= task.deadline.year <= 2030 for task in tasks.exclude(deadline=None))
    assert set(tasks.values_list("assigned_by_number", flat=True)) == {"01-CTr/ĐU"}
    updates = TaskUpdate.objects.filter(task__program=ward)
    authors = set(updates.values_list("author__username", flat=True))
    assert authors >= {"staff-vpdu-pcg", "staff-pkt-pcg", "staff-cap-pcg"}
    assert all(name.endswith("-pcg") or name == "office-phuong-cau-giay" for name in authors), authors
    reviewers = set(updates.exclude(reviewer=None).values_list("reviewer__username", flat=True))
    assert reviewers == {"office-phuong-cau-giay"}
    reminders = TaskReminder.objects.filter(task__program=ward)
    assert set(reminders.values_list("sent_by__username", flat=True)) == {"office-phuong-cau-giay"}
    reminded = selectors.task_panel(program=ward).flagged
    assert [row.task.lead_unit.code for row in reminded] == ["BXDD-PCG"]
    rows = selectors.task_rows(program=ward, year=2025)  # the ward's first yearly reports came in late
    assert {row.status for row in rows if row.task.recurrence == "yearly"} == {TaskStatus.DONE_LATE}

    counts = (Task.objects.count(), TaskUpdate.objects.count(), TaskReminder.objects.count())
    call_command("load_demo")
    assert "0 tasks created" in capsys.readouterr().out
    assert (Task.objects.count(), TaskUpdate.objects.count(), TaskReminder.objects.count()) == counts
