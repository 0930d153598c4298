"""Several organisations and programmes in one instance: the wards after 1 July 2025 and the city above them.

The module loads the Cầu Giấy ward's programme (fixtures/phuong-cau-giay/) beside the session's 12-CTr/QU,
and copies it to the Nghĩa Đô ward (``services.program_copy``, with its units), so that two wards hold a
target XD-01 each; its people are made here. That is written once for the module's tests (``_wards``) and
rolled back after them; what each test writes is rolled back after it.
"""

import datetime
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from targets import assessment, demo, services
from targets.models import (
    DomainGroup,
    Membership,
    Milestone,
    Organisation,
    Program,
    ProgressReport,
    ReviewReport,
    Target,
    Unit,
)
from targets.tests.conftest import module_data
from targets.tests.factories import make_report, make_task, make_task_update
from targets.tests.test_imports import row, upload, xlsx

Status = ProgressReport.Status
WARD_MANIFEST = Path(settings.BASE_DIR) / "fixtures" / "phuong-cau-giay" / "program.json"
PASSWORD = services.DEMO_PASSWORD


def _person(username, role, organisation, units=()):
    services.user_ensure(username=username, role=role, password=PASSWORD, units=list(units), organisation=organisation)
    return get_user_model().objects.get(username=username)


PEOPLE = {  # attribute: (username, role, organisation: "a", "b" or "city", with the ward's XD-01 lead unit)
    "office_a": ("office-a", services.ROLE_OFFICE, "a", False),
    "leader_a": ("leader-a", services.ROLE_LEADER, "a", False),
    "staff_a": ("staff-xd-a", services.ROLE_UNIT_STAFF, "a", True),
    "office_b": ("office-b", services.ROLE_OFFICE, "b", False),
    "staff_b": ("staff-xd-b", services.ROLE_UNIT_STAFF, "b", True),
    "city_leader": ("leader-city", services.ROLE_LEADER, "city", False),
    "city_office": ("office-city", services.ROLE_OFFICE, "city", False),
}


def _make_wards():
    """The two wards' programmes and people, once for the module (``conftest.module_data``): their ids."""
    ward_a, _summary = services.program_load_reference(manifest=WARD_MANIFEST)
    org_b = Organisation.objects.get(code="phuong-nghia-do")
    ward_b = services.program_copy(source=ward_a, organisation=org_b, create_units=True)
    organisations = {"a": ward_a.organisation, "b": org_b, "city": Organisation.objects.get(code="ha-noi")}
    xd01 = {key: Target.objects.get(program=ward, code="XD-01") for key, ward in (("a", ward_a), ("b", ward_b))}
    people = {
        name: _person(username, role, organisations[key], [xd01[key].lead_unit] if with_unit else []).pk
        for name, (username, role, key, with_unit) in PEOPLE.items()
    }
    return {"a": ward_a.pk, "b": ward_b.pk, "xd01_a": xd01["a"].pk, "xd01_b": xd01["b"].pk, "people": people}


_wards = module_data(_make_wards)


@pytest.fixture
def wards(db, program, _wards):
    """Two wards with a programme each (both with XD-01), their people, and the city's: written once for
    the module, read again for each test."""
    ward_a = Program.objects.select_related("organisation").get(pk=_wards["a"])
    ward_b = Program.objects.select_related("organisation").get(pk=_wards["b"])
    users = get_user_model().objects.in_bulk(_wards["people"].values())
    return SimpleNamespace(
        a=ward_a,
        b=ward_b,
        org_a=ward_a.organisation,
        org_b=ward_b.organisation,
        city=Organisation.objects.get(code="ha-noi"),
        xd01_a=Target.objects.select_related("program", "lead_unit").get(pk=_wards["xd01_a"]),
        xd01_b=Target.objects.select_related("program", "lead_unit").get(pk=_wards["xd01_b"]),
        **{name: users[pk] for name, pk in _wards["people"].items()},
    )


