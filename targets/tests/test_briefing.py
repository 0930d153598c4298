"""The one-page briefing (issue 15): the progress statuses today against the end of the last closed year,
the groups, the targets off track, the overdue tasks and the late units; who may read it; its queries."""

import datetime
import importlib

import pytest
import time_machine

from targets import selectors, services
from targets.models import ProgressReport

from .factories import make_report, make_task
from .test_exports import add_targets

Status = ProgressReport.Status
URL = "/p/12-ctr-qu/briefing/"
# 1 March 2026: 2025 has ended (it can be closed) and its figures were due on 31 January.
TODAY = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def closed_2025(program, office, staff_a):
    """VH-01 approved for 2025, the year closed (its review rows frozen) on 10/01/2026; then a 2026 figure
    of XD-05, which had none in 2025: one target fewer without data since the closing."""
    with time_machine.travel(datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC)):
        make_report(target="VH-01", author=staff_a, status=Status.APPROVED, year=2025, value="95", reviewer=office)
        services.year_close(user=office, program=program, year=2025, reason="Chốt số liệu")
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)):
        make_report(target="XD-05", author=office, status=Status.APPROVED, year=2026, value="100", reviewer=office)


def test_the_statuses_are_counted_against_the_last_closed_year(client_for, leader, program, closed_2025):
    with time_machine.travel(TODAY):
        response = client_for(leader).get(URL)
    assert response.status_code == 200
    briefing = response.context["briefing"]
    assert briefing.closed_year == 2025 and briefing.total == 41
    lines = {line.key: line for line in briefing.statuses}
    # Today's counts are the overview's.
    with time_machine.travel(TODAY):
        overview = client_for(leader).get("/p/12-ctr-qu/").context["counts"]
    assert [(line.key, line.count) for line in briefing.statuses] == [(c["key"], c["count"]) for c in overview]
    assert lines["no_data"].change == -1 and sum(line.change for line in briefing.statuses) == 0
    html = response.content.decode()
    assert "(-1 so với năm 2025 đã chốt)" in html
    assert "(±0 so với năm 2025 đã chốt)" in html


def test_without_a_closed_year_there_is_no_change_to_show(client_for, leader, program):
    with time_machine.travel(TODAY):
        response = client_for(leader).get(URL)
    briefing = response.context["briefing"]
    assert briefing.closed_year is None and all(line.change is None for line in briefing.statuses)
    assert "đã chốt)" not in response.content.decode()


def test_the_groups_the_targets_off_track_the_overdue_tasks_and_the_late_units(client_for, leader, program, office):
    make_task(program, code="NV-1.01", lead="PVHTT", deadline=datetime.date(2025, 6, 30), name="Đề án quá hạn")
    make_task(program, code="NV-1.02", lead="PVHTT", deadline=datetime.date(2026, 12, 31))  # in time
    make_report(target="XD-03", author=office, status=Status.APPROVED, year=2025, value="100", reviewer=office)
    with time_machine.travel(TODAY):
        briefing = selectors.briefing(program=program)
        response = client_for(leader).get(URL)
    assert [g["code"] for g in briefing.groups] == ["XD", "KT", "VH", "DD", "DT", "AN"]
    assert sum(g["total"] for g in briefing.groups) == 41
    assert [row.code for row in briefing.off_track] == ["XD-03"]  # 100 against a plan of 400
    assert [row.task.code for row in briefing.overdue_tasks] == ["NV-1.01"]
    assert briefing.overdue_tasks[0].state.overdue_days == 244
    assert briefing.late_year == 2025
    html = response.content.decode()
    assert "Đề án quá hạn" in html and "244 ngày quá hạn" in html
    assert 'data-code="XD-03"' in html


def test_the_lists_are_cut_to_fit_one_page(program, office):
    for n in range(selectors.BRIEFING_LIST_LIMIT + 3):
        make_task(program, code=f"NV-1.{n:02d}", lead="PVHTT", deadline=datetime.date(2025, 6, 1 + n))
    with time_machine.travel(TODAY):
        briefing = selectors.briefing(program=program)
    assert len(briefing.overdue_tasks) == selectors.BRIEFING_LIST_LIMIT and briefing.overdue_tasks_more == 3
    # The most overdue first.
    assert briefing.overdue_tasks[0].task.code == "NV-1.00"
    assert len(briefing.late_units) <= selectors.BRIEFING_LIST_LIMIT


def test_the_late_units_count_late_figures_and_overdue_tasks(program, office, monkeypatch):
    # Every late unit (the module, not the function the package re-exports under the same name).
    monkeypatch.setattr(importlib.import_module("targets.selectors.briefing"), "BRIEFING_LIST_LIMIT", 100)
    make_task(program, code="NV-1.01", lead="PVHTT", deadline=datetime.date(2025, 6, 30))
    # BTCQU (XD-01 to XD-03) submitted XD-01 on time and XD-02 late; XD-03 never.
    with time_machine.travel(datetime.datetime(2026, 1, 20, 9, tzinfo=datetime.UTC)):
        make_report(target="XD-01", author=office, status=Status.SUBMITTED, year=2025, value="95", unit="BTCQU")
    with time_machine.travel(datetime.datetime(2026, 2, 20, 9, tzinfo=datetime.UTC)):
        make_report(target="XD-02", author=office, status=Status.SUBMITTED, year=2025, value="95", unit="BTCQU")
    with time_machine.travel(TODAY):
        briefing = selectors.briefing(program=program)
    units = {u.code: u for u in briefing.late_units}
    # 2025's yearly figures were due on 31/01/2026: PVHTT sent none of its four, and has a task overdue.
    assert (units["PVHTT"].late_figures, units["PVHTT"].overdue_tasks) == (4, 1)
    assert (units["BTCQU"].late_figures, units["BTCQU"].overdue_tasks) == (2, 0)
    # The worst first: late figures and overdue tasks together.
    totals = [u.late_figures + u.overdue_tasks for u in briefing.late_units]
    assert totals == sorted(totals, reverse=True)


def test_who_may_read_it(client, client_for, leader, staff_a, office, nobody):
    assert client.get(URL).status_code == 302
    assert client_for(nobody).get(URL).status_code == 403
    for user in (leader, staff_a, office):
        assert client_for(user).get(URL).status_code == 200


def test_the_overview_and_the_review_link_to_it(client_for, leader, program):
    client = client_for(leader)
    assert f'href="{URL}"' in client.get("/p/12-ctr-qu/").content.decode()
    assert f'href="{URL}"' in client.get("/p/12-ctr-qu/reviews/2025/").content.decode()


@pytest.mark.parametrize("extra", [0, 30])
def test_the_queries_stay_the_same_as_targets_and_tasks_grow(
    client_for, leader, office, program, closed_2025, extra, django_assert_num_queries
):
    add_targets(program, extra, author=office)
    for n in range(1 + extra):
        make_task(program, code=f"NV-1.{n:02d}", supporting=["BTCQU"], deadline=datetime.date(2025, 6, 30))
    client = client_for(leader)
    # session, user, memberships, the programme, the menu's programmes; the closed years, the groups,
    # the rows today and at the end of 2025 (4 each), the tasks (3: no supporting units; their updates' and
    # reminders' counts), the late yearly figures.
    with time_machine.travel(TODAY), django_assert_num_queries(19):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.context["briefing"].total == 41 + extra
