"""The yearly review report as the office wrote it, and the lines of a Party document's header that every
document of a review shares (the report, its appendix workbook, the briefing)."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Program, ReviewReport


def review_report_for(*, program: Program, year: int) -> ReviewReport:
    """The report of ``program``'s ``year`` as saved, or a new unsaved one with the defaults (version 0).
    1 query."""
    report = ReviewReport.objects.filter(program=program, year=year).select_related("updated_by").first()
    if report is None:
        report = ReviewReport(program=program, year=year, version=0)
    report.program = program
    return report


def document_symbol(program: Program) -> str:
    """The issuing body's symbol in document numbers: the part of the programme's number after its last
    slash ("12-CTr/QU" -> "QU", "01-CTr/ĐU" -> "ĐU"); empty when the number has none."""
    number = program.number or ""
    return number.rsplit("/", 1)[1].strip() if "/" in number else ""


def document_date(day: datetime.date) -> str:
    """A date as Party documents write it: day and month below 10 (only January and February for the
    month) with a leading zero, as Hướng dẫn 36-HD/VPTW asks: "ngày 05 tháng 02 năm 2027"."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("day %(day)s month %(month)s year %(year)s") % {"day": f"{day.day:02d}", "month": month, "year": day.year}


@dataclass(frozen=True)
class DocumentHeader:
    """The header block of a review document: the left column (parent body, issuing body, "*", number) and
    the right column (the Party's name, the place and date)."""

    parent_body: str
    issuing_body: str
    number_line: str
    place_date_line: str
    is_numbered: bool
    is_dated: bool


def document_header(*, program: Program, report: ReviewReport | None, year: int) -> DocumentHeader:
    """The header of ``program``'s review documents of ``year``: "Số 45-BC/QU" from the report's number (a
    blank to fill by hand, "Số      -BC/QU", while it has none), and "Cầu Giấy, ngày 05 tháng 12 năm 2026"
    from its date (blanks for the day and month while it has none). No query beyond the programme's
    organisation."""
    symbol = document_symbol(program)
    number = (report.number if report else "").strip()
    if number:
        number_line = _("No. %(number)s") % {"number": number}
    else:
        blank = "\u00a0" * 6
        number_line = _("No. %(number)s") % {"number": f"{blank}-BC/{symbol}" if symbol else blank}
    dated = report.dated if report else None
    if dated:
        when = document_date(dated)
    else:
        when = _("day … month … year %(year)s") % {"year": year + 1 if datetime.date.today().year > year else year}
    return DocumentHeader(
        parent_body=program.parent_body,
        issuing_body=program.issuing_body,
        number_line=number_line,
        place_date_line=f"{program.place_name}, {when}",
        is_numbered=bool(number),
        is_dated=bool(dated),
    )
