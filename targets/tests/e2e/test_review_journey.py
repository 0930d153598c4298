"""The office reviews 2025 with the demo data, closes the year, and downloads the review workbook."""

from openpyxl import load_workbook

from targets import demo
from targets.models import AnnualReview, YearClosure


def test_office_closes_the_year_and_downloads_the_workbook(
    page, sign_in, screenshot, axe, office, program, live_server, tmp_path
):
    demo.demo_load(program=program)
    sign_in("office")
    page.goto(f"{live_server.url}/p/12-ctr-qu/reviews/2025/")
    assert page.locator("#year-state").get_attribute("data-closed") == "false"
    assert page.locator("#review tbody tr[id^=review-]").count() == 41
    assert page.locator("#total").inner_text() == "41"
    assert axe() == []
    screenshot("annual-review")

    page.locator("#close-start").click()  # the closing's confirmation, with its checklist
    page.wait_for_url(f"{live_server.url}/p/12-ctr-qu/reviews/2025/close/")
    assert page.locator("#checklist").count() == 1
    page.fill("#close-form textarea[name=reason]", "Hội nghị Ban Thường vụ ngày 15/01/2026")
    page.locator("#close-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/p/12-ctr-qu/reviews/2025/"
    assert page.locator("#year-state").get_attribute("data-closed") == "true"
    assert page.locator("#reopen-form").count() == 1
    assert "Hội nghị Ban Thường vụ ngày 15/01/2026" in page.locator("#closure-history").inner_text()
    assert YearClosure.objects.get(program=program, year=2025).is_closed
    assert AnnualReview.objects.filter(year=2025, is_frozen=True).count() == 41

    with page.expect_download() as download:
        page.locator("#export-review").click()
    assert download.value.suggested_filename.endswith("12-CTr-QU-2025.xlsx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    wb = load_workbook(saved)
    ws = wb.worksheets[0]
    assert ws["A1"].value == "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI"
    assert ws["A2"].value == "QUẬN ỦY CẦU GIẤY"
    assert ws["A4"].value.startswith("Số ")  # the number under the "*" (blank to fill in: no report yet)
    titles = [c.value for c in ws["A"][4:10] if isinstance(c.value, str) and c.value.startswith("BÁO CÁO")]
    assert titles and "2025" in titles[0]
    numbers = [c.value for c in ws["A"][8:] if isinstance(c.value, int)]
    assert numbers[:41] == list(range(1, 42))
    assert len(wb.worksheets[1]._charts) == 1
    assert wb.worksheets[2].auto_filter.ref.startswith("A3:J")  # under the sheet's title
    page.watch.assert_clean()


def test_leaders_read_the_review_without_the_office_forms(page, sign_in, leader, program, live_server):
    sign_in("leader")
    page.goto(f"{live_server.url}/p/12-ctr-qu/reviews/2025/")
    assert page.locator("#review").count() == 1
    assert page.locator("#close-form").count() == 0
    page.watch.assert_clean()
