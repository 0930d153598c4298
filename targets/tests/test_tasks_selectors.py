"""The task selectors: the table's filters (diacritics-insensitive ``q``, group, unit, status, year), the
overview panel's counts against the table's ``status`` filter, the reminders a unit's staff see, a task's
page, and query counts that stay fixed as tasks, updates and reminders grow."""

import datetime

import pytest
import time_machine

from targets import permissions, selectors
from targets.assessment import TaskStatus

from .factories import TODAY, Status, make_reminders, make_task, make_task_update

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):  # 15/6/2026
        yield


@pytest.fixture
def tasks(program, staff_a, office):
    """One of each status as of 15/6/2026."""
    on_time = make_task(program, code="NV-1.01", group=1, lead="BTCQU", name="Ban hành Kế hoạch kiểm tra")
    make_task_update(task=on_time, author=office, status=Status.APPROVED, is_done=True, completed_on=D(2025, 6, 1))
    late = make_task(program, code="NV-3.01", group=3, name="Xây dựng Đề án phát triển văn hóa")
    make_task_update(task=late, author=staff_a, status=Status.APPROVED, is_done=True, completed_on=D(2025, 8, 1))
    overdue = make_task(program, code="NV-3.02", group=3, deadline=D(2026, 3, 31), name="Báo cáo sơ kết")
    make_reminders(overdue, by=office, times=3)
    make_task_update(task=overdue, author=staff_a, status=Status.SUBMITTED, is_done=True, completed_on=D(2026, 6, 1))
    soon = make_task(program, code="NV-5.01", group=5, lead="PQLDT", deadline=D(2026, 8, 1), name="Chỉnh trang")
    yearly = make_task(program, code="NV-6.01", group=6, lead="CAQ", deadline=D(2022, 12, 15), recurrence="yearly")
    ongoing = make_task(program, code="NV-2.01", group=2, lead="PKT", deadline=None, recurrence="ongoing")
    return {"on_time": on_time, "late": late, "overdue": overdue, "soon": soon, "yearly": yearly, "ongoing": ongoing}


def codes(rows):
    return [row.task.code for row in rows]


def test_rows_in_the_programmes_order_with_their_state(program, tasks):
    rows = selectors.task_rows(program=program)
    assert codes(rows) == ["NV-1.01", "NV-2.01", "NV-3.01", "NV-3.02", "NV-5.01", "NV-6.01"]
    by_code = {row.task.code: row for row in rows}
    assert by_code["NV-1.01"].status == TaskStatus.DONE_ON_TIME
    assert by_code["NV-3.01"].state.days_late == 32
    overdue = by_code["NV-3.02"]
    assert (overdue.status, overdue.state.overdue_days, overdue.reminder_count) == (TaskStatus.OVERDUE, 76, 3)
    assert overdue.state.flagged and overdue.state.stale  # the submitted update is not approved
    assert by_code["NV-5.01"].state.due_soon
    assert by_code["NV-6.01"].state.deadline == D(2026, 12, 15)
    assert by_code["NV-2.01"].status == TaskStatus.ONGOING


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "de an phat trien van hoa"}, ["NV-3.01"]),
        ({"q": "ĐỀ ÁN"}, ["NV-2.01", "NV-3.01", "NV-6.01"]),  # the factory's names are "Xây dựng Đề án …"
        ({"q": "nv-1.01"}, ["NV-1.01"]),
        ({"group": 3}, ["NV-3.01", "NV-3.02"]),
        ({"unit": "PVHTT"}, ["NV-3.01", "NV-3.02"]),
        ({"status": "overdue"}, ["NV-3.02"]),
        ({"status": "done_late", "group": 3}, ["NV-3.01"]),
        ({"year": 2025}, ["NV-1.01", "NV-2.01", "NV-3.01", "NV-6.01"]),
        ({"year": 2021}, ["NV-2.01"]),
    ],
)
def test_filters(program, tasks, filters, expected):
    assert codes(selectors.task_rows(program=program, **filters)) == expected


def test_a_past_year_is_judged_as_of_its_end(program, tasks):
    rows = {row.task.code: row for row in selectors.task_rows(program=program, year=2025)}
    assert rows["NV-6.01"].state.year == 2025 and rows["NV-6.01"].status == TaskStatus.OVERDUE
    assert rows["NV-6.01"].state.overdue_days == 16  # 15/12 → 31/12/2025


