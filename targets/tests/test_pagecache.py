"""The page cache: a page seen again comes from the cache until something it shows changes; it is never
served to another user or browser, nor after a role is taken away, nor in place of a message."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from targets import selectors, services
from targets.models import DataVersion, ProgressReport, Target, Unit
from targets.pagecache import CSRF_PLACEHOLDER
from targets.permissions import ROLE_LEADER

TARGET_PAGE = "/targets/VH-01/"


def first_page(client):
    """The browser's first page, which gives it its CSRF cookie; pages are cached from the next one on."""
    assert client.get("/help/").status_code == 200
    return client


def rendered(response) -> bool:
    """Whether the view rendered the page (a page from the cache carries no template context)."""
    return response.context is not None


def test_a_page_seen_again_comes_from_the_cache(client_for, office, program, django_assert_num_queries):
    client = first_page(client_for(office))
    first = client.get(TARGET_PAGE)
    assert rendered(first)
    # session, user, data version
    with django_assert_num_queries(3):
        again = client.get(TARGET_PAGE)
    assert not rendered(again)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    # The middleware still adds its headers to a page from the cache.
    assert "default-src 'self'" in again["Content-Security-Policy"]
    assert again["X-Frame-Options"] == "DENY"


def test_every_page_of_a_signed_in_user_is_cached(client_for, office, program):
    client = first_page(client_for(office))
    urls = [
        "/",
        "/groups/VH/",
        "/targets/",
        "/targets/?q=van+hoa",
        TARGET_PAGE,
        "/units/PVHTT/",
        "/targets/VH-01/reports/new/",
        "/reports/",
        "/reviews/2025/",
        "/reviews/2025/targets/VH-01/",
        "/imports/",
        "/help/",
    ]
    for url in urls:
        assert rendered(client.get(url)), url
        again = client.get(url)
        assert again.status_code == 200 and not rendered(again), url


def test_a_query_string_is_another_page(client_for, office, program):
    client = first_page(client_for(office))
    client.get("/targets/")
    assert rendered(client.get("/targets/?q=van"))
    assert not rendered(client.get("/targets/?q=van"))


def test_a_workflow_step_shows_at_once(client_for, office, staff_a, program, unit_a):
    target = Target.objects.get(code="VH-01")
    staff = first_page(client_for(staff_a))
    staff.get(TARGET_PAGE)
    report = services.report_create(
        user=staff_a, target=target, unit=unit_a, year=2025, value=Decimal("74.5"), submit=True
    )
    submitted = staff.get(TARGET_PAGE)
    assert rendered(submitted)
    services.report_approve(user=office, report=report)
    approved = staff.get(TARGET_PAGE)
    assert rendered(approved)
    assert approved.context["row"].status != submitted.context["row"].status


@pytest.mark.parametrize("change", ["save", "delete", "link", "role"])
def test_a_save_outside_the_services_moves_the_version(change, office, program):
    """The admin and the shell save models directly; the signals move the version all the same."""
    before = selectors.data_version()
    if change == "save":
        target = Target.objects.get(code="VH-01")
        target.name = "Tên mới"
        target.save()
    elif change == "delete":
        ProgressReport.objects.filter(pk__in=[]).delete()  # nothing deleted, nothing sent
        assert selectors.data_version() == before
        Unit.objects.create(code="TMP", name="Tạm", kind=Unit.Kind.values[0]).delete()
    elif change == "link":
        Target.objects.get(code="VH-01").supporting_units.add(Unit.objects.get(code="BTCQU"))
    else:
        office.groups.add(Group.objects.get(name=ROLE_LEADER))
    assert selectors.data_version() not in ("", before)


def sign_in(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": services.DEMO_PASSWORD})
    assert response.status_code == 302, "signed in"


def test_signing_in_does_not_move_the_version(client, office):
    before = selectors.data_version()
    sign_in(client, "office")
    assert selectors.data_version() == before


def test_a_service_moves_the_version_before_anything_else(staff_a, program, unit_a):
    """Every writer takes the version row's lock first, so two services never wait on each other in
    opposite order."""
    target = Target.objects.get(code="VH-01")
    with CaptureQueriesContext(connection) as queries:
        services.report_create(user=staff_a, target=target, unit=unit_a, year=2025, value=Decimal(70))
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].upper().startswith("SAVEPOINT")]
    assert DataVersion._meta.db_table in statements[0] and statements[0].upper().startswith("UPDATE")
    # ...and once: the report's own save does not move it again.
    assert sum(DataVersion._meta.db_table in sql for sql in statements) == 1


def test_a_changed_target_name_shows_at_once(client_for, office, program):
    client = first_page(client_for(office))
    client.get(TARGET_PAGE)
    target = Target.objects.get(code="VH-01")
    target.name = "Tỷ lệ khu dân cư văn hoá — tên sửa"
    target.save()
    assert "tên sửa" in client.get(TARGET_PAGE).content.decode()


def test_a_role_taken_away_is_refused_at_once(client_for, leader, program):
    client = first_page(client_for(leader))
    client.get("/")
    assert not rendered(client.get("/"))
    leader.groups.clear()
    assert client.get("/").status_code == 403


