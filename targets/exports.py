"""Excel workbooks: the annual review, the target table and the import template.

Exports build workbooks and nothing else: the data comes from selectors, the view only wraps the bytes in
a response. Every workbook is written in openpyxl's write-only mode, which streams rows to a temporary file
instead of keeping a cell object per value, so that the city-scale review (4,000 targets) stays far below
its memory budget. The reading side (tests, LibreOffice, Excel) sees an ordinary workbook.

Every string that a person typed somewhere (names, notes, comments, unit names, codes) is written by
``text_cell``, the one place that keeps text as text: a note "=1+1" or '=HYPERLINK(…)' must never become a
formula in the office's spreadsheet (CSV/formula injection).
"""

import re
from decimal import Decimal
from io import BytesIO

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText
from openpyxl.drawing.fill import ColorChoice, PatternFillProperties
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

from . import assessment, selectors
from .text import fold

# A cell whose text starts with one of these is read as a formula (or a DDE/formula trigger) by Excel or
# LibreOffice when someone edits it, even if it was stored as text; the quote prefix keeps it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Excel's limit for the text of one cell.
CELL_TEXT_MAX = 32767

# The figure layout shared by the third sheet of the review, the import template and the import itself:
# the import recognises these headers in every language of the site.
FIGURE_COLUMNS = (
    ("code", gettext_lazy("Code")),
    ("name", gettext_lazy("Target")),
    ("unit_of_measure", gettext_lazy("Unit of measure")),
    ("year", gettext_lazy("Year")),
    ("quarter", gettext_lazy("Quarter")),
    ("value", gettext_lazy("Value")),
    ("is_estimate", gettext_lazy("Estimate")),
    ("note", gettext_lazy("Note")),
)

# The task list's columns (``task_imports``), in the order of its template.
TASK_COLUMNS = (
    ("code", gettext_lazy("Code")),
    ("group", gettext_lazy("Group of solutions (number)")),
    ("name", gettext_lazy("Task")),
    ("lead_unit", gettext_lazy("Lead unit (code)")),
    ("supporting_units", gettext_lazy("Supporting units (codes, separated by ;)")),
    ("deadline", gettext_lazy("Deadline (dd/mm/yyyy)")),
    ("recurrence", gettext_lazy("Recurrence")),
    ("expected_output", gettext_lazy("Expected output")),
    ("assigned_by_number", gettext_lazy("Assigned by (number)")),
    ("assigned_by_date", gettext_lazy("Assigned by (date)")),
    ("assigned_by_summary", gettext_lazy("Assigned by (summary)")),
    ("targets", gettext_lazy("Targets served (codes, separated by ;)")),
)
# The task updates' columns (``task_update_imports``): the task as the template lists it, the unit it is
# written for, then the update form's fields (``forms.TaskUpdateForm``) but the evidence file.
TASK_UPDATE_COLUMNS = (
    ("code", gettext_lazy("Code")),
    ("name", gettext_lazy("Task")),
    ("deadline", gettext_lazy("Deadline")),
    ("unit", gettext_lazy("Reporting unit (code)")),
    ("date", gettext_lazy("Date of the update (dd/mm/yyyy)")),
    ("content", gettext_lazy("What was done")),
    ("progress", gettext_lazy("Progress (%)")),
    ("is_done", gettext_lazy("Done (yes/no)")),
    ("completed_on", gettext_lazy("Completed on (dd/mm/yyyy)")),
    ("evidence_url", gettext_lazy("Evidence link")),
)
FONT_NAME = "Times New Roman"  # the typeface of Party documents
FONT = Font(name=FONT_NAME, size=11)
FONT_BOLD = Font(name=FONT_NAME, size=11, bold=True)
FONT_ITALIC = Font(name=FONT_NAME, size=11, italic=True)
FONT_UNDERLINED = Font(name=FONT_NAME, size=12, bold=True, underline="single")
FONT_BODY = Font(name=FONT_NAME, size=12)
FONT_BODY_BOLD = Font(name=FONT_NAME, size=12, bold=True)
FONT_BODY_ITALIC = Font(name=FONT_NAME, size=12, italic=True)
FONT_TITLE = Font(name=FONT_NAME, size=14, bold=True)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)

# Colours of the assessments, the same as the pages' (static/css/app.css).
ASSESSMENT_COLOURS = {"exceeded": "146C2E", "achieved": "5BA65B", "not_achieved": "B42318", "no_data": "6C757D"}


# --- Cells ------------------------------------------------------------------------------------------------


def _style(cell, font=None, alignment=None, border=None, fill=None, number_format=None):
    """Give ``cell`` a combination of styles, registering each combination once per workbook.

    Assigning a font or a border makes openpyxl hash the style object to find it in the workbook's list,
    which costs more than writing the cell; a city-wide review has hundreds of thousands of cells but a
    dozen combinations. So the first cell of a combination goes the normal way, and the others copy its
    style array (the ids the workbook assigned). The cache holds the style objects themselves, so the
    ``id()`` in its key cannot be reused by another object while the workbook lives.
    """
    if font is None and alignment is None and border is None and fill is None and number_format is None:
        return cell
    workbook = cell.parent.parent
    cache = workbook.__dict__.setdefault("_style_cache", {})
    key = (id(font), id(alignment), id(border), id(fill), number_format)
    cached = cache.get(key)
    if cached is not None:
        cell._style = StyleArray(cached[0])
        return cell
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    cache[key] = (StyleArray(cell._style), (font, alignment, border, fill))
    return cell


def text_cell(ws, value, **style):
    """A cell holding ``value`` as text, whatever it looks like: the one way user-typed strings reach a sheet.

    openpyxl would store a string starting with "=" as a formula; the data type "s" stores it as a string,
    and the quote prefix (a style flag: Excel shows the apostrophe in the formula bar) keeps Excel and
    LibreOffice from turning text that starts with = + - @, a tab or a carriage return into a formula when
    the cell is edited or the sheet is saved as CSV. Control characters that XML cannot carry are dropped.
    """
    text = "" if value is None else str(value)
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:CELL_TEXT_MAX]
    if not text:
        return _style(WriteOnlyCell(ws, value=None), **style)
    cell = _style(WriteOnlyCell(ws, value=text), **style)
    cell.data_type = "s"
    # After the other styles: the quote prefix is part of the cell's style array, which _style may replace.
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def decimal_places(value: Decimal, limit: int = 4) -> int:
    """How many decimals ``value`` needs to be shown as typed (7.50 -> 1, 90.0000 -> 0), at most ``limit``."""
    if value == value.to_integral_value():
        return 0
    exponent = value.normalize().as_tuple().exponent
    return min(max(-exponent, 0), limit)