def test_two_wards_each_reach_their_own_xd01(client_for, wards):
    client = client_for(wards.city_leader)
    page_a = client.get(f"/p/{wards.a.slug}/targets/XD-01/")
    page_b = client.get(f"/p/{wards.b.slug}/targets/XD-01/")
    assert page_a.status_code == page_b.status_code == 200
    assert page_a.context["target"].pk == wards.xd01_a.pk
    assert page_b.context["target"].pk == wards.xd01_b.pk
    assert page_a.context["program"] == wards.a and page_b.context["program"] == wards.b


def test_a_ward_may_reuse_a_unit_code_of_another(wards):
    codes_a = set(wards.org_a.units.values_list("code", flat=True))
    codes_b = set(wards.org_b.units.values_list("code", flat=True))
    assert codes_b and codes_b <= codes_a  # the copy created the units its targets name, with the same codes
    with pytest.raises(ValidationError):
        Unit(organisation=wards.org_a, code=next(iter(codes_a)), name="Trùng", kind="party").full_clean()


# (who, what, expected status). "a" is the Cầu Giấy ward, "b" Nghĩa Đô, "city" Hà Nội above them both.
MATRIX = [
    ("office_a", "overview_a", 200),
    ("leader_a", "overview_a", 200),
    ("staff_a", "overview_a", 200),
    ("office_b", "overview_a", 404),
    ("staff_b", "overview_a", 404),
    ("city_leader", "overview_a", 200),
    ("city_office", "overview_a", 200),
    ("office_a", "approve_a", 302),
    ("leader_a", "approve_a", 403),
    ("staff_a", "approve_a", 403),
    ("office_b", "approve_a", 404),
    ("city_leader", "approve_a", 403),
    ("city_office", "approve_a", 403),
    ("office_a", "report_a", 200),
    ("staff_a", "report_a", 200),
    ("staff_b", "report_a", 404),
    ("leader_a", "report_a", 403),
    ("city_office", "report_a", 403),
    ("office_a", "close_a", 302),
    ("leader_a", "close_a", 403),
    ("office_b", "close_a", 404),
    ("city_office", "close_a", 403),
    ("office_a", "org_a", 200),
    ("office_b", "org_a", 404),
    ("city_leader", "org_a", 200),
    ("city_leader", "org_city", 200),
    ("office_a", "org_city", 404),
    ("office_a", "report_page_a", 200),
    ("office_b", "report_page_a", 404),
    ("city_leader", "report_page_a", 403),  # a submission is not yet a figure: leaders read approved ones
    ("office_a", "review_a", 200),
    ("office_b", "review_a", 404),
    # The yearly review's documents and the briefing (issue 15), the task updates' import (issue 14)
    ("office_a", "review_report_a", 200),
    ("city_leader", "review_report_a", 200),
    ("staff_a", "review_report_a", 403),
    ("office_b", "review_report_a", 404),
    ("staff_b", "review_report_a", 404),
    ("office_b", "review_report_post_a", 404),
    ("city_office", "review_report_post_a", 403),
    ("leader_a", "review_report_post_a", 403),
    ("city_leader", "review_report_docx_a", 200),
    ("office_b", "review_report_docx_a", 404),
    ("leader_a", "briefing_a", 200),
    ("city_leader", "briefing_a", 200),
    ("office_b", "briefing_a", 404),
    ("staff_a", "task_update_import_a", 200),
    ("staff_b", "task_update_import_a", 404),
    ("office_b", "task_update_import_a", 404),
]


@pytest.mark.parametrize(("who", "what", "expected"), MATRIX)
def test_the_permission_matrix_across_two_wards_and_the_city(client_for, wards, who, what, expected):
    submitted = make_report(target=wards.xd01_a, author=wards.staff_a, status=Status.SUBMITTED, year=2025)
    slug = wards.a.slug
    requests = {
        "overview_a": ("get", f"/p/{slug}/"),
        "approve_a": ("post", f"/reports/{submitted.pk}/approve/"),
        "report_a": ("get", f"/p/{slug}/targets/XD-01/reports/new/"),
        "close_a": ("post", f"/p/{slug}/reviews/2025/close/"),
        "org_a": ("get", f"/o/{wards.org_a.code}/"),
        "org_city": ("get", f"/o/{wards.city.code}/"),
        "report_page_a": ("get", f"/reports/{submitted.pk}/"),
        "review_a": ("get", f"/p/{slug}/reviews/2025/"),
        "review_report_a": ("get", f"/p/{slug}/reviews/2025/report/"),
        "review_report_post_a": ("post", f"/p/{slug}/reviews/2025/report/"),
        "review_report_docx_a": ("get", f"/p/{slug}/reviews/2025/report.docx"),
        "briefing_a": ("get", f"/p/{slug}/briefing/"),
        "task_update_import_a": ("get", f"/p/{slug}/tasks/updates/import/"),
    }
    method, url = requests[what]
    client = client_for(getattr(wards, who))
    response = client.post(url, {"reason": "Chốt số liệu."}) if method == "post" else client.get(url)
    assert response.status_code == expected, (who, what, response.status_code)
    if what == "review_report_post_a":
        assert not ReviewReport.objects.exists()
    if what == "approve_a":
        submitted.refresh_from_db()
        assert (submitted.status == Status.APPROVED) == (expected == 302)


