"""The task pages (issue 14): the table with its filters, sorting, pagination and export; a task's page with
its updates, reminders and history; the update form and the workflow's POST steps; the office's reminder
and completion-date correction; the approval queue's task updates; the overview's panel, the unit's, the
target's and the group of solutions' tasks. Each page: it works, it requires sign-in, it checks the unit,
it refuses the wrong role, it answers 404 outside the programme; its queries do not grow with the tasks."""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from openpyxl import load_workbook

from targets import selectors, services
from targets.assessment import TaskStatus
from targets.models import Target, TaskReminder, TaskUpdate

from .factories import TODAY, Status, make_reminders, make_task, make_task_update, task_counts

D = datetime.date
P = "/p/12-ctr-qu"
pytestmark = pytest.mark.django_db
WARD_MANIFEST = Path(settings.BASE_DIR) / "fixtures" / "phuong-cau-giay" / "program.json"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):  # 15/6/2026
        yield


@pytest.fixture
def tasks(program, staff_a, office):
    """One of each status as of 15/6/2026 (as in test_tasks_selectors)."""
    on_time = make_task(program, code="NV-1.01", group=1, lead="BTCQU", name="Ban hành Kế hoạch kiểm tra")
    make_task_update(task=on_time, author=office, status=Status.APPROVED, is_done=True, completed_on=D(2025, 6, 1))
    late = make_task(program, code="NV-3.01", group=3, name="Xây dựng Đề án phát triển văn hóa")
    make_task_update(task=late, author=staff_a, status=Status.APPROVED, is_done=True, completed_on=D(2025, 8, 1))
    overdue = make_task(program, code="NV-3.02", group=3, deadline=D(2026, 3, 31), name="Báo cáo sơ kết")
    overdue.supporting_units.add(program.organisation.units.get(code="BTCQU"))
    make_reminders(overdue, by=office, times=3)
    make_task_update(task=overdue, author=staff_a, status=Status.SUBMITTED, is_done=True, completed_on=D(2026, 6, 1))
    soon = make_task(program, code="NV-5.01", group=5, lead="PQLDT", deadline=D(2026, 8, 1), name="Chỉnh trang")
    yearly = make_task(program, code="NV-6.01", group=6, lead="CAQ", deadline=D(2022, 12, 15), recurrence="yearly")
    ongoing = make_task(program, code="NV-2.01", group=2, lead="PKT", deadline=None, recurrence="ongoing")
    ongoing.targets.add(Target.objects.get(program=program, code="VH-01"))
    return {"on_time": on_time, "late": late, "overdue": overdue, "soon": soon, "yearly": yearly, "ongoing": ongoing}


def codes(response):
    return [row.record.task.code for row in response.context["table"].paginated_rows]


def grow(program, *, author, office, count: int) -> None:
    """``count`` more tasks of unit A (PVHTT), each with an approved and a submitted update and a reminder."""
    for n in range(count):
        task = make_task(program, code=f"NV-4.{n:02d}", group=4, deadline=D(2026, 3, 1), supporting=("BTCQU",))
        make_task_update(task=task, author=author, status=Status.APPROVED, date=D(2026, 1, 5), progress=40)
        make_task_update(task=task, author=author, status=Status.SUBMITTED, date=D(2026, 5, 5), progress=80)
        make_reminders(task, by=office, times=1)


def add_updates(task, *, author, office, count: int) -> None:
    for n in range(count):
        make_task_update(task=task, author=author, status=Status.APPROVED, date=D(2026, 1, 1) + datetime.timedelta(n))
    make_reminders(task, by=office, times=count)


