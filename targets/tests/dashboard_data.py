"""Data for the dashboard tests: a known handful of figures, and many reports to show that the number of
queries of every page does not grow with them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from targets.models import ProgressReport, Target, Unit

Status = ProgressReport.Status

# As of 15 June 2026: the 2025 milestones are past, the 2030 ones ahead; last year is 2025.
TODAY = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)

_OTHER_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.SUPERSEDED)


def add_reports(program, *, per_target: int, author) -> int:
    """``per_target`` reports for every target of ``program``, written in bulk (the pages only read them):
    approved yearly figures 2021–2026 first, then approved quarterly ones, then reports in the other
    statuses. Returns the number created."""
    periods = [(year, None) for year in range(2021, 2027)]
    periods += [(year, quarter) for year in range(2021, 2027) for quarter in range(1, 5)]
    now = timezone.now()
    reports = []
    for target in Target.objects.filter(program=program).select_related("lead_unit"):
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
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    return len(reports)


def approve(code: str, year: int, value, *, author, unit_code: str | None = None, quarter=None, status=Status.APPROVED):
    """One report of ``code`` (the lead unit's unless ``unit_code``), saved with its history."""
    target = Target.objects.select_related("lead_unit").get(code=code)
    unit = Unit.objects.get(code=unit_code) if unit_code else target.lead_unit
    report = ProgressReport(
        target=target,
        unit=unit,
        year=year,
        quarter=quarter,
        value=Decimal(str(value)),
        status=status,
        author=author,
        submitted_at=timezone.now(),
        reviewed_at=timezone.now() if status == Status.APPROVED else None,
    )
    report._history_user = author
    report.full_clean()
    report.save()
    return report


def known_figures(author):
    """As of TODAY: VH-01 achieved (74 meets 2030's 73; a supporting unit's 60 does not count), KT-01 on
    track (7.6 meets 2025's 7.5–8), XD-07 off track (rank 5 against a ceiling of 3), KT-03 no data (only
    submitted), everything else no data."""
    approve("VH-01", 2025, 74, author=author)
    approve("VH-01", 2025, 60, author=author, unit_code="MTTQ")
    approve("KT-01", 2025, "7.6", author=author)
    approve("XD-07", 2025, 5, author=author)
    approve("KT-03", 2025, 70, author=author, status=Status.SUBMITTED)