def test_superusers_act_as_office_everywhere(client_for, wards):
    admin = get_user_model().objects.create_superuser("root", password=PASSWORD)
    client = client_for(admin)
    submitted = make_report(target=wards.xd01_b, author=wards.staff_b, status=Status.SUBMITTED, year=2025)
    assert client.get(f"/p/{wards.b.slug}/").status_code == 200
    assert client.post(f"/reports/{submitted.pk}/approve/").status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def test_lists_across_programmes_show_only_the_users_organisations(client_for, wards):
    mine = make_report(target=wards.xd01_a, author=wards.staff_a, status=Status.SUBMITTED, year=2025)
    theirs = make_report(target=wards.xd01_b, author=wards.staff_b, status=Status.SUBMITTED, year=2025)
    queue = client_for(wards.office_a).get("/reports/").context["listing"].page
    assert mine in queue and theirs not in queue
    home = client_for(wards.city_leader).get("/")
    shown = {p.slug for group in home.context["by_organisation"] for p in group.programs}
    assert {wards.a.slug, wards.b.slug, "12-ctr-qu"} <= shown
    only = client_for(wards.office_a).get("/")
    assert only.status_code == 302 and only["Location"] == f"/p/{wards.a.slug}/"


def test_old_addresses_lead_to_the_users_default_programme(client, client_for, wards, office):
    response = client_for(office).get("/targets/XD-01/?year=2024")
    assert response.status_code == 302 and response["Location"] == "/p/12-ctr-qu/targets/XD-01/?year=2024"
    ward = client_for(wards.office_a).get("/reviews/2025/export.xlsx")
    assert ward["Location"] == f"/p/{wards.a.slug}/reviews/2025/export.xlsx"
    client.logout()
    assert client.get("/targets/").status_code == 302 and "/accounts/login/" in client.get("/targets/")["Location"]


def _counts(response) -> dict[str, int]:
    return {c["key"]: c["count"] for c in response.context["counts"]}


def test_the_rollup_counts_equal_the_wards_overviews(client_for, wards):
    make_report(target=wards.xd01_a, author=wards.staff_a, status=Status.APPROVED, year=2025, value="95")
    client = client_for(wards.city_leader)
    response = client.get(f"/o/{wards.city.code}/")
    assert response.status_code == 200
    lines = {line.program.slug: line for line in response.context["lines"]}
    assert {wards.a.slug, wards.b.slug, "12-ctr-qu"} <= set(lines)
    total = dict.fromkeys(_counts(client.get(f"/p/{wards.a.slug}/")), 0)
    for slug, line in lines.items():
        overview = _counts(client.get(f"/p/{slug}/"))
        assert line.status_counts == list(overview.values()), slug
        assert line.total == sum(overview.values())
        for key, n in overview.items():
            total[key] += n
    assert response.context["totals"]["status_counts"] == list(total.values())
    assert lines[wards.a.slug].status_counts != lines[wards.b.slug].status_counts  # the approved figure counts
    workbook = load_workbook(filename=_bytes(client.get(f"/o/{wards.city.code}/rollup.xlsx")))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert rows[-1][0] in ("Tổng cộng", "Total", "Tổng")
    assert rows[-1][3] == response.context["totals"]["total"]