def form_errors(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# --- The table -------------------------------------------------------------------------------------------------


def test_the_table_lists_the_programmes_tasks_with_their_status(client_for, leader, tasks):
    response = client_for(leader).get(f"{P}/tasks/")
    assert response.status_code == 200
    assert codes(response) == ["NV-1.01", "NV-2.01", "NV-3.01", "NV-3.02", "NV-5.01", "NV-6.01"]
    html = response.content.decode()
    assert 'id="task-NV-3.02" data-status="overdue"' in html
    assert "flag-flagged" in html and "flag-due-soon" in html  # NV-3.02 reminded 3 times, NV-5.01 due soon
    assert f'href="{P}/tasks/NV-3.02/"' in html and f'href="{P}/solutions/3/"' in html
    assert "table-stack" in html  # the phone card layout of the target table


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "de an phat trien van hoa"}, ["NV-3.01"]),
        ({"q": "ĐỀ ÁN"}, ["NV-2.01", "NV-3.01", "NV-6.01"]),
        ({"group": "3"}, ["NV-3.01", "NV-3.02"]),
        ({"unit": "PVHTT"}, ["NV-3.01", "NV-3.02"]),
        ({"status": "overdue"}, ["NV-3.02"]),
        ({"status": "done_late", "group": "3"}, ["NV-3.01"]),
        ({"year": "2025"}, ["NV-1.01", "NV-2.01", "NV-3.01", "NV-6.01"]),
        # Overdue first, ongoing last: descending reverses it, the programme's order within a status too.
        ({"sort": "-status"}, ["NV-2.01", "NV-1.01", "NV-3.01", "NV-6.01", "NV-5.01", "NV-3.02"]),
        ({"sort": "deadline"}, ["NV-1.01", "NV-3.01", "NV-3.02", "NV-5.01", "NV-6.01", "NV-2.01"]),
    ],
)
def test_filters_and_sorting(client_for, leader, tasks, query, expected):
    assert codes(client_for(leader).get(f"{P}/tasks/", query)) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [({"group": "99"}, "group"), ({"status": "late"}, "status"), ({"year": "1999"}, "year"), ({"unit": "X"}, "unit")],
)
def test_a_bad_filter_is_named_and_left_out(client_for, leader, tasks, query, field):
    response = client_for(leader).get(f"{P}/tasks/", query)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert len(codes(response)) == 6


def test_the_table_is_paginated(client_for, leader, office, staff_a, program):
    grow(program, author=staff_a, office=office, count=30)
    client = client_for(leader)
    assert len(codes(client.get(f"{P}/tasks/"))) == 25
    assert len(codes(client.get(f"{P}/tasks/", {"page": 2}))) == 5


def test_the_table_requires_sign_in_and_a_role(client, client_for, nobody, tasks):
    assert client.get(f"{P}/tasks/").status_code == 302
    assert client_for(nobody).get(f"{P}/tasks/").status_code == 403
    assert client_for(nobody).get(f"{P}/tasks/NV-3.02/").status_code == 403


@pytest.mark.parametrize("count", [0, 20])
def test_the_tables_queries_do_not_grow(
    client_for, leader, office, staff_a, program, tasks, count, django_assert_num_queries
):
    grow(program, author=staff_a, office=office, count=count)
    client = client_for(leader)
    # session, user, memberships (rights), programme; the filter's groups and units; the tasks with their
    # supporting units, their updates' and reminders' counts (2); the menu's programmes
    with django_assert_num_queries(11):
        assert client.get(f"{P}/tasks/", {"status": "overdue"}).status_code == 200


