"""One unit (``/units/<code>/``): its targets as lead and as support with their status, the targets it leads
with no figure for last year, and its reports returned for correction."""

import pytest

from .factories import TODAY, Status, add_reports, make_report


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)


def test_requires_login(client, program):
    response = client.get("/p/12-ctr-qu/units/PVHTT/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_refuses_a_user_without_role(client_for, nobody, program):
    assert client_for(nobody).get("/p/12-ctr-qu/units/PVHTT/").status_code == 403


def test_unknown_unit_is_404(client_for, office, program):
    assert client_for(office).get("/p/12-ctr-qu/units/NOPE/").status_code == 404


@pytest.mark.parametrize("who", ["office", "leader", "staff_b"])
def test_lead_and_supported_targets(request, client_for, who, program):
    response = client_for(request.getfixturevalue(who)).get("/p/12-ctr-qu/units/MTTQ/")
    assert response.status_code == 200
    panel = response.context["panel"]
    assert [r.code for r in panel.lead] == ["VH-03"]
    assert {"XD-06", "VH-01", "VH-02", "VH-05", "VH-10", "AN-02"} == {r.code for r in panel.support}
    assert sum(c["count"] for c in panel.counts) == 1


def test_late_and_returned_reports(client_for, office, program):
    make_report(target="VH-01", year=2025, value=72, status=Status.APPROVED, author=office)
    make_report(target="VH-02", year=2025, value=85, author=office, status=Status.SUBMITTED)
    returned = make_report(target="VH-04", year=2026, value=40, author=office, status=Status.RETURNED)
    panel = client_for(office).get("/p/12-ctr-qu/units/PVHTT/").context["panel"]
    assert panel.missing_year == 2025
    # VH-01 has its approved 2025 figure; VH-02's is only submitted, so still missing.
    assert [t.code for t in panel.missing] == ["VH-02", "VH-04", "VH-05"]
    assert panel.returned == [returned]


def test_the_year_before_the_programme_is_never_late(client_for, office, program):
    panel = client_for(office).get("/p/12-ctr-qu/units/PVHTT/", {"year": 2021}).context["panel"]
    assert panel.missing_year is None and panel.missing == []


@pytest.mark.parametrize("per_target", [5, 50])
def test_query_count_is_fixed(client_for, office, program, per_target, django_assert_num_queries):
    add_reports(program, per_target=per_target, author=office)
    client = client_for(office)
    # session, user, the user's groups (role); ETag versions; programme; the unit; targets led or supported, with
    # groups and lead units; milestones; approved yearly figures; the review rows that stand (frozen or
    # overridden); led targets without last year's figure; returned reports; the unit's tasks (none here: their
    # supporting units and their updates' and reminders' counts are not read)
    with django_assert_num_queries(13):
        alone = client.get("/p/12-ctr-qu/units/PVHTT/")
    # Once an overview has kept the programme's rows under its version (selectors.program_rows), the unit's
    # page picks its rows out of them with one query (the targets it supports) instead of judging them: the
    # same rows.
    client.get("/p/12-ctr-qu/")
    with django_assert_num_queries(10):
        kept = client.get("/p/12-ctr-qu/units/PVHTT/")
    for side in ("lead", "support"):
        assert [(r.code, r.status, r.latest_value) for r in getattr(kept.context["panel"], side)] == [
            (r.code, r.status, r.latest_value) for r in getattr(alone.context["panel"], side)
        ]
    assert kept.context["panel"].support
