"""The demo's tasks (issue 14.7): about 40 across the 6 groups of 12-CTr/QU, marked illustrative, with
every deadline status, updates in every state, and a task reminded three times that is still overdue."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from targets import selectors
from targets.assessment import TaskStatus
from targets.models import Program, Task, TaskReminder, TaskUpdate

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 12, 2, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_load_demo_writes_the_tasks_once(capsys):
    call_command("load_demo")
    assert "40 tasks created" in capsys.readouterr().out
    program = Program.objects.get(slug="12-ctr-qu")
    tasks = Task.objects.filter(program=program)
    assert tasks.count() == 40
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
    rows = {row.task.code: row for row in selectors.task_rows(program=program, year=2024)}
    assert {row.status for row in rows.values()} >= {TaskStatus.DONE_LATE, TaskStatus.DONE_ON_TIME}
    assert TaskUpdate.objects.exclude(completed_on_reported=None).exists()  # an office's date correction
    counts = (Task.objects.count(), TaskUpdate.objects.count(), TaskReminder.objects.count())
    call_command("load_demo")
    assert "0 tasks created" in capsys.readouterr().out
    assert (Task.objects.count(), TaskUpdate.objects.count(), TaskReminder.objects.count()) == counts
