"""The review workbook of a known data set, cell by cell; the one text helper against formula injection;
the download's name, headers, permissions and query count."""

import datetime
from io import BytesIO

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart

from targets import exports, selectors, services
from targets.models import DomainGroup, Milestone, ProgressReport, ReviewReport, Target, Unit

from .factories import Status, make_report, make_task, make_task_update

YEAR = 2025


@pytest.fixture
def figures(program, office, staff_a):
    """A known year: four targets with figures (exceeded, not achieved, achieved, a range), one quarterly
    figure, notes that look like formulas, and an override whose comment looks like one too."""
    t = {t.code: t for t in program.targets.all()}
    make_report(target=t["XD-01"], year=2024, value="83.5", status=Status.APPROVED, author=office, reviewer=office)
    make_report(
        target=t["XD-01"], year=YEAR, value="97", status=Status.APPROVED, author=office, reviewer=office, note="=1+1"
    )
    make_report(
        target=t["XD-03"],
        year=YEAR,
        value="379",
        status=Status.APPROVED,
        author=office,
        reviewer=office,
        note='=HYPERLINK("http://x","x")',
    )
    make_report(
        target=t["XD-04"],
        year=YEAR,
        value="100",
        status=Status.APPROVED,
        author=office,
        reviewer=office,
        note="-10 on last year",
    )
    make_report(target=t["AN-04"], year=YEAR, value="5.4", status=Status.APPROVED, author=office, reviewer=office)
    make_report(
        target=t["VH-01"],
        year=YEAR,
        value="72.5",
        status=Status.APPROVED,
        author=office,
        reviewer=office,
        quarter=2,
        is_estimate=True,
        note="@mention",
    )
    services.review_override(user=office, target=t["XD-04"], year=YEAR, assessment="exceeded", comment="=1+1", seen="")
    return t


def workbook(program, year=YEAR):
    with translation.override("en"):
        data = exports.annual_review_workbook(program=program, year=year)
    return load_workbook(BytesIO(data))


def row_of(ws, column, value):
    for cell in ws[column]:
        if cell.value == value:
            return cell.row
    raise AssertionError(f"{value!r} not found in column {column}")


def test_the_party_document_header_and_title_come_from_the_programme(program, figures):
    ws = workbook(program).worksheets[0]
    assert ws.title == "Review 2025"
    assert ws["A1"].value == "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI"
    assert ws["A2"].value == "QUẬN ỦY CẦU GIẤY" and ws["A2"].font.b
    assert ws["A3"].value == "*"
    # No report written yet: blanks for the number and the day and month, as the report's header has them.
    assert ws["A4"].value == "No. \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-BC/QU"
    assert ws["J1"].value == "COMMUNIST PARTY OF VIETNAM"
    assert ws["J1"].font.u == "single" and ws["J1"].font.b
    assert ws["J3"].value.startswith("Cầu Giấy, day … month … year 20")
    assert ws["J3"].font.i
    # Not yet any report's appendix: no "APPENDIX" heading, the title right under the header.
    assert ws["A6"].value == "REPORT ON THE RESULTS OF THE KEY TARGETS IN 2025"
    assert ws["A7"].value == (
        "(Implementing action programme 12-CTr/QU of QUẬN ỦY CẦU GIẤY, "
        "Nghị quyết số 15-NQ/TW ngày 05/5/2022 của Bộ Chính trị)"
    )
    assert ws["A7"].font.i
    assert "APPENDIX" not in [c.value for c in ws["A"]]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:D1", "A2:D2", "A3:D3", "A4:D4", "J1:O1", "J3:O3", "A6:O6", "A7:O7"} <= merged


def test_the_header_comes_from_the_data_not_from_code(program, figures):
    organisation = program.organisation
    organisation.parent_body = "ĐẢNG BỘ TỈNH X"
    organisation.issuing_body = "HUYỆN ỦY Y"
    organisation.place_name = "Thị trấn Z"
    organisation.save()
    ws = workbook(program).worksheets[0]
    assert (ws["A1"].value, ws["A2"].value) == ("ĐẢNG BỘ TỈNH X", "HUYỆN ỦY Y")
    assert ws["J3"].value.startswith("Thị trấn Z, ")


