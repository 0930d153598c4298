"""Conditional GET on the signed-in pages (views/conditional.py) and the programmes' data versions that
their ETags carry (services/versions.py): a repeat view is a 304, and any change the page shows, through
a service or the admin, makes it render afresh.

The tests run inside a transaction that never commits, so the bumps, which run after the commit, are run
here by ``django_capture_on_commit_callbacks(execute=True)``.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from targets import selectors, services
from targets.models import Program, Target
from targets.selectors.dashboards import _rows_key

PAGES = [
    "/p/12-ctr-qu/",
    "/p/12-ctr-qu/groups/VH/",
    "/p/12-ctr-qu/targets/",
    "/p/12-ctr-qu/targets/VH-01/",
    "/p/12-ctr-qu/units/PVHTT/",
    "/p/12-ctr-qu/reviews/2025/",
    "/help/",
    "/reports/",
]


def _etag(client, url):
    """The page as a browser has it. The first view of a session sets the CSRF cookie, which is part of
    the ETag, so the browser's copy to ask about again is the second."""
    if client.cookies.get("csrftoken") is None:
        client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.fixture
def office_client(client_for, office, program):
    return client_for(office)


@pytest.mark.parametrize("url", PAGES)
def test_a_repeat_view_is_a_304_and_both_say_private_no_cache(office_client, url):
    first = _etag(office_client, url)
    assert first.headers["ETag"] and first.headers["Cache-Control"] == "private, no-cache"
    again = office_client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["Cache-Control"] == "private, no-cache" and again.headers["ETag"] == first.headers["ETag"]


def test_a_304_runs_four_queries(office_client, django_assert_num_queries):
    etag = _etag(office_client, "/p/12-ctr-qu/targets/").headers["ETag"]
    # session, user, the user's groups (role), the programmes' data versions: nothing of the page itself
    with django_assert_num_queries(4):
        assert office_client.get("/p/12-ctr-qu/targets/", headers={"If-None-Match": etag}).status_code == 304


def test_the_report_page_and_the_imports_page_are_conditional(client_for, staff_a, vh01):
    report = services.report_create(user=staff_a, target=vh01, unit=vh01.lead_unit, year=2025, value=Decimal(1))
    client = client_for(staff_a)
    for url in (reverse("report_detail", args=[report.pk]), "/imports/"):
        etag = _etag(client, url).headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


@pytest.fixture
def vh01(program):
    return Target.objects.select_related("program", "lead_unit").get(program=program, code="VH-01")


