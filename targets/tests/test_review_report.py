"""The yearly review report (issue 15): the Word document read back with python-docx (page, margins, fonts,
the header table, the parts, part II against the review, the appendix against the review's lines), the
same document rendered by LibreOffice and read with pypdf, the page of the office (form, preview, history,
the closed year, conflicts) and of the leaders, the download, hostile input and the query counts."""

import datetime
import io
import re
from urllib.parse import unquote

import pypdf
import pytest
from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt

from targets import assessment, documents, selectors, services
from targets.models import ReviewReport

from .factories import Status, close_year, make_report, make_task, make_task_update
from .test_exports import add_targets

YEAR = 2025
PAGE = "/p/12-ctr-qu/reviews/2025/report/"
DOCX = "/p/12-ctr-qu/reviews/2025/report.docx"
PARTS = ["I. ", "II. ", "III. ", "IV. ", "V. "]


@pytest.fixture
def year_data(program, office):
    """A known year: XD-01 exceeded, XD-03 not achieved (a figure with a decimal), AN-04 achieved; one task
    done on time and two overdue of one unit; and the office's report, with a narrative part that looks like
    a formula and carries control characters."""
    t = {t.code: t for t in program.targets.all()}
    for code, value in (("XD-01", "97"), ("XD-03", "7.5"), ("AN-04", "5.4")):
        make_report(target=t[code], year=YEAR, value=value, status=Status.APPROVED, author=office, reviewer=office)
    done = make_task(program, code="NV-1.01", deadline=datetime.date(2025, 6, 30))
    make_task_update(task=done, author=office, status=Status.APPROVED, is_done=True, completed_on=done.deadline)
    make_task(program, code="NV-1.02", lead="BTCQU", deadline=datetime.date(2025, 3, 31), name="Sơ kết công tác")
    make_task(program, code="NV-1.03", lead="BTCQU", deadline=datetime.date(2025, 4, 30))
    services.review_report_save(
        program=program,
        year=YEAR,
        user=office,
        data={
            "number": "45-BC/QU",
            "dated": datetime.date(2025, 12, 5),
            "signer_title": "Phó Bí thư Thường trực",
            "signer_name": "Nguyễn Văn An",
            "recipients": "Thường trực Thành ủy,\n- Các đồng chí Ủy viên BTV\nLưu VP",
            "leadership": "Ban Thường vụ đã ban hành kế hoạch.\n=SUM(A1)\x07 vẫn là chữ",
            "strengths": "Ưu điểm nổi bật.",
        },
    )
    return t


def build(program, year=YEAR) -> Document:
    with translation.override("vi"):
        return Document(io.BytesIO(documents.review_report_document(program=program, year=year)))


def texts(container) -> list[str]:
    return [p.text for p in container.paragraphs]


# --- The document, read back ---------------------------------------------------------------------------------


def test_the_pages_margins_and_fonts_follow_the_guide(program, year_data):
    document = build(program)
    report, appendix = document.sections
    # Word stores sizes in twentieths of a point: millimetres come back rounded.
    assert report.orientation == WD_ORIENT.PORTRAIT and appendix.orientation == WD_ORIENT.LANDSCAPE
    assert (round(report.page_width.mm), round(report.page_height.mm)) == (210, 297)
    assert (round(appendix.page_width.mm), round(appendix.page_height.mm)) == (297, 210)
    for section in (report, appendix):
        top, bottom = round(section.top_margin.mm), round(section.bottom_margin.mm)
        left, right = round(section.left_margin.mm), round(section.right_margin.mm)
        assert 20 <= top <= 25 and 20 <= bottom <= 25 and 30 <= left <= 35 and 15 <= right <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    paragraph = normal.paragraph_format
    assert paragraph.alignment == 3 and 10 <= paragraph.first_line_indent.mm <= 12.8  # justified
    assert paragraph.space_before == Pt(6)
    # Page numbers from page 2: the first page has its own, empty header; the others a centred PAGE field.
    assert report.different_first_page_header_footer
    assert not "".join(texts(report.first_page_header)).strip()
    assert 'instr=" PAGE "' in report.header._element.xml
    assert appendix.header.is_linked_to_previous and not appendix.different_first_page_header_footer