def test_the_panel_counts_are_what_the_status_filter_lists(program, tasks):
    panel = selectors.task_panel(program=program)
    assert panel.total == 6
    for entry in panel.counts:
        assert entry["count"] == len(selectors.task_rows(program=program, status=entry["status"])), entry
    assert [c["status"] for c in panel.counts] == ["overdue", "open_in_time", "done_late", "done_on_time", "ongoing"]
    assert panel.count("open_in_time") == 2
    assert [(e["unit"].code, e["count"], e["flagged"]) for e in panel.overdue_by_unit] == [("PVHTT", 1, 1)]
    assert codes(panel.flagged) == ["NV-3.02"] and codes(panel.stale) == ["NV-3.02"]
    assert codes(panel.due_soon) == ["NV-5.01"]


def test_the_table_and_panel_queries_do_not_grow(program, tasks, office, staff_a, django_assert_num_queries):
    # the tasks; their supporting units; their updates' and reminders' counts
    with django_assert_num_queries(4):
        selectors.task_rows(program=program, q="ke hoach", group=1)
    with django_assert_num_queries(3):  # the panel needs no supporting units
        selectors.task_panel(program=program)
    for i in range(20):
        task = make_task(program, code=f"NV-4.{i:02}", group=4, supporting=["MTTQ", "BTCQU"], deadline=D(2025, 1, 1))
        make_reminders(task, by=office, times=2)
        make_task_update(task=task, author=staff_a, status=Status.APPROVED, is_done=True, completed_on=D(2025, 2, 1))
    with django_assert_num_queries(4):
        rows = selectors.task_rows(program=program)
    assert len(rows) == 26
    with django_assert_num_queries(3):
        selectors.task_panel(program=program)


def test_a_tasks_page(program, tasks, office, staff_a, leader, django_assert_num_queries):
    task = tasks["overdue"]
    task.targets.set(program.targets.filter(code__in=["VH-01", "VH-02"]))
    make_task_update(task=task, author=staff_a, status=Status.APPROVED, date=D(2026, 6, 1), content="Đang tổng hợp.")
    with django_assert_num_queries(2):
        found = selectors.task_by_code(program=program, code="NV-3.02")
    for user in (office, staff_a, leader):
        permissions.rights(user), permissions.user_unit_ids(user)  # read once a request, outside the count
    # state (2), targets, updates, reminders, closed years, the task's history, its updates' history
    with django_assert_num_queries(8):
        page = selectors.task_page(task=found, user=office)
    assert page.state.status == TaskStatus.OVERDUE and page.state.flagged and not page.state.stale
    assert [t.code for t in page.targets] == ["VH-01", "VH-02"]
    assert len(page.updates) == 2 and len(page.reminders) == 3 and page.can_remind and page.can_update
    assert page.updates[1].actions.approve  # the submitted one, for the office
    assert {e.action for e in page.history} >= {"+"} and any(e.update_id for e in page.history)
    leader_page = selectors.task_page(task=found, user=leader)
    assert [line.update.status for line in leader_page.updates] == [Status.APPROVED]
    assert all(e.status in ("", Status.APPROVED) for e in leader_page.history)
    assert not leader_page.can_update and not leader_page.can_remind
    for i in range(10):
        make_task_update(task=task, author=staff_a, status=Status.APPROVED, date=D(2026, 1, 1 + i), content=f"Lần {i}")
    make_reminders(task, by=office, times=5)
    with django_assert_num_queries(8):
        selectors.task_page(task=found, user=office)


def test_the_reminders_a_units_staff_see(program, tasks, office, staff_a, staff_b):
    assert [r.task.code for r in selectors.task_reminder_notices(user=staff_a, program=program)] == ["NV-3.02"] * 3
    assert selectors.task_reminder_notices(user=staff_b, program=program) == []
    assert selectors.task_reminder_notices(user=office) == []  # no units of their own
    with time_machine.travel(datetime.datetime(2026, 7, 20, tzinfo=datetime.UTC)):
        assert selectors.task_reminder_notices(user=staff_a) == []  # older than 30 days


def test_tasks_to_remind_across_programmes(program, tasks):
    rows = selectors.tasks_to_remind(today=D(2026, 6, 15), days=60)
    assert codes(rows) == ["NV-3.02", "NV-5.01"]
