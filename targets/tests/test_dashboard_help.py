"""The help page (``/help/``): the rules in plain words, with an example per direction judged live."""

import pytest
from django.utils import translation


def test_requires_login(client, db):
    response = client.get("/help/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_refuses_a_user_without_role(client_for, nobody):
    assert client_for(nobody).get("/help/").status_code == 403


@pytest.mark.parametrize("who", ["office", "leader", "staff_a"])
def test_explains_the_rules_with_an_example_per_direction(request, client_for, who, settings):
    client = client_for(request.getfixturevalue(who))
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        response = client.get("/help/")
    assert response.status_code == 200
    examples = response.context["examples"]
    assert {e["direction"] for e in examples} == {"increase", "decrease", "keep"}
    # The examples are judged by assessment.py, so they show each status the rules can give.
    assert [e["status"] for e in examples] == ["at_risk", "achieved", "at_risk", "on_track", "off_track"]
    assert response.context["on_track"] == 95 and response.context["at_risk"] == 70


def test_thresholds_shown_come_from_settings(client_for, leader, settings):
    settings.TARGETS_ON_TRACK_RATIO = 0.9
    settings.TARGETS_AT_RISK_RATIO = 0.6
    response = client_for(leader).get("/help/")
    assert response.context["on_track"] == 90 and response.context["at_risk"] == 60


def test_query_count(client_for, leader, django_assert_num_queries):
    client = client_for(leader)
    # session, user, memberships (role), ETag versions, the menu's programmes, the codes of the period averages
    with django_assert_num_queries(6):
        assert client.get("/help/").status_code == 200