def test_the_header_table_title_and_parts(program, year_data):
    document = build(program)
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert texts(left) == ["ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "QUẬN ỦY CẦU GIẤY", "*", "Số 45-BC/QU"]
    assert left.paragraphs[1].runs[0].bold and not left.paragraphs[0].runs[0].bold
    party, date = right.paragraphs
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert party.runs[0].bold and party.runs[0].underline and party.runs[0].font.size == Pt(15)
    assert date.text == "Cầu Giấy, ngày 05 tháng 12 năm 2025" and date.runs[0].italic
    assert "w:tblBorders" in header._tbl.xml and 'w:val="nil"' in header._tbl.xml
    body = texts(document)
    title = body.index("BÁO CÁO")
    assert document.paragraphs[title].runs[0].bold and document.paragraphs[title].runs[0].font.size == Pt(16)
    subject = body[title + 1]
    assert subject.startswith("Kết quả thực hiện Chương trình hành động số 12-CTr/QU ngày 20/10/2022 thực hiện")
    assert subject.endswith("năm 2025") and document.paragraphs[title + 1].runs[0].bold
    headings = [text for text in body if re.match(r"^[IV]+\. ", text)]
    assert [h.split(" ", 1)[0] + " " for h in headings] == PARTS
    assert headings[0] == "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO" and headings[-1] == "V. ĐỀ XUẤT, KIẾN NGHỊ"
    assert body.index("1. Thực hiện các chỉ tiêu chủ yếu") < body.index("2. Thực hiện các nhiệm vụ")
    assert [t for t in body if t in ("1. Ưu điểm", "2. Hạn chế, khuyết điểm", "3. Nguyên nhân")] == [
        "1. Ưu điểm",
        "2. Hạn chế, khuyết điểm",
        "3. Nguyên nhân",
    ]
    # The office's text as typed, the formula as text, the control character gone; an empty part says so.
    assert "=SUM(A1) vẫn là chữ" in body and "Ưu điểm nổi bật." in body
    placeholder = document.paragraphs[body.index("2. Hạn chế, khuyết điểm") + 1]
    assert placeholder.text == "(Văn phòng chưa soạn nội dung phần này.)" and placeholder.runs[0].italic


def test_part_two_says_what_the_review_and_the_tasks_say(program, year_data):
    with translation.override("vi"):
        review = selectors.review_year(program=program, year=YEAR)
    counts, total = review.counts, review.total
    met = assessment.meets_plan_count(counts)
    assert (counts["exceeded"], counts["achieved"], counts["not_achieved"], met) == (1, 1, 1, 2)
    body = "\n".join(texts(build(program)))
    assert (
        f"Trong tổng số {total} chỉ tiêu chủ yếu của Chương trình, có {counts['exceeded']} chỉ tiêu vượt kế hoạch "
        f"năm 2025, {counts['achieved']} chỉ tiêu đạt, {counts['not_achieved']} chỉ tiêu không đạt và "
        f"{counts['no_data']} chỉ tiêu chưa có số liệu; đạt và vượt {met}/{total} chỉ tiêu."
    ) in body
    for group in review.groups:
        assert f"- Nhóm {group.roman}. {group.name}: có {group.total} chỉ tiêu, trong đó vượt" in body
    # The one target not achieved, by name, with the decimal comma.
    xd03 = year_data["XD-03"]
    assert f"- {xd03.name} (XD-03): thực hiện 7,5, kế hoạch " in body
    assert "Các chỉ tiêu chưa có số liệu: XD-02, " in body
    assert "Trong tổng số 3 nhiệm vụ phải thực hiện trong năm 2025" in body
    assert "1 nhiệm vụ hoàn thành đúng hạn" in body and "2 nhiệm vụ chưa hoàn thành – quá hạn" in body
    assert "- Ban Tổ chức Quận ủy: 2 nhiệm vụ (NV-1.02 Sơ kết công tác; NV-1.03 " in body


def test_the_signature_and_the_recipients(program, year_data):
    signature = build(program).tables[1]
    recipients, signer = signature.rows[0].cells
    assert texts(recipients) == ["Nơi nhận:", "- Thường trực Thành ủy,", "- Các đồng chí Ủy viên BTV,", "- Lưu VP."]
    head = recipients.paragraphs[0].runs[0]
    assert head.bold and head.italic and head.font.size == Pt(12)
    assert recipients.paragraphs[1].runs[0].font.size == Pt(11)
    lines = [t for t in texts(signer) if t]
    assert lines == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ THƯỜNG TRỰC", "Nguyễn Văn An"]
    assert all(p.runs[0].bold for p in signer.paragraphs if p.text)


def test_the_appendix_is_the_reviews_table(program, year_data):
    document = build(program)
    table = document.tables[2]
    with translation.override("vi"):
        review = selectors.review_year(program=program, year=YEAR)
        columns = [str(label) for label, _w in documents.exports.review_columns(review.milestone_years, YEAR)]
    body = texts(document)
    assert "PHỤ LỤC" in body
    assert "(Kèm theo Báo cáo số 45-BC/QU ngày 05/12/2025 của Ban Thường vụ Quận ủy Cầu Giấy)" in body
    header, *rows = table.rows
    assert [c.text for c in header.cells] == columns
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    group_rows = [r for r in rows if len(r._tr.findall(qn("w:tc"))) == 1]
    assert [r.cells[0].text for r in group_rows] == [f"{g.roman}. {g.name}".upper() for g in review.groups]
    lines = [r for r in rows if len(r._tr.findall(qn("w:tc"))) > 1]
    with translation.override("vi"):
        expected = [(line.code, line.assessment_label) for line in review.lines]
    code, verdict = 1, columns.index("Đánh giá")
    assert [(r.cells[code].text, r.cells[verdict].text) for r in lines] == expected
    xd03 = next(r for r in lines if r.cells[code].text == "XD-03")
    assert xd03.cells[columns.index("Thực hiện năm 2025")].text == "7,5"


def test_a_year_without_data_and_an_empty_report_make_a_clean_document(program):
    document = build(program, year=2030)
    body = texts(document)
    assert "Số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-BC/QU" in texts(document.tables[0].rows[0].cells[0])
    assert sum(t == "(Văn phòng chưa soạn nội dung phần này.)" for t in body) == 6
    assert any("0 chỉ tiêu vượt" in t and "đạt và vượt 0/41 chỉ tiêu" in t for t in body)
    assert "Không có nhiệm vụ nào của Chương trình phải thực hiện trong năm 2030." in body
    assert texts(document.tables[1].rows[0].cells[0]) == ["Nơi nhận:", "- Lưu VP."]
    assert [t for t in texts(document.tables[1].rows[0].cells[1]) if t] == ["T/M BAN THƯỜNG VỤ"]


# --- LibreOffice -------------------------------------------------------------------------------------------------


def test_libreoffice_renders_the_report(program, year_data, office_convert, tmp_path):
    with translation.override("vi"):
        source = tmp_path / "bao-cao.docx"
        source.write_bytes(documents.review_report_document(program=program, year=YEAR))
    (pdf,) = office_convert([source], tmp_path / "pdf")
    reader = pypdf.PdfReader(pdf)
    pages = reader.pages
    assert 3 <= len(pages) <= 30, len(pages)
    first = pages[0].extract_text()
    for text in ("ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "QUẬN ỦY CẦU GIẤY", "Số 45-BC/QU", "ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO"):
        assert text in first, text
    assert "Cầu Giấy, ngày 05 tháng 12 năm 2025" in first
    assert all(page.extract_text().strip() for page in pages), "an empty page"
    # The report portrait, the appendix landscape, its header row repeated on every page of it.
    shapes = [page.mediabox.width > page.mediabox.height for page in pages]
    assert not shapes[0] and shapes[-1] and shapes == sorted(shapes)
    appendix = [" ".join(page.extract_text().split()) for page, wide in zip(pages, shapes, strict=True) if wide]
    assert "PHỤ LỤC" in appendix[0] and all("Đơn vị chủ trì" in text for text in appendix)


# --- The page and the download ---------------------------------------------------------------------------------


def test_the_office_writes_the_report_on_its_page(client_for, office, program, year_data):
    client = client_for(office)
    page = client.get(PAGE).content.decode()
    assert 'id="report-form"' in page and 'name="version" value="1"' in page
    for field in services.REVIEW_REPORT_FIELDS:
        assert f'name="{field}"' in page
    assert 'value="05/12/2025"' in page  # the date as dd/mm/yyyy
    assert "Ban Thường vụ đã ban hành kế hoạch." in page and "Số 45-BC/QU" in page
    assert 'id="report-history"' in page
    data = dict.fromkeys(services.REVIEW_REPORT_FIELDS, "")
    data.update(
        number="46-BC/QU", dated="10/12/2025", signer_on_behalf="T/M BAN THƯỜNG VỤ", causes="Nguyên nhân chủ quan."
    )
    response = client.post(PAGE, {**data, "version": "1"})
    assert response.status_code == 302 and response["Location"] == PAGE
    stored = ReviewReport.objects.get(program=program, year=YEAR)
    assert (stored.number, stored.dated, stored.causes, stored.leadership) == (
        "46-BC/QU",
        datetime.date(2025, 12, 10),
        "Nguyên nhân chủ quan.",
        "",
    )
    page = client.get(PAGE).content.decode()
    assert "Nguyên nhân chủ quan." in page and "Cầu Giấy, ngày 10 tháng 12 năm 2025" in page


def test_leaders_read_the_preview_staff_and_strangers_do_not(client, client_for, leader, staff_a, nobody, program):
    page = client_for(leader).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="report-preview"' in html and 'id="report-form"' not in html
    assert client_for(leader).post(PAGE, {"leadership": "x"}).status_code == 403
    assert client_for(leader).get(DOCX).status_code == 200
    for user in (staff_a, nobody):
        assert client_for(user).get(PAGE).status_code == 403
        assert client_for(user).get(DOCX).status_code == 403
    client.logout()
    assert client.get(PAGE).status_code == 302 and client.get(DOCX).status_code == 302
    assert not ReviewReport.objects.exists()


def test_the_review_page_links_to_the_report(client_for, office, staff_a, program):
    html = client_for(office).get("/p/12-ctr-qu/reviews/2025/").content.decode()
    assert f'href="{PAGE}"' in html and f'href="{DOCX}"' in html
    assert f'href="{PAGE}"' not in client_for(staff_a).get("/p/12-ctr-qu/reviews/2025/").content.decode()


def test_the_download_is_named_like_the_workbook(client_for, leader, program, year_data):
    response = client_for(leader).get(DOCX)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = response["Content-Disposition"]
    fallback = re.search(r'filename="([^"]+)"', disposition).group(1)
    utf8 = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    assert fallback == "bao-cao-ket-qua-12-CTr-QU-2025.docx" and utf8 == fallback
    assert "/" not in utf8 and response["Cache-Control"] == "private, no-store"
    Document(io.BytesIO(response.content))  # a valid document


# --- Bad input ---------------------------------------------------------------------------------------------------


def _post(client, **values):
    data = dict.fromkeys(services.REVIEW_REPORT_FIELDS, "")
    data.update(values)
    return client.post(PAGE, data)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"number": "45<script>"}, "number", "dấu gạch chéo"),
        ({"dated": "05/01/2031"}, "dated", "2025 hoặc 2026"),
        ({"dated": "99/99/9999"}, "dated", "25/10/2026"),
        # Django refuses a NUL in any form field; the other control characters are dropped (below).
        ({"proposals": "a\x00b"}, "proposals", "null"),
        ({"signer_name": "y" * 101}, "signer_name", "100"),
    ],
)
def test_a_bad_value_names_its_field_keeps_the_text_and_writes_nothing(
    client_for, office, program, values, field, message
):
    response = _post(client_for(office), leadership="Đoạn đã gõ <b>", version="0", **values)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="form-errors"' in html and f'href="#id_{field}"' in html and message in html
    assert "Đoạn đã gõ &lt;b&gt;" in html and "<b>" not in html.split('id="report-form"')[1].split("</form>")[0]
    assert not ReviewReport.objects.exists()