def test_a_report_in_the_programme_changes_the_etag(office_client, staff_a, vh01, django_capture_on_commit_callbacks):
    before = _etag(office_client, "/p/12-ctr-qu/targets/").headers["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        services.report_create(user=staff_a, target=vh01, unit=vh01.lead_unit, year=2025, value=Decimal(7))
    response = office_client.get("/p/12-ctr-qu/targets/", headers={"If-None-Match": before})
    assert response.status_code == 200 and response.headers["ETag"] != before


def test_a_refused_write_moves_nothing(office, program, django_capture_on_commit_callbacks):
    version = Program.objects.get(pk=program.pk).data_version
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.year_reopen(user=office, program=program, year=2025, reason="not closed")
    assert Program.objects.get(pk=program.pk).data_version == version


def test_the_version_moves_once_after_the_commit_to_a_value_never_used(
    staff_a, vh01, django_capture_on_commit_callbacks
):
    program = vh01.program
    before = Program.objects.get(pk=program.pk).data_version
    with django_capture_on_commit_callbacks() as callbacks:
        services.report_create(user=staff_a, target=vh01, unit=vh01.lead_unit, year=2025, value=Decimal(7))
    assert Program.objects.get(pk=program.pk).data_version == before  # nothing before the commit
    for callback in callbacks:
        callback()
    moved = Program.objects.get(pk=program.pk).data_version
    assert moved > before
    assert moved > datetime.datetime(2026, 1, 1).timestamp() * 1_000_000  # microseconds of the clock, not 1


def test_an_import_moves_the_version_once(office, program, django_capture_on_commit_callbacks):
    from targets import imports

    rows = [(2, ("VH-01", "", "", 2025, None, 5, None, "")), (3, ("VH-02", "", "", 2025, None, 6, None, ""))]
    check = imports.check_rows(rows, user=office, program=program)
    assert check.is_valid, check
    with django_capture_on_commit_callbacks() as callbacks:
        services.import_confirm(user=office, rows=check.valid_rows)
    bumps = [c for c in callbacks if "versions" in c.__code__.co_filename]
    assert len(bumps) == 1


def test_a_write_in_another_programme_leaves_the_etag(
    office_client, office, program, django_capture_on_commit_callbacks
):
    other = Program.objects.create(
        organisation=program.organisation,
        slug="99-ctr-qu",
        number="99-CTr/QU",
        title="Another",
        issued_on=datetime.date(2001, 1, 1),  # older: the pages still show 12-CTr/QU
        first_year=2020,
        last_year=2030,
        milestone_years=[2025, 2030],
    )
    before = {
        url: _etag(office_client, url).headers["ETag"]
        for url in ("/p/12-ctr-qu/targets/", "/p/12-ctr-qu/groups/VH/", "/help/")
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.year_close(user=office, program=other, year=2024)
    for url, etag in before.items():
        assert office_client.get(url, headers={"If-None-Match": etag}).status_code == 304, url


def test_closing_a_year_changes_the_etag(office_client, office, program, django_capture_on_commit_callbacks):
    before = _etag(office_client, "/p/12-ctr-qu/reviews/2024/").headers["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        services.year_close(user=office, program=program, year=2024)
    assert office_client.get("/p/12-ctr-qu/reviews/2024/", headers={"If-None-Match": before}).status_code == 200


def _admin_data(response) -> dict:
    """The admin change form's data as it stands, ready to be posted back (with changes)."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            widget = bound.field.widget
            if hasattr(widget, "widgets"):  # a date and a time in two inputs
                parts = widget.decompress(value)
                for index, part in enumerate(parts):
                    if part is not None:
                        data[f"{bound.html_name}_{index}"] = part.strftime("%Y-%m-%d" if index == 0 else "%H:%M:%S")
                continue
            data[bound.html_name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def test_an_admin_edit_of_a_target_changes_the_etag(office_client, vh01, django_capture_on_commit_callbacks):
    before = _etag(office_client, "/p/12-ctr-qu/targets/VH-01/").headers["ETag"]
    url = reverse("admin:targets_target_change", args=[vh01.pk])
    data = _admin_data(office_client.get(url))
    data["name"] = "Tên mới của chỉ tiêu"
    with django_capture_on_commit_callbacks(execute=True):
        assert office_client.post(url, data).status_code == 302
    response = office_client.get("/p/12-ctr-qu/targets/VH-01/", headers={"If-None-Match": before})
    assert response.status_code == 200 and "Tên mới của chỉ tiêu" in response.content.decode()


def test_a_role_change_of_the_user_changes_the_etag(
    client, client_for, office, leader, program, django_capture_on_commit_callbacks
):
    leader_client = client_for(leader)
    before = _etag(leader_client, "/p/12-ctr-qu/targets/").headers["ETag"]
    leader_cookies = leader_client.cookies
    # The office makes the leader unit staff as well, with a membership in the admin.
    client.cookies = type(leader_cookies)()
    office_client = client_for(office)
    data = {"user": str(leader.pk), "organisation": str(program.organisation_id), "role": services.ROLE_UNIT_STAFF}
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(reverse("admin:targets_membership_add"), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
    roles = leader.memberships.values_list("role", flat=True)
    assert sorted(roles) == [services.ROLE_LEADER, services.ROLE_UNIT_STAFF]
    client.cookies = leader_cookies
    assert client.get("/p/12-ctr-qu/targets/", headers={"If-None-Match": before}).status_code == 200


def test_another_user_never_gets_a_304_for_someone_elses_etag(client_for, office, leader, program):
    etag = _etag(client_for(office), "/p/12-ctr-qu/targets/").headers["ETag"]
    leader_client = client_for(leader)
    response = leader_client.get("/p/12-ctr-qu/targets/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_another_language_or_query_string_is_another_etag(office_client, settings):
    vietnamese = _etag(office_client, "/p/12-ctr-qu/targets/").headers["ETag"]
    assert _etag(office_client, "/p/12-ctr-qu/targets/?q=van").headers["ETag"] != vietnamese
    office_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = office_client.get("/p/12-ctr-qu/targets/", headers={"If-None-Match": vietnamese})
    assert english.status_code == 200 and english.headers["ETag"] != vietnamese


def test_each_page_of_a_targets_history_is_another_etag(office_client):
    first = _etag(office_client, "/p/12-ctr-qu/targets/VH-01/").headers["ETag"]
    second = office_client.get("/p/12-ctr-qu/targets/VH-01/?history_page=2", headers={"If-None-Match": first})
    assert second.status_code == 200 and second.headers["ETag"] != first


def test_a_new_csrf_secret_is_a_new_etag(office_client, settings):
    etag = _etag(office_client, "/p/12-ctr-qu/targets/").headers["ETag"]
    office_client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert office_client.get("/p/12-ctr-qu/targets/", headers={"If-None-Match": etag}).status_code == 200


def test_a_page_with_a_message_waiting_renders(office_client):
    etag = _etag(office_client, "/reports/").headers["ETag"]
    # A refused bulk approval (nothing ticked) leaves a message and sends the office back to the list.
    assert office_client.post("/reports/approve/", {}).status_code == 302
    response = office_client.get("/reports/", headers={"If-None-Match": etag})
    with translation.override("vi"):
        message = translation.gettext("Tick the reports to approve.")
    assert response.status_code == 200 and message in response.content.decode()
    assert "ETag" not in response.headers  # the browser's copy must not bring the message back
    # Shown once: the next view is conditional again.
    assert office_client.get("/reports/", headers={"If-None-Match": etag}).status_code == 304


def test_signed_out_or_without_a_role_there_is_no_etag(client, client_for, nobody, program):
    response = client.get("/p/12-ctr-qu/targets/")
    assert response.status_code == 302 and "ETag" not in response.headers
    response = client_for(nobody).get("/p/12-ctr-qu/targets/")
    assert response.status_code == 403 and "ETag" not in response.headers


def test_the_layout_floor(client, client_for, leader, django_assert_num_queries):
    assert client.get("/_layout/").status_code == 302  # sign-in required
    signed_in = client_for(leader)
    # session, user, the user's memberships (roles), the programmes of the menu
    with django_assert_num_queries(4):
        response = signed_in.get("/_layout/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<nav" in html and "<main" in html and "/_layout/" not in html.split("<main", 1)[0].split("<nav", 1)[0]


def test_the_kept_rows_move_with_the_version_and_serve_every_user(
    client_for, office, leader, staff_a, vh01, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The programme's judged rows are kept under its version (selectors.program_rows): another user's
    overview reads them, an approval moves the version and the next overview reads the new figure."""
    as_of = selectors.dashboard_as_of(program=vh01.program)
    before = {row.code: row.latest_value for row in selectors.program_rows(program=vh01.program, as_of=as_of)}
    with django_assert_num_queries(0):  # kept: the same rows for everyone, no query
        selectors.program_rows(program=vh01.program, as_of=as_of)
    leader_view = client_for(leader).get("/p/12-ctr-qu/")
    assert leader_view.context["total"] == 41
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_create(user=staff_a, target=vh01, unit=vh01.lead_unit, year=2026, value=Decimal(77))
        services.report_submit(user=staff_a, report=report)
        services.report_approve(user=office, report=report)
    program = Program.objects.get(pk=vh01.program_id)
    after = {row.code: row.latest_value for row in selectors.program_rows(program=program, as_of=as_of)}
    assert before["VH-01"] != Decimal(77) and after["VH-01"] == Decimal(77)
    # One entry for the programme, the day and the language, now holding the new version's rows.
    assert cache.get(_rows_key(program, as_of))[0] == program.data_version
    response = client_for(office).get("/p/12-ctr-qu/units/PVHTT/")
    assert next(r for r in response.context["panel"].lead if r.code == "VH-01").latest_value == Decimal(77)
    # The rows carry the names in the page's language: each language has its own.
    with translation.override("en"):
        english = selectors.program_rows(program=program, as_of=as_of)
    with translation.override("vi"):
        vietnamese = selectors.program_rows(program=program, as_of=as_of)
    assert [r.id for r in english] == [r.id for r in vietnamese]
    assert any(e.name != v.name for e, v in zip(english, vietnamese, strict=True))
