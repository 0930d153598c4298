"""Synthetic tasks for the benchmark's task budget (``manage.py bench --task-growth``): issue 14's "with 200
tasks × 10 years of quarterly updates per programme the overview's time grows by less than 1.5×". FOR
BENCH DATABASES ONLY.

As ``scale.py`` does for figures, the rows go in with ``bulk_create`` (no ``full_clean()`` per row) with
one history row each, as the real write paths leave them. The tasks mix the three recurrences (done
once, yearly, ongoing), lead units and groups of solutions as a real list does; every task gets one
approved update a quarter for ``years`` years back from today (its dates run before the programme's first
year when the programme is younger: the budget is about the volume of rows, not their calendar), and a
quarter of the tasks done once report themselves done in their last update. ``task_growth_remove`` takes
them away again, so that the bench database is left as it was.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from ..models import Program, SolutionGroup, Task, TaskUpdate, Unit
from ..services.versions import program_version_bump
from ..text import fold

TASK_GROWTH_PREFIX = "BENCH-"
TASK_GROWTH_BATCH = 2000
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def _quarter_dates(*, years: int, today: datetime.date) -> list[datetime.date]:
    """The last day of each quarter of the ``years`` years up to today's, those already past."""
    dates = []
    for year in range(today.year - years + 1, today.year + 1):
        dates += [datetime.date(year, month, day) for month, day in QUARTER_ENDS]
    return [date for date in dates if date <= today]


@transaction.atomic
def task_growth_add(*, program: Program, author, tasks: int = 200, years: int = 10, today=None) -> dict[str, int]:
    """Add ``tasks`` tasks to ``program``, each with an approved update a quarter for ``years`` years
    (signed by ``author``, reviewed by them too). Refuses (ValueError) when the programme has no group of
    solutions or no unit. Returns the numbers written."""
    today = today or timezone.localdate()
    task_growth_remove(program=program)  # a run stopped half-way left its tasks: start again from none
    groups = list(SolutionGroup.objects.filter(program=program).order_by("number"))
    units = list(Unit.objects.filter(organisation_id=program.organisation_id, is_active=True).order_by("code"))
    if not groups or not units:
        raise ValueError(f"{program.slug} has no group of solutions or no unit: no task can be added.")
    span = list(range(program.first_year, program.last_year + 1))
    new = []
    for n in range(tasks):
        kind = n % 4
        recurrence = (Task.Recurrence.ONGOING, Task.Recurrence.YEARLY, Task.Recurrence.ONCE, Task.Recurrence.ONCE)[kind]
        deadline = None
        if recurrence == Task.Recurrence.YEARLY:
            deadline = datetime.date(program.first_year, 12, 15)
        elif recurrence == Task.Recurrence.ONCE:
            deadline = datetime.date(span[n % len(span)], 6 if n % 2 else 12, 30)
        code = f"{TASK_GROWTH_PREFIX}{n + 1:04d}"
        name = f"Nhiệm vụ tổng hợp số {n + 1}: triển khai, kiểm tra và báo cáo kết quả thực hiện"
        new.append(
            Task(
                program=program,
                solution_group=groups[n % len(groups)],
                code=code,
                name=name,
                lead_unit=units[n % len(units)],
                deadline=deadline,
                recurrence=recurrence,
                expected_output="Báo cáo",
                order=1000 + n,
                search_text=fold(f"{code} {name} Báo cáo"),
            )
        )
    created = Task.objects.bulk_create(new, batch_size=TASK_GROWTH_BATCH)
    now = timezone.now()
    Task.history.bulk_history_create(created, default_user=author, default_date=now)
    created = list(Task.objects.filter(program=program, code__startswith=TASK_GROWTH_PREFIX).order_by("code"))
    dates = _quarter_dates(years=years, today=today)
    updates = []
    for n, task in enumerate(created):
        done = task.recurrence == Task.Recurrence.ONCE and n % 8 == 2 and task.deadline <= today
        for index, date in enumerate(dates):
            last = index == len(dates) - 1
            updates.append(
                TaskUpdate(
                    task=task,
                    unit=task.lead_unit,
                    date=date,
                    content=f"Quý {(date.month - 1) // 3 + 1}/{date.year}: đã triển khai theo kế hoạch.",
                    progress=min(100, 10 + index * 90 // max(len(dates) - 1, 1)),
                    is_done=done and last,
                    completed_on=date if done and last else None,
                    status=TaskUpdate.Status.APPROVED,
                    author=author,
                    reviewer=author,
                    submitted_at=now,
                    reviewed_at=now,
                )
            )
    for start in range(0, len(updates), TASK_GROWTH_BATCH):
        batch = TaskUpdate.objects.bulk_create(updates[start : start + TASK_GROWTH_BATCH])
        TaskUpdate.history.bulk_history_create(batch, default_user=author, default_date=now)
    program_version_bump(program_ids=[program.pk])
    return {"tasks": len(created), "updates": len(updates)}


@transaction.atomic
def task_growth_remove(*, program: Program) -> int:
    """Delete the tasks ``task_growth_add`` wrote in ``program``, their updates and history. Returns how many
    tasks there were."""
    tasks = Task.objects.filter(program=program, code__startswith=TASK_GROWTH_PREFIX)
    ids = list(tasks.values_list("pk", flat=True))
    if not ids:
        return 0
    update_ids = list(TaskUpdate.objects.filter(task_id__in=ids).values_list("pk", flat=True))
    # Deleting records a history row per object (simple_history's signal): the history goes after them.
    TaskUpdate.objects.filter(pk__in=update_ids).delete()
    tasks.delete()
    TaskUpdate.history.filter(id__in=update_ids).delete()
    Task.history.filter(id__in=ids).delete()
    program_version_bump(program_ids=[program.pk])
    return len(ids)
