"""Word documents: the yearly review report (báo cáo kết quả thực hiện chương trình hành động năm …).

Documents build files and nothing else, as ``exports`` builds workbooks: what the report says comes from
``selectors.review_report_content`` (the page's preview renders the same content), the view only wraps the
bytes in a response.

The layout is the one of Hướng dẫn 36-HD/VPTW (03/4/2018) on Party documents: A4, Times New Roman, the
header as a two-column table without borders, "BÁO CÁO" and its subject, the body at 14 pt, the signature
beside "Nơi nhận", page numbers at the top from page 2. The appendix, the table of targets of the review
workbook, is a landscape section of its own.

The appendix of a city-wide programme has thousands of rows: python-docx's ``table.add_row`` re-walks the
table for every row, and a tree of every cell (lxml) took 4,100 targets past the memory budget. So the
rows are written as XML text from the cells' strings, one at a time, straight into the saved file's
``word/document.xml`` where a marked row held their place (``_with_rows``).
"""

import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt

from . import exports, selectors
from .templatetags.dashboard_tags import pct, plan
from .templatetags.report_tags import figure
from .text import plain_text

FONT_NAME = "Times New Roman"  # the typeface of Party documents
BODY_SIZE = 14
TITLE_SIZE = 16
PARTY_SIZE = 15
RECIPIENTS_HEAD_SIZE = 12
RECIPIENTS_SIZE = 11
APPENDIX_SIZE = 10
FIRST_LINE_INDENT = Cm(1.27)

# The guide's margins (top 20–25 mm, bottom 20–25 mm, left 30–35 mm, right 15–20 mm), the smallest of each
# so that the appendix's table has room. The landscape appendix keeps the binding margin on the left.
MARGINS = {"top_margin": Mm(20), "bottom_margin": Mm(20), "left_margin": Mm(30), "right_margin": Mm(15)}
A4 = (Mm(210), Mm(297))
TWIPS_PER_MM = 1440 / 25.4

APPENDIX_STYLE = "Appendix Text"


def _fonts(element, size: int | None = None) -> None:
    """Times New Roman for every script of ``element``'s run properties (``w:rPr``): ascii, hAnsi, and also
    eastAsia and cs, without which Word and LibreOffice may take another font for Vietnamese letters."""
    fonts = element.find(qn("w:rFonts"))
    if fonts is None:
        fonts = element.makeelement(qn("w:rFonts"), {})
        element.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT_NAME)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            node = element.find(qn(tag))
            if node is None:
                node = element.makeelement(qn(tag), {})
                element.append(node)
            node.set(qn("w:val"), str(size * 2))


def _styles(document) -> None:
    styles = document.styles
    # The defaults under every style (tables, headers), then Normal: the body's font, size and paragraph.
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, BODY_SIZE)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    normal = styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(BODY_SIZE)
    _fonts(normal.element.get_or_add_rPr())
    paragraph = normal.paragraph_format
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.first_line_indent = FIRST_LINE_INDENT
    paragraph.space_before = Pt(6)
    paragraph.space_after = Pt(0)
    paragraph.line_spacing = 1.0
    for name in ("Header", "Footer"):
        styles[name].font.name = FONT_NAME
        _fonts(styles[name].element.get_or_add_rPr())
    cell = styles.add_style(APPENDIX_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(APPENDIX_SIZE)
    cell.paragraph_format.first_line_indent = Cm(0)
    cell.paragraph_format.space_before = Pt(2)
    cell.paragraph_format.space_after = Pt(2)
    cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _paragraph(
    container,
    text: str = "",
    *,
    size=None,
    bold=False,
    italic=False,
    underline=False,
    align=None,
    indent=True,
    before=None,
    after=None,
    caps=False,
):
    """A paragraph of one run. Without ``indent`` it starts at the margin (headers, signature, titles)."""
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    formatting = paragraph.paragraph_format
    if not indent:
        formatting.first_line_indent = Cm(0)
    if before is not None:
        formatting.space_before = Pt(before)
    if after is not None:
        formatting.space_after = Pt(after)
    if text:
        run = paragraph.add_run(text.upper() if caps else text)
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
        if size is not None:
            run.font.size = Pt(size)
    return paragraph


def _no_borders(table) -> None:
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"
    )
    table._tbl.tblPr.append(borders)


