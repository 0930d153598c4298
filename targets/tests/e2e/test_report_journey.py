"""The reporting workflow in a real browser: staff submit a figure, the office returns it with a comment,
staff see the comment, correct and resubmit, the office approves, and the report's history shows every step.
Selectors use names, ids and data attributes, so the test holds in either language."""

import re

from targets.models import ProgressReport


def sign_out_and_in(page, sign_in, username):
    page.context.clear_cookies()
    return sign_in(username)


def row_of(page, report):
    return page.locator(f"#report-{report.pk}")


def test_staff_submit_office_returns_staff_fix_office_approves(
    page, sign_in, screenshot, axe, live_server, office, staff_a, program
):
    # 1. Staff of the Culture office report VH-01 for 2025 and submit it.
    sign_in("staff-a")
    page.goto(f"{live_server.url}/targets/VH-01/reports/new/?year=2025")
    assert page.locator("#plan-table tr[data-year='2025'][aria-current='true']").count() == 1
    page.select_option("select[name=year]", "2025")
    page.fill("input[name=value]", "71,5")
    page.check("#is_estimate_true")
    page.fill("textarea[name=note]", "Số ước <b>đến tháng 11</b>")
    assert axe() == []
    screenshot("report-form")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    assert re.fullmatch(rf"{live_server.url}/reports/\d+/", page.url)
    report = ProgressReport.objects.get()
    report_url = page.url
    assert page.locator("[data-status]").first.get_attribute("data-status") == "submitted"
    assert page.locator("#report-note").inner_text() == "Số ước <b>đến tháng 11</b>"  # text, not markup

    # 2. The office finds it in the queue and returns it with a comment, in one click.
    sign_out_and_in(page, sign_in, "office")
    page.goto(f"{live_server.url}/reports/")
    row = row_of(page, report)
    assert row.get_attribute("data-status") == "submitted"
    assert axe() == []
    screenshot("approval-queue")
    row.locator("input[name=comment]").fill("Đề nghị gửi kèm bảng tổng hợp của các phường.")
    row.locator("button[name=do][value=return]").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1

    # 3. Staff see the returned report first, with the comment; they correct the figure and resubmit.
    sign_out_and_in(page, sign_in, "staff-a")
    assert "Đề nghị gửi kèm bảng tổng hợp" in page.locator("#waiting").inner_text()  # home: what waits
    page.goto(f"{live_server.url}/reports/")
    first = page.locator("#reports tbody tr").first
    assert first.get_attribute("data-status") == "returned"
    assert "Đề nghị gửi kèm bảng tổng hợp của các phường." in first.locator(".review-comment").inner_text()
    first.locator(f"a[href='/reports/{report.pk}/edit/']").click()
    page.wait_for_load_state()
    assert page.locator("input[name=value]").input_value() == "71,5"
    page.fill("input[name=value]", "72,5")
    page.fill("input[name=evidence_url]", "https://caugiay.hanoi.gov.vn/bao-cao")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    assert page.url == report_url
    assert page.locator("[data-status]").first.get_attribute("data-status") == "submitted"

    # 4. The office approves it from the queue.
    sign_out_and_in(page, sign_in, "office")
    page.goto(f"{live_server.url}/reports/")
    row_of(page, report).locator("button[name=do][value=approve]").click()
    page.wait_for_load_state()
    assert row_of(page, report).count() == 0  # gone from the queue

    # 5. The report's page shows the approved figure and every step, newest first, with who did it.
    page.goto(report_url)
    assert page.locator("[data-status]").first.get_attribute("data-status") == "approved"
    assert "72,5" in page.locator("#report-value").inner_text()
    steps = page.locator("#history tbody tr").evaluate_all("rows => rows.map(r => r.dataset.action)")
    assert steps == ["approve", "submit", "update", "return", "submit", "create"]
    history = page.locator("#history").inner_text()
    assert "office" in history and "staff-a" in history
    assert "71,5" in history and "72,5" in history  # the value before and after the correction
    assert "Đề nghị gửi kèm bảng tổng hợp của các phường." in history
    report.refresh_from_db()
    assert (report.status, str(report.value)) == ("approved", "72.5000")
    page.watch.assert_clean()


def test_a_bad_value_is_shown_beside_the_field_and_kept(page, sign_in, live_server, staff_a, program):
    sign_in("staff-a")
    page.goto(f"{live_server.url}/targets/VH-01/reports/new/")
    page.fill("input[name=value]", "bảy phẩy năm")
    page.locator("button[name=action][value=draft]").click()
    page.wait_for_load_state()
    assert page.locator("#form-errors").count() == 1
    assert page.locator("input[name=value].is-invalid").input_value() == "bảy phẩy năm"
    assert ProgressReport.objects.count() == 0
    page.watch.assert_clean()
