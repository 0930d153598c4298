"""The overview (``/``): counts by progress status, by group and by lead unit, deadlines, the latest
approved figures, and the year selector; its numbers agree with the target table and the group pages."""

import pytest

from targets.models import ProgressReport

from .factories import TODAY, Status, add_reports, known_figures, make_report


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)


def counts_of(response) -> dict[str, int]:
    return {item["key"]: item["count"] for item in response.context["counts"]}


def test_requires_login(client, program):
    response = client.get("/p/12-ctr-qu/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_refuses_a_user_without_role(client_for, nobody, program):
    assert client_for(nobody).get("/p/12-ctr-qu/").status_code == 403


@pytest.mark.parametrize("who", ["office", "leader", "staff_a"])
def test_every_role_sees_the_overview(request, client_for, who, program):
    response = client_for(request.getfixturevalue(who)).get("/p/12-ctr-qu/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="doughnut"' in html and 'data-chart="stacked"' in html
    assert 'id="status-chart"' in html and 'id="groups-chart"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/dashboard.js" in html
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_counts_by_status_follow_the_rules(client_for, office, program):
    known_figures(office)
    response = client_for(office).get("/p/12-ctr-qu/")
    assert counts_of(response) == {"achieved": 1, "on_track": 1, "at_risk": 0, "off_track": 1, "no_data": 38}
    assert response.context["total"] == 41
    chart = response.context["status_chart"]
    assert chart["keys"] == ["achieved", "on_track", "at_risk", "off_track", "no_data"]
    assert chart["values"] == [1, 1, 0, 1, 38]


def test_counts_by_group_and_by_unit_add_up(client_for, office, program):
    known_figures(office)
    response = client_for(office).get("/p/12-ctr-qu/")
    by_group = {g["code"]: g for g in response.context["by_group"]}
    assert [g["code"] for g in response.context["by_group"]] == ["XD", "KT", "VH", "DD", "DT", "AN"]
    assert by_group["VH"]["counts"][0] == 1  # VH-01 achieved
    assert by_group["KT"]["counts"][1] == 1  # KT-01 on track
    assert by_group["XD"]["counts"][3] == 1  # XD-07 off track
    assert sum(g["total"] for g in by_group.values()) == 41
    assert sum(u["total"] for u in response.context["by_unit"]) == 41
    # The unit with a target off track comes first.
    assert response.context["by_unit"][0]["code"] == "UBND"
    series = response.context["groups_chart"]["series"]
    assert [s["key"] for s in series] == ["achieved", "on_track", "at_risk", "off_track", "no_data"]
    assert [sum(values) for values in zip(*(s["values"] for s in series), strict=True)] == [7, 8, 11, 5, 6, 4]


def test_the_numbers_agree_with_the_table_and_the_group_pages(client_for, office, program):
    add_reports(program, per_target=8, author=office)
    client = client_for(office)
    overview = counts_of(client.get("/p/12-ctr-qu/"))
    groups = [
        {c["key"]: c["count"] for c in client.get(f"/p/12-ctr-qu/groups/{code}/").context["counts"]}
        for code in ["XD", "KT", "VH", "DD", "DT", "AN"]
    ]
    for status, count in overview.items():
        assert client.get("/p/12-ctr-qu/targets/", {"status": status}).context["total"] == count, status
        assert sum(group[status] for group in groups) == count, status


def test_overdue_milestones_and_latest_figures(client_for, office, program):
    known_figures(office)
    response = client_for(office).get("/p/12-ctr-qu/")
    overdue = {(row.code, m.year) for row, m in response.context["deadlines"]["overdue"]}
    assert ("XD-07", 2025) in overdue and ("KT-05", 2025) in overdue
    assert ("VH-01", 2025) not in overdue  # done on time
    assert response.context["deadlines"]["due_soon"] == []
    latest = response.context["latest"]
    assert {r.target.code for r in latest} == {"VH-01", "KT-01", "XD-07"}
    assert all(r.status == ProgressReport.Status.APPROVED for r in latest)


def test_due_soon_within_ninety_days(client_for, office, program, time_machine):
    time_machine.move_to("2025-11-15T09:00:00+07:00", tick=False)
    response = client_for(office).get("/p/12-ctr-qu/")
    due_soon = response.context["deadlines"]["due_soon"]
    assert len(due_soon) == 40  # every 2025 milestone (DT-05 has none), none done yet
    assert response.context["deadlines"]["overdue"] == []


def test_the_picture_as_of_the_end_of_a_past_year(client_for, office, program):
    known_figures(office)
    make_report(target="VH-02", year=2024, value=90, status=Status.APPROVED, author=office)
    client = client_for(office)
    response = client.get("/p/12-ctr-qu/", {"year": 2024})
    assert response.context["as_of"].is_past and response.context["as_of"].year == 2024
    # Only VH-02's 2024 figure is of 2024 or earlier; it meets the 2025 milestone (86–88).
    assert counts_of(response) == {"achieved": 1, "on_track": 0, "at_risk": 0, "off_track": 0, "no_data": 40}
    assert {r.target.code for r in response.context["latest"]} == {"VH-02"}
    assert 'value="2024" selected' in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "1900", "2099", "", "2026"])