def _cell_paragraph(cell):
    """The first paragraph of a new cell (a cell always holds one), to write into before adding more."""
    return cell.paragraphs[0]


def _first(cell, text, **style):
    """Write ``text`` into the cell's first (empty) paragraph with the style of ``_paragraph``."""
    paragraph = _cell_paragraph(cell)
    paragraph.alignment = style.pop("align", WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.space_before = Pt(style.pop("before", 0))
    run = paragraph.add_run(text)
    run.bold = style.get("bold") or None
    run.italic = style.get("italic") or None
    run.underline = style.get("underline") or None
    if style.get("size"):
        run.font.size = Pt(style["size"])
    return paragraph


def _two_columns(document, widths_mm: tuple[float, float]):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return table.rows[0].cells


def _header(document, content: selectors.ReviewReportContent) -> None:
    """The header table: the bodies, "*" and the number on the left; the Party's name underlined and the
    place and date in italics on the right."""
    header = content.header
    left, right = _two_columns(document, (75, 90))
    center = WD_ALIGN_PARAGRAPH.CENTER
    lines = []
    if header.parent_body:
        lines.append((plain_text(header.parent_body).upper(), {}))
    lines.append((plain_text(header.issuing_body).upper(), {"bold": True}))
    lines.append(("*", {}))
    lines.append((header.number_line, {}))
    (text, style), *rest = lines
    _first(left, text, size=BODY_SIZE, **style)
    for text, style in rest:
        _paragraph(left, text, size=BODY_SIZE, align=center, indent=False, before=0, **style)
    _first(right, _("COMMUNIST PARTY OF VIETNAM").upper(), size=PARTY_SIZE, bold=True, underline=True)
    _paragraph(
        right, plain_text(header.place_date_line), size=BODY_SIZE, italic=True, align=center, indent=False, before=12
    )


def _title(document, content) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, _("REPORT").upper(), size=TITLE_SIZE, bold=True, align=center, indent=False, before=18)
    _paragraph(document, content.subject, size=BODY_SIZE, bold=True, align=center, indent=False, before=0)
    _paragraph(document, "-----", size=BODY_SIZE, align=center, indent=False, before=0, after=6)


def _body(document, content) -> None:
    for section in content.sections:
        _paragraph(document, section.heading, bold=True, before=6)
        for text in section.paragraphs:
            _paragraph(document, text, italic=section.placeholder)


