"""The target table (``/targets/``): filters by group, lead unit, status and direction, a search that
ignores Vietnamese diacritics (on SQLite and PostgreSQL alike), sorting, pagination, bad parameters."""

import pytest

from targets.models import Target
from targets.text import fold

from .factories import TODAY, add_reports, known_figures


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)


def codes(response) -> list[str]:
    return [row.code for row in response.context["table"].data]


def test_requires_login(client, program):
    response = client.get("/p/12-ctr-qu/targets/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_refuses_a_user_without_role(client_for, nobody, program):
    assert client_for(nobody).get("/p/12-ctr-qu/targets/").status_code == 403


@pytest.mark.parametrize("who", ["office", "leader", "staff_b"])
def test_lists_every_target_paginated(request, client_for, who, program):
    response = client_for(request.getfixturevalue(who)).get("/p/12-ctr-qu/targets/")
    assert response.status_code == 200
    assert response.context["total"] == 41
    html = response.content.decode()
    assert "XD-01" in html and 'href="/p/12-ctr-qu/targets/XD-01/"' in html
    assert "AN-04" not in html  # on page 2 (25 a page)
    assert (
        "AN-04" in client_for(request.getfixturevalue(who)).get("/p/12-ctr-qu/targets/", {"page": 2}).content.decode()
    )
    assert "table-responsive" in html


def test_search_ignores_diacritics_and_case(client_for, office, program):
    client = client_for(office)
    expected = sorted(t.code for t in Target.objects.all() if "van hoa" in fold(t.name + " " + t.name_en))
    assert "VH-01" in expected and "VH-04" not in expected  # "văn minh", not "văn hóa"
    assert "DT-01" not in expected  # "vận chuyển … sinh hoạt": the words, but not the phrase
    for query in ["van hoa", "văn hóa", "VĂN HOÁ", "  Van   Hoa "]:
        assert sorted(codes(client.get("/p/12-ctr-qu/targets/", {"q": query}))) == expected, query


def test_search_finds_codes_and_english_names(client_for, office, program):
    client = client_for(office)
    assert codes(client.get("/p/12-ctr-qu/targets/", {"q": "vh-01"})) == ["VH-01"]
    assert codes(client.get("/p/12-ctr-qu/targets/", {"q": "kết nạp"})) == ["XD-03"]
    assert codes(client.get("/p/12-ctr-qu/targets/", {"q": "Unemployment"})) == ["VH-09"]
    assert codes(client.get("/p/12-ctr-qu/targets/", {"q": "khong co chi tieu nay"})) == []


def test_filters_by_group_unit_direction_and_status(client_for, office, program):
    known_figures(office)
    client = client_for(office)
    assert set(codes(client.get("/p/12-ctr-qu/targets/", {"group": "AN"}))) == {"AN-01", "AN-02", "AN-03", "AN-04"}
    assert set(codes(client.get("/p/12-ctr-qu/targets/", {"unit": "PVHTT"}))) == {"VH-01", "VH-02", "VH-04", "VH-05"}
    decrease = set(codes(client.get("/p/12-ctr-qu/targets/", {"direction": "decrease"})))
    assert decrease == set(Target.objects.filter(direction="decrease").values_list("code", flat=True))
    assert codes(client.get("/p/12-ctr-qu/targets/", {"status": "achieved"})) == ["VH-01"]
    assert codes(client.get("/p/12-ctr-qu/targets/", {"status": "off_track", "group": "XD"})) == ["XD-07"]
    assert codes(client.get("/p/12-ctr-qu/targets/", {"status": "off_track", "group": "KT"})) == []
    assert codes(client.get("/p/12-ctr-qu/targets/", {"q": "van hoa", "unit": "PVHTT", "status": "achieved"})) == [
        "VH-01"
    ]


def test_filters_stay_in_the_links(client_for, office, program):
    html = client_for(office).get("/p/12-ctr-qu/targets/", {"group": "VH", "q": "van hoa"}).content.decode()
    # The sort links keep the filters, and the form shows them.
    assert "group=VH" in html and "q=van+hoa" in html
    assert 'value="van hoa"' in html
    assert '<option value="VH" selected>' in html


def test_sorting_by_status_and_by_code(client_for, office, program):
    known_figures(office)
    client = client_for(office)
    by_status = codes(client.get("/p/12-ctr-qu/targets/", {"sort": "status"}))
    assert by_status[:3] == ["VH-01", "KT-01", "XD-07"]  # achieved, on track, off track
    by_status_desc = codes(client.get("/p/12-ctr-qu/targets/", {"sort": "-status", "per_page": 50}))
    assert by_status_desc[0] != "VH-01"
    assert codes(client.get("/p/12-ctr-qu/targets/", {"sort": "-code"}))[0] == "AN-04"


@pytest.mark.parametrize(
    "params",
    [
        {"group": "NOPE"},
        {"unit": "<script>"},
        {"status": "great"},
        {"direction": "up"},
        {"q": "x" * 1000},
        {"page": "999"},
        {"page": "abc"},
        {"sort": "nonsense"},
        {"year": "20x5"},
    ],
)
def test_bad_parameters_never_break_the_page(client_for, office, program, params):
    response = client_for(office).get("/p/12-ctr-qu/targets/", params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<footer")[0]


def test_an_unknown_group_says_so(client_for, office, program):
    response = client_for(office).get("/p/12-ctr-qu/targets/", {"group": "NOPE"})
    assert response.context["filter"].errors["group"]


@pytest.mark.parametrize("per_target", [5, 50])
def test_query_count_is_fixed(client_for, office, program, per_target, django_assert_num_queries):
    add_reports(program, per_target=per_target, author=office)
    client = client_for(office)
    # session, user, the user's groups (role); ETag versions; programme; targets with groups and lead units; milestones;
    # approved yearly figures; the review rows that stand (frozen or overridden); the filter form's groups
    # and units
    with django_assert_num_queries(11):
        assert client.get("/p/12-ctr-qu/targets/").status_code == 200
    # + the chosen group and unit, looked up by code to validate them
    with django_assert_num_queries(13):
        assert (
            client.get(
                "/p/12-ctr-qu/targets/", {"group": "VH", "unit": "PVHTT", "q": "van", "status": "no_data"}
            ).status_code
            == 200
        )