def number_format_for(value: Decimal, limit: int = 4) -> str:
    places = decimal_places(value, limit)
    return "#,##0" if places == 0 else "#,##0." + "0" * places


def _number(value: Decimal) -> int | float:
    # Excel stores every number as a double; an int keeps whole numbers exact and short in the XML.
    return int(value) if value == value.to_integral_value() else float(value)


def number_cell(ws, value: Decimal | int | None, *, limit: int = 4, **style):
    """A number in a cell (never text), with a format showing its decimals; empty when there is none."""
    if value is None:
        return _style(WriteOnlyCell(ws, value=None), **style)
    value = Decimal(value)
    style.setdefault("number_format", number_format_for(value, limit))
    return _style(WriteOnlyCell(ws, value=_number(value)), **style)


def percent_cell(ws, percent: Decimal | None, **style):
    """A percentage stored as a fraction (103.5 % as 1.035) with a percent format, as Excel expects."""
    if percent is None:
        return _style(WriteOnlyCell(ws, value=None), **style)
    return _style(WriteOnlyCell(ws, value=float(Decimal(percent) / 100)), number_format="0.0%", **style)


def plan_cell(ws, plan: tuple[Decimal, Decimal | None] | None, *, limit: int = 4, **style):
    """A planned value: a number, or the text "70–73" for a range (a range is not one number), written with
    the decimal separator of the reader's language ("7,5–8" in Vietnamese), as the number cells beside it
    show theirs. ``number_format`` in ``style`` formats a single value (the column's format)."""
    if plan is None:
        return _style(WriteOnlyCell(ws, value=None), **style)
    low, high = plan
    if high is not None and high != low:
        style.pop("number_format", None)
        separator = formats.get_format("DECIMAL_SEPARATOR")
        return text_cell(ws, assessment.format_plan((low, high), decimal_separator=separator), **style)
    return number_cell(ws, low, limit=limit, **style)


def column_places(values, limit: int = 4) -> int:
    """The decimals a column needs: the most any of its ``values`` needs (None skipped), at most ``limit``."""
    return max((decimal_places(Decimal(v), limit) for v in values if v is not None), default=0)


def column_format(places: int, *, signed: bool = False) -> str:
    """The one number format of a column: "#,##0.0" for one decimal; ``signed`` writes "+" before a rise
    ("+2.5", "-1.0", "0"). Excel and LibreOffice show the reader's separators (7,5 in a Vietnamese locale)."""
    base = "#,##0" if places == 0 else "#,##0." + "0" * places
    return f"+{base};-{base};0" if signed else base


def _single(plan: tuple[Decimal, Decimal | None] | None) -> Decimal | None:
    """The value of a plan that is one number; None for a range or no plan (ranges are text)."""
    if plan is None:
        return None
    low, high = plan
    return low if high is None or high == low else None


# Points per line of 11-point Times New Roman, and characters of it per unit of column width.
LINE_HEIGHT = 14.5
CHARS_PER_WIDTH = 1.25


def _append_fitted(ws, row: int, widths: list[float], cells: list) -> None:
    """Append ``cells`` as row ``row`` with a height that shows all of its wrapped text.

    Neither Excel nor LibreOffice grows a row to fit wrapped text in a file they did not lay out, so the
    height is estimated from the longest text for its column's width.
    """
    lines = 1
    for cell, width in zip(cells, widths, strict=False):
        if isinstance(cell.value, str) and cell.value:
            per_line = max(int(width * CHARS_PER_WIDTH), 1)
            lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in cell.value.split("\n")))
    if lines > 1:
        ws.row_dimensions[row].height = lines * LINE_HEIGHT + 2
    ws.append(cells)


def empty_cells(ws, count: int, **style) -> list:
    return [_style(WriteOnlyCell(ws, value=None), **style) for _ in range(count)]


def sheet_title(text: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", str(text))[:31] or "Sheet"


def _print_setup(ws, *, title_rows: str | None = None, freeze: str | None = None) -> None:
    """A4 landscape, fitted to the page width (as many pages down as needed), page numbers in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P / &N"
    if title_rows:
        ws.print_title_rows = title_rows
    if freeze:
        ws.freeze_panes = freeze


def _widths(ws, widths: list[float]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _help_sheet(wb: Workbook, lines: list[str]) -> None:
    """A template's second sheet: how to fill in the first, a line a row."""
    ws = wb.create_sheet(sheet_title(_("How to fill in")))
    _widths(ws, [110])
    for line in lines:
        ws.append([text_cell(ws, line, font=FONT_BODY, alignment=TOP_LEFT)])


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def filename(*parts) -> str:
    """A file name from ``parts``: letters (Vietnamese ones too), digits, dots and dashes only.

    "12-CTr/QU" becomes "12-CTr-QU"; the view sends an ASCII fallback (``ascii_filename``) beside it.
    """
    text = "-".join(str(part) for part in parts if str(part))
    text = re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE)
    return re.sub(r"-{2,}", "-", text).strip("-.") + ".xlsx"


def ascii_filename(name: str) -> str:
    folded = fold(name).replace(" ", "-")
    # fold() lower-cases; keep the original case where it was already ASCII.
    if name.isascii():
        folded = name
    return re.sub(r"[^A-Za-z0-9._-]+", "-", folded)


# --- The annual review workbook ---------------------------------------------------------------------------


