"""The office's guards in a real browser (issue 16): closing a year goes through a confirmation with its
checklist, and the approval queue's select-all box ticks every report for the bulk approval, which then
names what it approved and offers to undo it."""

from targets.models import ProgressReport, YearClosure
from targets.tests.factories import Status, make_report


def test_closing_a_year_asks_for_confirmation_with_a_checklist(page, sign_in, axe, office, staff_a, live_server):
    make_report(target="VH-01", author=staff_a, status=Status.APPROVED, year=2025)
    make_report(target="VH-02", author=staff_a, status=Status.SUBMITTED, year=2025)
    sign_in("office")
    page.goto(f"{live_server.url}/p/12-ctr-qu/reviews/2025/")
    assert page.locator("#close-form").count() == 0  # one click does not close
    page.locator("#close-start").click()
    page.wait_for_url(f"{live_server.url}/p/12-ctr-qu/reviews/2025/close/")
    assert page.locator("#check-pending").get_attribute("data-count") == "1"
    assert page.locator("#check-without-figure").get_attribute("data-count") == "40"
    page.locator("#check-without-figure summary").click()
    assert page.locator("#without-figure li").count() == 40
    assert not YearClosure.objects.exists()
    assert axe() == []
    page.fill("#close-form textarea[name=reason]", "Hội nghị Ban Thường vụ")
    page.locator("#close-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/p/12-ctr-qu/reviews/2025/")
    assert page.locator("#year-state").get_attribute("data-closed") == "true"
    assert YearClosure.objects.get(year=2025).is_closed


def test_the_select_all_box_ticks_every_report_for_the_bulk_approval(page, sign_in, axe, staff_a, live_server):
    reports = [
        make_report(target=code, author=staff_a, status=Status.SUBMITTED, year=2025)
        for code in ("VH-01", "VH-02", "VH-04")
    ]
    sign_in("office")
    page.goto(f"{live_server.url}/reports/")
    boxes = page.locator("input[name=reports][form=bulk-approve]")
    assert boxes.count() == 3
    tick_all = page.locator("#tick-all")
    assert tick_all.is_visible()  # shown by its script; hidden without JavaScript
    tick_all.check()
    assert all(boxes.nth(i).is_checked() for i in range(3))
    boxes.nth(1).uncheck()  # one left out: the box says "some"
    assert page.evaluate("document.getElementById('tick-all').indeterminate") is True
    tick_all.check()
    assert all(boxes.nth(i).is_checked() for i in range(3))
    assert axe() == []
    page.locator("#bulk-approve button[type=submit]").click()
    page.wait_for_load_state()
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {Status.APPROVED}
    assert page.locator("#no-reports").count() == 1
    # The approvals can be undone for a few minutes, from the queue.
    assert page.locator("#undo-approvals li").count() == 3
    page.locator(f"#undo-approvals li[data-report='{reports[0].pk}'] button").click()
    page.wait_for_load_state()
    assert ProgressReport.objects.get(pk=reports[0].pk).status == Status.SUBMITTED
    assert page.locator(f"#report-{reports[0].pk}").count() == 1  # back in the queue
