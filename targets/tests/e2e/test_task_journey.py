"""A task's journey in a real browser: staff of the lead unit report the task done, the office returns the
update with a comment from the approval queue, staff see the comment, correct the update and resubmit, the
office approves it on the task's page, and the leader finds the overview's tasks panel moved: one task
less "not done, within the deadline", one more "done on time". Selectors use names, ids and data
attributes, so the test holds in either language."""

import datetime

from django.utils import timezone

from targets.models import TaskUpdate
from targets.tests.factories import make_task

CODE = "NV-9.01"


def sign_out_and_in(page, sign_in, username):
    page.context.clear_cookies()
    return sign_in(username)


def task_counts(page, live_server):
    """The overview's tasks panel: deadline status -> count."""
    page.goto(f"{live_server.url}/p/12-ctr-qu/")
    cells = page.locator("table.task-status-counts td[data-task-status]")
    return dict(cells.evaluate_all("tds => tds.map(td => [td.dataset.taskStatus, Number(td.textContent.trim())])"))


def test_staff_report_a_task_done_office_returns_staff_correct_office_approves_leader_sees_it(
    page, sign_in, axe, live_server, program
):
    today = timezone.localdate()
    # Led by the Culture office (staff-a's unit), due in a month: "not done, within the deadline".
    make_task(program, code=CODE, group=1, lead="PVHTT", deadline=today + datetime.timedelta(days=30))
    done_on = today.strftime("%d/%m/%Y")

    # 0. The leader's overview before.
    sign_in("leader")
    before = task_counts(page, live_server)
    assert before["open_in_time"] >= 1

    # 1. Staff open the task from the menu's task table and report it done.
    sign_out_and_in(page, sign_in, "staff-a")
    page.locator("nav a[href='/p/12-ctr-qu/tasks/']").first.click()
    page.wait_for_url("**/p/12-ctr-qu/tasks/")
    page.locator(f"[id='task-{CODE}'] a[href='/p/12-ctr-qu/tasks/{CODE}/']").click()
    page.wait_for_url(f"**/tasks/{CODE}/")
    page.locator("#new-task-update").click()
    page.wait_for_url(f"**/tasks/{CODE}/updates/new/")
    page.fill("input[name=date]", done_on)
    page.fill("textarea[name=content]", "Đã ban hành Kế hoạch <b>số 15-KH</b>.")
    page.fill("input[name=progress]", "100")
    page.check("input[name=is_done]")
    page.fill("input[name=completed_on]", done_on)
    assert axe() == []
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url(f"**/tasks/{CODE}/#update-*")  # the task's page, at the update
    update = TaskUpdate.objects.get(task__code=CODE)
    card = page.locator(f"#update-{update.pk}")
    assert card.get_attribute("data-status") == "submitted"
    assert card.locator(".update-content").inner_text() == "Đã ban hành Kế hoạch <b>số 15-KH</b>."  # text, not markup
    assert axe() == []

    # 2. The office finds it in the queue beside the figures and returns it with a comment.
    sign_out_and_in(page, sign_in, "office")
    page.goto(f"{live_server.url}/reports/")
    row = page.locator(f"#task-update-{update.pk}")
    assert row.get_attribute("data-status") == "submitted"
    row.locator("input[name=comment]").fill("Đề nghị gửi kèm văn bản ban hành.")
    with page.expect_navigation():
        row.locator("button[name=do][value=return]").click()
    assert page.locator(".alert-success").count() == 1

    # 3. Staff see the comment on the edit page, correct the update and resubmit.
    sign_out_and_in(page, sign_in, "staff-a")
    page.goto(f"{live_server.url}/p/12-ctr-qu/tasks/{CODE}/")
    card = page.locator(f"#update-{update.pk}")
    assert card.get_attribute("data-status") == "returned"
    assert "Đề nghị gửi kèm văn bản ban hành." in card.locator(".review-comment").inner_text()
    card.locator(f"a[href$='/updates/{update.pk}/edit/']").click()
    page.wait_for_url(f"**/updates/{update.pk}/edit/")
    assert "Đề nghị gửi kèm văn bản ban hành." in page.locator("#review-comment").inner_text()
    page.fill("input[name=evidence_url]", "https://caugiay.hanoi.gov.vn/ke-hoach-15")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url(f"**/tasks/{CODE}/#update-{update.pk}")
    assert page.locator(f"#update-{update.pk}").get_attribute("data-status") == "submitted"

    # 4. The office approves it on the task's page.
    sign_out_and_in(page, sign_in, "office")
    page.goto(f"{live_server.url}/p/12-ctr-qu/tasks/{CODE}/")
    with page.expect_navigation():
        page.locator(f"#update-{update.pk} button[name=do][value=approve]").click()
    assert page.locator(f"#update-{update.pk}").get_attribute("data-status") == "approved"
    assert page.locator("#task-status").get_attribute("data-status") == "done_on_time"
    steps = page.locator("#history tbody tr[data-action]").evaluate_all("rows => rows.map(r => r.dataset.action)")
    assert steps[:5] == ["approve", "submit", "update", "return", "submit"]

    # 5. The leader sees the counts move: one task less open, one more done on time.
    sign_out_and_in(page, sign_in, "leader")
    after = task_counts(page, live_server)
    assert after["open_in_time"] == before["open_in_time"] - 1
    assert after["done_on_time"] == before["done_on_time"] + 1
    page.locator("table.task-status-counts a[href$='?status=done_on_time']").click()
    page.wait_for_url("**/tasks/?status=done_on_time")
    assert page.locator(f"[id='task-{CODE}']").get_attribute("data-status") == "done_on_time"