def review_columns(milestone_years: list[int], year: int) -> list[tuple[str, float]]:
    """The table's headers and widths: STT, code, target, unit, one target per milestone year, the plan,
    last year's and this year's figure, the change on last year, % of plan, assessment, lead and
    supporting units, note."""
    return [
        (_("No."), 5),
        (_("Code"), 7),
        (_("Target"), 40),
        (_("Unit of measure"), 9),
        *[(_("Target %(year)s") % {"year": y}, 9) for y in milestone_years],
        (_("Plan %(year)s") % {"year": year}, 9),
        (_("Result %(year)s") % {"year": year - 1}, 9),
        (_("Result %(year)s") % {"year": year}, 9),
        (_("Change on %(year)s") % {"year": year - 1}, 10),
        # xgettext:no-python-format
        (_("% of plan"), 8),
        (_("Assessment"), 11),
        (_("Lead unit"), 18),
        (_("Supporting units"), 24),
        (_("Note"), 22),
    ]


def _line_note(line: selectors.ReviewLine) -> str:
    notes = []
    if line.comment:
        notes.append(line.comment)
    if line.plan is not None and line.plan.interpolated:
        notes.append(_("Plan: the straight-line expectation between the baseline and the milestone"))
    if line.is_estimate:
        notes.append(_("Estimated figure"))
    if line.is_overridden:
        notes.append(_("Computed assessment: %(assessment)s") % {"assessment": line.computed_label})
    return "; ".join(notes)


def _plan_pair(plan: assessment.Plan | None) -> tuple[Decimal, Decimal | None] | None:
    return None if plan is None else (plan.min_value, plan.max_value)


def review_number_formats(review: selectors.Review) -> dict[str, object]:
    """One number format per figure column of the review table, with as many decimals as the most precise
    row of that column needs (a column of 90, 97 and 83.5 shows 90.0, 97.0, 83.5): the figures of a column
    line up, and a clerk does not retouch cell by cell. The plan is judged to two places (as the page
    shows it), the figures to four; the change to the places of the two figures it comes from."""
    lines = review.lines
    milestones = [
        column_format(column_places(_single(line.milestones[i]) for line in lines))
        for i in range(len(review.milestone_years))
    ]
    figures = column_places(line.figure for line in lines)
    previous = column_places(line.previous for line in lines)
    return {
        "milestones": milestones,
        "plan": column_format(column_places((_single(_plan_pair(line.plan)) for line in lines), limit=2)),
        "previous": column_format(previous),
        "figure": column_format(figures),
        "change": column_format(max(figures, previous), signed=True),
    }


def _merged_row(ws, row: int, first: str, last: str) -> None:
    ws.merged_cells.add(f"{first}{row}:{last}{row}")


def _review_sheet(wb: Workbook, review: selectors.Review, report) -> None:
    program, year = review.program, review.year
    columns = review_columns(review.milestone_years, year)
    width = len(columns)
    last_col = get_column_letter(width)
    ws = wb.create_sheet(sheet_title(_("Review %(year)s") % {"year": year}))
    _widths(ws, [w for _label, w in columns])
    header = selectors.document_header(program=program, report=report, year=year)
    appendix = selectors.appendix_line(program=program, report=report)
    # The header's five rows, the appendix heading's three when the report is numbered, the title's three.
    header_row = 5 + (3 if appendix else 0) + 4
    _print_setup(ws, title_rows=f"{header_row}:{header_row}", freeze=f"D{header_row + 1}")

    # The Party-document header: the bodies, "*" and the number on the left, the Party's name and the place
    # and date on the right; from the programme's data and the report's number and date (blanks to fill in
    # by hand while the report has none), the same lines as the report's header.
    left, right_start = "D", get_column_letter(width - 5)
    for row in (1, 2, 3, 4):
        _merged_row(ws, row, "A", left)
    _merged_row(ws, 1, right_start, last_col)
    _merged_row(ws, 3, right_start, last_col)
    gap = width - 5 - 4 - 1  # columns between the two blocks
    ws.append(
        [
            text_cell(ws, header.parent_body, font=FONT_BODY, alignment=CENTER),
            *empty_cells(ws, 3 + gap),
            text_cell(ws, _("COMMUNIST PARTY OF VIETNAM"), font=FONT_UNDERLINED, alignment=CENTER),
        ]
    )
    ws.append([text_cell(ws, header.issuing_body, font=FONT_BODY_BOLD, alignment=CENTER)])
    ws.append(
        [
            text_cell(ws, "*", font=FONT_BODY, alignment=CENTER),
            *empty_cells(ws, 3 + gap),
            text_cell(ws, header.place_date_line, font=FONT_BODY_ITALIC, alignment=CENTER),
        ]
    )
    ws.append([text_cell(ws, header.number_line, font=FONT_BODY, alignment=CENTER)])
    ws.append([])
    row = 5
    if appendix:
        # The table as the appendix of the numbered report (Hướng dẫn 36-HD/VPTW: "PHỤ LỤC", then what it
        # is attached to, in italics).
        for text, font in ((_("APPENDIX"), FONT_TITLE), (appendix, FONT_BODY_ITALIC)):
            row += 1
            _merged_row(ws, row, "A", last_col)
            ws.append([text_cell(ws, text, font=font, alignment=CENTER)])
        ws.append([])
        row += 1
    for text, font in (
        (_("REPORT ON THE RESULTS OF THE KEY TARGETS IN %(year)s") % {"year": year}, FONT_TITLE),
        (
            _("(Implementing action programme %(number)s of %(body)s, %(resolution)s)")
            % {"number": program.number, "body": program.issuing_body, "resolution": program.resolution},
            FONT_ITALIC,
        ),
    ):
        row += 1
        _merged_row(ws, row, "A", last_col)
        ws.append([text_cell(ws, text, font=font, alignment=CENTER)])
    ws.append([])
    ws.row_dimensions[header_row].height = 45
    ws.append(
        [
            text_cell(ws, label, font=FONT_BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL)
            for label, _w in columns
        ]
    )

    row = header_row
    widths = [w for _label, w in columns]
    cell = {"font": FONT, "border": BORDER}
    number = {"alignment": RIGHT, **cell}
    fmt = review_number_formats(review)
    kinds = selectors.unit_kinds(organisation_id=program.organisation_id)
    for group in review.groups:
        row += 1
        ws.merged_cells.add(f"A{row}:{last_col}{row}")
        ws.append(
            [
                text_cell(
                    ws,
                    f"{group.roman}. {group.name.upper()}",
                    font=FONT_BOLD,
                    alignment=LEFT,
                    border=BORDER,
                    fill=GROUP_FILL,
                ),
                *empty_cells(ws, width - 1, border=BORDER, fill=GROUP_FILL),
            ]
        )
        for line in group.lines:
            row += 1
            supporting = selectors.collective_units(line.supporting_units, line.supporting_unit_ids, kinds)
            _append_fitted(
                ws,
                row,
                widths,
                [
                    number_cell(ws, line.number, alignment=CENTER, **cell),
                    text_cell(ws, line.code, alignment=CENTER, **cell),
                    text_cell(ws, line.name, alignment=LEFT, **cell),
                    text_cell(ws, line.unit_of_measure, alignment=CENTER, **cell),
                    *[
                        plan_cell(ws, m, number_format=f, **number)
                        for m, f in zip(line.milestones, fmt["milestones"], strict=True)
                    ],
                    plan_cell(ws, _plan_pair(line.plan), limit=2, number_format=fmt["plan"], **number),
                    number_cell(ws, line.previous, number_format=fmt["previous"], **number),
                    number_cell(ws, line.figure, number_format=fmt["figure"], **number),
                    number_cell(ws, line.change, number_format=fmt["change"], **number),
                    percent_cell(ws, line.percent, **number),
                    text_cell(ws, line.assessment_label, alignment=CENTER, **cell),
                    text_cell(ws, line.lead_unit, alignment=LEFT, **cell),
                    text_cell(ws, "; ".join(supporting), alignment=LEFT, **cell),
                    text_cell(ws, _line_note(line), alignment=LEFT, **cell),
                ],
            )

    # The totals under the table: one sentence for the minutes, then the same counts as numbers.
    ws.append([])
    row += 2
    ws.merged_cells.add(f"A{row}:{last_col}{row}")
    counts = review.counts
    ws.append(
        [
            text_cell(
                ws,
                _(
                    "Of %(total)s targets: %(met)s/%(total)s achieved or exceeded (%(exceeded)s exceeded, "
                    "%(achieved)s achieved), %(not_achieved)s not achieved, %(no_data)s without data."
                )
                % {"total": review.total, "met": review.met, **counts},
                font=FONT_BOLD,
                alignment=LEFT,
            )
        ]
    )
    for _value, label, count in review.count_rows():
        ws.append(
            [
                None,
                None,
                text_cell(ws, label, font=FONT, alignment=LEFT, border=BORDER),
                number_cell(ws, count, font=FONT, alignment=RIGHT, border=BORDER),
            ]
        )
    ws.append(
        [
            None,
            None,
            text_cell(ws, _("Targets in total"), font=FONT_BOLD, alignment=LEFT, border=BORDER),
            number_cell(ws, review.total, font=FONT_BOLD, alignment=RIGHT, border=BORDER),
        ]
    )
    row += 5
    _signature(ws, report, row=row, first=right_start, last=last_col, gap=width - 5 - 1)


