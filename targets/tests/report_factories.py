"""Reports in any state, for the reporting workflow's tests (test_reports_*.py, test_permissions.py)."""

from decimal import Decimal

from django.utils import timezone

from targets.models import ProgressReport, Target, YearClosure

Status = ProgressReport.Status


def target(code: str) -> Target:
    return Target.objects.select_related("program", "lead_unit").get(code=code)


def make_report(*, target, author, unit=None, status=Status.DRAFT, year=2025, quarter=None, value="71", **extra):
    """A report written straight to the database in ``status`` (the services are what the tests test)."""
    now = timezone.now()
    reviewed = status in (Status.APPROVED, Status.RETURNED, Status.SUPERSEDED)
    values = {
        "target": target,
        "unit": unit or target.lead_unit,
        "author": author,
        "year": year,
        "quarter": quarter,
        "value": Decimal(value),
        "status": status,
        "submitted_at": None if status == Status.DRAFT else now,
        "reviewed_at": now if reviewed else None,
        "review_comment": "Kiểm tra lại số liệu." if status == Status.RETURNED else "",
    }
    values.update(extra)
    report = ProgressReport(**values)
    report.full_clean()
    report.save()
    return report


def close_year(program, year: int, *, is_closed=True) -> YearClosure:
    return YearClosure.objects.create(program=program, year=year, is_closed=is_closed, reason="Chốt số liệu")


def counts() -> tuple[int, int]:
    """The number of reports and of their history rows: what a refused write must leave unchanged."""
    return ProgressReport.objects.count(), ProgressReport.history.count()
