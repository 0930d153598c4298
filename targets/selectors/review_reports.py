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


def body_in_sentence(program: Program) -> str:
    """The issuing body as a sentence writes it: the header's capitals ("QUẬN ỦY CẦU GIẤY", "ĐẢNG ỦY PHƯỜNG
    CẦU GIẤY") with the kind of body in lower case after its first letter and the place name as the
    organisation spells it ("Quận ủy Cầu Giấy", "Đảng ủy phường Cầu Giấy"). A body whose name does not end
    with the place name is left as it is written: no rule guesses the capitals of a name."""
    body, place = (program.issuing_body or "").strip(), (program.place_name or "").strip()
    if not place or not body.upper().endswith(place.upper()) or len(body) == len(place):
        return body
    kind = body[: len(body) - len(place)].strip()
    return f"{kind[:1].upper()}{kind[1:].lower()} {place}"


def appendix_line(*, program: Program, report: ReviewReport | None) -> str:
    """The line under "PHỤ LỤC" that ties a table to its report: "(Kèm theo Báo cáo số 45-BC/QU ngày
    05/12/2026 của Ban Thường vụ Quận ủy Cầu Giấy)"; without the date while the report has none; empty
    while the report has no number (the table is then not yet any report's appendix). No query.

    The yearly review report is the Standing Committee's (it signs "T/M BAN THƯỜNG VỤ"), hence its name."""
    number = (report.number if report else "").strip()
    if not number:
        return ""
    values = {"number": number, "body": body_in_sentence(program)}
    if report.dated:
        return _("(Attached to report No. %(number)s of %(date)s of the Standing Committee of %(body)s)") % {
            **values,
            "date": report.dated.strftime("%d/%m/%Y"),
        }
    return _("(Attached to report No. %(number)s of the Standing Committee of %(body)s)") % values