def test_the_table_headers_group_rows_and_numbering(program, figures):
    ws = workbook(program).worksheets[0]
    assert [c.value for c in ws[9]] == [
        "No.",
        "Code",
        "Target",
        "Unit of measure",
        "Target 2025",
        "Target 2030",
        "Plan 2025",
        "Result 2024",
        "Result 2025",
        "Change on 2024",
        "% of plan",
        "Assessment",
        "Lead unit",
        "Supporting units",
        "Note",
    ]
    groups, numbers = [], []
    for row in ws.iter_rows(min_row=10):
        first = row[0].value
        if isinstance(first, str) and ". " in first:
            groups.append(first)
            assert f"A{row[0].row}:O{row[0].row}" in {str(r) for r in ws.merged_cells.ranges}
        elif isinstance(first, int) and row[1].value:
            numbers.append(first)
    # The workbook is in the reader's language, names included (their stored English names).
    assert groups == [
        "I. PARTY BUILDING",
        "II. ECONOMY",
        "III. CULTURE AND SOCIETY",
        "IV. CONSTRUCTION AND LAND MANAGEMENT",
        "V. URBAN DEVELOPMENT",
        "VI. SECURITY AND DEFENCE",
    ]
    assert numbers == list(range(1, 42))
    assert ws["A10"].value == "I. PARTY BUILDING" and ws["B11"].value == "XD-01" and ws["A11"].value == 1


def test_figures_are_numbers_with_formats_and_ranges_are_text(program, figures):
    ws = workbook(program).worksheets[0]
    xd01 = list(ws[row_of(ws, "B", "XD-01")])
    assert [c.value for c in xd01[:12]] == [
        1,
        "XD-01",
        figures["XD-01"].name_en,
        "%",
        90,
        90,
        90,
        83.5,
        97,
        13.5,
        pytest.approx(1.0778),
        "Exceeded",
    ]
    for cell in xd01[4:11]:
        assert cell.data_type == "n"
    assert xd01[7].number_format == "#,##0.0"  # 83.5
    assert xd01[8].number_format == "#,##0.0"  # 97, in the column of 5.4
    assert xd01[9].number_format == "+#,##0.0;-#,##0.0;0"  # the change on last year, signed
    assert xd01[10].number_format == "0.0%"
    assert xd01[12].value == "Organisation Commission of the District Party Committee"
    assert "Ủy ban Kiểm tra Quận ủy" in xd01[13].value

    xd03 = [c.value for c in ws[row_of(ws, "B", "XD-03")]]
    # No figure last year: no change.
    assert xd03[4:12] == [400, 450, 400, None, 379, None, pytest.approx(0.9475), "Not achieved"]

    an04 = ws[row_of(ws, "B", "AN-04")]
    assert [c.value for c in an04[4:7]] == ["5–10", "5–10", "5–10"]
    assert an04[4].data_type == "s"
    assert an04[8].value == 5.4 and an04[11].value == "Achieved"

    # No approved yearly figure: empty cells (not zero) and "No data".
    xd05 = [c.value for c in ws[row_of(ws, "B", "XD-05")]]
    assert xd05[7:12] == [None, None, None, None, "No data"]


def test_the_override_and_its_comment_reach_the_note_as_text(program, figures):
    ws = workbook(program).worksheets[0]
    xd04 = ws[row_of(ws, "B", "XD-04")]
    assert xd04[11].value == "Exceeded"
    note = xd04[14]
    assert note.value.startswith("=1+1; ") and "Computed assessment: Achieved" in note.value
    assert note.data_type == "s" and note.quotePrefix


def test_the_totals_under_the_table(program, figures):
    ws = workbook(program).worksheets[0]
    sentence_row = row_of(
        ws, "A", "Of 41 targets: 3/41 achieved or exceeded (2 exceeded, 1 achieved), 1 not achieved, 37 without data."
    )
    totals = {ws.cell(r, 3).value: ws.cell(r, 4).value for r in range(sentence_row + 1, sentence_row + 6)}
    assert totals == {"Exceeded": 2, "Achieved": 1, "Not achieved": 1, "No data": 37, "Targets in total": 41}
    assert all(ws.cell(r, 4).data_type == "n" for r in range(sentence_row + 1, sentence_row + 6))


