"""One domain group (``/groups/<code>/``): its targets with status, latest figure, plan and a sparkline."""

import pytest

from .factories import TODAY, add_reports, known_figures


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)


def test_requires_login(client, program):
    response = client.get("/p/12-ctr-qu/groups/VH/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_refuses_a_user_without_role(client_for, nobody, program):
    assert client_for(nobody).get("/p/12-ctr-qu/groups/VH/").status_code == 403


def test_unknown_group_is_404(client_for, office, program):
    assert client_for(office).get("/p/12-ctr-qu/groups/ZZ/").status_code == 404


def test_no_programme_is_404(client_for, office, no_programme):
    assert client_for(office).get("/p/12-ctr-qu/groups/VH/").status_code == 404


@pytest.mark.parametrize("who", ["office", "leader", "staff_a"])
def test_lists_the_groups_targets(request, client_for, who, program):
    known_figures(request.getfixturevalue("office"))
    response = client_for(request.getfixturevalue(who)).get("/p/12-ctr-qu/groups/VH/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.code for r in rows] == [f"VH-{n:02d}" for n in range(1, 12)]
    assert rows[0].status == "achieved" and rows[1].status == "no_data"
    html = response.content.decode()
    assert 'data-chart="sparkline"' in html and 'data-key="VH-01"' in html and 'id="sparklines"' in html
    assert "status-achieved" in html


def test_sparklines_carry_each_targets_figures(client_for, office, program):
    known_figures(office)
    sparklines = client_for(office).get("/p/12-ctr-qu/groups/VH/").context["sparklines"]
    assert set(sparklines) == {"VH-01"}
    # The plan of each year beside the figures, so that the trend reads against it.
    assert sparklines["VH-01"] == {"labels": [2025], "values": [74.0], "plan": [70.0]}


@pytest.mark.parametrize("per_target", [5, 50])
def test_query_count_is_fixed(client_for, office, program, per_target, django_assert_num_queries):
    add_reports(program, per_target=per_target, author=office)
    client = client_for(office)
    # session, user, the user's groups (role); ETag versions; programme; the group; targets with groups and lead units;
    # milestones; approved yearly figures; the review rows that stand (frozen or overridden)
    with django_assert_num_queries(10):
        assert client.get("/p/12-ctr-qu/groups/KT/").status_code == 200