def test_a_bad_or_current_year_shows_today(client_for, office, program, year):
    response = client_for(office).get("/p/12-ctr-qu/", {"year": year})
    assert response.status_code == 200
    assert not response.context["as_of"].is_past


def test_without_programme(client_for, office, no_programme):
    """No programme yet: the home page says so, and the programme's old address is missing."""
    response = client_for(office).get("/")
    assert response.status_code == 200 and response.context["by_organisation"] == []
    assert "Chưa có chương trình nào" in response.content.decode()
    assert client_for(office).get("/p/12-ctr-qu/").status_code == 404


def test_keeps_what_waits_for_the_user(client_for, office, program):
    make_report(target="VH-01", year=2025, value=74, author=office, status=Status.SUBMITTED)
    response = client_for(office).get("/p/12-ctr-qu/")
    assert response.context["waiting"]["to_review"] == 1
    assert 'id="waiting"' in response.content.decode()


@pytest.mark.parametrize("per_target", [5, 50])
def test_query_count_is_fixed(client_for, office, program, per_target, django_assert_num_queries):
    add_reports(program, per_target=per_target, author=office)
    client = client_for(office)
    # session, user, the user's groups (role); ETag versions; what waits for the office (1); programme; groups;
    # targets with groups and lead units; milestones; approved yearly figures; the review rows that stand
    # (frozen or overridden: a year's figure is the review's); latest approved figures; the tasks panel's tasks
    # (none here: their updates' and reminders' counts are not read; test_tasks_views counts them)
    with django_assert_num_queries(13):
        assert client.get("/p/12-ctr-qu/").status_code == 200
    with django_assert_num_queries(13):
        assert client.get("/p/12-ctr-qu/", {"year": 2024}).status_code == 200


def test_every_chart_segment_and_count_links_to_its_targets(client_for, office, program):
    known_figures(office)
    response = client_for(office).get("/p/12-ctr-qu/")
    doughnut = response.context["status_chart"]
    assert doughnut["links"][0] == "/p/12-ctr-qu/targets/?status=achieved"
    bars = response.context["groups_chart"]
    achieved = next(s for s in bars["series"] if s["key"] == "achieved")
    assert achieved["links"][0] == "/p/12-ctr-qu/targets/?status=achieved&group=XD"
    html = response.content.decode()
    # Each count of the group and unit tables opens the same filtered table.
    assert 'href="/p/12-ctr-qu/targets/?group=VH&amp;status=achieved" data-status="achieved">1</a>' in html
    assert 'href="/p/12-ctr-qu/targets/?unit=PVHTT&amp;status=achieved" data-status="achieved">1</a>' in html
    # And the filtered table holds exactly the targets counted.
    listed = client_for(office).get("/p/12-ctr-qu/targets/?group=VH&status=achieved").context["table"].rows
    assert [row.record.code for row in listed] == ["VH-01"]


def test_a_past_years_links_keep_the_year(client_for, office, program):
    response = client_for(office).get("/p/12-ctr-qu/?year=2024")
    assert response.context["status_chart"]["links"][0] == "/p/12-ctr-qu/targets/?status=achieved&year=2024"
    assert "&amp;year=2024" in response.content.decode().split('id="group-counts"')[1].split("</table>")[0]
