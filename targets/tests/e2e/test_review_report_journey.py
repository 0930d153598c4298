"""The office writes the yearly review report beside its preview and downloads it; leaders read it."""

from docx import Document

from targets import demo
from targets.models import ReviewReport


def test_office_writes_the_report_and_downloads_it(page, sign_in, screenshot, axe, office, program, live_server):
    demo.demo_load(program=program)
    sign_in("office")
    page.goto(f"{live_server.url}/p/12-ctr-qu/reviews/2025/")
    page.locator("#review-report").click()
    page.wait_for_url(f"{live_server.url}/p/12-ctr-qu/reviews/2025/report/")
    page.fill("#id_number", "45-BC/QU")
    page.fill("#id_dated", "05/12/2025")
    page.fill("#id_signer_title", "Bí thư")
    page.fill("#id_signer_name", "Nguyễn Văn An")
    page.fill("#id_recipients", "Thường trực Thành ủy\nCác đồng chí Ủy viên Ban Thường vụ")
    page.fill("#id_leadership", "Ban Thường vụ Quận ủy đã ban hành kế hoạch thực hiện Chương trình năm 2025.")
    page.fill("#id_strengths", "Các chỉ tiêu về xây dựng Đảng đạt và vượt kế hoạch.")
    page.locator("#report-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/p/12-ctr-qu/reviews/2025/report/"
    preview = page.locator("#report-preview")
    assert page.locator("#preview-number").inner_text() == "Số 45-BC/QU"
    assert "Cầu Giấy, ngày 05 tháng 12 năm 2025" in page.locator("#preview-date").inner_text()
    assert "đạt và vượt" in preview.inner_text()
    assert page.locator("#report-history li").count() == 2  # the demo's draft, then this change
    assert ReviewReport.objects.get(program=program, year=2025).signer_name == "Nguyễn Văn An"
    assert axe() == []
    screenshot("review-report")

    with page.expect_download() as download:
        page.locator("#download-report").click()
    assert download.value.suggested_filename == "bao-cao-ket-qua-12-CTr-QU-2025.docx"
    document = Document(str(download.value.path()))
    assert "BÁO CÁO" in [p.text for p in document.paragraphs]
    page.watch.assert_clean()


def test_leaders_read_the_report_without_the_form(page, sign_in, leader, program, live_server):
    sign_in("leader")
    page.goto(f"{live_server.url}/p/12-ctr-qu/reviews/2025/report/")
    assert page.locator("#report-preview").count() == 1
    assert page.locator("#report-form").count() == 0
    page.watch.assert_clean()