def _ward_tasks(wards, program):
    """Tasks in every deadline status in ward A, one overdue in 12-CTr/QU, none in ward B."""
    lead = wards.xd01_a.lead_unit.code
    make_task(wards.a, code="NV-1.01", lead=lead, deadline=datetime.date(2025, 6, 30))  # overdue
    make_task(wards.a, code="NV-1.02", lead=lead, deadline=datetime.date(2030, 6, 30))  # in time
    make_task(wards.a, code="NV-1.03", lead=lead, deadline=None, recurrence="ongoing")
    done = make_task(wards.a, code="NV-1.04", lead=lead, deadline=datetime.date(2025, 6, 30))
    make_task_update(
        task=done,
        author=wards.staff_a,
        status=Status.APPROVED,
        is_done=True,
        completed_on=datetime.date(2025, 6, 1),
    )
    make_task(wards.a, code="NV-1.05", lead=lead, deadline=datetime.date(2025, 6, 30), is_active=False)
    make_task(program, code="NV-9.01", deadline=datetime.date(2025, 6, 30))


def test_the_rollup_counts_tasks_as_each_wards_task_table(client_for, wards, program):
    _ward_tasks(wards, program)
    client = client_for(wards.city_leader)
    response = client.get(f"/o/{wards.city.code}/")
    lines = {line.program.slug: line for line in response.context["lines"]}
    for slug, line in lines.items():
        assert line.tasks == client.get(f"/p/{slug}/tasks/").context["total"], slug
        table = [client.get(f"/p/{slug}/tasks/?status={s}").context["total"] for s in assessment.TASK_STATUS_ORDER]
        assert line.task_counts == table, slug
    assert lines[wards.a.slug].task_counts == [1, 1, 0, 1, 1]  # overdue, in time, late, on time, ongoing
    assert lines[wards.b.slug].tasks == 0
    totals = response.context["totals"]
    assert totals["tasks"] == sum(line.tasks for line in lines.values())
    assert response.content.decode().count('data-count="task-overdue"') == len(lines)
    sheet = load_workbook(filename=_bytes(client.get(f"/o/{wards.city.code}/rollup.xlsx"))).worksheets[0]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert list(rows[-1][-6:]) == [totals["tasks"], *totals["task_counts"]]


def _bytes(response):
    from io import BytesIO

    assert response.status_code == 200
    return BytesIO(response.content)


def test_the_rollup_costs_the_same_queries_for_more_wards(client_for, wards, program, django_assert_max_num_queries):
    _ward_tasks(wards, program)
    client = client_for(wards.city_leader)
    client.get(f"/o/{wards.city.code}/")  # sessions and the like warmed
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # cold: no programme's counts kept
    with CaptureQueriesContext(connection) as before:
        client.get(f"/o/{wards.city.code}/")
    yen_hoa = Organisation.objects.get(code="phuong-yen-hoa")
    copy = services.program_copy(source=wards.a, organisation=yen_hoa, create_units=True)
    for n in range(1, 4):
        make_task(
            copy, code=f"NV-2.0{n}", group=2, lead=wards.xd01_a.lead_unit.code, deadline=None, recurrence="ongoing"
        )
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        response = client.get(f"/o/{wards.city.code}/")
    assert len(response.context["lines"]) == 4
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_rollup_and_a_wards_pages_cost_the_same_queries_as_wards_and_programmes_are_added(client_for, wards):
    make_report(target=wards.xd01_a, author=wards.staff_a, status=Status.APPROVED, year=2025, value="95")
    city, ward = wards.city_leader, wards.office_a
    pages = [
        (city, f"/o/{wards.city.code}/"),  # the roll-up
        (city, f"/o/{wards.city.code}/rollup.xlsx"),
        (ward, f"/p/{wards.a.slug}/"),  # the ward's overview
        (ward, f"/p/{wards.a.slug}/reviews/2025/"),
        (ward, f"/o/{wards.org_a.code}/"),  # the ward's own page: its programmes
    ]

    def queries() -> list[int]:
        counted = []
        for user, url in pages:
            client = client_for(user)
            client.get(url)  # the session and the like warmed
            cache.clear()  # cold: the roll-up's counts recomputed
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200, url
            counted.append(len(captured))
        return counted

    before = queries()
    lines = len(client_for(city).get(f"/o/{wards.city.code}/").context["lines"])
    # Two more wards under the city, with two programmes each, their units and a year of reports.
    demo.scale_data_generate(organisations=2, per_organisation=2, years=1)
    assert len(client_for(city).get(f"/o/{wards.city.code}/").context["lines"]) == lines + 4
    assert queries() == before