def test_print_settings_and_frozen_panes(program, figures):
    wb = workbook(program)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    review, by_group, flat, tasks = wb.worksheets
    assert review.print_title_rows == "$9:$9"
    assert review.freeze_panes == "D10"
    assert by_group.print_title_rows == "$3:$3" and by_group.freeze_panes == "B4"
    assert flat.print_title_rows == "$3:$3" and flat.freeze_panes == "C4"
    assert tasks.print_title_rows == "$3:$3" and tasks.freeze_panes == "C4"


def test_sheet_two_counts_each_group_with_a_native_bar_chart(program, figures):
    ws = workbook(program).worksheets[1]
    assert ws.title == "By group"
    assert ws["A1"].value == "RESULTS OF THE KEY TARGETS BY GROUP IN 2025" and ws["A1"].font.b
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=10)]
    assert rows[0] == ["Group", "Targets", "Exceeded", "Achieved", "Not achieved", "No data"]
    # XD-01 exceeded, XD-04 overridden to exceeded, XD-03 not achieved.
    assert rows[1] == ["I. Party building", 7, 2, 0, 1, 4]
    assert rows[6] == ["VI. Security and defence", 4, 0, 1, 0, 3]
    assert rows[7] == ["Total", 41, 2, 1, 1, 37]
    assert len(ws._charts) == 1
    chart = ws._charts[0]
    assert isinstance(chart, BarChart) and chart.grouping == "stacked"
    assert len(chart.series) == 4
    assert chart.series[0].val.numRef.f == "'By group'!$C$4:$C$9"
    assert chart.series[0].cat.numRef.f == "'By group'!$A$4:$A$9"  # openpyxl's way to name categories


def test_sheet_three_lists_every_approved_figure_of_the_year_with_a_filter(program, figures):
    ws = workbook(program).worksheets[2]
    assert ws.title == "Figures 2025"
    assert ws["A1"].value == "APPROVED FIGURES OF 2025"
    header = [c.value for c in ws[3]]
    assert header == [
        "Code",
        "Target",
        "Unit of measure",
        "Year",
        "Quarter",
        "Value",
        "Estimate",
        "Note",
        "Reporting unit",
        "Approved on",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert len(rows) == ProgressReport.objects.filter(year=YEAR, status="approved").count() == 5
    assert ws.auto_filter.ref == "A3:J8"
    assert [r[0] for r in rows] == ["XD-01", "XD-03", "XD-04", "VH-01", "AN-04"]
    vh01 = rows[3]
    assert vh01[3:8] == [2025, 2, 72.5, "yes", "@mention"]
    assert rows[0][9].date() == timezone.localdate()


def test_the_tasks_sheet_judges_the_tasks_due_in_the_year_as_of_its_end(program, office):
    done = make_task(program, code="NV-1.01", deadline=datetime.date(2025, 6, 30))
    make_task_update(task=done, author=office, status=Status.APPROVED, date=datetime.date(2025, 3, 1), progress=40)
    make_task_update(
        task=done,
        author=office,
        status=Status.APPROVED,
        date=datetime.date(2025, 6, 20),
        content='=HYPERLINK("http://x","x")',
        progress=100,
        is_done=True,
        completed_on=datetime.date(2025, 6, 20),
    )
    # An update after the year does not make the year's result.
    make_task_update(task=done, author=office, status=Status.APPROVED, date=datetime.date(2026, 2, 1))
    late = make_task(program, code="NV-1.02", deadline=datetime.date(2025, 9, 30))
    make_task_update(task=late, author=office, status=Status.SUBMITTED, date=datetime.date(2025, 10, 1))
    make_task(program, code="NV-2.01", group=2, deadline=None, recurrence="ongoing")
    make_task(program, code="NV-2.02", group=2, deadline=datetime.date(2027, 6, 30))  # not due in 2025
    ws = workbook(program).worksheets[3]
    assert ws.title == "Tasks 2025"
    assert ws["A1"].value == "TASKS DUE IN 2025"
    header = [c.value for c in ws[3]]
    assert header == [
        "Code",
        "Task",
        "Lead unit",
        "Deadline",
        "Deadline status as of 31/12/2025",
        "Completed on",
        "Last approved update",
        "Result",
        "Progress (%)",
    ]
    rows = {row[0].value: row for row in ws.iter_rows(min_row=4)}
    assert list(rows) == ["NV-1.01", "NV-1.02", "NV-2.01"]
    first = rows["NV-1.01"]
    assert first[3].value.date() == datetime.date(2025, 6, 30)
    assert first[4].value == "Done on time"
    assert first[5].value.date() == first[6].value.date() == datetime.date(2025, 6, 20)
    assert first[7].value == '=HYPERLINK("http://x","x")' and first[7].data_type == "s"
    assert first[8].value == 100
    assert [c.value for c in rows["NV-1.02"][4:9]] == ["Not done, overdue", None, None, None, None]
    assert rows["NV-2.01"][4].value == "Ongoing"
    assert ws.auto_filter.ref == "A3:I6"


def test_notes_that_look_like_formulas_stay_text(program, figures):
    ws = workbook(program).worksheets[2]
    notes = {row[0].value: row[7] for row in ws.iter_rows(min_row=4)}
    for code, text in [("XD-01", "=1+1"), ("XD-03", '=HYPERLINK("http://x","x")'), ("XD-04", "-10 on last year")]:
        cell = notes[code]
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert notes["VH-01"].quotePrefix  # "@mention"


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("=1+1", True),
        ('=HYPERLINK("http://x","x")', True),
        ("+84 912", True),
        ("-5", True),
        ("@SUM(A1)", True),
        ("\tindented", True),
        ("\r=1", True),
        ("plain text", False),
        ("7,5", False),
    ],
)
def test_text_cell_never_writes_a_formula(text, quoted):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    ws.append([exports.text_cell(ws, text)])
    buffer = BytesIO()
    wb.save(buffer)
    cell = load_workbook(BytesIO(buffer.getvalue()))["x"]["A1"]
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix is quoted