# Rows left for the signature and the seal between the signer's title and name.
SIGNATURE_ROWS = 3


def _signature(ws, report, *, row: int, first: str, last: str, gap: int) -> None:
    """The signature block under the totals, on the right as in the report: on whose behalf ("T/M BAN
    THƯỜNG VỤ"), the signer's title, room to sign, the name; an empty line where the report has nothing
    yet, for the pen. ``row`` is the sheet's last row so far, ``gap`` the columns left of the block."""
    ws.append([])
    row += 1
    on_behalf, title, name = (
        (report.signer_on_behalf, report.signer_title, report.signer_name) if report else ("", "", "")
    )
    # Hướng dẫn 36-HD/VPTW writes the authority and the title in capitals, the name as it is spelt.
    lines = [
        ((on_behalf or "").upper(), FONT_BODY_BOLD),
        ((title or "").upper(), FONT_BODY_BOLD),
        *[("", FONT_BODY)] * SIGNATURE_ROWS,
        (name or "", FONT_BODY_BOLD),
    ]
    for text, font in lines:
        row += 1
        _merged_row(ws, row, first, last)
        ws.append([*empty_cells(ws, gap), text_cell(ws, text, font=font, alignment=CENTER)])


def _sheet_title_rows(ws, text: str, last_col: str) -> None:
    """A sheet's title on its first row (merged across the table, bold), then an empty row."""
    ws.merged_cells.add(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 22
    ws.append([text_cell(ws, text, font=FONT_TITLE, alignment=CENTER)])
    ws.append([])


# The chart's series as they print on a black-and-white page: dark and light solid fills, a hatch and a dot
# pattern tell the four assessments apart without colour; the colours are the pages' (greens, red, grey).
# The data labels are white on the dark fill, black elsewhere.
CHART_SERIES_STYLE = {
    "exceeded": {"fill": "146C2E", "label": "FFFFFF"},
    "achieved": {"fill": "A9D08E", "label": "000000"},
    "not_achieved": {"pattern": "wdDnDiag", "fill": "B42318", "label": "000000"},
    "no_data": {"pattern": "pct20", "fill": "6C757D", "label": "000000"},
}


def _series_style(series, value: str) -> None:
    style = CHART_SERIES_STYLE[value]
    properties = series.graphicalProperties
    if "pattern" in style:
        properties.pattFill = PatternFillProperties(
            prst=style["pattern"], fgClr=ColorChoice(srgbClr=style["fill"]), bgClr=ColorChoice(srgbClr="FFFFFF")
        )
    else:
        properties.solidFill = style["fill"]
    properties.line.solidFill = "000000"
    properties.line.width = 6350  # half a point, in EMU: each block keeps its outline on paper
    text = CharacterProperties(sz=900, b=True, solidFill=style["label"])
    series.dLbls = DataLabelList(
        # A zero has no block to sit on: "0;-0;;" writes nothing for it.
        numFmt="0;-0;;",
        showVal=True,
        showLegendKey=False,
        showCatName=False,
        showSerName=False,
        showPercent=False,
        showBubbleSize=False,
        txPr=RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=text), endParaRPr=text)]),
    )


