"""The yearly review report as the office wrote it, and the lines of a Party document's header that every
document of a review shares (the report, its appendix workbook, the briefing)."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .. import assessment
from ..models import Program, ReviewReport

# The pages' own way of writing figures and plans (1.234,5 and 7,5–8 in Vietnamese), so that the report
# reads as they do.
from ..templatetags.dashboard_tags import plan as _plan
from ..templatetags.report_tags import figure as _figure
from ..text import plain_text
from .reviews import Review, review_year, roman
from .tasks import task_as_of, task_rows, task_status_counts


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


# --- The report's content, shared by the document and its preview ----------------------------------------


@dataclass(frozen=True)
class ReportSection:
    """A heading of the report and its paragraphs: ``level`` 1 for the parts I–V, 2 for their points.
    ``placeholder`` marks an office part not written yet (the document says so in italics)."""

    heading: str
    level: int
    paragraphs: tuple[str, ...] = ()
    placeholder: bool = False


@dataclass(frozen=True)
class ReviewReportContent:
    """Everything the report says, in its order: the document (``documents.review_report_document``) and
    the page's preview both render this, so that they never differ."""

    program: Program
    year: int
    report: ReviewReport
    header: DocumentHeader
    subject: str
    sections: tuple[ReportSection, ...]
    signer_on_behalf: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]  # the "Nơi nhận" lines as printed, "- Lưu VP." last
    appendix_note: str  # "(Kèm theo Báo cáo số … ngày …)"
    review: Review
    is_closed: bool


def _lines(text: str) -> tuple[str, ...]:
    """The paragraphs of a text the office typed: one per non-empty line."""
    return tuple(line.strip() for line in plain_text(text).split("\n") if line.strip())


def _office_section(heading: str, level: int, text: str) -> ReportSection:
    paragraphs = _lines(text)
    if not paragraphs:
        return ReportSection(heading, level, (_("(The office has not written this part yet.)"),), placeholder=True)
    return ReportSection(heading, level, paragraphs)


def _counts_text(counts: dict, total: int) -> dict:
    return {**counts, "total": total, "met": assessment.meets_plan_count(counts)}


def _target_paragraphs(review: Review) -> tuple[str, ...]:
    """Part II.1 from the review's verdicts (never judged again here): the totals with "đạt và vượt x/N", a
    sentence per group, the targets not achieved by name, those without data by code."""
    total = review.total
    if not total:
        return (_("The programme has no targets."),)
    out = [
        _(
            "Of the %(total)s key targets of the programme, %(exceeded)s exceeded the plan of %(year)s, "
            "%(achieved)s achieved it, %(not_achieved)s did not achieve it and %(no_data)s have no data yet; "
            "achieved or exceeded: %(met)s/%(total)s targets."
        )
        % {**_counts_text(review.counts, total), "year": review.year}
    ]
    for group in review.groups:
        if not group.total:
            continue
        out.append(
            _(
                "- Group %(roman)s, %(group)s: %(total)s targets, of which %(exceeded)s exceeded, %(achieved)s "
                "achieved, %(not_achieved)s not achieved, %(no_data)s without data (achieved or exceeded "
                "%(met)s/%(total)s)."
            )
            % {**_counts_text(group.counts, group.total), "roman": group.roman, "group": plain_text(group.name)}
        )
    short = [line for line in review.lines if line.assessment == "not_achieved"]
    if short:
        out.append(_("The targets not achieved:"))
        for line in short:
            values = {
                "name": plain_text(line.name),
                "code": plain_text(line.code),
                "figure": _figure(line.figure) or "…",
                "plan": _plan(line.plan) or "…",
                "unit": plain_text(line.unit_of_measure),
            }
            if values["unit"]:
                out.append(_("- %(name)s (%(code)s): %(figure)s against a plan of %(plan)s (%(unit)s).") % values)
            else:
                out.append(_("- %(name)s (%(code)s): %(figure)s against a plan of %(plan)s.") % values)
    else:
        out.append(_("No target fell short of its plan."))
    missing = [plain_text(line.code) for line in review.lines if line.assessment == "no_data"]
    if missing:
        out.append(_("The targets without data yet: %(codes)s.") % {"codes": ", ".join(missing)})
    return tuple(out)


def _task_paragraphs(*, program: Program, year: int) -> tuple[str, ...]:
    """Part II.2 from the task table's rows of the year (judged by ``assessment.task_state`` as of the
    year's end, or today while it runs): the counts by deadline status, the overdue tasks by lead unit.
    4 queries."""
    as_of, _judged = task_as_of(year=year)
    rows = task_rows(program=program, year=year)
    if not rows:
        return (_("No task of the programme is due in %(year)s.") % {"year": year},)
    counts = {c["status"]: c["count"] for c in task_status_counts(rows)}
    out = [
        _(
            "Of the %(total)s tasks due in %(year)s (as of %(date)s): %(done_on_time)s done on time, "
            "%(done_late)s done late, %(open_in_time)s not done and within the deadline, %(overdue)s not done "
            "and overdue, %(ongoing)s ongoing."
        )
        % {**counts, "total": len(rows), "year": year, "date": as_of.strftime("%d/%m/%Y")}
    ]
    overdue: dict[int, list] = {}
    for row in rows:
        if row.state.status == assessment.TaskStatus.OVERDUE:
            overdue.setdefault(row.task.lead_unit_id, []).append(row)
    if overdue:
        out.append(_("The overdue tasks, by lead unit:"))
        for unit_rows in sorted(overdue.values(), key=lambda r: (-len(r), r[0].task.lead_unit.code)):
            out.append(
                _("- %(unit)s: %(count)s (%(tasks)s).")
                % {
                    "unit": plain_text(unit_rows[0].task.lead_unit.display_name),
                    "count": len(unit_rows),
                    "tasks": "; ".join(plain_text(f"{r.task.code} {r.task.name}") for r in unit_rows),
                }
            )
    return tuple(out)


