"""Importing figures from Excel: the template, the preview, the confirmation, and every refusal, each of
which leaves the number of reports as it was."""

import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook, load_workbook

from targets import imports, services
from targets.models import ProgressReport
from targets.services import imports as imports_service

HEADERS_EN = ["Code", "Target", "Unit of measure", "Year", "Quarter", "Value", "Estimate", "Note"]


def xlsx(rows, *, headers=HEADERS_EN, formats=None) -> bytes:
    """A workbook whose first sheet holds ``headers`` and ``rows``; ``formats`` maps a cell to a number format."""
    wb = Workbook()
    ws = wb.active
    if headers is not None:
        ws.append(headers)
    for row in rows:
        ws.append(list(row))
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed as text, as Excel keeps "'=1+1"
    for ref, number_format in (formats or {}).items():
        ws[ref].number_format = number_format
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="figures.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post_file(client, data, name="figures.xlsx"):
    client.cookies["django_language"] = "en"  # the messages the tests read are the English ones
    return client.post("/imports/", {"file": upload(data, name)})


def row(code, year=2025, quarter=None, value="7,5", estimate="no", note=""):
    return [code, "", "", year, quarter, value, estimate, note]


def verdicts(response) -> dict[int, list[tuple[str, str]]]:
    return {r.number: r.errors for r in response.context["check"].rows}


@pytest.fixture
def staff_client(client_for, staff_a):
    return client_for(staff_a)


# --- The template ----------------------------------------------------------------------------------------------


def test_the_template_lists_the_units_targets(staff_client, program):
    staff_client.cookies["django_language"] = "en"
    response = staff_client.get("/p/12-ctr-qu/imports/template.xlsx")
    assert response.status_code == 200
    assert "import-template-12-CTr-QU-PVHTT.xlsx" in response["Content-Disposition"]
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == HEADERS_EN
    assert [r[0] for r in rows[1:]] == ["VH-01", "VH-02", "VH-03", "VH-04", "VH-05"]
    assert rows[1][2] == "%" and isinstance(rows[1][3], int) and rows[1][5] is None
    assert ws.freeze_panes == "C2"


def test_the_office_template_has_every_target(client_for, office, program):
    ws = load_workbook(BytesIO(client_for(office).get("/p/12-ctr-qu/imports/template.xlsx").content)).worksheets[0]
    assert ws.max_row == 42


def test_leaders_and_strangers_cannot_import(client, client_for, leader, nobody, program):
    assert client.get("/imports/").status_code == 302
    for user in (leader, nobody):
        c = client_for(user)
        assert c.get("/imports/").status_code == 403
        assert c.get("/p/12-ctr-qu/imports/template.xlsx").status_code == 403
        assert c.post("/imports/", {"file": upload(xlsx([row("VH-01")]))}).status_code == 403
        assert c.post("/imports/confirm/", {"token": "x"}).status_code == 403
    assert ProgressReport.objects.count() == 0


def test_the_upload_page(staff_client, program, django_assert_num_queries):
    # session, user, ETag versions, the user's groups (role), programme
    with django_assert_num_queries(5):
        response = staff_client.get("/imports/")
    assert response.status_code == 200
    assert 'name="file"' in response.content.decode()


# --- A valid import ------------------------------------------------------------------------------------------------