def test_formulas_control_characters_and_slashes_make_a_clean_document(client_for, office, program):
    client = client_for(office)
    response = _post(
        client, number="45-BC/QU/2025", leadership="=SUM(A1)\x07\x1b+cmd|' /C calc'!A0", signer_title="", version="0"
    )
    assert response.status_code == 302
    download = client.get(DOCX)
    assert (
        download.status_code == 200
        and 'filename="bao-cao-ket-qua-12-CTr-QU-2025.docx"' in download["Content-Disposition"]
    )
    document = Document(io.BytesIO(download.content))
    assert "=SUM(A1)+cmd|' /C calc'!A0" in texts(document)
    assert texts(document.tables[0].rows[0].cells[0])[-1] == "Số 45-BC/QU/2025"
    assert "(Kèm theo Báo cáo số 45-BC/QU/2025 của Ban Thường vụ Quận ủy Cầu Giấy)" in texts(document)


def test_a_closed_year_is_frozen_on_the_page(client_for, office, program, year_data):
    close_year(program, YEAR)
    client = client_for(office)
    html = client.get(PAGE).content.decode()
    assert 'id="report-closed"' in html and "<fieldset disabled>" in html
    response = _post(client, leadership="Sửa sau khi chốt", version="1")
    assert response.status_code == 200
    assert "Năm 2025 đã chốt" in response.content.decode()
    assert ReviewReport.objects.get(program=program, year=YEAR).leadership.startswith("Ban Thường vụ")
    assert client.get(DOCX).status_code == 200