def _group_sheet(wb: Workbook, review: selectors.Review) -> None:
    """The counts of each group with a native stacked bar chart (drawn by Excel or LibreOffice, not an image)."""
    ws = wb.create_sheet(sheet_title(_("By group")))
    _widths(ws, [40, 10, 12, 12, 14, 14])
    header_row = 3
    _print_setup(ws, title_rows=f"{header_row}:{header_row}", freeze=f"B{header_row + 1}")
    title = _("RESULTS OF THE KEY TARGETS BY GROUP IN %(year)s") % {"year": review.year}
    _sheet_title_rows(ws, title, "F")
    headers = [_("Group"), _("Targets"), *[label for _value, label, _count in review.count_rows()]]
    ws.append([text_cell(ws, h, font=FONT_BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL) for h in headers])
    for group in review.groups:
        ws.append(
            [
                text_cell(ws, f"{group.roman}. {group.name}", font=FONT, alignment=LEFT, border=BORDER),
                number_cell(ws, group.total, font=FONT, border=BORDER),
                *[number_cell(ws, group.counts[v], font=FONT, border=BORDER) for v in selectors.ASSESSMENT_ORDER],
            ]
        )
    ws.append(
        [
            text_cell(ws, _("Total"), font=FONT_BOLD, alignment=LEFT, border=BORDER),
            number_cell(ws, review.total, font=FONT_BOLD, border=BORDER),
            *[number_cell(ws, review.counts[v], font=FONT_BOLD, border=BORDER) for v in selectors.ASSESSMENT_ORDER],
        ]
    )
    last = header_row + len(review.groups)
    if last < header_row + 1:
        return
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = _("Assessment of the targets by group, %(year)s") % {"year": review.year}
    chart.y_axis.title = _("Targets")
    chart.y_axis.majorGridlines = None
    chart.add_data(Reference(ws, min_col=3, max_col=6, min_row=header_row, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last))
    for series, value in zip(chart.series, selectors.ASSESSMENT_ORDER, strict=True):
        _series_style(series, value)
    chart.width, chart.height = 24, 11
    ws.add_chart(chart, f"A{last + 3}")


def _figures_header(ws, extra: list[str]) -> list:
    return [
        text_cell(ws, label, font=FONT_BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL)
        for label in [*(str(label) for _key, label in FIGURE_COLUMNS), *extra]
    ]


FIGURE_WIDTHS = [10, 50, 12, 8, 8, 12, 9, 36]


def _figures_sheet(wb: Workbook, program, year: int) -> None:
    """Every approved figure of the year as a flat table with an autofilter, in the import's columns, under
    a title; long names and notes wrap within their columns."""
    ws = wb.create_sheet(sheet_title(_("Figures %(year)s") % {"year": year}))
    widths = [*FIGURE_WIDTHS, 30, 12]
    _widths(ws, widths)
    header_row = 3
    _print_setup(ws, title_rows=f"{header_row}:{header_row}", freeze=f"C{header_row + 1}")
    _sheet_title_rows(ws, _("APPROVED FIGURES OF %(year)s") % {"year": year}, "J")
    ws.append(_figures_header(ws, [_("Reporting unit"), _("Approved on")]))
    rows = header_row
    cell = {"font": FONT, "border": BORDER}
    wrapped = {"alignment": LEFT, **cell}
    for code, name, unit, f_year, quarter, value, is_estimate, note, unit_name, reviewed_at in selectors.review_figures(
        program=program, year=year
    ):
        rows += 1
        approved_on = timezone.localtime(reviewed_at).date() if reviewed_at else None
        _append_fitted(
            ws,
            rows,
            widths,
            [
                text_cell(ws, code, **cell),
                text_cell(ws, name, **wrapped),
                text_cell(ws, unit, **wrapped),
                number_cell(ws, f_year, number_format="0", **cell),
                number_cell(ws, quarter, number_format="0", **cell),
                number_cell(ws, value, **cell),
                text_cell(ws, _yes_no(is_estimate), **cell),
                text_cell(ws, note, **wrapped),
                text_cell(ws, unit_name, **wrapped),
                _style(WriteOnlyCell(ws, value=approved_on), number_format="dd/mm/yyyy", **cell),
            ],
        )
    ws.auto_filter.ref = f"A{header_row}:J{max(rows, header_row + 1)}"


def _tasks_sheet(wb: Workbook, program, year: int) -> None:
    """The tasks due in the year (``selectors.task_review_rows``), with their deadline status as of the end
    of the year (or today, while it runs) and their result: the latest approved update up to that day."""
    as_of, _year = selectors.task_as_of(year=year)
    ws = wb.create_sheet(sheet_title(_("Tasks %(year)s") % {"year": year}))
    headers = [
        (_("Code"), 9),
        (_("Task"), 50),
        (_("Lead unit"), 26),
        (_("Deadline"), 12),
        (_("Deadline status as of %(date)s") % {"date": as_of.strftime("%d/%m/%Y")}, 18),
        (_("Completed on"), 12),
        (_("Last approved update"), 12),
        (_("Result"), 50),
        (_("Progress (%)"), 9),
    ]
    widths = [w for _label, w in headers]
    _widths(ws, widths)
    header_row = 3
    _print_setup(ws, title_rows=f"{header_row}:{header_row}", freeze=f"C{header_row + 1}")
    last_col = get_column_letter(len(headers))
    _sheet_title_rows(ws, _("TASKS DUE IN %(year)s") % {"year": year}, last_col)
    ws.append(
        [
            text_cell(ws, label, font=FONT_BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL)
            for label, _w in headers
        ]
    )
    cell = {"font": FONT, "border": BORDER}
    count = 0
    for line in selectors.task_review_rows(program=program, year=year):
        count += 1
        task, state, latest = line.row.task, line.row.state, line.latest
        _append_fitted(
            ws,
            header_row + count,
            widths,
            [
                text_cell(ws, task.code, **cell),
                text_cell(ws, task.name, alignment=LEFT, **cell),
                text_cell(ws, task.lead_unit.display_name, alignment=LEFT, **cell),
                _date_cell(ws, state.deadline, **cell),
                text_cell(ws, line.row.status_label, **cell),
                _date_cell(ws, state.completed_on, **cell),
                _date_cell(ws, latest.date if latest else None, **cell),
                text_cell(ws, latest.content if latest else "", alignment=LEFT, **cell),
                number_cell(ws, latest.progress if latest else None, number_format="0", **cell),
            ],
        )
    ws.auto_filter.ref = f"A{header_row}:{last_col}{header_row + max(count, 1)}"