def _signature(document, content) -> None:
    """ "Nơi nhận" and the recipients on the left; who signs on behalf of whom, the title, room for the
    signature and the name on the right."""
    left, right = _two_columns(document, (80, 85))
    _first(
        left,
        _("Recipients:"),
        size=RECIPIENTS_HEAD_SIZE,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=12,
    )
    for line in content.recipients:
        _paragraph(left, line, size=RECIPIENTS_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, before=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _first(right, content.signer_on_behalf.upper(), size=BODY_SIZE, bold=True, before=12)
    _paragraph(right, content.signer_title.upper(), size=BODY_SIZE, bold=True, align=center, indent=False, before=0)
    for _blank in range(4):  # room for the signature and the seal
        _paragraph(right, "", align=center, indent=False, before=0)
    _paragraph(right, content.signer_name, size=BODY_SIZE, bold=True, align=center, indent=False, before=0)


def _page_numbers(section) -> None:
    """Page numbers at the top, centred, from page 2: the first page has a header of its own, empty."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="{BODY_SIZE * 2}"/></w:rPr>'
            "<w:t>2</w:t></w:r></w:fldSimple>"
        )
    )


# --- The appendix -----------------------------------------------------------------------------------------

_W = nsdecls("w")


def _cell_xml(text: str, width: int, *, align: str = "left", bold: bool = False, span: int = 1, fill: str = "") -> str:
    """One table cell as WordprocessingML, its text escaped and split into lines."""
    properties = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        properties += f'<w:gridSpan w:val="{span}"/>'
    if fill:
        properties += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    run_properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
    paragraph = (
        f'<w:p><w:pPr><w:pStyle w:val="AppendixText"/><w:jc w:val="{align}"/></w:pPr>'
        f"<w:r>{run_properties}{runs}</w:r></w:p>"
        if text
        else '<w:p><w:pPr><w:pStyle w:val="AppendixText"/></w:pPr></w:p>'
    )
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{paragraph}</w:tc>"


def _row_xml(cells: list[str], *, header: bool = False) -> str:
    # Rows never break across pages; the header row repeats on each page.
    properties = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{properties}</w:trPr>{''.join(cells)}</w:tr>"


def _row(cells: list[str], *, header: bool = False):
    """A row as an element of python-docx's tree (the namespace declared for parsing it alone)."""
    return parse_xml(_row_xml(cells, header=header).replace("<w:tr>", f"<w:tr {_W}>", 1))


# The row that stands for the appendix's rows in the tree until the file is written (``_with_rows``).
_ROWS_MARK = "appendix-rows-6f1d2c"


def _signed(value) -> str:
    """A change on last year with its sign, as the workbook shows it: "+1,5", "-2", "0"."""
    if value is None:
        return ""
    return f"+{figure(value)}" if value > 0 else figure(value)


def appendix_cells(line: selectors.ReviewLine, kinds: dict | None = None) -> list[str]:
    """A target's row of the appendix: the workbook's columns (``exports.review_columns``) and values, as
    text in the reader's language (7,5 and "70–73" with the decimal comma in Vietnamese); with ``kinds``
    (``selectors.unit_kinds``) the supporting units named together where all of a kind support, as in the
    workbook."""
    supporting = (
        selectors.collective_units(line.supporting_units, line.supporting_unit_ids, kinds)
        if kinds is not None
        else line.supporting_units
    )
    return [
        str(line.number),
        line.code,
        line.name,
        line.unit_of_measure,
        *[plan(m) for m in line.milestones],
        plan(line.plan),
        figure(line.previous),
        figure(line.figure),
        _signed(line.change),
        pct(line.percent),
        line.assessment_label,
        line.lead_unit,
        "; ".join(supporting),
        exports._line_note(line),
    ]


# The columns written centred (number, code, unit, assessment) and right-aligned (the figures).
_CENTRED = {0, 1, 3}


# The appendix's column widths in mm, in the order of ``exports.review_columns``: the workbook's widths are
# for 11-point cells one beside the other on a sheet fitted to the page; a page of a document has 252 mm.
_WIDTHS_MM = {"number": 11, "code": 17, "unit": 13, "figure": 13, "assessment": 17, "lead": 24, "supporting": 28}
_NOTE_MM = 22


def _appendix_widths(milestones: int) -> list[int]:
    """Twips per column; the target's name takes what the others leave of the landscape page."""
    w = _WIDTHS_MM
    figures = [w["figure"]] * (milestones + 5)  # the milestones, the plan, last year's, this year's, change, %
    fixed = [w["number"], w["code"], None, w["unit"], *figures, w["assessment"], w["lead"], w["supporting"], _NOTE_MM]
    usable = 297 - 30 - 15  # landscape A4 within the margins
    name = max(usable - sum(x for x in fixed if x), 30)
    return [int(Mm(name if x is None else x).twips) for x in fixed]


def _appendix(document, content) -> None:
    review = content.review
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = A4[1], A4[0]
    for name, value in MARGINS.items():
        setattr(section, name, value)
    # The numbering goes on from the report; the appendix's first page is not the document's first.
    section.different_first_page_header_footer = False
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, _("APPENDIX").upper(), size=BODY_SIZE, bold=True, align=center, indent=False, before=0)
    _paragraph(
        document,
        _("Results of the key targets in %(year)s") % {"year": content.year},
        size=BODY_SIZE,
        bold=True,
        align=center,
        indent=False,
        before=0,
    )
    _paragraph(
        document, content.appendix_note, size=BODY_SIZE, italic=True, align=center, indent=False, before=0, after=6
    )

    columns = exports.review_columns(review.milestone_years, review.year)
    widths = _appendix_widths(len(review.milestone_years))
    kinds = selectors.unit_kinds(organisation_id=content.program.organisation_id)
    figures_from, figures_to = 4, 4 + len(review.milestone_years) + 5  # milestones, plan, results, change, %
    assessment_column = figures_to

    def align(index: int) -> str:
        if index in _CENTRED or index == assessment_column:
            return "center"
        return "right" if figures_from <= index < figures_to else "left"

    table = document.add_table(rows=0, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl = table._tbl
    tbl.tblPr.append(parse_xml(f'<w:tblLayout {_W} w:type="fixed"/>'))
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))
    tbl.append(
        _row(
            [
                _cell_xml(str(label), w, align="center", bold=True, fill="E7E6E6")
                for (label, _w), w in zip(columns, widths, strict=True)
            ],
            header=True,
        )
    )
    tbl.append(_row([_cell_xml(_ROWS_MARK, sum(widths), span=len(widths))]))

    def rows():
        for group in review.groups:
            heading = plain_text(f"{group.roman}. {group.name}").upper()
            yield _row_xml([_cell_xml(heading, sum(widths), bold=True, span=len(widths), fill="F2F2F2")])
            for line in group.lines:
                cells = [plain_text(text) for text in appendix_cells(line, kinds)]
                yield _row_xml(
                    [_cell_xml(text, w, align=align(i)) for i, (text, w) in enumerate(zip(cells, widths, strict=True))]
                )

    counts = review.counts
    _paragraph(
        document,
        _(
            "Of %(total)s targets: %(exceeded)s exceeded, %(achieved)s achieved, %(not_achieved)s not "
            "achieved, %(no_data)s without data."
        )
        % {"total": review.total, **counts},
        bold=True,
        indent=False,
        before=6,
    )
    return rows()