def test_a_deactivated_user_is_signed_out_at_once(client_for, leader, program):
    client = first_page(client_for(leader))
    client.get("/")
    leader.is_active = False
    leader.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_another_user_never_gets_the_page(client_for, office, leader, program):
    office_client = Client()
    office_client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    first_page(office_client).get("/")
    leader_client = Client()
    leader_client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
    first_page(leader_client)
    # Even with the office's CSRF cookie, the leader's page is the leader's.
    leader_client.cookies["csrftoken"] = office_client.cookies["csrftoken"].value
    page = leader_client.get("/")
    assert rendered(page)
    assert "leader" in page.content.decode()


def test_a_message_is_shown_and_not_kept(client_for, office, program):
    """A refusal writes nothing (the version stays) and redirects to a page already cached: the message
    shows all the same, and the page with the message is not kept."""
    client = first_page(client_for(office))
    client.get("/reports/")
    assert not rendered(client.get("/reports/"))
    response = client.post("/reports/approve/", {}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/reports/")
    message = str(next(iter(response.context["messages"])))
    assert message in response.content.decode()
    again = client.get(response.redirect_chain[-1][0])
    assert message not in again.content.decode()


def test_the_language_is_part_of_the_page(client_for, office, program):
    client = first_page(client_for(office))
    vietnamese = client.get("/help/").content.decode()
    english = client.get("/help/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="vi"' in vietnamese and 'lang="en"' in english


def test_a_new_day_is_a_new_page(client_for, office, program, time_machine):
    time_machine.move_to("2026-11-26T23:59:00+07:00", tick=False)
    client = first_page(client_for(office))
    client.get("/")
    assert not rendered(client.get("/"))
    time_machine.move_to("2026-11-27T00:01:00+07:00", tick=False)
    assert rendered(client.get("/"))


def test_forms_on_a_cached_page_still_work(office, program):
    """A page from the cache holds CSRF tokens made from the browser's own secret: they are accepted."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    first_page(client).get("/help/")
    cached = client.get("/help/")
    assert not rendered(cached)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cached.content.decode()).group(1)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/help/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_signing_in_again_gives_fresh_pages(client, office, program):
    """A new sign-in rotates the CSRF secret: pages holding the old tokens are not served."""
    sign_in(client, "office")
    first_page(client).get("/help/")
    assert not rendered(client.get("/help/"))
    client.post("/accounts/logout/")
    sign_in(client, "office")
    client.get("/")  # the CSRF cookie of the new session
    assert rendered(client.get("/help/"))


def test_the_cache_can_be_turned_off(client_for, office, program, settings, django_assert_num_queries):
    settings.TARGETS_PAGE_CACHE_SECONDS = 0
    client = first_page(client_for(office))
    with django_assert_num_queries(3):  # session, user, groups: no data version
        assert rendered(client.get("/help/"))
    assert rendered(client.get("/help/"))


def test_an_error_page_is_not_kept(client_for, office, program):
    client = first_page(client_for(office))
    assert client.get("/targets/NOPE/").status_code == 404
    assert client.get("/targets/NOPE/").status_code == 404
    assert client.get("/groups/NOPE/").status_code == 404


# --- The sign-in page, shared by everyone signed out -------------------------------------------------------


def csrf_tokens(response) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())


def test_the_sign_in_page_is_shared_with_each_visitor_s_own_token(office):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = first.get("/accounts/login/")
    assert rendered(page)
    shared = second.get("/accounts/login/")
    assert not rendered(shared)
    for response in (page, shared):
        tokens = csrf_tokens(response)
        assert len(tokens) == 2 and CSRF_PLACEHOLDER not in response.content.decode()
    assert csrf_tokens(page)[0] != csrf_tokens(shared)[0]
    # The page from the cache set the visitor's CSRF cookie, and its token signs them in.
    token = csrf_tokens(shared)[1]
    response = second.post(
        "/accounts/login/", {"username": "office", "password": services.DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_a_failed_sign_in_is_never_shared(office):
    client = Client(enforce_csrf_checks=True)
    token = csrf_tokens(client.get("/accounts/login/"))[1]
    refused = client.post("/accounts/login/", {"username": "office", "password": "wrong", "csrfmiddlewaretoken": token})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert CSRF_PLACEHOLDER not in refused.content.decode() and len(csrf_tokens(refused)) == 2
    other = Client().get("/accounts/login/")
    assert not other.context or not other.context["form"].errors
    assert 'value="office"' not in other.content.decode()


def test_the_sign_in_page_in_each_language_and_with_its_next(db):
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/?next=/reports/")
    vietnamese = Client(HTTP_ACCEPT_LANGUAGE="vi").get("/accounts/login/?next=/reports/")
    assert 'lang="en"' in english.content.decode() and 'lang="vi"' in vietnamese.content.decode()
    assert 'name="next" value="/reports/"' in Client().get("/accounts/login/?next=/reports/").content.decode()
    assert 'name="next" value=""' in Client().get("/accounts/login/").content.decode()


def test_a_signed_in_user_is_sent_on(client_for, office):
    response = client_for(office).get("/accounts/login/")
    assert response.status_code == 302


def test_migrate_moves_the_version(db):
    from django.core.management import call_command

    before = selectors.data_version()
    call_command("migrate", verbosity=0)
    assert selectors.data_version() not in ("", before)