def annual_review_workbook(*, program, year: int) -> bytes:
    """The annual review of ``program`` for ``year`` as an .xlsx file: the review in the layout of a Party
    document (numbered, dated and signed from the year's ``ReviewReport``, and headed as its appendix once
    the report has a number), a sheet per group with a bar chart, every approved figure of the year, and
    the tasks due in the year with their deadline status and result."""
    review = selectors.review_year(program=program, year=year)
    report = selectors.review_report_for(program=program, year=year)
    wb = Workbook(write_only=True)
    _review_sheet(wb, review, report)
    _group_sheet(wb, review)
    _figures_sheet(wb, program, year)
    _tasks_sheet(wb, program, year)
    return _save(wb)


def annual_review_filename(*, program, year: int) -> str:
    return filename(_("annual-review"), program.number, year)


# --- The import template ------------------------------------------------------------------------------------


def import_template_workbook(*, targets, year: int | None) -> bytes:
    """One row per target the user may report on, in the figure layout; the user fills value (and quarter,
    estimate, note) and uploads it at /imports/. ``targets`` is an iterable of Target."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(_("Figures")))
    _widths(ws, FIGURE_WIDTHS)
    _print_setup(ws, title_rows="1:1", freeze="C2")
    ws.append(_figures_header(ws, []))
    rows = 1
    for target in targets:
        rows += 1
        ws.append(
            [
                text_cell(ws, target.code, font=FONT),
                text_cell(ws, target.name, font=FONT),
                text_cell(ws, target.unit_of_measure, font=FONT),
                number_cell(ws, year, font=FONT, number_format="0"),
                None,
                None,
                text_cell(ws, _("no"), font=FONT),
                None,
            ]
        )
    ws.auto_filter.ref = f"A1:H{rows}"

    _help_sheet(
        wb,
        [
            _("Fill in the first sheet and upload it on the Import page. Keep the header row as it is."),
            _("One row per figure: the target's code, the year, the quarter (1 to 4, or empty for the whole year)."),
            _("Value: a number; 7,5 and 7.5 are both read as seven and a half. Leave it empty to skip the row."),
            _("Estimate: yes for an estimated figure, no for a final one."),
            _("Copy a row to report several quarters of one target; the same target and period may appear once."),
            _("Nothing is saved until every row is correct: the preview lists each row with its errors."),
        ],
    )
    return _save(wb)


def import_template_filename(*, program, label: str) -> str:
    return filename(_("import-template"), program.number, label)


# --- The target table -----------------------------------------------------------------------------------------


def target_table_workbook(*, rows, program, as_of_date, filters: list[tuple[str, str]]) -> bytes:
    """The target table as filtered (and sorted) on screen: ``rows`` are the dashboard's judged rows
    (``selectors.TargetRow``), ``filters`` the (label, value) pairs the reader chose, written above the table
    so that a printout says what it shows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(_("Targets")))
    headers = [
        (_("Code"), 8),
        (_("Target"), 50),
        (_("Group"), 8),
        (_("Unit of measure"), 11),
        (_("Direction"), 20),
        (_("Lead unit"), 28),
        (_("Latest figure"), 12),
        (_("Year of the figure"), 10),
        (_("Estimate"), 9),
        (_("Next milestone"), 12),
        (_("Milestone year"), 10),
        (_("Progress status"), 16),
        # The verdict of the figure's year that stands, as the annual review gives it.
        (_("Assessment of the year"), 14),
    ]
    _widths(ws, [w for _label, w in headers])
    header_row = 4
    _print_setup(ws, title_rows=f"{header_row}:{header_row}", freeze=f"C{header_row + 1}")
    last_col = get_column_letter(len(headers))
    ws.merged_cells.add(f"A1:{last_col}1")
    ws.merged_cells.add(f"A2:{last_col}2")
    ws.append(
        [
            text_cell(
                ws,
                _("Targets of action programme %(number)s as of %(date)s")
                % {"number": program.number, "date": as_of_date.strftime("%d/%m/%Y")},
                font=FONT_TITLE,
            )
        ]
    )
    described = "; ".join(f"{label}: {value}" for label, value in filters) if filters else _("all targets")
    ws.append([text_cell(ws, _("Filters: %(filters)s") % {"filters": described}, font=FONT_ITALIC)])
    ws.append([])
    ws.append(
        [
            text_cell(ws, label, font=FONT_BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL)
            for label, _w in headers
        ]
    )
    count = 0
    cell = {"font": FONT, "border": BORDER}
    for row in rows:
        count += 1
        milestone = row.next_milestone
        _append_fitted(
            ws,
            header_row + count,
            [w for _label, w in headers],
            [
                text_cell(ws, row.code, **cell),
                text_cell(ws, row.name, alignment=LEFT, **cell),
                text_cell(ws, row.group_code, **cell),
                text_cell(ws, row.unit_of_measure, **cell),
                text_cell(ws, row.direction_label, **cell),
                text_cell(ws, row.lead_unit_name, alignment=LEFT, **cell),
                number_cell(ws, row.latest_value, alignment=RIGHT, **cell),
                number_cell(ws, row.latest_year, number_format="0", **cell),
                text_cell(ws, _yes_no(row.latest_is_estimate) if row.latest_value is not None else "", **cell),
                plan_cell(
                    ws, None if milestone is None else (milestone.plan.min_value, milestone.plan.max_value), **cell
                ),
                number_cell(ws, None if milestone is None else milestone.year, number_format="0", **cell),
                text_cell(ws, row.status_label, **cell),
                text_cell(ws, row.latest_assessment_label, **cell),
            ],
        )
    ws.auto_filter.ref = f"A{header_row}:{last_col}{header_row + max(count, 1)}"
    return _save(wb)


def target_table_filename(*, program) -> str:
    return filename(_("targets"), program.number, timezone.localtime().strftime("%Y%m%d"))