def _with_rows(docx: bytes, rows) -> bytes:
    """The file python-docx wrote, with the appendix's rows streamed into ``word/document.xml`` in place of
    the row marked ``_ROWS_MARK``: one row's text at a time, never a tree of every cell of a city-wide
    programme (at 4,100 targets that tree alone took the process past its memory budget)."""
    source = zipfile.ZipFile(BytesIO(docx))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "word/document.xml":
                target.writestr(info, data)
                continue
            text = data.decode("utf-8")
            mark = text.index(_ROWS_MARK)
            start, end = text.rindex("<w:tr>", 0, mark), text.index("</w:tr>", mark) + len("</w:tr>")
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with target.open(entry, "w") as part:
                part.write(text[:start].encode("utf-8"))
                for row in rows:
                    part.write(row.encode("utf-8"))
                part.write(text[end:].encode("utf-8"))
    return out.getvalue()


def review_report_document(*, program, year: int) -> bytes:
    """The yearly review report of ``program``'s ``year`` as a .docx file: the report as the office wrote it
    with part II written from the review, the signature and recipients, and the table of targets as a
    landscape appendix."""
    content = selectors.review_report_content(program=program, year=year)
    document = Document()
    _styles(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = A4
    for name, value in MARGINS.items():
        setattr(section, name, value)
    _page_numbers(section)
    # The default template starts with an empty paragraph only when asked for one: the header table first.
    _header(document, content)
    _title(document, content)
    _body(document, content)
    _signature(document, content)
    rows = _appendix(document, content)
    buffer = BytesIO()
    document.save(buffer)
    return _with_rows(buffer.getvalue(), rows)


def review_report_filename(*, program, year: int) -> str:
    """Like the workbook's: "bao-cao-12-CTr-QU-2025.docx" (the number's slashes made dashes)."""
    return exports.filename(_("review-report"), program.number, year).removesuffix(".xlsx") + ".docx"
