"""A unit's staff member fills the template, uploads it with a mistake, reads the row's error, corrects
the file, and the figures arrive in the approval workflow."""

from openpyxl import load_workbook

from targets.models import ProgressReport


def fill(template_path, out_path, values: dict[str, object]):
    wb = load_workbook(template_path)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        code = row[0].value
        if code in values:
            row[5].value = values[code]
            row[7].value = "Số liệu từ báo cáo năm của phòng"
    wb.save(out_path)


def test_staff_imports_figures_from_the_template(
    page, sign_in, staff_a, program, live_server, tmp_path, axe, screenshot
):
    sign_in("staff-a")
    page.goto(f"{live_server.url}/imports/")
    assert axe() == []
    with page.expect_download() as download:
        page.locator("#download-template").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    codes = [row[0].value for row in load_workbook(template).worksheets[0].iter_rows(min_row=2)]
    assert codes == ["VH-01", "VH-02", "VH-03", "VH-04", "VH-05"]

    wrong = tmp_path / "wrong.xlsx"
    fill(template, wrong, {"VH-01": "72,5", "VH-02": "tám mươi"})
    page.set_input_files("#id_file", str(wrong))
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#import-refused").count() == 1
    bad = page.locator("#row-3")
    assert bad.get_attribute("data-verdict") == "error"
    assert "tám mươi" in bad.inner_text() and bad.locator(".row-errors li").count() == 1
    assert page.locator("#row-2").get_attribute("data-verdict") == "ok"
    assert page.locator("#confirm-form").count() == 0
    assert ProgressReport.objects.count() == 0
    assert axe() == []
    screenshot("import-preview")

    corrected = tmp_path / "corrected.xlsx"
    fill(template, corrected, {"VH-01": "72,5", "VH-02": 88.5})
    page.set_input_files("#id_file", str(corrected))
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#import-ready").count() == 1
    assert page.locator("tr[data-verdict=ok]").count() == 2
    assert page.locator("tr[data-verdict=skipped]").count() == 3
    page.locator("#confirm-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/reports/")
    table = page.locator("#reports").inner_text()
    assert "VH-01" in table and "VH-02" in table
    reports = ProgressReport.objects.order_by("target__code")
    assert [(r.target.code, str(r.value.normalize()), r.status) for r in reports] == [
        ("VH-01", "72.5", "submitted"),
        ("VH-02", "88.5", "submitted"),
    ]
    page.watch.assert_clean()