def rollup_workbook(*, organisation, lines, totals, as_of_date, late_year: int) -> bytes:
    """The roll-up of ``organisation`` (``selectors.rollup``): one row per programme of the organisations
    below it, with its targets by progress status, its milestones by deadline status, its late reports and
    its tasks by deadline status, then the totals; in the order of the page."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(_("Roll-up")))
    status_labels = [str(selectors.PROGRESS_LABELS[s]) for s in assessment.PROGRESS_ORDER]
    deadline_labels = [str(selectors.DEADLINE_LABELS[d]) for d in assessment.DEADLINE_ORDER]
    task_labels = [str(selectors.TASK_STATUS_LABELS[t]) for t in assessment.TASK_STATUS_ORDER]
    headers = [
        (_("Organisation"), 30),
        (_("Programme"), 16),
        (_("Title"), 40),
        (_("Targets"), 9),
        *[(label, 11) for label in status_labels],
        *[(label, 12) for label in deadline_labels],
        (_("Yearly figures of %(year)s not submitted on time") % {"year": late_year}, 14),
        (_("Tasks"), 9),
        *[(_("Tasks: %(status)s") % {"status": label}, 13) for label in task_labels],
    ]
    _widths(ws, [w for _label, w in headers])
    header_row = 4
    _print_setup(ws, title_rows=f"{header_row}:{header_row}", freeze=f"C{header_row + 1}")
    last_col = get_column_letter(len(headers))
    ws.merged_cells.add(f"A1:{last_col}1")
    ws.append(
        [
            text_cell(
                ws,
                _("Programmes of the organisations of %(name)s as of %(date)s")
                % {"name": organisation.name, "date": as_of_date.strftime("%d/%m/%Y")},
                font=FONT_TITLE,
            )
        ]
    )
    ws.append([])
    ws.append([])
    ws.append(
        [
            text_cell(ws, label, font=FONT_BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL)
            for label, _w in headers
        ]
    )
    cell = {"font": FONT, "border": BORDER}
    for count, line in enumerate(lines, start=1):
        _append_fitted(
            ws,
            header_row + count,
            [w for _label, w in headers],
            [
                text_cell(ws, line.organisation.name, alignment=LEFT, **cell),
                text_cell(ws, line.program.number, **cell),
                text_cell(ws, line.program.title, alignment=LEFT, **cell),
                number_cell(ws, line.total, number_format="0", **cell),
                *[number_cell(ws, n, number_format="0", **cell) for n in line.status_counts],
                *[number_cell(ws, n, number_format="0", **cell) for n in line.deadline_counts],
                number_cell(ws, line.late, number_format="0", **cell),
                number_cell(ws, line.tasks, number_format="0", **cell),
                *[number_cell(ws, n, number_format="0", **cell) for n in line.task_counts],
            ],
        )
    bold = {"font": FONT_BOLD, "border": BORDER}
    ws.append(
        [
            text_cell(ws, _("Total"), alignment=LEFT, **bold),
            text_cell(ws, "", **bold),
            text_cell(ws, "", **bold),
            number_cell(ws, totals["total"], number_format="0", **bold),
            *[number_cell(ws, n, number_format="0", **bold) for n in totals["status_counts"]],
            *[number_cell(ws, n, number_format="0", **bold) for n in totals["deadline_counts"]],
            number_cell(ws, totals["late"], number_format="0", **bold),
            number_cell(ws, totals["tasks"], number_format="0", **bold),
            *[number_cell(ws, n, number_format="0", **bold) for n in totals["task_counts"]],
        ]
    )
    return _save(wb)


def rollup_filename(*, organisation) -> str:
    return filename(_("roll-up"), organisation.code, timezone.localtime().strftime("%Y%m%d"))


# --- The task table ----------------------------------------------------------------------------------------


def _date_cell(ws, value, **style):
    """A date as a date (Excel sorts and filters it), shown dd/mm/yyyy; empty when None."""
    return _style(WriteOnlyCell(ws, value=value), number_format="dd/mm/yyyy", **style)


def task_table_workbook(*, rows, program, as_of_date, filters: list[tuple[str, str]]) -> bytes:
    """The task table as filtered and sorted on screen: ``rows`` are ``selectors.TaskRow``, ``filters`` the
    (label, value) pairs chosen, written above the table so that a printout says what it shows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(_("Tasks")))
    headers = [
        (_("Code"), 9),
        (_("Group"), 7),
        (_("Task"), 50),
        (_("Expected output"), 28),
        (_("Lead unit"), 26),
        (_("Supporting units"), 26),
        (_("Recurrence"), 12),
        (_("Deadline"), 12),
        (_("Deadline status"), 18),
        (_("Completed on"), 12),
        (_("Days overdue"), 9),
        (_("Reminders"), 9),
        (_("Last approved update"), 12),
        (_("Flags"), 24),
    ]
    widths = [w for _label, w in headers]
    _widths(ws, widths)
    header_row = 4
    _print_setup(ws, title_rows=f"{header_row}:{header_row}", freeze=f"D{header_row + 1}")
    last_col = get_column_letter(len(headers))
    ws.merged_cells.add(f"A1:{last_col}1")
    ws.merged_cells.add(f"A2:{last_col}2")
    title = _("Tasks of action programme %(number)s as of %(date)s") % {
        "number": program.number,
        "date": as_of_date.strftime("%d/%m/%Y"),
    }
    ws.append([text_cell(ws, title, font=FONT_TITLE)])
    described = "; ".join(f"{label}: {value}" for label, value in filters) if filters else _("all tasks")
    ws.append([text_cell(ws, _("Filters: %(filters)s") % {"filters": described}, font=FONT_ITALIC)])
    ws.append([])
    ws.append(
        [
            text_cell(ws, label, font=FONT_BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL)
            for label, _w in headers
        ]
    )
    cell = {"font": FONT, "border": BORDER}
    count = 0
    for row in rows:
        count += 1
        task, state = row.task, row.state
        flags = []
        if state.due_soon:
            flags.append(str(selectors.TASK_DUE_SOON_LABEL))
        if state.stale:
            flags.append(str(selectors.TASK_STALE_LABEL))
        if state.flagged:
            flags.append(str(selectors.TASK_FLAGGED_LABEL))
        _append_fitted(
            ws,
            header_row + count,
            widths,
            [
                text_cell(ws, task.code, **cell),
                number_cell(ws, task.solution_group.number, number_format="0", **cell),
                text_cell(ws, task.name, alignment=LEFT, **cell),
                text_cell(ws, task.expected_output, alignment=LEFT, **cell),
                text_cell(ws, task.lead_unit.display_name, alignment=LEFT, **cell),
                text_cell(ws, ", ".join(u.display_name for u in row.supporting_units), alignment=LEFT, **cell),
                text_cell(ws, task.get_recurrence_display(), **cell),
                _date_cell(ws, state.deadline, **cell),
                text_cell(ws, row.status_label, **cell),
                _date_cell(ws, state.completed_on, **cell),
                number_cell(ws, state.overdue_days, number_format="0", **cell),
                number_cell(ws, row.reminder_count, number_format="0", **cell),
                _date_cell(ws, row.last_update, **cell),
                text_cell(ws, "; ".join(flags), alignment=LEFT, **cell),
            ],
        )
    ws.auto_filter.ref = f"A{header_row}:{last_col}{header_row + max(count, 1)}"
    return _save(wb)