def test_the_rollup_keeps_each_programmes_counts_under_its_version(
    client_for, wards, django_capture_on_commit_callbacks
):
    """A repeat view reads every programme's counts from the cache; an approval in one ward moves that
    programme's data version, so the next view recomputes it (and only it) and shows the change."""
    client = client_for(wards.city_leader)
    url = f"/o/{wards.city.code}/"
    cold = client.get(url)
    with CaptureQueriesContext(connection) as warm_queries:
        warm = client.get(url)
    assert [line.status_counts for line in warm.context["lines"]] == [
        line.status_counts for line in cold.context["lines"]
    ]
    with CaptureQueriesContext(connection) as cold_queries:
        cache.clear()
        client.get(url)
    assert len(warm_queries) < len(cold_queries)
    submitted = make_report(target=wards.xd01_a, author=wards.staff_a, status=Status.SUBMITTED, year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(user=wards.office_a, report=submitted)
    after = {line.program.slug: line for line in client.get(url).context["lines"]}
    overview = client.get(f"/p/{wards.a.slug}/")
    assert after[wards.a.slug].status_counts == [c["count"] for c in overview.context["counts"]]
    before = {line.program.slug: line for line in cold.context["lines"]}
    assert after[wards.a.slug].status_counts != before[wards.a.slug].status_counts
    assert after[wards.b.slug].status_counts == before[wards.b.slug].status_counts


def test_program_copy_round_trip(wards, program):
    copy = services.program_copy(
        source=program, organisation=wards.org_a, number="12-CTr/ĐU", slug="12-ctr-du", create_units=True
    )
    assert copy.copied_from == program and copy.organisation == wards.org_a

    def shape(p):
        return sorted(
            (
                t.code,
                t.name,
                t.group.code,
                t.lead_unit.code,
                tuple(sorted(u.code for u in t.supporting_units.all())),
                tuple((m.year, m.min_value, m.max_value) for m in t.milestones.order_by("year")),
            )
            for t in p.targets.select_related("group", "lead_unit")
        )

    assert shape(copy) == shape(program)
    assert list(copy.groups.values_list("code", "name")) == list(program.groups.values_list("code", "name"))
    assert not ProgressReport.objects.filter(target__program=copy).exists()
    assert all(t.lead_unit.organisation_id == wards.org_a.pk for t in copy.targets.select_related("lead_unit"))
    assert program.targets.count() == 41  # the source is untouched


def test_program_copy_refuses_an_organisation_without_the_units(wards, program):
    before = (Program.objects.count(), Target.objects.count(), DomainGroup.objects.count(), Milestone.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.program_copy(source=program, organisation=wards.org_b)
    assert "BTCQU" in " ".join(refused.value.messages)
    after = (Program.objects.count(), Target.objects.count(), DomainGroup.objects.count(), Milestone.objects.count())
    assert after == before
    with pytest.raises(CommandError, match="BTCQU"):
        call_command("program_copy", "12-ctr-qu", wards.org_b.code)
    with pytest.raises(CommandError, match="No programme"):
        call_command("program_copy", "no-such-programme", wards.org_b.code)


def test_a_membership_cannot_name_a_unit_of_another_organisation(wards):
    with pytest.raises(ValidationError) as refused:
        services.user_ensure(
            username="mixed",
            role=services.ROLE_UNIT_STAFF,
            password=PASSWORD,
            units=[wards.xd01_b.lead_unit],
            organisation=wards.org_a,
        )
    assert wards.xd01_b.lead_unit.code in " ".join(refused.value.messages)
    assert not get_user_model().objects.filter(username="mixed").exists()
    assert not Membership.objects.filter(user__username="mixed").exists()


def test_an_import_refuses_another_organisations_codes(client_for, wards, program):
    client = client_for(wards.office_a)
    client.cookies["django_language"] = "en"
    before = ProgressReport.objects.count()
    data = xlsx([row("XD-01", value="95"), row("KT-08", value="7")])
    response = client.post("/imports/", {"file": upload(data), "program": wards.a.slug})
    check = response.context["check"]
    errors = {r.number: r.errors for r in check.rows}
    assert not check.is_valid and not errors[2] and errors[3]  # KT-08 is the district's, not the ward's
    # Another ward's programme cannot be chosen at all.
    other = client.post("/imports/", {"file": upload(data), "program": wards.b.slug})
    assert other.status_code == 200 and "program" in other.context["form"].errors
    assert ProgressReport.objects.count() == before


def test_slugs_and_codes_of_another_organisation_answer_404(client_for, wards):
    client = client_for(wards.office_b)
    assert client.get(f"/p/{wards.a.slug}/targets/XD-01/").status_code == 404
    assert client.get(f"/p/{wards.a.slug}/imports/template.xlsx").status_code == 404
    assert client.get(f"/o/{wards.org_a.code}/rollup.xlsx").status_code == 404
    assert client.get("/p/no-such-programme/").status_code == 404


def test_the_admin_shows_a_wards_office_its_own_rows_only(client_for, wards, program):
    client = client_for(wards.office_a)
    listing = client.get("/admin/targets/target/")
    assert listing.status_code == 200
    shown = {t.program_id for t in listing.context["cl"].result_list}
    assert shown == {wards.a.pk}
    district_target = Target.objects.get(program=program, code="XD-01")
    assert client.get(f"/admin/targets/target/{district_target.pk}/change/").status_code in (302, 404)
    form = client.get(f"/admin/targets/target/{wards.xd01_a.pk}/change/").context["adminform"].form
    assert set(form.fields["lead_unit"].queryset.values_list("organisation_id", flat=True)) == {wards.org_a.pk}
    programs = client.get("/admin/targets/program/").context["cl"].result_list
    assert {p.pk for p in programs} == {wards.a.pk}


def test_a_wards_office_cannot_reach_other_people_or_make_a_superuser(client_for, wards, office):
    client = client_for(wards.office_a)
    people = {u.username for u in client.get("/admin/auth/user/").context["cl"].result_list}
    assert "office-a" in people and "office-b" not in people and "office" not in people
    page = client.get(f"/admin/auth/user/{wards.office_a.pk}/change/")
    assert "is_superuser" not in page.context["adminform"].form.fields


def test_the_report_list_filters_by_programme(client_for, wards, program, office):
    """A superuser sees every programme's reports, and narrows them to one with ``?program=``."""
    admin = get_user_model().objects.create_superuser("root2", password=PASSWORD)
    a = make_report(target=wards.xd01_a, author=wards.staff_a, status=Status.SUBMITTED, year=2025)
    b = make_report(target=wards.xd01_b, author=wards.staff_b, status=Status.SUBMITTED, year=2025)
    client = client_for(admin)
    everything = client.get("/reports/")
    assert {a, b} <= set(everything.context["listing"].page.object_list)
    assert 'name="program"' in everything.content.decode()
    only_a = client.get("/reports/", {"program": wards.a.slug, "status": "submitted"})
    assert a in only_a.context["listing"].page.object_list and b not in only_a.context["listing"].page.object_list


def test_the_programme_list_costs_the_same_queries_as_programmes_are_added(client_for, wards):
    client = client_for(wards.city_leader)
    client.get("/")

    def counted():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/")
        assert response.status_code == 200
        return len(captured)

    before = counted()
    services.program_copy(
        source=wards.a, organisation=Organisation.objects.get(code="phuong-yen-hoa"), create_units=True
    )
    assert counted() == before


def test_the_rollups_counting_path_counts_as_the_overviews_rows(wards, program, office):
    """``scope_counts_by_program`` (the roll-up's lean path) judges as ``dashboard_rows`` does, frozen years
    and overrides included: the same counts by progress and by milestone deadline for every programme."""
    from targets.models import AnnualReview
    from targets.selectors.dashboards import AsOf, dashboard_rows, scope_counts_by_program

    targets = list(Target.objects.filter(program=program).order_by("code")[:12])
    for i, target in enumerate(targets):
        make_report(target=target, author=office, status=Status.APPROVED, year=2024, value=str(10 + i * 7))
        make_report(target=target, author=office, status=Status.APPROVED, year=2025, value=str(20 + i * 9))
    # A closed year whose frozen figure differs from today's report, one frozen without a figure, an override.
    AnnualReview.objects.create(target=targets[0], year=2024, figure=99, is_frozen=True, assessment="achieved")
    AnnualReview.objects.create(target=targets[1], year=2024, figure=None, is_frozen=True, assessment="no_data")
    AnnualReview.objects.create(target=targets[2], year=2025, figure=1, is_overridden=True, assessment="achieved")
    make_report(target=wards.xd01_a, author=wards.staff_a, status=Status.APPROVED, year=2025, value="95")
    ids = [program.pk, wards.a.pk, wards.b.pk]
    for today in (datetime.date(2025, 11, 30), datetime.date(2026, 3, 1), datetime.date(2031, 1, 5)):
        as_of = AsOf(date=today, year=today.year, is_past=False, years=[])
        expected: dict[int, tuple] = {}
        for target_row in dashboard_rows(targets=Target.objects.filter(program__in=ids), as_of=as_of):
            by_status, by_deadline = expected.setdefault(target_row.program_id, ({}, {}))
            by_status[target_row.status] = by_status.get(target_row.status, 0) + 1
            for milestone in target_row.milestones:
                by_deadline[milestone.bucket] = by_deadline.get(milestone.bucket, 0) + 1
        counted = scope_counts_by_program(targets=Target.objects.filter(program__in=ids), as_of=as_of)
        assert {pk: (c.by_status, c.by_deadline) for pk, c in counted.items()} == expected, today
        assert counted[program.pk].total == program.targets.count()


def test_rollup_warm_keeps_every_programmes_counts_once_a_day(client_for, wards):
    client = client_for(wards.city_leader)
    client.get("/help/")  # signed in, session read
    cache.clear()
    call_command("rollup_warm", stdout=(out := io.StringIO()))
    programs = Program.objects.filter(organisation__parent__isnull=False).count()
    assert f"{programs} of {programs} programme(s) computed" in out.getvalue()
    call_command("rollup_warm", stdout=(again := io.StringIO()))
    assert f"0 of {programs} programme(s) computed" in again.getvalue()
    with CaptureQueriesContext(connection) as warm:
        client.get(f"/o/{wards.city.code}/")
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(f"/o/{wards.city.code}/")
    assert len(warm) < len(cold)  # the warmed counts were read, not computed


def test_the_menu_names_a_few_programmes_and_counts_the_rest(client_for, wards, django_assert_num_queries):
    """A city's leader reads every ward's programmes: the switcher names the first few (the current one
    always among them) and links to the list of all, with their number, at no extra query."""
    from targets.selectors import MENU_PROGRAMS_LIMIT

    for i in range(MENU_PROGRAMS_LIMIT + 2):
        Program.objects.create(
            organisation=wards.org_b,
            number=f"{90 + i}-CTr/ĐU",
            slug=f"menu-{i}",
            title="Chương trình thử",
            issued_on=datetime.date(2020, 1, 1),  # older: listed after the wards' own
            resolution="Nghị quyết thử",
            first_year=2025,
            last_year=2030,
        )
    client = client_for(wards.city_leader)
    total = Program.objects.filter(organisation__parent=wards.city).count()
    oldest = Program.objects.filter(organisation__parent=wards.city).order_by("issued_on", "-pk").first()
    page = client.get(f"/p/{oldest.slug}/").content.decode()
    menu = page.split('class="dropdown-menu"', 1)[1].split("</ul>", 1)[0]
    assert menu.count('class="dropdown-item') == MENU_PROGRAMS_LIMIT + 1  # the programmes and "all"
    assert f'href="/p/{oldest.slug}/" aria-current="page"' in menu
    assert f"({total})" in menu
    client.get(f"/p/{wards.a.slug}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/p/{wards.a.slug}/targets/")
    Program.objects.filter(slug__startswith="menu-").delete()
    with CaptureQueriesContext(connection) as many:
        client.get(f"/p/{wards.a.slug}/targets/")
    assert len(few) == len(many)
