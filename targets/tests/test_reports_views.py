"""The reporting pages: the report form with every bad input, editing and its conflict, a report's page
with its history, /reports/ for each role with fixed query counts, the POST actions, evidence files,
and what waits on the home page."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets import permissions, selectors, services
from targets.models import ProgressReport, Unit

from .factories import Status, close_year, counts, make_report
from .factories import target as get_target

NEW = "/p/12-ctr-qu/targets/VH-01/reports/new/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English, whatever the catalogue says; the Vietnamese notation is tested
    by choosing Vietnamese (the language cookie) where it matters."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def vh01(program):
    return get_target("VH-01")


def post_data(**overrides):
    data = {"year": "2025", "quarter": "", "value": "7,5", "is_estimate": "false", "note": "", "evidence_url": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def zip_bytes(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32
DOCX = zip_bytes("[Content_Types].xml", "word/document.xml")
XLSX = zip_bytes("[Content_Types].xml", "xl/workbook.xml")


# --- The form page ----------------------------------------------------------------------------------------------


def test_the_form_shows_the_definition_the_plan_and_previous_figures(client_for, staff_a, vh01, office):
    make_report(target=vh01, author=staff_a, status=Status.APPROVED, year=2024, value="68.5")
    client = client_for(staff_a)
    client.cookies["django_language"] = "vi"
    response = client.get(NEW + "?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert vh01.name in html and vh01.unit_of_measure in html
    for name in ["year", "quarter", "value", "is_estimate", "note", "evidence_url", "evidence_file"]:
        assert f'name="{name}"' in html
    assert 'name="action" value="draft"' in html and 'name="action" value="submit"' in html
    assert 'name="unit"' not in html  # one unit: nothing to choose
    assert 'data-year="2025"' in html and 'class="table-primary" aria-current="true" data-year="2025"' in html
    assert "68,5" in html  # the approved 2024 figure, in Vietnamese notation
    milestone = vh01.milestones.get(year=2025)
    assert f"{milestone.min_value.normalize():f}".replace(".", ",") in html


def test_form_page_query_count_is_fixed(client_for, staff_a, vh01, django_assert_num_queries):
    client = client_for(staff_a)
    for year in range(2021, 2025):
        make_report(target=vh01, author=staff_a, status=Status.APPROVED, year=year)
    # session, user, groups, target, the user's units, the units they may report for,
    # panel: supporting units, milestones, approved figures, closed years; the period's reports already in
    with django_assert_num_queries(13):
        assert client.get(NEW).status_code == 200


@pytest.mark.parametrize(
    "typed, stored", [("7,5", "7.5"), ("7.5", "7.5"), ("1.234,5", "1234.5"), ("-2,25", "-2.25"), ("100", "100")]
)
def test_values_with_a_comma_or_a_point(typed, stored, client_for, staff_a, vh01):
    response = client_for(staff_a).post(NEW, post_data(value=typed))
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("report_detail", args=[report.pk])
    assert report.value == Decimal(stored) and report.status == Status.DRAFT and report.unit.code == "PVHTT"


def test_submit_button_submits(client_for, staff_a, vh01):
    client_for(staff_a).post(NEW, post_data(action="submit", is_estimate="true", quarter="3"))
    report = ProgressReport.objects.get()
    assert (report.status, report.is_estimate, report.quarter) == (Status.SUBMITTED, True, 3)


BAD_INPUT = [
    ("value", {"value": "abc"}),
    ("value", {"value": ""}),
    ("value", {"value": "NaN"}),
    ("value", {"value": "inf"}),
    ("value", {"value": "-Infinity"}),
    ("value", {"value": "1e5"}),
    ("value", {"value": "100000000000000"}),
    ("value", {"value": "1,23456"}),
    ("value", {"value": "1,234"}),  # could be a thousand times off (English groups with a comma)
    ("value", {"value": "7,5,3"}),
    ("year", {"year": "2019"}),
    ("year", {"year": "2031"}),
    ("year", {"year": "năm nay"}),
    ("year", {"year": None}),
    ("quarter", {"quarter": "0"}),
    ("quarter", {"quarter": "5"}),
    ("quarter", {"quarter": "Q1"}),
    ("note", {"note": "x" * 1_000_000}),
    ("note", {"note": "a\x00b"}),
    ("evidence_url", {"evidence_url": "javascript:alert(1)"}),
    ("evidence_url", {"evidence_url": "http://"}),
    ("evidence_url", {"evidence_url": "https://example.vn/" + "a" * 600}),
    ("unit", {"unit": "999999"}),
]


@pytest.mark.parametrize("field, overrides", BAD_INPUT, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_INPUT)])
def test_bad_input_names_the_field_and_writes_nothing(field, overrides, client_for, staff_a, vh01):
    before = counts()
    response = client_for(staff_a).post(NEW, post_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert "Nothing was saved" in response.content.decode()
    assert counts() == before


def test_the_typed_input_stays_in_the_form(client_for, staff_a, vh01):
    response = client_for(staff_a).post(NEW, post_data(value="bảy", note="Ghi chú của tôi"))
    html = response.content.decode()
    assert 'value="bảy"' in html and "Ghi chú của tôi" in html


def test_a_forged_unit_of_another_target_is_refused(client_for, staff_a, vh01, unit_b):
    before = counts()
    response = client_for(staff_a).post(NEW, post_data(unit=str(unit_b.pk)))
    assert "unit" in response.context["form"].errors
    assert counts() == before


@pytest.mark.parametrize("code, status", [("XD-01", 403), ("NO-SUCH", 404)])
def test_a_forged_target_code_is_refused(code, status, client_for, staff_a, program):
    before = counts()
    response = client_for(staff_a).post(f"/p/12-ctr-qu/targets/{code}/reports/new/", post_data())
    assert response.status_code == status
    assert counts() == before


def test_a_closed_year_is_refused_on_the_year_field(client_for, staff_a, vh01):
    close_year(vh01.program, 2025)
    client = client_for(staff_a)
    assert "2025 (closed)" in client.get(NEW).content.decode()
    before = counts()
    response = client.post(NEW, post_data())
    assert "closed" in response.context["form"].errors["year"][0]
    assert counts() == before


def test_a_second_report_for_the_same_period_is_refused(client_for, staff_a, vh01):
    client = client_for(staff_a)
    client.post(NEW, post_data())
    before = counts()
    response = client.post(NEW, post_data(value="8"))
    assert "year" in response.context["form"].errors
    assert counts() == before


# --- Choosing the unit ---------------------------------------------------------------------------------------------


@pytest.fixture
def staff_two_units(roles, unit_a):
    """A member of the Culture office and of the Front: both units of VH-03."""
    front = Unit.objects.get(code="MTTQ")
    services.user_ensure(
        username="staff-two", role=services.ROLE_UNIT_STAFF, password=services.DEMO_PASSWORD, units=[unit_a, front]
    )
    return get_user_model().objects.get(username="staff-two")


def test_a_member_of_two_units_of_the_target_chooses_one(client_for, staff_two_units, unit_a, unit_b):
    client = client_for(staff_two_units)
    url = "/p/12-ctr-qu/targets/VH-03/reports/new/"
    html = client.get(url).content.decode()
    assert 'name="unit"' in html and "Phòng Văn hóa và Thông tin" in html
    before = counts()
    response = client.post(url, post_data())
    assert "unit" in response.context["form"].errors  # several units: the choice is required
    response = client.post(url, post_data(unit=str(unit_b.pk)))  # forged
    assert "unit" in response.context["form"].errors
    assert counts() == before
    client.post(url, post_data(unit=str(unit_a.pk)))
    assert ProgressReport.objects.get().unit == unit_a


# --- Evidence files ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [
        ("bang-so-lieu.pdf", PDF),
        ("anh.PNG", PNG),
        ("anh.jpg", JPEG),
        ("anh.jpeg", JPEG),
        ("bao-cao.doc", OLE),
        ("bang.xls", OLE),
        ("bao-cao.docx", DOCX),
        ("bang.xlsx", XLSX),
    ],
)
def test_evidence_files_of_the_accepted_kinds(name, content, client_for, staff_a, vh01, leader, staff_b):
    client = client_for(staff_a)
    client.post(NEW, {**post_data(), "evidence_file": SimpleUploadedFile(name, content)})
    report = ProgressReport.objects.get()
    assert report.evidence_file.name.startswith("evidence/")
    response = client.get(reverse("report_evidence", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == content
    assert client_for(staff_b).get(reverse("report_evidence", args=[report.pk])).status_code == 403


@pytest.mark.parametrize(
    "name, content",
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 32),
        ("ghi-chu.txt", b"hello"),
        ("trang.html", b"<script>alert(1)</script>"),
        ("anh-that.pdf", PNG),  # a PNG named .pdf
        ("bao-cao.docx", XLSX),  # a workbook named .docx
        ("bao-cao.docx", b"PK\x03\x04 this is not a zip"),
        ("bang.xlsx", zip_bytes("hello.txt")),
        ("rong.pdf", b""),
        ("khong-ten", PDF),
    ],
)
def test_evidence_files_of_the_wrong_kind_are_refused(name, content, client_for, staff_a, vh01):
    before = counts()
    response = client_for(staff_a).post(NEW, {**post_data(), "evidence_file": SimpleUploadedFile(name, content)})
    assert "evidence_file" in response.context["form"].errors
    assert counts() == before


def test_an_evidence_file_over_the_limit_is_refused(settings, client_for, staff_a, vh01):
    settings.EVIDENCE_MAX_BYTES = 40
    before = counts()
    response = client_for(staff_a).post(
        NEW, {**post_data(), "evidence_file": SimpleUploadedFile("to.pdf", PDF + b"x" * 10)}
    )
    assert "too large" in response.context["form"].errors["evidence_file"][0]
    assert counts() == before


def test_the_default_evidence_limit_is_ten_megabytes():
    from caugiay import settings as project_settings

    assert project_settings.EVIDENCE_MAX_BYTES == 10 * 1024 * 1024


# --- Editing and conflicts ---------------------------------------------------------------------------------------


def edit_data(report, **overrides):
    return post_data(version=str(report.version), **overrides)


def test_edit_shows_the_saved_values_and_the_version(client_for, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a, value="1234.5", note="Cũ")
    client = client_for(staff_a)
    client.cookies["django_language"] = "vi"
    html = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert 'name="version" value="1"' in html
    assert 'value="1234,5"' in html  # no grouping in the field: it reads back as the same number
    del client.cookies["django_language"]  # back to the default, English here
    assert 'value="1234.5"' in client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert "Cũ" in html


def test_edit_saves_and_can_submit(client_for, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.RETURNED)
    response = client_for(staff_a).post(
        reverse("report_edit", args=[report.pk]), edit_data(report, value="72,25", action="submit")
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.value, report.status, report.version) == (Decimal("72.25"), Status.SUBMITTED, 3)


def test_a_stale_edit_is_refused_with_who_and_when_and_the_input_stays(client_for, staff_a, office, vh01):
    report = make_report(target=vh01, author=staff_a, value="70")
    url = reverse("report_edit", args=[report.pk])
    # The office saves first, from the version both of them loaded.
    client_for(office).post(url, edit_data(report, value="80", note="Văn phòng sửa"))
    client = client_for(staff_a)
    before = counts()
    response = client.post(url, edit_data(report, value="75,5", note="Ghi chú của đơn vị"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "office changed this report at" in html
    assert 'value="75,5"' in html and "Ghi chú của đơn vị" in html  # the input stays
    assert "Văn phòng sửa" in html  # and what is saved now is shown beside it
    assert 'name="version" value="2"' in html
    assert counts() == before
    report.refresh_from_db()
    assert report.value == Decimal("80")
    # Saving again, having seen the message, goes through.
    response = client.post(url, post_data(version="2", value="75,5"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.value == Decimal("75.5")


@pytest.mark.parametrize("version", [None, "", "abc", "0"])
def test_an_edit_without_a_good_version_writes_nothing(version, client_for, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a)
    before = counts()
    response = client_for(staff_a).post(reverse("report_edit", args=[report.pk]), post_data(version=version))
    assert "version" in response.context["form"].errors
    assert counts() == before


def test_an_approved_figure_is_not_edited_in_place(client_for, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.APPROVED)
    client = client_for(staff_a)
    before = counts()
    for method in (client.get, client.post):
        response = method(reverse("report_edit", args=[report.pk]), edit_data(report, value="99"))
        assert response.status_code == 302 and response["Location"] == reverse("report_detail", args=[report.pk])
    assert counts() == before


def test_correcting_an_approved_figure_keeps_its_period(client_for, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.APPROVED, year=2024, quarter=2)
    client = client_for(staff_a)
    html = client.get(reverse("report_correct", args=[report.pk])).content.decode()
    assert 'name="year" id="id_year" disabled' in html
    response = client.post(
        reverse("report_correct", args=[report.pk]), post_data(year="2026", quarter="4", value="75", action="submit")
    )
    correction = ProgressReport.objects.exclude(pk=report.pk).get()
    assert response["Location"] == reverse("report_detail", args=[correction.pk])
    assert (correction.year, correction.quarter, correction.supersedes, correction.status) == (
        2024,
        2,
        report,
        Status.SUBMITTED,
    )


# --- A report's page and its history -----------------------------------------------------------------------------


def test_the_report_page_shows_every_step_with_before_and_after(client_for, staff_a, office, vh01):
    report = services.report_create(user=staff_a, target=vh01, unit=vh01.lead_unit, year=2025, value=Decimal("70"))
    report = services.report_submit(user=staff_a, report=report)
    report = services.report_return(user=office, report=report, comment="Bổ sung nguồn số liệu")
    report = services.report_update(user=staff_a, report=report, version=report.version, year=2025, value=Decimal(71))
    html = client_for(staff_a).get(reverse("report_detail", args=[report.pk])).content.decode()
    for step in ('data-action="create"', 'data-action="submit"', 'data-action="return"', 'data-action="update"'):
        assert step in html
    assert "Bổ sung nguồn số liệu" in html
    assert "70\n" in html or "70 " in html
    assert "→" in html


def test_a_note_with_html_shows_as_text(client_for, staff_a, vh01):
    client = client_for(staff_a)
    client.post(NEW, post_data(note='<script>alert("x")</script><b>đậm</b>'))
    report = ProgressReport.objects.get()
    html = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "<script>alert" not in html and "<b>đậm</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;đậm&lt;/b&gt;" in html


def test_report_page_query_count_is_fixed(client_for, staff_a, office, vh01, django_assert_num_queries):
    report = services.report_create(user=staff_a, target=vh01, unit=vh01.lead_unit, year=2025, value=Decimal(1))
    for value in range(2, 8):
        report = services.report_update(
            user=staff_a, report=report, version=report.version, year=2025, value=Decimal(value)
        )
    report = services.report_submit(user=staff_a, report=report)
    services.report_return(user=office, report=report, comment="x")
    client = client_for(staff_a)
    # session, user, ETag versions, the report with its target, programme, group, lead unit, unit and
    # people; groups,
    # the user's units; history, its reviewers; corrections; panel: supporting units, milestones,
    # approved figures, closed years
    with django_assert_num_queries(14):
        assert client.get(reverse("report_detail", args=[report.pk])).status_code == 200


# --- /reports/ -----------------------------------------------------------------------------------------------------


def fill(staff, count, *, status=None):
    """``count`` reports of the Culture office on distinct periods, in a mix of statuses unless given."""
    codes = ["VH-01", "VH-02", "VH-04", "VH-05"]
    mix = [Status.RETURNED, Status.DRAFT, Status.SUBMITTED, Status.APPROVED]
    made = ProgressReport.objects.count()
    for n in range(made, made + count):
        target = get_target(codes[n % 4])
        year, quarter = 2021 + (n // 4) % 10, 1 + (n // 40) % 4
        make_report(target=target, author=staff, year=year, quarter=quarter, status=status or mix[n % 4])


def test_staff_see_their_units_reports_returned_first_with_the_comment(client_for, staff_a, staff_b, unit_b):
    fill(staff_a, 8)
    make_report(target=get_target("XD-01"), author=staff_b, status=Status.RETURNED)
    response = client_for(staff_a).get("/reports/")
    rows = list(response.context["listing"].page.object_list)
    assert len(rows) == 8 and all(r.unit.code == "PVHTT" for r in rows)
    assert [r.status for r in rows][:2] == [Status.RETURNED, Status.RETURNED]
    assert "Kiểm tra lại số liệu." in response.content.decode()
    assert 'id="bulk-approve"' not in response.content.decode()
    assert [t.code for t in response.context["reportable"]] == ["VH-01", "VH-02", "VH-03", "VH-04", "VH-05"]
    assert "/p/12-ctr-qu/targets/VH-03/reports/new/" in response.content.decode()


def test_the_office_lands_on_the_queue_oldest_first(client_for, office, staff_a, program):
    fill(staff_a, 3, status=Status.SUBMITTED)
    reports = list(ProgressReport.objects.order_by("pk"))
    for days, report in zip([1, 3, 2], reports, strict=True):
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=report.submitted_at.replace(day=days))
    make_report(target=get_target("VH-05"), author=staff_a, status=Status.DRAFT, year=2030)
    response = client_for(office).get("/reports/")
    rows = list(response.context["listing"].page.object_list)
    assert [r.pk for r in rows] == [reports[0].pk, reports[2].pk, reports[1].pk]
    html = response.content.decode()
    assert 'id="bulk-approve"' in html and html.count('name="reports"') == 3
    assert html.count('name="comment"') == 3
    assert html.count('/approve/"') == 4  # one per row, and the bulk form


def test_leaders_read_without_any_form(client_for, leader, staff_a, program):
    fill(staff_a, 8)
    response = client_for(leader).get("/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    # Leaders read the approved figures, not units' unfinished reports (issue 12): 2 of the mix of 8.
    assert {r.status for r in response.context["listing"].page.object_list} == {Status.APPROVED}
    assert len(response.context["listing"].page.object_list) == 2
    assert 'method="post"' not in html.split('id="main"')[1].split("</main>")[0]


def test_status_filter_and_pagination(client_for, office, staff_a, program):
    fill(staff_a, 8)
    client = client_for(office)
    response = client.get("/reports/?status=returned")
    assert {r.status for r in response.context["listing"].page.object_list} == {Status.RETURNED}
    assert client.get("/reports/?status=all").context["listing"].total == 8
    assert client.get("/reports/?status=nonsense&page=abc").status_code == 200


@pytest.mark.parametrize(
    "who, status, queries",
    [
        # session, user, memberships, ETag versions, the programmes, the user's units, counts by status (the
        # paginator's count too), page of reports, their previous figures, the targets they report on; the
        # to-do: returned and drafts, targets owed
        ("staff_a", None, 13),
        # session, user, memberships, ETag versions, the programmes, the filters' units and groups, counts by
        # status, page (the approval queue), its previous figures, the page's milestones (plans), the approvals
        # to undo; each list + the task updates in the same status (with their total: 1)
        ("office", None, 13),
        ("leader", "all", 9),
    ],
)
def test_report_list_query_count_does_not_grow(
    who, status, queries, request, client_for, staff_a, program, django_assert_num_queries
):
    client = client_for(request.getfixturevalue(who))
    url = "/reports/" + (f"?status={status}" if status else "")
    # Leaders see approved reports only (issue 12), so theirs are all approved.
    mix = {"office": Status.SUBMITTED, "leader": Status.APPROVED}.get(who)
    fill(staff_a, 5, status=mix)
    with django_assert_num_queries(queries):
        assert len(client.get(url).context["listing"].page.object_list) == 5
    fill(staff_a, 45, status=mix)
    with django_assert_num_queries(queries):
        assert len(client.get(url).context["listing"].page.object_list) == 50


# --- The POST actions -------------------------------------------------------------------------------------------


def test_actions_refuse_get(client_for, office, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED)
    client = client_for(office)
    for name in ("report_submit", "report_withdraw", "report_approve", "report_return"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 405
    assert client.get(reverse("report_bulk_approve")).status_code == 405


def test_approve_from_the_queue_goes_back_to_it(client_for, office, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED)
    response = client_for(office).post(
        reverse("report_approve", args=[report.pk]), {"version": "1", "next": "/reports/?status=submitted"}
    )
    assert response["Location"] == "/reports/?status=submitted"
    report.refresh_from_db()
    assert report.status == Status.APPROVED


def test_an_unsafe_next_is_ignored(client_for, office, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED)
    response = client_for(office).post(reverse("report_approve", args=[report.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("report_detail", args=[report.pk])


def test_return_without_a_comment_writes_nothing(client_for, office, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED)
    before = counts()
    response = client_for(office).post(reverse("report_return", args=[report.pk]), {"comment": "  "}, follow=True)
    assert "a comment is required" in response.content.decode()
    assert counts() == before


def test_return_with_a_comment(client_for, office, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED)
    client_for(office).post(
        reverse("report_return", args=[report.pk]), {"comment": "Thiếu số liệu quý 4", "version": "1"}
    )
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (Status.RETURNED, "Thiếu số liệu quý 4")


def test_an_illegal_step_through_the_page_writes_nothing(client_for, staff_a, office, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.APPROVED)
    before = counts()
    for name, user in (("report_submit", staff_a), ("report_withdraw", staff_a), ("report_approve", office)):
        response = client_for(user).post(reverse(name, args=[report.pk]), follow=True)
        assert response.status_code == 200
        assert "this one is: Approved" in response.content.decode()
    assert counts() == before


def test_a_stale_submit_is_refused(client_for, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a)
    before = counts()
    response = client_for(staff_a).post(reverse("report_submit", args=[report.pk]), {"version": "5"}, follow=True)
    assert "changed this report" in response.content.decode()
    assert counts() == before


def test_withdrawing_a_draft_discards_it(client_for, staff_a, vh01):
    report = make_report(target=vh01, author=staff_a)
    response = client_for(staff_a).post(reverse("report_withdraw", args=[report.pk]), {"version": "1"})
    assert response["Location"] == reverse("report_list")
    assert not ProgressReport.objects.exists()


def test_bulk_approve_from_the_queue(client_for, office, staff_a, program):
    fill(staff_a, 3, status=Status.SUBMITTED)
    ids = list(ProgressReport.objects.values_list("pk", flat=True))
    data = {"reports": [str(i) for i in ids], **{f"version-{i}": "1" for i in ids}}
    response = client_for(office).post(reverse("report_bulk_approve"), data, follow=True)
    assert "3 reports were approved" in response.content.decode()
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {Status.APPROVED}


@pytest.mark.parametrize("bad", ["none ticked", ["abc"], ["999999"], "stale"])
def test_bulk_approve_with_bad_input_approves_nothing(bad, client_for, office, staff_a, program):
    fill(staff_a, 2, status=Status.SUBMITTED)
    ids = [str(i) for i in ProgressReport.objects.values_list("pk", flat=True)]
    if bad == "none ticked":
        data = {}
    elif bad == "stale":
        data = {"reports": ids, f"version-{ids[0]}": "9"}
    else:
        data = {"reports": ids + bad}
    before = counts()
    response = client_for(office).post(reverse("report_bulk_approve"), data, follow=True)
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert counts() == before
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {Status.SUBMITTED}


# --- What waits on the home page ----------------------------------------------------------------------------------


def test_staff_see_returned_drafts_and_missing_figures_on_the_home_page(client_for, staff_a, vh01, time_machine):
    time_machine.move_to("2026-03-02 09:00 +07:00")
    make_report(target=vh01, author=staff_a, status=Status.RETURNED, year=2026, quarter=1)
    make_report(target=get_target("VH-02"), author=staff_a, status=Status.APPROVED, year=2025)
    make_report(target=get_target("VH-04"), author=staff_a, status=Status.DRAFT, year=2026)
    waiting = selectors.waiting_for(user=staff_a)
    assert [r.target.code for r in waiting["returned"]] == ["VH-01"]
    assert [r.target.code for r in waiting["drafts"]] == ["VH-04"]
    assert waiting["missing_year"] == 2025
    assert [t.code for t in waiting["missing"]] == ["VH-01", "VH-04", "VH-05"]  # VH-02 has its 2025 figure
    html = client_for(staff_a).get("/p/12-ctr-qu/").content.decode()
    assert 'id="todo"' in html and "Kiểm tra lại số liệu." in html
    assert "/p/12-ctr-qu/targets/VH-05/reports/new/?year=2025" in html


def test_the_office_sees_how_many_reports_wait(client_for, office, staff_a, program):
    fill(staff_a, 12, status=Status.SUBMITTED)
    waiting = selectors.waiting_for(user=office)
    assert waiting["to_review"] == 12 and len(waiting["oldest"]) == selectors.WAITING_LIST_LIMIT
    assert "12 reports wait for your approval" in client_for(office).get("/p/12-ctr-qu/").content.decode()


@pytest.mark.parametrize("who, queries", [("office", 1), ("staff_a", 3), ("leader", 0)])
def test_waiting_query_counts(who, queries, request, staff_a, program, django_assert_num_queries):
    user = request.getfixturevalue(who)
    fill(staff_a, 8)
    permissions.rights(user)  # the page has read them already
    with django_assert_num_queries(queries):
        selectors.waiting_for(user=user)


def test_the_panel_plans_every_year_by_the_judging_rules(program):
    yearly = {row.year: row for row in selectors.report_target_panel(target=get_target("VH-01")).years}
    assert (yearly[2025].plan_kind, yearly[2025].plan_min, yearly[2025].plan_max) == (
        "milestone",
        Decimal("70"),
        Decimal("73"),
    )
    assert (yearly[2027].plan_kind, yearly[2027].plan_min, yearly[2027].plan_year) == ("yearly", Decimal("73"), 2030)
    # KT-03: baseline 65 in 2023, 66 in 2025, 70 in 2030, not yearly: in between, the straight line.
    line = {row.year: row for row in selectors.report_target_panel(target=get_target("KT-03")).years}
    assert (line[2027].plan_kind, line[2027].plan_min) == ("line", Decimal("67.6"))
    assert line[2030].plan_kind == "milestone"
