"""The home page, the health check, the favicon, sign-in and the language switch."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse


def test_home_requires_login(client, db):
    response = client.get("/p/12-ctr-qu/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_refuses_a_user_without_role(client_for, nobody):
    assert client_for(nobody).get("/p/12-ctr-qu/").status_code == 403


@pytest.mark.parametrize("who", ["office", "leader", "staff_a"])
def test_home_lists_groups_targets_and_lead_units(request, client_for, who, program):
    response = client_for(request.getfixturevalue(who)).get("/p/12-ctr-qu/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ["Xây dựng Đảng", "Kinh tế", "Văn hóa - xã hội", "Xây dựng và quản lý đất đai", "Đô thị"]:
        assert name in html
    assert "VH-01" in html and "Phòng Văn hóa và Thông tin" in html


def test_home_query_count_is_fixed(client_for, office, program, django_assert_num_queries):
    client = client_for(office)
    # session, user, the user's groups (role), ETag versions, what waits for the office (the oldest submitted reports
    # with their total: 1), then the overview (test_dashboard_overview.py): programme, groups, targets with
    # groups and lead units, milestones, approved yearly figures, the review rows that stand (frozen or
    # overridden), latest approved figures, the tasks panel's tasks (none here)
    with django_assert_num_queries(13):
        assert client.get("/p/12-ctr-qu/").status_code == 200


def test_home_without_programme(client_for, office):
    response = client_for(office).get("/p/12-ctr-qu/")
    assert response.status_code == 200


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")):
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_favicon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"


def test_login_page_and_wrong_password(client, office):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "office", "password": "wrong"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_login_with_the_demo_password(client, office):
    response = client.post("/accounts/login/", {"username": "office", "password": "demo-password"})
    assert response.status_code == 302


def test_vietnamese_is_the_default_and_english_works(client_for, office, program):
    client = client_for(office)
    assert '<html lang="vi">' in client.get("/p/12-ctr-qu/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert '<html lang="en">' in client.get("/p/12-ctr-qu/").content.decode()


def test_login_page_and_healthz_query_counts(client, db, django_assert_num_queries):
    # The sign-in page reads the organisation's name (the current programme); the health check runs its
    # one SELECT 1.
    with django_assert_num_queries(1):
        assert client.get("/accounts/login/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/healthz/").status_code == 200


def test_the_sign_in_page_names_the_organisation_and_whom_to_ask(client, program, settings):
    html = client.get("/accounts/login/").content.decode()
    assert 'id="organisation">QUẬN ỦY CẦU GIẤY</p>' in html
    assert "Quên mật khẩu? Đề nghị Văn phòng" in html
    settings.TARGETS_SUPPORT_CONTACT = "đồng chí Hà, Văn phòng Quận ủy, 024 3833 0000"
    html = client.get("/accounts/login/").content.decode()
    assert "Quên mật khẩu? Liên hệ đồng chí Hà, Văn phòng Quận ủy, 024 3833 0000." in html


def test_no_page_links_to_the_health_check(client, client_for, leader, program):
    assert "/healthz/" not in client.get("/accounts/login/").content.decode()
    assert "/healthz/" not in client_for(leader).get("/help/").content.decode()


def test_the_support_contact_is_in_env_example(settings):
    assert "TARGETS_SUPPORT_CONTACT=" in (settings.BASE_DIR / ".env.example").read_text(encoding="utf-8")