def test_a_stale_version_is_refused_and_the_typed_text_kept(client_for, office, program, year_data):
    client = client_for(office)
    response = _post(client, leadership="Bản của tôi", version="0")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="form-errors"' in html and "alert-warning" in html
    assert "Bản của tôi" in html
    assert ReviewReport.objects.get(program=program, year=YEAR).version == 1


@pytest.mark.parametrize("year", [str(2**64), "2031", "0"])
def test_a_year_outside_the_programme_is_not_found(client_for, office, program, year):
    client = client_for(office)
    assert client.get(f"/p/12-ctr-qu/reviews/{year}/report/").status_code == 404
    assert client.get(f"/p/12-ctr-qu/reviews/{year}/report.docx").status_code == 404
    assert client.post(f"/p/12-ctr-qu/reviews/{year}/report/", {"leadership": "x"}).status_code == 404


# --- Query counts --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 30])
def test_the_page_and_the_document_run_the_same_queries_as_targets_grow(
    client_for, office, program, year_data, extra, django_assert_num_queries
):
    add_targets(program, extra, author=office)
    for n in range(1 + extra):
        task = make_task(program, code=f"NV-2.{n:02d}", group=2, supporting=["PVHTT"])
        make_task_update(task=task, author=office, status=Status.APPROVED, is_done=True, completed_on=task.deadline)
    client = client_for(office)
    client.get(PAGE)  # the session's first request
    # session, user, the user's groups (role), programme; the report; the review: groups, targets with lead
    # units, milestones, supporting units, approved yearly figures, stored reviews, closure; the tasks:
    # the tasks, their supporting units, their updates' and reminders' counts (2); the report's history; the
    # menu's programmes.
    with django_assert_num_queries(18):
        assert client.get(PAGE).status_code == 200
    # The same without the history and the menu, with the organisation's units by kind (the appendix names
    # the wards together where all of them support, as the workbook does).
    with django_assert_num_queries(17):
        response = client.get(DOCX)
    assert response.status_code == 200
    lines = [r for r in Document(io.BytesIO(response.content)).tables[2].rows if len(r._tr.findall(qn("w:tc"))) > 1]
    assert len(lines) == 1 + 41 + extra
