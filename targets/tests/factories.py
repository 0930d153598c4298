"""Progress reports for the tests, written straight to the database (the services are what the tests
test): one report in any state (``make_report``), many for the query budgets (``add_reports``), and the
dashboard's known handful of figures (``known_figures``)."""

import datetime
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from targets.models import ProgressReport, SolutionGroup, Target, Task, TaskReminder, TaskUpdate, Unit, YearClosure

Status = ProgressReport.Status

# As of 15 June 2026: the 2025 milestones are past, the 2030 ones ahead; last year is 2025.
TODAY = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)

_REVIEWED = (Status.APPROVED, Status.RETURNED, Status.SUPERSEDED)
_OTHER_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.SUPERSEDED)


def target(code: str) -> Target:
    return Target.objects.select_related("program", "lead_unit").get(code=code)


def make_report(
    *, target, author, unit=None, status=Status.DRAFT, year=2025, quarter=None, value="71", **extra
) -> ProgressReport:
    """A report in ``status``, saved with its history row signed by ``author``. ``target`` and ``unit`` are
    rows or codes; the unit is the target's lead unit unless given. ``extra`` sets any other field
    (``reviewer``, ``note``, ``is_estimate`` …)."""
    if isinstance(target, str):
        target = Target.objects.select_related("program", "lead_unit").get(code=target)
    if isinstance(unit, str):
        unit = Unit.objects.get(code=unit)
    now = timezone.now()
    values = {
        "target": target,
        "unit": unit or target.lead_unit,
        "author": author,
        "year": year,
        "quarter": quarter,
        "value": Decimal(str(value)),
        "status": status,
        "submitted_at": None if status == Status.DRAFT else now,
        "reviewed_at": now if status in _REVIEWED else None,
        "review_comment": "Kiểm tra lại số liệu." if status == Status.RETURNED else "",
    }
    values.update(extra)
    report = ProgressReport(**values)
    report._history_user = author
    report.full_clean()
    report.save()
    return report


def add_reports(program, *, per_target: int, author, codes=None, with_history: bool = False) -> int:
    """``per_target`` reports for every target of ``program`` (or those of ``codes``), written in bulk (the
    pages only read them): approved yearly figures 2021–2026 first, then approved quarterly ones, then
    reports in the other statuses; ``with_history``: each with its history row, signed by ``author``.
    Returns the number created."""
    periods = [(year, None) for year in range(2021, 2027)]
    periods += [(year, quarter) for year in range(2021, 2027) for quarter in range(1, 5)]
    now = timezone.now()
    reports = []
    targets = Target.objects.filter(program=program).select_related("lead_unit")
    for target in targets.filter(code__in=codes) if codes is not None else targets:
        for i in range(per_target):
            if i < len(periods):
                (year, quarter), status = periods[i], Status.APPROVED
            else:
                year, quarter, status = 2026, 1 + i % 4, _OTHER_STATUSES[i % len(_OTHER_STATUSES)]
            reports.append(
                ProgressReport(
                    target=target,
                    unit=target.lead_unit,
                    year=year,
                    quarter=quarter,
                    value=Decimal(40 + (i * 7) % 60),
                    status=status,
                    author=author,
                    submitted_at=now,
                    reviewed_at=now if status != Status.DRAFT else None,
                )
            )
    if with_history:
        bulk_create_with_history(reports, ProgressReport, batch_size=500, default_user=author)
    else:
        ProgressReport.objects.bulk_create(reports, batch_size=500)
    return len(reports)


def known_figures(author):
    """As of TODAY: VH-01 achieved (74 meets 2030's 73; a supporting unit's 60 does not count), KT-01 on
    track (7.6 meets 2025's 7.5–8), XD-07 off track (rank 5 against a ceiling of 3), KT-03 no data (only
    submitted), everything else no data."""
    make_report(target="VH-01", year=2025, value=74, status=Status.APPROVED, author=author)
    make_report(target="VH-01", year=2025, value=60, status=Status.APPROVED, author=author, unit="MTTQ")
    make_report(target="KT-01", year=2025, value="7.6", status=Status.APPROVED, author=author)
    make_report(target="XD-07", year=2025, value=5, status=Status.APPROVED, author=author)
    make_report(target="KT-03", year=2025, value=70, status=Status.SUBMITTED, author=author)


def close_year(program, year: int, *, is_closed=True) -> YearClosure:
    return YearClosure.objects.create(program=program, year=year, is_closed=is_closed, reason="Chốt số liệu")


def counts() -> tuple[int, int]:
    """The number of reports and of their history rows: what a refused write must leave unchanged."""
    return ProgressReport.objects.count(), ProgressReport.history.count()


def make_task(
    program, *, code="NV-1.01", group=1, lead="PVHTT", supporting=(), deadline=datetime.date(2025, 6, 30), **extra
) -> Task:
    """A task of ``program`` in solution group number ``group``, led by the unit coded ``lead``, supported
    by the units coded ``supporting``; ``extra`` sets any other field (``recurrence``, ``assigned_by_date`` …)."""
    values = {
        "program": program,
        "solution_group": SolutionGroup.objects.get(program=program, number=group),
        "code": code,
        "name": extra.pop("name", f"Xây dựng Đề án {code}"),
        "lead_unit": Unit.objects.get(organisation_id=program.organisation_id, code=lead),
        "deadline": deadline,
    }
    values.update(extra)
    task = Task(**values)
    task.full_clean()
    task.save()
    if supporting:
        task.supporting_units.set(Unit.objects.filter(organisation_id=program.organisation_id, code__in=supporting))
    return task


def make_task_update(
    *, task, author, unit=None, status=Status.DRAFT, date=datetime.date(2025, 5, 1), content="Đã triển khai.", **extra
) -> TaskUpdate:
    """A task update in ``status``, written straight to the database with its history row signed by
    ``author``; the unit is the task's lead unit unless given. ``extra``: ``is_done``, ``completed_on`` …"""
    now = timezone.now()
    values = {
        "task": task,
        "unit": unit or task.lead_unit,
        "author": author,
        "date": date,
        "content": content,
        "status": status,
        "submitted_at": None if status == Status.DRAFT else now,
        "reviewed_at": now if status in _REVIEWED else None,
        "review_comment": "Bổ sung sản phẩm." if status == Status.RETURNED else "",
    }
    values.update(extra)
    update = TaskUpdate(**values)
    update._history_user = author
    update.full_clean()
    update.save()
    return update


def make_reminders(task, *, by, times: int, unit=None) -> list[TaskReminder]:
    """``times`` reminders of ``task`` logged straight to the database (no mail)."""
    return [TaskReminder.objects.create(task=task, unit=unit or task.lead_unit, sent_by=by) for _ in range(times)]


def task_counts() -> tuple[int, int, int]:
    """Task updates, their history rows and reminders: what a refused write must leave unchanged."""
    return TaskUpdate.objects.count(), TaskUpdate.history.count(), TaskReminder.objects.count()