def test_text_cell_leaves_an_empty_string_empty():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    ws.append([exports.text_cell(ws, ""), exports.text_cell(ws, None)])
    buffer = BytesIO()
    wb.save(buffer)
    ws = load_workbook(BytesIO(buffer.getvalue()))["x"]
    assert (ws["A1"].value, ws["B1"].value) == (None, None)


def test_text_cell_drops_characters_xml_cannot_carry():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    ws.append([exports.text_cell(ws, "a\x00b\x0bc\nd")])
    buffer = BytesIO()
    wb.save(buffer)
    assert load_workbook(BytesIO(buffer.getvalue()))["x"]["A1"].value == "abc\nd"


def test_file_names_are_safe():
    assert exports.filename("annual-review", "12-CTr/QU", 2025) == "annual-review-12-CTr-QU-2025.xlsx"
    assert exports.filename("kiểm-điểm", "a\\b:c*?", 2025) == "kiểm-điểm-a-b-c-2025.xlsx"
    assert exports.ascii_filename("kiểm-điểm-12-CTr-QU-2025.xlsx") == "kiem-diem-12-ctr-qu-2025.xlsx"


def test_the_download(client_for, leader, program, figures):
    client = client_for(leader)
    client.cookies["django_language"] = "en"
    response = client.get("/p/12-ctr-qu/reviews/2025/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "12-CTr-QU-2025.xlsx" in disposition and "filename*=UTF-8''" in disposition
    assert response["Cache-Control"] == "private, no-store"
    assert load_workbook(BytesIO(response.content)).sheetnames[1:] != []


def test_the_download_requires_a_role(client, client_for, nobody, program):
    assert client.get("/p/12-ctr-qu/reviews/2025/export.xlsx").status_code == 302
    assert client_for(nobody).get("/p/12-ctr-qu/reviews/2025/export.xlsx").status_code == 403


def test_a_year_outside_the_programme_is_not_found(client_for, leader, program):
    assert client_for(leader).get("/p/12-ctr-qu/reviews/2031/export.xlsx").status_code == 404


def add_targets(program, count, *, author):
    """``count`` more targets in a new group, each with a milestone and approved figures of two years."""
    group = DomainGroup.objects.create(program=program, number=7, code="EX", name="Extra")
    lead = program.targets.first().lead_unit
    for n in range(count):
        target = Target(
            program=program,
            group=group,
            code=f"EX-{n:03d}",
            name=f"Extra {n}",
            unit_of_measure="%",
            direction="increase",
            lead_unit=lead,
            order=100 + n,
        )
        target.full_clean()
        target.save()
        target.supporting_units.add(lead)
        Milestone.objects.create(target=target, year=2025, min_value=50, max_value=60)
        make_report(target=target, year=2024, value=40 + n % 20, status=Status.APPROVED, author=author, reviewer=author)
        make_report(
            target=target,
            year=2025,
            value=45 + n % 20,
            status=Status.APPROVED,
            author=author,
            reviewer=author,
            note=f"n{n}",
        )


@pytest.mark.parametrize("extra", [0, 30])
def test_the_export_runs_the_same_queries_as_targets_grow(
    client_for, office, program, figures, extra, django_assert_num_queries
):
    add_targets(program, extra, author=office)
    for n in range(1 + extra):
        task = make_task(program, code=f"NV-1.{n:02d}", supporting=["PVHTT"], deadline=datetime.date(2025, 6, 30))
        make_task_update(task=task, author=office, status=Status.APPROVED, is_done=True, completed_on=task.deadline)
    client = client_for(office)
    # session, user, the user's groups (role), programme; the review: groups, targets with lead units,
    # milestones, supporting units, approved yearly figures, stored reviews, closure; the year's report
    # (number, date, signer); the organisation's units by kind (for "the wards"); the flat figures;
    # the tasks: the tasks, their supporting units, their updates' and reminders' counts (2), latest updates.
    with django_assert_num_queries(19):
        response = client.get("/p/12-ctr-qu/reviews/2025/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    assert max(c.value for c in ws["A"] if isinstance(c.value, int)) == 41 + extra


# --- The target table ------------------------------------------------------------------------------------------


def table_rows(response):
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()], ws


def test_the_target_table_export_follows_the_filters_and_the_sort(client_for, leader, program, figures):
    client = client_for(leader)
    client.cookies["django_language"] = "en"
    rows, ws = table_rows(client.get("/p/12-ctr-qu/targets/export.xlsx?group=XD&sort=-code"))
    assert rows[0][0].startswith("Targets of action programme 12-CTr/QU as of ")
    assert rows[1][0] == "Filters: Group: 1. Xây dựng Đảng"
    assert rows[3][:4] == ["Code", "Target", "Group", "Unit of measure"]
    assert [r[0] for r in rows[4:]] == ["XD-07", "XD-06", "XD-05", "XD-04", "XD-03", "XD-02", "XD-01"]
    xd01 = rows[-1]
    assert xd01[6:9] == [97, 2025, "no"] and xd01[9] == 90 and xd01[10] == 2030
    # The last column is the verdict of the figure's year, as the annual review gives it.
    assert rows[3][-1] == "Assessment of the year" and xd01[12] == "Exceeded"
    assert ws.auto_filter.ref == "A4:M11" and ws.freeze_panes == "C5"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$4"


def test_the_target_table_export_filters_by_status_search_and_direction(client_for, leader, program, figures):
    client = client_for(leader)
    client.cookies["django_language"] = "en"
    rows, _ws = table_rows(client.get("/p/12-ctr-qu/targets/export.xlsx?q=dang+vien&direction=increase"))
    assert "XD-03" in [r[0] for r in rows[4:]] and all(r[0].startswith("XD") for r in rows[4:])
    rows, _ws = table_rows(client.get("/p/12-ctr-qu/targets/export.xlsx?status=no_data"))
    codes = [r[0] for r in rows[4:]]
    assert "XD-02" in codes and "XD-01" not in codes


def test_typed_text_in_the_target_table_stays_text(client_for, leader, program, figures):
    target = figures["XD-02"]
    target.name = '=HYPERLINK("http://x","x")'
    target.save()
    rows, ws = table_rows(client_for(leader).get("/p/12-ctr-qu/targets/export.xlsx?q=%3D1%2B1"))
    assert len(rows) == 4  # the search finds nothing; the search itself is written as text
    rows, ws = table_rows(client_for(leader).get("/p/12-ctr-qu/targets/export.xlsx?group=XD"))
    cell = ws["B6"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x","x")', "s", True)


def test_the_target_table_export_requires_a_role(client, client_for, nobody, program):
    assert client.get("/p/12-ctr-qu/targets/export.xlsx").status_code == 302
    assert client_for(nobody).get("/p/12-ctr-qu/targets/export.xlsx").status_code == 403


@pytest.mark.parametrize("extra", [0, 30])
def test_the_target_table_export_runs_the_same_queries_as_targets_grow(
    client_for, office, program, figures, extra, django_assert_num_queries
):
    add_targets(program, extra, author=office)
    client = client_for(office)
    # session, user, the user's groups (role), programme; the rows: targets with group and lead unit,
    # milestones, approved yearly figures, the review rows that stand (frozen or overridden).
    with django_assert_num_queries(8):
        response = client.get("/p/12-ctr-qu/targets/export.xlsx?direction=increase")
    rows, _ws = table_rows(response)
    assert len(rows) - 4 == program.targets.filter(direction="increase").count()


# --- The workbook to the standard of a Party document (issue 15) ------------------------------------------------


def workbook_vi(program, year=YEAR):
    with translation.override("vi"):
        data = exports.annual_review_workbook(program=program, year=year)
    return load_workbook(BytesIO(data))


def numbered_report(program, **fields):
    values = {
        "number": "45-BC/QU",
        "dated": datetime.date(2026, 12, 5),
        "signer_title": "Bí thư",
        "signer_name": "Nguyễn Văn An",
        **fields,
    }
    return ReviewReport.objects.create(program=program, year=YEAR, **values)


def test_a_numbered_report_makes_the_workbook_its_appendix(program, figures):
    numbered_report(program)
    ws = workbook_vi(program).worksheets[0]
    assert ws["A4"].value == "Số 45-BC/QU"
    assert ws["J3"].value == "Cầu Giấy, ngày 05 tháng 12 năm 2026"
    assert ws["A6"].value == "PHỤ LỤC" and ws["A6"].font.b
    assert ws["A7"].value == "(Kèm theo Báo cáo số 45-BC/QU ngày 05/12/2026 của Ban Thường vụ Quận ủy Cầu Giấy)"
    assert ws["A7"].font.i
    assert ws["A9"].value == "BÁO CÁO KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU NĂM 2025"
    # Three rows more above the table: its header row moves down with them, on paper too.
    assert ws["A12"].value == "STT" and ws.print_title_rows == "$12:$12" and ws.freeze_panes == "D13"
    assert {"A6:O6", "A7:O7"} <= {str(r) for r in ws.merged_cells.ranges}


def test_a_report_without_a_date_is_an_appendix_without_one(program, figures):
    numbered_report(program, dated=None)
    ws = workbook_vi(program).worksheets[0]
    assert ws["A7"].value == "(Kèm theo Báo cáo số 45-BC/QU của Ban Thường vụ Quận ủy Cầu Giấy)"
    assert ws["J3"].value.startswith("Cầu Giấy, ngày … tháng … năm ")


def signature(ws) -> list:
    """The right-hand block under the totals: the rows after the "Targets in total" row, column J."""
    total_row = row_of(ws, "C", "Tổng số chỉ tiêu")
    return [ws.cell(r, 10).value for r in range(total_row + 2, total_row + 8)]


def test_the_signature_block_under_the_totals(program, figures):
    numbered_report(program)
    ws = workbook_vi(program).worksheets[0]
    assert signature(ws) == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", None, None, None, "Nguyễn Văn An"]
    total_row = row_of(ws, "C", "Tổng số chỉ tiêu")
    assert ws.cell(total_row + 2, 10).font.b
    assert f"J{total_row + 7}:O{total_row + 7}" in {str(r) for r in ws.merged_cells.ranges}


def test_the_signature_block_keeps_blanks_for_the_pen(program, figures):
    # No report written: the default authority, nothing else.
    assert signature(workbook_vi(program).worksheets[0]) == ["T/M BAN THƯỜNG VỤ", None, None, None, None, None]
    numbered_report(program, signer_on_behalf="", signer_title="", signer_name="=HYPERLINK(1)")
    ws = workbook_vi(program).worksheets[0]
    names = signature(ws)
    assert names == [None, None, None, None, None, "=HYPERLINK(1)"]
    total_row = row_of(ws, "C", "Tổng số chỉ tiêu")
    assert ws.cell(total_row + 7, 10).data_type == "s"


def test_one_number_format_per_column(program, figures):
    ws = workbook(program).worksheets[0]
    header = [c.value for c in ws[9]]
    table = [row for row in ws.iter_rows(min_row=10) if isinstance(row[0].value, int) and row[1].value]
    assert len(table) == 41
    for column in ("Target 2025", "Target 2030", "Plan 2025", "Result 2024", "Result 2025", "Change on 2024"):
        index = header.index(column)
        formats = {row[index].number_format for row in table if isinstance(row[index].value, int | float)}
        assert len(formats) == 1, (column, formats)
    # The most precise row decides: 83.5 last year, 5.4 this year; whole plans stay whole where they all are.
    assert table[0][header.index("Result 2024")].number_format == "#,##0.0"
    assert table[0][header.index("Result 2025")].number_format == "#,##0.0"
    assert table[0][header.index("Change on 2024")].number_format == "+#,##0.0;-#,##0.0;0"


def test_a_range_is_written_with_the_decimal_comma(program, figures):
    Milestone.objects.filter(target=figures["AN-04"], year=2025).update(min_value="7.5", max_value="8")
    ws = workbook_vi(program).worksheets[0]
    an04 = ws[row_of(ws, "B", "AN-04")]
    assert an04[4].value == "7,5–8" and an04[4].data_type == "s"
    assert an04[6].value == "7,5–8"  # this year's plan (a yearly target)
    # In English the point, as the pages write it.
    ws = workbook(program).worksheets[0]
    assert ws[row_of(ws, "B", "AN-04")][4].value == "7.5–8"


def test_the_totals_say_achieved_and_exceeded_out_of_all(program, figures):
    ws = workbook_vi(program).worksheets[0]
    sentence = next(c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("Trong tổng số"))
    assert sentence == (
        "Trong tổng số 41 chỉ tiêu: đạt và vượt 3/41 chỉ tiêu (vượt 2, đạt 1), không đạt 1, chưa có số liệu 37."
    )


def test_the_wards_are_named_together_when_all_of_them_support(program, figures):
    ws = workbook_vi(program).worksheets[0]
    header = [c.value for c in ws[9]]
    column = header.index("Đơn vị phối hợp")
    xd01 = ws[row_of(ws, "B", "XD-01")]
    # XD-01: the inspection commission and the eight wards of the district.
    assert xd01[column].value == "các phường; Ủy ban Kiểm tra Quận ủy"
    ward = Unit.objects.get(organisation=program.organisation, code="P-YH")
    figures["XD-01"].supporting_units.remove(ward)
    ws = workbook_vi(program).worksheets[0]
    names = ws[row_of(ws, "B", "XD-01")][column].value
    assert "các phường" not in names and "Phường Dịch Vọng" in names and "Phường Yên Hòa" not in names


def test_collective_units_need_every_active_unit_of_a_kind_and_two_of_them():
    kinds = {"ward": frozenset({1, 2, 3}), "party": frozenset({4}), "government": frozenset({5, 6})}
    with translation.override("en"):
        assert selectors.collective_units(["A", "W1", "W2", "W3"], [4, 1, 2, 3], kinds) == ["A", "the wards"]
        assert selectors.collective_units(["W1", "W2"], [1, 2], kinds) == ["W1", "W2"]
        # One unit of a kind keeps its name (a ward's programme has one "ward" unit: its residential groups).
        assert selectors.collective_units(["A"], [4], kinds) == ["A"]
        both = selectors.collective_units(["G1", "W1", "G2", "W2", "W3"], [5, 1, 6, 2, 3], kinds)
        assert both == ["the government bodies", "the wards"]
        assert selectors.collective_units([], [], kinds) == []


def test_the_group_chart_has_data_labels_and_fills_that_print_in_black_and_white(program, figures):
    chart = workbook(program).worksheets[1]._charts[0]
    for series in chart.series:
        assert series.dLbls is not None and series.dLbls.showVal
        assert not series.dLbls.showSerName and not series.dLbls.showLegendKey
    exceeded, achieved, not_achieved, no_data = (s.graphicalProperties for s in chart.series)
    assert (exceeded.solidFill.srgbClr, achieved.solidFill.srgbClr) == ("146C2E", "A9D08E")  # dark, light
    assert not_achieved.pattFill.prst == "wdDnDiag" and no_data.pattFill.prst == "pct20"  # hatched, dotted


def test_sheet_three_wraps_its_long_text(program, figures):
    ws = workbook(program).worksheets[2]
    first = ws[4]
    assert first[1].alignment.wrap_text and first[7].alignment.wrap_text  # the target's name, the note
    assert first[0].border.left.style == "thin"