def _recipients(text: str) -> tuple[str, ...]:
    """The "Nơi nhận" lines as Party documents print them: "- Thường trực Thành ủy,", …, "- Lưu VP."."""
    office_file = _("Office file")
    lines = [line.strip().lstrip("-–•+ ").rstrip(",;. ").strip() for line in plain_text(text).split("\n")]
    lines = [line for line in lines if line and line.casefold() != office_file.casefold()]
    return (*(f"- {line}," for line in lines), f"- {office_file}.")


def review_report_subject(program: Program, year: int) -> str:
    """The report's subject under "BÁO CÁO". No query."""
    return _(
        "Results of implementing action programme No. %(number)s of %(issued)s implementing %(resolution)s, in %(year)s"
    ) % {
        "number": plain_text(program.number),
        "issued": program.issued_on.strftime("%d/%m/%Y"),
        "resolution": plain_text(program.resolution),
        "year": year,
    }


def review_report_content(*, program: Program, year: int, report: ReviewReport | None = None) -> ReviewReportContent:
    """The whole report of ``program``'s ``year``: the office's parts (``report``, read when not given:
    1 query), part II written from the year's review (``review_year``: 7 queries) and its tasks (4 queries).
    12 queries (11 with ``report``)."""
    if report is None:
        report = review_report_for(program=program, year=year)
    review = review_year(program=program, year=year)
    header = document_header(program=program, report=report, year=year)
    sections = (
        _office_section(_("Leadership and direction"), 1, report.leadership),
        ReportSection(_("Results"), 1),
        ReportSection(_("The key targets"), 2, _target_paragraphs(review)),
        ReportSection(_("The tasks"), 2, _task_paragraphs(program=program, year=year)),
        ReportSection(_("Overall assessment"), 1),
        _office_section(_("Strengths"), 2, report.strengths),
        _office_section(_("Limitations and shortcomings"), 2, report.limitations),
        _office_section(_("Causes"), 2, report.causes),
        _office_section(_("Directions and tasks for next year"), 1, report.directions),
        _office_section(_("Proposals"), 1, report.proposals),
    )
    number = plain_text(report.number).strip() or header.number_line.split(" ", 1)[-1]
    dated = report.dated.strftime("%d/%m/%Y") if report.dated else "…/…/…"
    return ReviewReportContent(
        program=program,
        year=year,
        report=report,
        header=header,
        subject=review_report_subject(program, year),
        sections=_numbered(sections),
        signer_on_behalf=plain_text(report.signer_on_behalf).strip(),
        signer_title=plain_text(report.signer_title).strip(),
        signer_name=plain_text(report.signer_name).strip(),
        recipients=_recipients(report.recipients),
        # The workbook's line once the report is numbered; before that, blanks to fill in by hand.
        appendix_note=appendix_line(program=program, report=report)
        or _("(Attached to report No. %(number)s of %(date)s)") % {"number": number, "date": dated},
        review=review,
        is_closed=review.is_closed,
    )


def _numbered(sections) -> tuple[ReportSection, ...]:
    """The headings numbered as Party reports number them: I., II. … for the parts, 1., 2. … within each."""
    out, part, point = [], 0, 0
    for section in sections:
        if section.level == 1:
            part, point = part + 1, 0
            heading = f"{roman(part)}. {section.heading.upper()}"
        else:
            point += 1
            heading = f"{point}. {section.heading}"
        out.append(ReportSection(heading, section.level, section.paragraphs, section.placeholder))
    return tuple(out)


@dataclass(frozen=True)
class ReportHistoryEntry:
    when: datetime.datetime
    who: object
    action: str
    changed: tuple[str, ...]  # the labels of the fields that changed, in the form's order


# The stored fields whose changes the report's history names, in the order of the form.
REPORT_HISTORY_FIELDS = (
    "number",
    "dated",
    "signer_on_behalf",
    "signer_title",
    "signer_name",
    "recipients",
    *ReviewReport.NARRATIVE_FIELDS,
)
REPORT_HISTORY_LIMIT = 100


def review_report_history(*, program: Program, year: int) -> list[ReportHistoryEntry]:
    """Every save of the report of ``program``'s ``year``, newest first (at most ``REPORT_HISTORY_LIMIT``),
    with who saved it and the fields that changed. 1 query."""
    records = list(
        ReviewReport.history.filter(program_id=program.pk, year=year)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    labels = {name: str(ReviewReport._meta.get_field(name).verbose_name) for name in REPORT_HISTORY_FIELDS}
    entries, previous = [], None
    for record in records:
        # Compared field by field (simple_history's diff_against reads the programme again for each record).
        if previous is None:
            changed = [name for name in REPORT_HISTORY_FIELDS if getattr(record, name)]
        else:
            changed = [name for name in REPORT_HISTORY_FIELDS if getattr(record, name) != getattr(previous, name)]
        entries.append(
            ReportHistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=record.history_change_reason or record.history_type,
                changed=tuple(labels[name] for name in changed),
            )
        )
        previous = record
    return entries[::-1][:REPORT_HISTORY_LIMIT]