def test_a_valid_import_creates_exactly_its_rows(staff_client, staff_a, program):
    data = xlsx(
        [
            row("VH-01", value="72,5", note="=1+1"),
            row("VH-02", value="88.5", estimate="yes"),
            row("vh-04", quarter=2, value=51),  # a number cell, and the code in lower case
            row("VH-05", value=None),  # no value: skipped
        ]
    )
    preview = post_file(staff_client, data)
    assert preview.status_code == 200
    check = preview.context["check"]
    assert check.is_valid
    assert [(r.code, r.value, r.skipped) for r in check.rows] == [
        ("VH-01", Decimal("72.5"), False),
        ("VH-02", Decimal("88.5"), False),
        ("vh-04", Decimal("51"), False),
        ("VH-05", None, True),
    ]
    assert ProgressReport.objects.count() == 0  # the preview writes nothing
    token = preview.context["confirm_form"]["token"].value()
    response = staff_client.post("/imports/confirm/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/reports/"
    reports = ProgressReport.objects.order_by("target__code", "quarter")
    assert [(r.target.code, r.quarter, r.value, r.is_estimate, r.status, r.author) for r in reports] == [
        ("VH-01", None, Decimal("72.5"), False, "submitted", staff_a),
        ("VH-02", None, Decimal("88.5"), True, "submitted", staff_a),
        ("VH-04", 2, Decimal("51"), False, "submitted", staff_a),
    ]
    assert reports[0].note == "=1+1" and reports[0].unit.code == "PVHTT"
    # The same token cannot import twice.
    again = staff_client.post("/imports/confirm/", {"token": token})
    assert again.status_code == 302 and again["Location"] == "/imports/"
    assert ProgressReport.objects.count() == 3


def test_a_supporting_unit_reports_in_its_own_name(staff_client, program):
    preview = post_file(staff_client, xlsx([row("VH-03", value="60")]))  # PVHTT supports VH-03, MTTQ leads
    staff_client.post("/imports/confirm/", {"token": preview.context["confirm_form"]["token"].value()})
    assert ProgressReport.objects.get().unit.code == "PVHTT"


def test_the_office_may_approve_at_once(client_for, office, program):
    client = client_for(office)
    preview = post_file(client, xlsx([row("XD-01", value="95"), row("KT-01", value="7,8", quarter=4)]))
    token = preview.context["confirm_form"]["token"].value()
    client.post("/imports/confirm/", {"token": token, "approve": "on"})
    reports = ProgressReport.objects.order_by("target__code")
    assert [(r.target.code, r.status, r.reviewer, r.unit) for r in reports] == [
        ("KT-01", "approved", office, reports[0].target.lead_unit),
        ("XD-01", "approved", office, reports[1].target.lead_unit),
    ]


def test_staff_cannot_approve_by_posting_the_box(staff_client, program):
    preview = post_file(staff_client, xlsx([row("VH-01")]))
    token = preview.context["confirm_form"]["token"].value()
    assert staff_client.post("/imports/confirm/", {"token": token, "approve": "on"}).status_code == 403
    assert ProgressReport.objects.count() == 0


def test_an_approved_figure_is_corrected(client_for, office, program):
    client = client_for(office)
    token = post_file(client, xlsx([row("XD-01", value="95")])).context["confirm_form"]["token"].value()
    client.post("/imports/confirm/", {"token": token, "approve": "on"})
    preview = post_file(client, xlsx([row("XD-01", value="96")]))
    assert preview.context["check"].rows[0].corrects == Decimal("95")
    client.post("/imports/confirm/", {"token": preview.context["confirm_form"]["token"].value(), "approve": "on"})
    assert list(ProgressReport.objects.order_by("pk").values_list("value", "status")) == [
        (Decimal("95"), "superseded"),
        (Decimal("96"), "approved"),
    ]


@pytest.mark.parametrize(
    "value, number_format, expected",
    [
        ("7,5", None, Decimal("7.5")),
        ("7.5", None, Decimal("7.5")),
        (7.5, None, Decimal("7.5")),
        (0.3, None, Decimal("0.3")),
        (1.234, None, Decimal("1.234")),  # a number cell is not ambiguous
        ("1 234,5", None, Decimal("1234.5")),
        ("95%", None, Decimal("95")),
        (0.95, "0%", Decimal("95")),  # "95 %" typed in a percent cell
        (-2, None, Decimal("-2")),
    ],
)
def test_values_people_type(staff_client, program, value, number_format, expected):
    data = xlsx([row("VH-01", value=value)], formats={"F2": number_format} if number_format else None)
    check = post_file(staff_client, data).context["check"]
    assert check.is_valid, check.rows[0].errors
    assert check.rows[0].value == expected


# --- Refusals: nothing is written ----------------------------------------------------------------------------------


def refused_file(response) -> list[str]:
    assert response.status_code == 200
    assert "check" not in response.context
    return [str(e) for e in response.context["form"].errors["file"]]


def test_a_file_that_is_not_xlsx(staff_client, program):
    with translation.override("en"):
        assert "Upload an Excel workbook" in refused_file(post_file(staff_client, b"code,value\nVH-01,7", "f.csv"))[0]
        assert "Upload an Excel workbook" in refused_file(post_file(staff_client, xlsx([row("VH-01")]), "f.xls"))[0]
        messages = refused_file(post_file(staff_client, b"code,value\nVH-01,7", "renamed.xlsx"))
    assert "not a readable Excel workbook" in messages[0]
    assert ProgressReport.objects.count() == 0


def test_a_corrupt_file(staff_client, program):
    good = xlsx([row("VH-01")])
    truncated = good[: len(good) // 2]
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not-really")
    for data in (truncated, buffer.getvalue()):
        assert "not a readable Excel workbook" in refused_file(post_file(staff_client, data))[0]
    assert ProgressReport.objects.count() == 0


def test_an_empty_file(staff_client, program):
    assert "empty" in refused_file(post_file(staff_client, b""))[0]
    assert "empty" in refused_file(post_file(staff_client, xlsx([], headers=None)))[0]
    assert "no rows of figures" in refused_file(post_file(staff_client, xlsx([])))[0]
    assert ProgressReport.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(staff_client, program, settings, monkeypatch):
    data = xlsx([row("VH-01")])
    settings.IMPORT_MAX_BYTES = len(data) - 1
    opened = []
    monkeypatch.setattr(imports, "load_workbook", lambda *a, **k: opened.append(1))
    assert "too large" in refused_file(post_file(staff_client, data))[0]
    assert opened == [] and ProgressReport.objects.count() == 0


def test_a_workbook_that_unpacks_too_large(staff_client, program, settings):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (settings.IMPORT_MAX_BYTES * imports.UNPACKED_RATIO + 1))
    assert "unpacks to more data" in refused_file(post_file(staff_client, buffer.getvalue()))[0]


def test_too_many_rows(staff_client, program, settings):
    settings.IMPORT_MAX_ROWS = 2
    data = xlsx([row("VH-01"), row("VH-02"), row("VH-04")])
    assert "more than 2 rows" in refused_file(post_file(staff_client, data))[0]
    assert ProgressReport.objects.count() == 0


def test_wrong_headers_name_the_column(staff_client, program):
    headers = ["Code", "Target", "Unit", "Year", "Quarter", "Amount", "Estimate", "Note"]
    messages = refused_file(post_file(staff_client, xlsx([row("VH-01")], headers=headers)))
    assert "Column C" in messages[1] and "Unit of measure" in messages[1]
    assert "Column F" in messages[2] and "Amount" in messages[2]
    assert ProgressReport.objects.count() == 0


def test_headers_in_vietnamese_are_accepted(client_for, staff_a, program):
    client = client_for(staff_a)
    with translation.override("vi"):
        vietnamese = [str(label) for _key, label in imports.FIGURE_COLUMNS]
    check = post_file(client, xlsx([row("VH-01")], headers=vietnamese)).context["check"]
    assert check.is_valid


@pytest.mark.parametrize(
    "bad_row, column, words",
    [
        (row("NOPE-1"), "Code", "No target has the code"),
        (row(""), "Code", "code is missing"),
        (row("XD-01"), "Code", "not a target of your units"),
        (row("VH-01", year=2031), "Year", "outside the programme"),
        (row("VH-01", year="next year"), "Year", "is not a year"),
        (row("VH-01", year=None), "Year", "year is missing"),
        (row("VH-01", quarter=5), "Quarter", "is not a quarter"),
        (row("VH-01", value="seven"), "Value", "Enter a number"),
        (row("VH-01", value="1,234"), "Value", "could be read two ways"),  # in English, the comma groups
        (row("VH-01", value="123456789012345"), "Value", "too large"),
        (row("VH-01", value=True), "Value", "Enter a number"),
        (row("VH-01", value=None, note="forgot the value"), "Value", "value is missing"),
        (row("VH-01", estimate="perhaps"), "Estimate", "neither yes nor no"),
        (row("VH-01", note="x" * 2001), "Note", "2000"),
    ],
)
def test_a_bad_row_names_the_row_and_column_and_nothing_is_written(staff_client, program, bad_row, column, words):
    data = xlsx([row("VH-02"), bad_row, row("VH-04")])
    response = post_file(staff_client, data)
    assert response.status_code == 200
    check = response.context["check"]
    assert not check.is_valid
    errors = verdicts(response)
    assert errors[2] == [] and errors[4] == []
    assert [c for c, _m in errors[3]] == [column], errors[3]
    assert words in errors[3][0][1]
    html = response.content.decode()
    assert 'id="row-3" data-verdict="error"' in html and 'id="confirm-form"' not in html
    assert imports.SESSION_KEY not in staff_client.session
    assert ProgressReport.objects.count() == 0


def test_a_closed_year_is_refused(staff_client, office, program):
    services.year_close(user=office, program=program, year=2025)
    errors = verdicts(post_file(staff_client, xlsx([row("VH-01")])))
    assert errors[2][0][0] == "Year" and "closed" in errors[2][0][1]
    assert ProgressReport.objects.count() == 0


def test_the_same_target_and_period_twice(staff_client, program):
    data = xlsx([row("VH-01", quarter=1), row("VH-01", quarter=2), row("VH-01", quarter=1, value="8")])
    errors = verdicts(post_file(staff_client, data))
    assert errors[2] == [] and errors[3] == []
    assert "Row 2 already has VH-01" in errors[4][0][1]
    assert ProgressReport.objects.count() == 0


def test_a_report_already_in_the_workflow_is_refused(staff_client, staff_a, program):
    vh01 = program.targets.get(code="VH-01")
    services.report_create(user=staff_a, target=vh01, unit=vh01.lead_unit, year=2025, value=Decimal(1))
    errors = verdicts(post_file(staff_client, xlsx([row("VH-01")])))
    assert "already has a report for this period" in errors[2][0][1]
    assert ProgressReport.objects.count() == 1


def test_a_year_closed_between_preview_and_confirmation(staff_client, office, program):
    preview = post_file(staff_client, xlsx([row("VH-01"), row("VH-02")]))
    services.year_close(user=office, program=program, year=2025)
    response = staff_client.post("/imports/confirm/", {"token": preview.context["confirm_form"]["token"].value()})
    assert response.status_code == 200 and response.context["changed"]
    assert ProgressReport.objects.count() == 0


def test_the_confirmation_trusts_only_the_session(staff_client, program):
    post_file(staff_client, xlsx([row("VH-01")]))
    for data in ({"token": "forged"}, {}, {"token": "", "value": "999"}):
        response = staff_client.post("/imports/confirm/", data)
        assert response.status_code == 302 and response["Location"] == "/imports/"
    assert ProgressReport.objects.count() == 0


def test_a_service_refusal_undoes_the_whole_import(staff_client, staff_a, program, monkeypatch):
    preview = post_file(staff_client, xlsx([row("VH-01"), row("VH-02"), row("VH-04")]))
    real = imports_service.bulk_create_with_history

    def written_then_refused(objs, model, **kwargs):
        real(objs, model, **kwargs)  # the reports and their history are in, then the database says no
        raise IntegrityError("the database said no")

    monkeypatch.setattr(imports_service, "bulk_create_with_history", written_then_refused)
    response = staff_client.post("/imports/confirm/", {"token": preview.context["confirm_form"]["token"].value()})
    assert response.status_code == 302
    assert ProgressReport.objects.count() == 0
    assert ProgressReport.history.count() == 0


def test_the_service_checks_every_row_before_writing_and_names_the_refused_one(staff_a, program):
    raw = [(2, tuple(row("VH-01"))), (3, tuple(row("VH-02"))), (4, tuple(row("VH-04")))]
    check = imports.check_rows(raw, user=staff_a, program=program)
    assert check.is_valid
    vh04 = program.targets.get(code="VH-04")
    services.report_create(user=staff_a, target=vh04, unit=vh04.lead_unit, year=2025, value=Decimal(1))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.import_confirm(user=staff_a, rows=check.valid_rows)
    message = refused.value.messages[0]
    assert message.startswith("Row 4: ") and "already has a report for this period" in message
    assert "Nothing was imported" in message
    assert ProgressReport.objects.count() == 1


def _confirm_queries(user, program, rows: int) -> tuple[list[str], int]:
    """The statements of an import of ``rows`` figures by the office (approved at once): those that are
    not INSERTs, by their verb, and the number of INSERTs."""
    codes = list(program.targets.order_by("order").values_list("code", flat=True))
    raw = [(n + 2, tuple(row(codes[n % len(codes)], year=2021 + n // len(codes)))) for n in range(rows)]
    check = imports.check_rows(raw, user=user, program=program)
    assert check.is_valid, check.error_rows[:1]
    with CaptureQueriesContext(connection) as context:
        created = services.import_confirm(user=user, rows=check.valid_rows, approve=True)
    assert len(created) == rows
    statements = [q["sql"].split()[0] for q in context.captured_queries]
    return [verb for verb in statements if verb != "INSERT"], statements.count("INSERT")


def test_the_confirmation_runs_the_same_queries_as_rows_grow(office, program):
    office._role_names = frozenset(office.groups.values_list("name", flat=True))  # the page has read them
    few, few_inserts = _confirm_queries(office, program, 10)
    ProgressReport.objects.all().delete()
    many, many_inserts = _confirm_queries(office, program, 100)
    # savepoint; targets with programme and lead unit; the targets the office may report on; closed years;
    # the open reports of the periods; the approved ones (locked); savepoint, [the reports, their history],
    # release; release. Staff add their units and the supporting links of targets they do not lead.
    assert (
        few
        == many
        == ["SAVEPOINT", "SELECT", "SELECT", "SELECT", "SELECT", "SELECT", "SAVEPOINT", "RELEASE"] + ["RELEASE"]
    )
    # One INSERT per table on PostgreSQL (batches of IMPORT_BATCH rows); SQLite's 999 parameters a
    # statement cut them into batches of a few dozen rows.
    assert few_inserts == 2
    if connection.vendor == "postgresql":
        assert many_inserts == 2
    assert ProgressReport.history.filter(history_change_reason="import").count() == 110  # 10 deleted, 100


def test_an_approving_import_supersedes_in_bulk(office, program, django_assert_num_queries):
    codes = list(program.targets.order_by("order").values_list("code", flat=True))[:20]
    raw = [(n + 2, tuple(row(code))) for n, code in enumerate(codes)]
    services.import_confirm(
        user=office, rows=imports.check_rows(raw, user=office, program=program).valid_rows, approve=True
    )
    check = imports.check_rows(raw, user=office, program=program)
    assert all(r.corrects is not None for r in check.valid_rows)
    office._role_names = frozenset(office.groups.values_list("name", flat=True))
    # As above, and for the superseded figures one UPDATE and one INSERT of their history.
    with django_assert_num_queries(13):
        created = services.import_confirm(user=office, rows=check.valid_rows, approve=True)
    assert ProgressReport.objects.filter(status="superseded").count() == 20
    assert all(report.supersedes_id for report in created)
    assert ProgressReport.history.filter(history_change_reason="supersede").count() == 20


@pytest.mark.parametrize("rows", [3, 30])
def test_the_preview_runs_the_same_queries_as_rows_grow(client_for, office, program, rows, django_assert_num_queries):
    codes = list(program.targets.order_by("order").values_list("code", flat=True))[:rows]
    data = xlsx([row(code) for code in codes])
    client = client_for(office)
    # session, user, the user's groups (role), programme; the check: targets, the targets the user may
    # report on, closed years, the open and approved reports of the period; saving the session (savepoint,
    # update, release). Staff add two: their units and the supporting links of their targets.
    with django_assert_num_queries(12):
        response = post_file(client, data)
    assert response.context["check"].is_valid and len(response.context["check"].rows) == rows


@pytest.mark.parametrize("extra", [0, 20])
def test_the_template_runs_the_same_queries_as_targets_grow(
    client_for, office, program, extra, django_assert_num_queries
):
    from .test_exports import add_targets

    add_targets(program, extra, author=office)
    client = client_for(office)
    # session, user, the user's groups (role), programme, the targets the user may report on
    with django_assert_num_queries(5):
        response = client.get("/p/12-ctr-qu/imports/template.xlsx")
    assert load_workbook(BytesIO(response.content)).worksheets[0].max_row == 42 + extra


def test_xml_entity_tricks_are_refused(staff_client, program):
    """openpyxl parses with defusedxml when it is installed: a sheet that declares entities (the "billion
    laughs") is refused as unreadable instead of expanding in memory."""
    good = BytesIO(xlsx([row("VH-01")]))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    out = BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = bomb.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, data)
    assert "not a readable Excel workbook" in refused_file(post_file(staff_client, out.getvalue()))[0]
    assert ProgressReport.objects.count() == 0


# --- Notices ------------------------------------------------------------------------------------------------


def _with_mail(*users):
    for n, user in enumerate(users):
        user.email = f"person{n}@example.org"
        user.save()


def test_an_import_mails_each_office_user_once(
    staff_client, staff_a, office, program, mailoutbox, django_capture_on_commit_callbacks
):
    _with_mail(office, staff_a)
    data = xlsx([row("VH-01", value="72"), row("VH-02", value="88"), row("VH-04", quarter=1, value="40")])
    preview = post_file(staff_client, data)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post("/imports/confirm/", {"token": preview.context["confirm_form"]["token"].value()})
    assert ProgressReport.objects.count() == 3
    assert [m.to for m in mailoutbox] == [[office.email]]  # one summary, not one mail per row
    assert all(code in mailoutbox[0].body for code in ("VH-01", "VH-02", "VH-04"))


def test_an_approved_import_mails_each_reporting_user_once(
    client_for, office, staff_a, staff_b, program, mailoutbox, django_capture_on_commit_callbacks
):
    _with_mail(office, staff_a, staff_b)
    client = client_for(office)
    preview = post_file(client, xlsx([row("VH-01", value="72"), row("VH-02", value="88"), row("XD-01", value="95")]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/confirm/", {"token": preview.context["confirm_form"]["token"].value(), "approve": "on"})
    assert sorted(m.to[0] for m in mailoutbox) == sorted([staff_a.email, staff_b.email])
    mail_a = next(m for m in mailoutbox if m.to == [staff_a.email])
    assert "VH-01" in mail_a.body and "VH-02" in mail_a.body and "XD-01" not in mail_a.body
