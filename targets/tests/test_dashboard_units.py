"""The units index (``/units/``): every unit, those that lead no target too, with its punctuality in
reporting (the share of its due yearly figures first submitted by the deadline)."""

import datetime

import pytest

from targets import selectors
from targets.models import Unit

from .factories import TODAY, Status, add_reports, make_report, target


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)  # 15 June 2026: 2021–2025 are due (by 31/1 of the next year)


def on(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def test_requires_login_and_a_role(client, client_for, nobody, program):
    assert client.get("/p/12-ctr-qu/units/").status_code == 302
    assert client_for(nobody).get("/p/12-ctr-qu/units/").status_code == 403


def test_lists_every_unit_with_what_it_owes(client_for, leader, program):
    response = client_for(leader).get("/p/12-ctr-qu/units/")
    assert response.status_code == 200
    units = {u.code: u for u in response.context["units"]}
    assert set(units) == set(Unit.objects.values_list("code", flat=True))  # all 31
    idle = [u for u in units.values() if u.targets_led == 0]
    assert len(idle) == 13 and all(u.due == 0 and u.share is None for u in idle)
    # PVHTT leads four targets; the deadlines of 2021–2025 have passed (2025's was 31/1/2026).
    assert units["PVHTT"].targets_led == 4 and units["PVHTT"].due == 4 * 5
    html = response.content.decode()
    assert "31/1" in html and 'id="punctuality-rule"' in html


def test_punctuality_counts_the_first_submission_against_the_deadline(office, program):
    vh01, vh02 = target("VH-01"), target("VH-02")
    make_report(
        target=vh01, author=office, status=Status.APPROVED, year=2021, submitted_at=on(datetime.date(2022, 1, 20))
    )
    make_report(
        target=vh02, author=office, status=Status.APPROVED, year=2021, submitted_at=on(datetime.date(2022, 3, 1))
    )
    # A returned report sent in time and approved later counts from its first submission.
    make_report(
        target=vh01, author=office, status=Status.SUPERSEDED, year=2022, submitted_at=on(datetime.date(2023, 1, 5))
    )
    make_report(
        target=vh01, author=office, status=Status.APPROVED, year=2022, submitted_at=on(datetime.date(2023, 2, 9))
    )
    # A draft was never submitted; a supporting unit's report is not the lead unit's.
    make_report(target=vh02, author=office, year=2022)
    make_report(target=vh02, author=office, status=Status.APPROVED, year=2023, unit=Unit.objects.get(code="MTTQ"))
    pvhtt = next(u for u in selectors.unit_punctuality(program=program) if u.code == "PVHTT")
    assert (pvhtt.due, pvhtt.on_time, pvhtt.late, pvhtt.missing) == (20, 2, 1, 17)
    assert str(pvhtt.share) == "10.0"


def test_nothing_is_due_before_the_first_deadline(program):
    rows = selectors.unit_punctuality(program=program, today=datetime.date(2022, 1, 31))
    assert all(u.due == 0 for u in rows)
    rows = selectors.unit_punctuality(program=program, today=datetime.date(2022, 2, 1))
    assert next(u for u in rows if u.code == "PVHTT").due == 4


@pytest.mark.parametrize("per_target", [1, 12])
def test_query_count_is_fixed(client_for, office, program, per_target, django_assert_num_queries):
    add_reports(program, per_target=per_target, author=office)
    client = client_for(office)
    # session, user, the user's groups (role); ETag versions; programme; units with their targets led; first
    # submissions
    with django_assert_num_queries(7):
        assert client.get("/p/12-ctr-qu/units/").status_code == 200


def test_the_overview_and_a_unit_page_lead_to_the_index(client_for, leader, program):
    assert 'href="/p/12-ctr-qu/units/"' in client_for(leader).get("/p/12-ctr-qu/").content.decode()
    assert 'href="/p/12-ctr-qu/units/"' in client_for(leader).get("/p/12-ctr-qu/units/PVHTT/").content.decode()