def test_the_export_is_the_table_as_shown(client_for, leader, program, tasks):
    tasks["late"].name = '=HYPERLINK("http://x")'
    tasks["late"].save()
    response = client_for(leader).get(f"{P}/tasks/export.xlsx", {"group": "3", "sort": "-code"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A5"].value == "NV-3.02" and sheet["A6"].value == "NV-3.01" and sheet["A7"].value is None
    assert sheet["C6"].value == '=HYPERLINK("http://x")' and sheet["C6"].data_type == "s"  # text, never a formula
    assert sheet["H5"].value.date() == D(2026, 3, 31)
    assert sheet["K5"].value == 76 and sheet["L5"].value == 3  # days overdue, reminders
    assert "3" in sheet["A2"].value  # the filters said above the table


def test_the_export_requires_sign_in(client, tasks):
    assert client.get(f"{P}/tasks/export.xlsx").status_code == 302


# --- A task's page ---------------------------------------------------------------------------------------------


def test_a_tasks_page_shows_the_task_its_targets_updates_reminders_and_history(client_for, office, tasks):
    task = tasks["overdue"]
    response = client_for(office).get(f"{P}/tasks/NV-3.02/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="task-status" data-status="overdue"' in html and 'id="task-flagged"' in html
    assert html.count('class="reminder"') == 3
    update = task.updates.get()
    assert f'id="update-{update.pk}"' in html
    assert f'action="{P}/tasks/NV-3.02/updates/{update.pk}/approve/"' in html  # the office's buttons
    assert f'action="{P}/tasks/NV-3.02/remind/"' in html
    assert 'id="history"' in html
    ongoing = client_for(office).get(f"{P}/tasks/NV-2.01/").content.decode()
    assert f'href="{P}/targets/VH-01/"' in ongoing


def test_leaders_see_approved_updates_only_and_no_buttons(client_for, leader, staff_a, tasks):
    task = tasks["late"]
    draft = make_task_update(task=task, author=staff_a, status=Status.DRAFT, date=D(2026, 6, 1))
    html = client_for(leader).get(f"{P}/tasks/NV-3.01/").content.decode()
    assert f'id="update-{draft.pk}"' not in html
    assert html.count('class="border rounded p-2 mb-2 task-update"') == 1
    assert "/remind/" not in html and "/updates/new/" not in html and "/approve/" not in html


def test_staff_see_their_units_drafts_with_their_steps(client_for, staff_a, staff_b, tasks):
    draft = make_task_update(task=tasks["late"], author=staff_a, status=Status.DRAFT, date=D(2026, 6, 1))
    html = client_for(staff_a).get(f"{P}/tasks/NV-3.01/").content.decode()
    assert f'id="update-{draft.pk}"' in html and f"/updates/{draft.pk}/submit/" in html
    assert 'id="new-task-update"' in html and "/remind/" not in html
    other = client_for(staff_b).get(f"{P}/tasks/NV-3.01/").content.decode()
    assert f'id="update-{draft.pk}"' not in other and 'id="new-task-update"' not in other


def test_a_missing_task_or_one_of_another_programme_is_not_found(client_for, office, program):
    ward, _summary = services.program_load_reference(manifest=WARD_MANIFEST)
    make_task(ward, code="NV-9.01", group=1, lead=ward.organisation.units.order_by("code").first().code)
    client = client_for(office)
    assert client.get(f"{P}/tasks/NV-9.01/").status_code == 404
    assert client.get(f"{P}/tasks/NV-9.01/updates/new/").status_code == 404
    assert client.get(f"/p/{ward.slug}/tasks/NV-9.01/").status_code == 404  # outside the office's organisation
    assert client.get(f"{P}/solutions/99/").status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_a_tasks_page_queries_do_not_grow(client_for, office, staff_a, tasks, count, django_assert_num_queries):
    add_updates(tasks["late"], author=staff_a, office=office, count=count)
    client = client_for(office)
    # session, user, memberships, programme; the task with its supporting units; its updates' and reminders' counts;
    # its targets; closed years; its updates; its reminders; its history and its updates' history; the menu
    with django_assert_num_queries(15):
        assert client.get(f"{P}/tasks/NV-3.01/").status_code == 200


# --- The update form and the workflow --------------------------------------------------------------------------


def post_update(client, code, **data):
    values = {"date": "10/06/2026", "content": "Đã ban hành Kế hoạch.", "progress": "100", "action": "submit"}
    values.update(data)
    return client.post(f"{P}/tasks/{code}/updates/new/", {k: v for k, v in values.items() if v is not None})


def test_staff_report_a_task_done(client_for, staff_a, tasks):
    client = client_for(staff_a)
    assert client.get(f"{P}/tasks/NV-3.01/updates/new/").status_code == 200
    response = post_update(client, "NV-3.01", is_done="on", completed_on="09/06/2026")
    update = TaskUpdate.objects.filter(task=tasks["late"]).latest("id")
    assert response.status_code == 302 and response["Location"] == f"{P}/tasks/NV-3.01/#update-{update.pk}"
    assert (update.status, update.unit.code, update.completed_on) == (Status.SUBMITTED, "PVHTT", D(2026, 6, 9))
    assert (update.progress, update.author) == (100, staff_a)


def test_a_second_update_in_the_workflow_is_refused_by_name(client_for, staff_a, tasks):
    before = task_counts()
    response = post_update(client_for(staff_a), "NV-3.02")  # PVHTT's update of NV-3.02 waits for approval
    assert response.status_code == 200 and "unit" in form_errors(response)
    assert task_counts() == before


def test_the_update_form_refuses_bad_input_by_field_and_writes_nothing(client_for, staff_a, tasks):
    client = client_for(staff_a)
    before = task_counts()
    cases = [
        ({"progress": "150"}, "progress"),
        ({"progress": "abc"}, "progress"),
        ({"date": "16/06/2026"}, "date"),  # tomorrow
        ({"date": "31/02/2026"}, "date"),
        ({"content": "   "}, "content"),
        ({"is_done": "on", "completed_on": ""}, "completed_on"),
        ({"completed_on": "01/06/2026"}, "completed_on"),  # a date without "done"
        ({"is_done": "on", "completed_on": "20/06/2026"}, "completed_on"),  # in the future
        ({"evidence_url": "not a url"}, "evidence_url"),
    ]
    for data, field in cases:
        response = post_update(client, "NV-3.01", **data)
        assert response.status_code == 200, data
        assert field in form_errors(response), (data, form_errors(response))
        assert 'id="form-errors"' in response.content.decode()
    assert task_counts() == before


def test_a_closed_year_refuses_the_update_by_its_date(client_for, staff_a, program, tasks):
    from .factories import close_year

    close_year(program, 2025)
    before = task_counts()
    response = post_update(client_for(staff_a), "NV-3.01", date="10/12/2025")
    assert response.status_code == 200 and "date" in form_errors(response)
    assert task_counts() == before


@pytest.mark.parametrize(("who", "code"), [("leader", "NV-3.01"), ("staff_b", "NV-3.01"), ("staff_a", "NV-1.01")])
def test_others_may_not_report_on_a_task(request, client_for, tasks, who, code):
    client = client_for(request.getfixturevalue(who))
    before = task_counts()
    assert client.get(f"{P}/tasks/{code}/updates/new/").status_code == 403
    assert post_update(client, code).status_code == 403
    assert task_counts() == before


def test_a_supporting_units_staff_report_in_their_units_name(client_for, staff_b, tasks):
    response = post_update(client_for(staff_b), "NV-3.02")
    assert response.status_code == 302
    assert TaskUpdate.objects.filter(task=tasks["overdue"]).latest("id").unit.code == "BTCQU"


def test_return_edit_and_approve(client_for, staff_a, office, tasks):
    task = tasks["soon"]
    task.supporting_units.add(task.program.organisation.units.get(code="PVHTT"))
    staff, desk = client_for(staff_a), None
    post_update(staff, "NV-5.01", is_done="on", completed_on="10/06/2026")
    update = TaskUpdate.objects.filter(task=task).latest("id")
    base = f"{P}/tasks/NV-5.01/updates/{update.pk}"
    desk = client_for(office)
    # Returning needs a comment: refused without one, nothing changes.
    desk.post(f"{base}/return/", {"version": update.version, "comment": ""})
    update.refresh_from_db()
    assert update.status == Status.SUBMITTED
    desk.post(f"{base}/return/", {"version": update.version, "comment": "Bổ sung văn bản."})
    update.refresh_from_db()
    assert (update.status, update.review_comment) == (Status.RETURNED, "Bổ sung văn bản.")
    staff = client_for(staff_a)
    edit = staff.get(f"{base}/edit/")
    assert edit.status_code == 200 and 'id="review-comment"' in edit.content.decode()  # the comment repeated
    response = staff.post(
        f"{base}/edit/",
        {
            "version": update.version,
            "date": "12/06/2026",
            "content": "Đã bổ sung.",
            "is_done": "on",
            "completed_on": "10/06/2026",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.status, update.content) == (Status.SUBMITTED, "Đã bổ sung.")
    desk = client_for(office)
    desk.post(f"{base}/approve/", {"version": update.version})
    update.refresh_from_db()
    assert update.status == Status.APPROVED
    assert selectors.task_state_of(task=task).status == TaskStatus.DONE_ON_TIME


def test_a_stale_edit_is_refused_and_keeps_the_input(client_for, staff_a, tasks):
    update = make_task_update(task=tasks["late"], author=staff_a, status=Status.DRAFT, date=D(2026, 6, 1))
    response = client_for(staff_a).post(
        f"{P}/tasks/NV-3.01/updates/{update.pk}/edit/",
        {"version": update.version + 5, "date": "12/06/2026", "content": "Bản của tôi", "action": "draft"},
    )
    assert response.status_code == 200 and 'id="conflict"' in response.content.decode()
    update.refresh_from_db()
    assert update.content == "Đã triển khai."


def test_an_approved_update_is_not_edited_but_corrected(client_for, staff_a, office, tasks):
    approved = tasks["late"].updates.get()
    client = client_for(staff_a)
    assert client.get(f"{P}/tasks/NV-3.01/updates/{approved.pk}/edit/").status_code == 302
    response = client.post(
        f"{P}/tasks/NV-3.01/updates/{approved.pk}/correct/",
        {
            "date": "12/06/2026",
            "content": "Sửa ngày.",
            "is_done": "on",
            "completed_on": "25/07/2025",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    correction = TaskUpdate.objects.filter(task=tasks["late"]).latest("id")
    assert correction.supersedes == approved and correction.status == Status.SUBMITTED


def test_staff_may_not_approve_and_another_unit_may_not_submit(client_for, staff_a, staff_b, tasks):
    submitted = tasks["overdue"].updates.get()
    assert client_for(staff_a).post(f"{P}/tasks/NV-3.02/updates/{submitted.pk}/approve/").status_code == 403
    draft = make_task_update(task=tasks["late"], author=staff_a, status=Status.DRAFT, date=D(2026, 6, 1))
    assert client_for(staff_b).post(f"{P}/tasks/NV-3.01/updates/{draft.pk}/submit/").status_code == 403
    # An update reached through another task's address is not found.
    assert client_for(staff_a).post(f"{P}/tasks/NV-3.02/updates/{draft.pk}/submit/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_submit_and_withdraw_from_the_tasks_page(client_for, staff_a, tasks):
    draft = make_task_update(task=tasks["late"], author=staff_a, status=Status.DRAFT, date=D(2026, 6, 1))
    client = client_for(staff_a)
    client.post(f"{P}/tasks/NV-3.01/updates/{draft.pk}/submit/", {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    client.post(f"{P}/tasks/NV-3.01/updates/{draft.pk}/withdraw/", {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    response = client.post(f"{P}/tasks/NV-3.01/updates/{draft.pk}/withdraw/", {"version": draft.version})
    assert response["Location"] == f"{P}/tasks/NV-3.01/" and not TaskUpdate.objects.filter(pk=draft.pk).exists()


def test_the_get_of_a_post_step_is_refused(client_for, staff_a, tasks):
    update = tasks["overdue"].updates.get()
    assert client_for(staff_a).get(f"{P}/tasks/NV-3.02/updates/{update.pk}/submit/").status_code == 405


# --- The office's reminder and completion-date correction -----------------------------------------------------


def test_the_office_reminds_and_the_third_reminder_flags(client_for, office, staff_a, tasks):
    task = tasks["soon"]
    task.deadline = D(2026, 6, 1)  # overdue now
    task.save()
    client = client_for(office)
    for _n in range(3):
        assert client.post(f"{P}/tasks/NV-5.01/remind/", {"note": "Khẩn trương hoàn thành."}).status_code == 302
    reminders = TaskReminder.objects.filter(task=task)
    assert reminders.count() == 3 and {r.sent_by for r in reminders} == {office}
    rows = {row.task.code: row for row in selectors.task_rows(program=task.program)}
    assert rows["NV-5.01"].state.flagged
    html = client.get(f"{P}/tasks/NV-5.01/").content.decode()
    assert html.count('class="reminder"') == 3 and 'id="task-flagged"' in html


def test_a_reminder_to_a_supporting_unit_and_bad_input(client_for, office, tasks):
    task = tasks["overdue"]
    btc = task.supporting_units.get()
    client = client_for(office)
    client.post(f"{P}/tasks/NV-3.02/remind/", {"unit": btc.pk})
    assert task.reminders.latest("id").unit == btc
    before = task_counts()
    client.post(f"{P}/tasks/NV-3.02/remind/", {"unit": "99999"})  # neither lead nor supporting
    client.post(f"{P}/tasks/NV-3.02/remind/", {"note": "x" * 3000})
    assert task_counts() == before


@pytest.mark.parametrize("who", ["leader", "staff_a"])
def test_only_the_office_reminds(request, client_for, tasks, who):
    before = task_counts()
    assert client_for(request.getfixturevalue(who)).post(f"{P}/tasks/NV-3.02/remind/").status_code == 403
    assert task_counts() == before


def test_the_office_corrects_a_completion_date(client_for, office, staff_a, tasks):
    update = tasks["late"].updates.get()
    client = client_for(office)
    url = f"{P}/tasks/NV-3.01/updates/{update.pk}/completion/"
    client.post(url, {"completed_on": "30/06/2025", "completion_comment": "", "version": update.version})
    update.refresh_from_db()
    assert update.completed_on == D(2025, 8, 1)  # no comment, no change
    client.post(
        url, {"completed_on": "30/06/2025", "completion_comment": "Theo văn bản số 12.", "version": update.version}
    )
    update.refresh_from_db()
    assert (update.completed_on, update.completed_on_reported) == (D(2025, 6, 30), D(2025, 8, 1))
    assert selectors.task_state_of(task=tasks["late"]).status == TaskStatus.DONE_ON_TIME
    assert client_for(staff_a).post(url, {"completed_on": "01/06/2025", "completion_comment": "x"}).status_code == 403


# --- /reports/, the overview and the other pages -------------------------------------------------------------


def test_the_queue_shows_task_updates_beside_figures(client_for, office, tasks):
    submitted = tasks["overdue"].updates.get()
    html = client_for(office).get("/reports/").content.decode()
    assert f'id="task-update-{submitted.pk}"' in html
    assert f'action="{P}/tasks/NV-3.02/updates/{submitted.pk}/approve/"' in html
    response = client_for(office).post(
        f"{P}/tasks/NV-3.02/updates/{submitted.pk}/approve/", {"version": submitted.version, "next": "/reports/"}
    )
    assert response["Location"] == "/reports/"


def test_staff_see_their_units_task_updates_on_reports(client_for, staff_a, staff_b, tasks):
    submitted = tasks["overdue"].updates.get()
    assert f'id="task-update-{submitted.pk}"' in client_for(staff_a).get("/reports/").content.decode()
    assert f'id="task-update-{submitted.pk}"' not in client_for(staff_b).get("/reports/").content.decode()


def test_the_overview_panel_counts_what_the_tables_filters_list(client_for, leader, tasks):
    client = client_for(leader)
    panel = client.get(f"{P}/").context["task_panel"]
    for item in panel.counts:
        listed = client.get(f"{P}/tasks/", {"status": item["status"]}).context["total"]
        assert item["count"] == listed, item
    html = client.get(f"{P}/").content.decode()
    assert f'href="{P}/tasks/?status=overdue"' in html and 'id="task-flagged-list"' in html
    assert f'href="{P}/tasks/?unit=PVHTT&amp;status=overdue"' in html


def test_staff_see_the_reminders_sent_to_their_units(client_for, staff_a, staff_b, leader, tasks):
    assert 'id="reminder-notices"' in client_for(staff_a).get(f"{P}/").content.decode()
    assert client_for(staff_b).get(f"{P}/").context["reminder_notices"] == []
    assert 'id="reminder-notices"' not in client_for(leader).get(f"{P}/").content.decode()


def test_a_unit_a_target_and_a_group_of_solutions_list_their_tasks(client_for, leader, tasks):
    client = client_for(leader)
    unit = client.get(f"{P}/units/BTCQU/").context["task_rows"]
    assert [row.task.code for row in unit] == ["NV-1.01", "NV-3.02"]  # leads one, supports the other
    assert [row.task.code for row in client.get(f"{P}/targets/VH-01/").context["task_rows"]] == ["NV-2.01"]
    group = client.get(f"{P}/solutions/3/")
    assert [row.task.code for row in group.context["rows"]] == ["NV-3.01", "NV-3.02"]
    assert 'id="group-tasks"' in group.content.decode()


def test_the_menu_links_the_tasks(client_for, leader, tasks):
    assert f'href="{P}/tasks/"' in client_for(leader).get(f"{P}/targets/").content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_the_overview_unit_and_group_queries_do_not_grow(
    client_for, leader, office, staff_a, program, tasks, count, django_assert_num_queries
):
    grow(program, author=staff_a, office=office, count=count)
    client = client_for(leader)
    # the overview's 11 (see test_dashboard_overview) and the tasks panel's 3 (the tasks, their updates' and
    # reminders' counts)
    with django_assert_num_queries(14):
        client.get(f"{P}/")
    # session, user, memberships, programme; the group; the tasks, their supporting units, their updates' and
    # reminders' counts (2); the menu's programmes
    with django_assert_num_queries(10):
        client.get(f"{P}/solutions/4/")
