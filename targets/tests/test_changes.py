"""What changed since the last meeting (issue 16): the statuses that moved, the figures approved and the
tasks done or fallen overdue between the last closed year's closing (or a chosen day) and today."""

import datetime

import pytest
import time_machine

from targets import selectors
from targets.models import ProgressReport, Target
from targets.tests.factories import add_reports, close_year, make_report, make_task

Status = ProgressReport.Status
URL = "/p/12-ctr-qu/changes/"


@pytest.fixture
def closed_then_approved(program, office, staff_a):
    """2025 closed on 10/01/2026 with no figure of VH-01; its 2025 figure approved on 01/02/2026."""
    with time_machine.travel(datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC)):
        close_year(program, 2025)
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)):
        report = make_report(
            target="VH-01", author=staff_a, status=Status.APPROVED, year=2025, value="95", reviewer=office
        )
    return report


def test_the_default_is_the_last_closing(client_for, leader, program, closed_then_approved):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)):
        response = client_for(leader).get(URL)
    assert response.status_code == 200
    changes = response.context["changes"]
    assert changes.since == datetime.date(2026, 1, 10) and changes.since_closure == 2025
    assert closed_then_approved in changes.approved
    moved = {m.row.code: m for m in changes.moved}
    assert "VH-01" in moved and moved["VH-01"].before == "no_data" and moved["VH-01"].after != "no_data"
    assert moved["VH-01"].is_better
    assert 'data-code="VH-01"' in response.content.decode()


def test_a_chosen_day_after_the_approval_shows_nothing_of_it(client_for, leader, program, closed_then_approved):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)):
        response = client_for(leader).get(URL, {"since": "15/02/2026"})
    changes = response.context["changes"]
    assert changes.since == datetime.date(2026, 2, 15) and changes.since_closure is None
    assert not changes.approved and "VH-01" not in {m.row.code for m in changes.moved}


def test_a_corrected_figure_counts_as_it_stood_then(program, office, staff_a):
    """A figure approved before the day and corrected after it: the day's picture has the first one."""
    with time_machine.travel(datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)):
        first = make_report(target="VH-01", author=staff_a, status=Status.APPROVED, year=2025, value="10")
    with time_machine.travel(datetime.datetime(2026, 2, 5, tzinfo=datetime.UTC)):
        first.status = Status.SUPERSEDED
        first.save()
        make_report(target="VH-01", author=staff_a, status=Status.APPROVED, year=2025, value="95", reviewer=office)
    rows = selectors.dashboard_rows(
        targets=Target.objects.filter(program=program, code="VH-01"),
        as_of=selectors.AsOf(date=datetime.date(2026, 1, 20), year=2026, is_past=True, years=[]),
        approved_by=datetime.datetime(2026, 1, 20, tzinfo=datetime.UTC),
    )
    assert rows[0].figures[2025] == 10


def test_tasks_done_and_fallen_overdue(program, office):
    make_task(program, code="NV-1.01", deadline=datetime.date(2026, 2, 1))
    changes = selectors.changes_since(
        program=program, since=datetime.date(2026, 1, 15), today=datetime.date(2026, 3, 1)
    )
    assert [row.task.code for row in changes.tasks_overdue] == ["NV-1.01"]


@pytest.mark.parametrize("since", ["32/13/2026", "abc", "01/01/2999"])
def test_a_bad_day_is_named_and_the_default_shown(client_for, leader, program, since):
    client = client_for(leader)
    client.cookies["django_language"] = "en"
    response = client.get(URL, {"since": since})
    assert response.status_code == 200
    assert response.context["form"].errors["since"]
    assert 'aria-invalid="true"' in response.content.decode()


def test_query_count_does_not_grow_with_reports(client_for, leader, office, program, django_assert_num_queries):
    client = client_for(leader)
    client.get(URL)
    # session, user, memberships, the programme, the menu's programmes, the last closing; the rows now and
    # then (4 each), the figures approved since; the tasks now and then (3 each, less the shared one)
    with django_assert_num_queries(17):
        client.get(URL)
    add_reports(program, per_target=12, author=office)
    with django_assert_num_queries(17):
        client.get(URL)


def test_the_overview_links_to_it(client_for, leader, program):
    assert f'href="{URL}"' in client_for(leader).get("/p/12-ctr-qu/").content.decode()


def test_the_open_years_review_shows_the_submitted_estimates_marked(client_for, leader, staff_a, program):
    """The December meeting: a unit's submitted estimate stands in for the missing approved figure, marked."""
    make_report(target="VH-01", author=staff_a, status=Status.SUBMITTED, year=2026, value="95", is_estimate=True)
    client = client_for(leader)
    plain = {line.code: line for line in client.get("/p/12-ctr-qu/reviews/2026/").context["review"].lines}
    assert plain["VH-01"].figure is None and not plain["VH-01"].unapproved
    response = client.get("/p/12-ctr-qu/reviews/2026/", {"estimates": "1"})
    line = {line.code: line for line in response.context["review"].lines}["VH-01"]
    assert line.unapproved and line.figure == 95 and line.assessment != "no_data"
    assert 'class="small text-warning-emphasis unapproved"' in response.content.decode()
    close_year(program, 2026)
    closed = client.get("/p/12-ctr-qu/reviews/2026/", {"estimates": "1"}).context["review"]
    assert not any(line.unapproved for line in closed.lines)
