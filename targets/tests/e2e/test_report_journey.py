"""The reporting workflow in a real browser, on the demo data: staff report a figure with the keyboard
only, the office returns it with a comment (by keyboard too), staff see the comment, correct and
resubmit, the office approves (Tab, Space), the report's history shows every step, and the leader finds
the target's status and chart changed on the overview and on the target's page.
Selectors use names, ids and data attributes, so the test holds in either language."""

import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from targets import assessment, demo
from targets.models import ProgressReport, Target

from .pages import overview_numbers, tab_to, target_numbers

# VH-05 (led by the Culture office, staff_a's unit) has no figure in the demo data: "no data" until the
# figure of this journey is approved.
CODE, GROUP = "VH-05", "VH"


def sign_out_and_in(page, sign_in, username):
    page.context.clear_cookies()
    return sign_in(username)


def row_of(page, report):
    return page.locator(f"#report-{report.pk}")


def expected_status(year, value):
    """What the rules say VH-05 becomes with ``value`` approved for ``year``, as of today."""
    target = Target.objects.prefetch_related("milestones").get(code=CODE)
    facts = assessment.TargetFacts.from_target(target)
    return assessment.progress_status(facts, {year: value}, today=timezone.localdate())


def test_staff_report_office_returns_staff_fix_office_approves_leader_sees_it(
    page, sign_in, screenshot, axe, live_server, program, staff_a
):
    # The demo creates the office and the leader with their names, which the history below shows; the
    # session's accounts of the same names (without names) give way to them, as in a new database.
    get_user_model().objects.filter(username__in=["office", "leader"]).delete()
    demo.demo_load(program=program)
    year = min(max(timezone.localdate().year, program.first_year), program.last_year)  # the form's default
    new_status = expected_status(year, Decimal("72.5"))
    assert new_status != assessment.Progress.NO_DATA

    # 1. Staff of the Culture office sign in and land on the overview: VH-05 counts as "no data".
    sign_in("staff-a")
    before = overview_numbers(page)
    page.goto(f"{live_server.url}/p/12-ctr-qu/targets/{CODE}/")
    target_before = target_numbers(page)
    assert target_before["status"] == "no_data" and year not in target_before["figures"]

    # With the keyboard only: the skip link, then the target's "Report a figure", then the form.
    tab_to(page, "a.skip-link", limit=1)  # the first stop, with its focus ring
    assert page.locator("a.skip-link").bounding_box()["width"] > 10  # shown when it has the focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    tab_to(page, f"main a[href='/p/12-ctr-qu/targets/{CODE}/reports/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/targets/{CODE}/reports/new/")
    assert page.locator(f"#plan-table tr[data-year='{year}'][aria-current='true']").count() == 1
    tab_to(page, "select[name=year]")
    page.keyboard.type(str(year))  # a closed <select> picks the option typed
    tab_to(page, "input[name=value]")
    page.keyboard.type("71,5")
    tab_to(page, "input[name=is_estimate]:checked")  # the radio group is one stop: Final, then →
    page.keyboard.press("ArrowRight")
    tab_to(page, "textarea[name=note]")
    page.keyboard.type("Số ước <b>đến tháng 11</b>")
    assert page.locator("select[name=year]").input_value() == str(year)
    assert page.locator("#is_estimate_true").is_checked()
    assert axe() == []
    screenshot("report-form")
    tab_to(page, "button[name=action][value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{live_server.url}/reports/\d+/"))
    report = ProgressReport.objects.get(target__code=CODE)
    report_url = page.url
    assert (report.year, report.quarter, report.is_estimate, str(report.value)) == (year, None, True, "71.5000")
    assert page.locator("[data-status]").first.get_attribute("data-status") == "submitted"
    assert page.locator("#report-note").inner_text() == "Số ước <b>đến tháng 11</b>"  # text, not markup

    # 2. The office finds it in the queue, among the demo's, and returns it with a comment, in one click.
    sign_out_and_in(page, sign_in, "office")
    page.goto(f"{live_server.url}/reports/")
    row = row_of(page, report)
    assert row.get_attribute("data-status") == "submitted"
    assert page.locator("#reports tbody tr[data-status=submitted]").count() > 1
    assert axe() == []
    screenshot("approval-queue")
    # By keyboard again: Tab to the report's comment field, type, and Enter sends the return.
    tab_to(page, f"#report-{report.pk} input[name=comment]", limit=120)
    page.keyboard.type("Đề nghị gửi kèm bảng tổng hợp của các phường.")
    with page.expect_navigation():  # back to the same address, the queue
        page.keyboard.press("Enter")
    assert page.locator(".alert-success").count() == 1

    # 3. Staff see the returned report with the comment; they correct the figure and resubmit.
    sign_out_and_in(page, sign_in, "staff-a")
    assert "Đề nghị gửi kèm bảng tổng hợp" in page.locator("#waiting").inner_text()  # home: what waits
    page.goto(f"{live_server.url}/reports/")
    row = row_of(page, report)
    assert row.get_attribute("data-status") == "returned"
    assert "Đề nghị gửi kèm bảng tổng hợp của các phường." in row.locator(".review-comment").inner_text()
    row.locator(f"a[href='/reports/{report.pk}/edit/']").click()
    page.wait_for_load_state()
    assert page.locator("input[name=value]").input_value() == "71,5"
    page.fill("input[name=value]", "72,5")
    page.fill("input[name=evidence_url]", "https://caugiay.hanoi.gov.vn/bao-cao")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    assert page.url == report_url
    assert page.locator("[data-status]").first.get_attribute("data-status") == "submitted"

    # 4. The office approves it from the queue, with the keyboard: Tab to its Approve button, Space.
    sign_out_and_in(page, sign_in, "office")
    page.goto(f"{live_server.url}/reports/")
    tab_to(page, f"#report-{report.pk} button[name=do][value=approve]", limit=120)
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert row_of(page, report).count() == 0  # gone from the queue

    # 5. The report's page shows the approved figure and every step, newest first, with who did it.
    page.goto(report_url)
    assert page.locator("[data-status]").first.get_attribute("data-status") == "approved"
    assert "72,5" in page.locator("#report-value").inner_text()
    steps = page.locator("#history tbody tr").evaluate_all("rows => rows.map(r => r.dataset.action)")
    assert steps == ["approve", "submit", "update", "return", "submit", "create"]
    history = page.locator("#history").inner_text()
    assert "Văn phòng" in history and "staff-a" in history  # the demo office's full name; staff-a has none
    assert "71,5" in history and "72,5" in history  # the value before and after the correction
    assert "Đề nghị gửi kèm bảng tổng hợp của các phường." in history
    report.refresh_from_db()
    assert (report.status, str(report.value)) == ("approved", "72.5000")

    # 6. The leader signs in: on the overview one target has left "no data" for its new status, in the
    # status table, the doughnut's data, the group's row and the group's bar (overview_numbers checks
    # that each chart carries its table's numbers).
    sign_out_and_in(page, sign_in, "leader")
    after = overview_numbers(page)
    moved = {key: after["counts"][key] - before["counts"][key] for key in before["counts"]}
    assert moved == {key: {"no_data": -1, new_status: 1}.get(key, 0) for key in before["counts"]}
    in_group = {key: after["groups"][GROUP][key] - before["groups"][GROUP][key] for key in moved}
    assert in_group == moved
    assert all(after["groups"][code] == before["groups"][code] for code in before["groups"] if code != GROUP)
    assert CODE in page.locator("#latest").inner_text()  # among the latest approved figures

    # ... and on the target's page, its status and the figure in its chart and its table.
    page.goto(f"{live_server.url}/p/12-ctr-qu/targets/{CODE}/")
    target_after = target_numbers(page)
    assert target_after["status"] == new_status
    assert target_after["figures"] == {**target_before["figures"], year: Decimal("72.5")}
    assert page.locator(f"header .status-badge.status-{new_status}").count() == 1


def test_a_bad_value_is_shown_beside_the_field_and_kept(page, sign_in, live_server, staff_a, program):
    sign_in("staff-a")
    page.goto(f"{live_server.url}/p/12-ctr-qu/targets/VH-01/reports/new/")
    page.fill("input[name=value]", "bảy phẩy năm")
    page.locator("button[name=action][value=draft]").click()
    page.wait_for_load_state()
    assert page.locator("#form-errors").count() == 1
    assert page.locator("input[name=value].is-invalid").input_value() == "bảy phẩy năm"
    assert ProgressReport.objects.count() == 0