def task_table_filename(*, program) -> str:
    return filename(_("tasks"), program.number, timezone.localtime().strftime("%Y%m%d"))


# --- The task list's import template -------------------------------------------------------------------------


def _joined(items) -> str:
    return "; ".join(item.code for item in items)


def task_import_template_workbook(*, tasks) -> bytes:
    """The task list in the import's layout (``TASK_COLUMNS``): one row per task of the programme as it
    stands (``tasks`` with their group, lead unit, supporting units and targets), so that the office edits
    the list and uploads it back; an empty template when there is none yet. A help sheet says how."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(_("Tasks")))
    widths = [10, 8, 50, 14, 22, 13, 13, 28, 16, 13, 28, 22]
    _widths(ws, widths)
    _print_setup(ws, title_rows="1:1", freeze="C2")
    ws.append(
        [
            text_cell(ws, str(label), font=FONT_BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL)
            for _key, label in TASK_COLUMNS
        ]
    )
    rows = 1
    for task in tasks:
        rows += 1
        ws.append(
            [
                text_cell(ws, task.code, font=FONT),
                number_cell(ws, task.solution_group.number, font=FONT, number_format="0"),
                text_cell(ws, task.name, font=FONT),
                text_cell(ws, task.lead_unit.code, font=FONT),
                text_cell(ws, _joined(task.supporting_units.all()), font=FONT),
                text_cell(ws, task.deadline.strftime("%d/%m/%Y") if task.deadline else "", font=FONT),
                text_cell(ws, task.get_recurrence_display(), font=FONT),
                text_cell(ws, task.expected_output, font=FONT),
                text_cell(ws, task.assigned_by_number, font=FONT),
                text_cell(ws, task.assigned_by_date.strftime("%d/%m/%Y") if task.assigned_by_date else "", font=FONT),
                text_cell(ws, task.assigned_by_summary, font=FONT),
                text_cell(ws, _joined(task.targets.all()), font=FONT),
            ]
        )
    ws.auto_filter.ref = f"A1:{get_column_letter(len(TASK_COLUMNS))}{max(rows, 2)}"

    _help_sheet(
        wb,
        [
            _("Fill in the first sheet and upload it on the task import page. Keep the header row as it is."),
            _("One row per task. A code already in the programme updates that task; a new code adds a task."),
            _("Group of solutions: its number. Units and targets: their codes; several separated by ;."),
            _("Deadline and dates: dd/mm/yyyy, within the programme's years; empty for an ongoing task."),
            _("Recurrence: once, yearly or ongoing (một lần, hằng năm, thường xuyên)."),
            _("Nothing is saved until every row is correct: the preview lists each row with its errors."),
        ],
    )
    return _save(wb)


def task_import_template_filename(*, program) -> str:
    return filename(_("task-list"), program.number, timezone.localtime().strftime("%Y%m%d"))


# --- The task updates' import template -----------------------------------------------------------------------


def task_update_import_template_workbook(*, lines) -> bytes:
    """One row per task the user may report on (``lines``: ``selectors.TaskUpdateTemplateLine``), in the
    layout of ``TASK_UPDATE_COLUMNS``: the task's code, content and deadline, the unit (filled in when the
    user may write for one unit only), and the update's columns empty for the user to fill. A help sheet
    says how."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(_("Task updates")))
    _widths(ws, [10, 50, 12, 14, 14, 50, 10, 10, 14, 30])
    _print_setup(ws, title_rows="1:1", freeze="C2")
    ws.append(
        [
            text_cell(ws, str(label), font=FONT_BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL)
            for _key, label in TASK_UPDATE_COLUMNS
        ]
    )
    rows = 1
    for line in lines:
        rows += 1
        task = line.task
        ws.append(
            [
                text_cell(ws, task.code, font=FONT),
                text_cell(ws, task.name, font=FONT),
                text_cell(ws, task.deadline.strftime("%d/%m/%Y") if task.deadline else "", font=FONT),
                text_cell(ws, line.unit_code, font=FONT),
                *empty_cells(ws, len(TASK_UPDATE_COLUMNS) - 4),
            ]
        )
    ws.auto_filter.ref = f"A1:{get_column_letter(len(TASK_UPDATE_COLUMNS))}{max(rows, 2)}"

    _help_sheet(
        wb,
        [
            _("Fill in the first sheet and upload it on the page Import task updates. Keep the header row as it is."),
            _("One row per task you report on; leave the update's columns empty to skip a task."),
            _("Reporting unit: the code of the unit the update is written for (lead or supporting unit of the task)."),
            _("Date of the update and completion date: dd/mm/yyyy, not in the future. Progress: 0 to 100."),
            _("Done: yes or no; a task done needs its completion date. Evidence link: a web address."),
            _("Each task may appear once per unit. Nothing is saved until every row is correct."),
        ],
    )
    return _save(wb)


def task_update_import_template_filename(*, program, label: str) -> str:
    return filename(_("task-updates-template"), program.number, label)
