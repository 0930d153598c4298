"""The units' import of their task updates from Excel (``/p/<slug>/tasks/updates/import/``): the template
of the signed-in user, the preview with each row's verdict, the confirmation into the approval queue, each
refusal (which names the row and the column and writes nothing), who may import, the hostile workbook
guards, and a confirmation whose queries do not grow with the rows."""

import datetime
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from targets import services, task_update_imports
from targets.models import Task, TaskUpdate, Unit, YearClosure
from targets.tests.test_imports import upload, xlsx

from .factories import TODAY, Status, make_task, make_task_update
from .test_tasks_views import WARD_MANIFEST

D = datetime.date
P = "/p/12-ctr-qu"
URL = f"{P}/tasks/updates/import/"
HEADERS = [
    "Code",
    "Task",
    "Deadline",
    "Reporting unit (code)",
    "Date of the update (dd/mm/yyyy)",
    "What was done",
    "Progress (%)",
    "Done (yes/no)",
    "Completed on (dd/mm/yyyy)",
    "Evidence link",
]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):  # 15/6/2026
        yield


@pytest.fixture
def tasks(program):
    """NV-1.01 led by unit A (PVHTT) with unit B (BTCQU) supporting, assigned on 20/10/2022; NV-1.02 unit A's
    alone; NV-3.01 unit B's; NV-1.09 unit A's but no longer active."""
    return {
        "shared": make_task(program, code="NV-1.01", supporting=("BTCQU",), assigned_by_date=D(2022, 10, 20)),
        "a": make_task(program, code="NV-1.02", deadline=D(2026, 12, 31)),
        "b": make_task(program, code="NV-3.01", group=3, lead="BTCQU"),
        "inactive": make_task(program, code="NV-1.09", is_active=False),
    }


def update_row(code="NV-1.01", **values):
    row = {
        "code": code,
        "name": "",
        "deadline": "",
        "unit": "",
        "date": "10/06/2026",
        "content": f"Đã triển khai {code}.",
        "progress": 60,
        "is_done": "không",
        "completed_on": "",
        "evidence_url": "",
    }
    row.update(values)
    return [row[key] for key in task_update_imports.COLUMN_KEYS]


def written() -> tuple[int, int]:
    """Task updates and their history rows: what a refused import must leave unchanged."""
    return TaskUpdate.objects.count(), TaskUpdate.history.count()


def post_rows(client, rows, *, headers=HEADERS, url=URL):
    client.cookies["django_language"] = "en"  # the messages the tests read are the English ones
    return client.post(url, {"file": upload(xlsx(rows, headers=headers), "updates.xlsx")})


def errors(response) -> dict[int, list[tuple[str, str]]]:
    return {row.number: row.errors for row in response.context["check"].rows if row.errors}


def confirm(client, response, **extra):
    return client.post(f"{URL}confirm/", {"token": response.context["confirm_form"].initial["token"], **extra})


# --- The round trip -------------------------------------------------------------------------------------------


def test_staff_download_their_template_fill_it_and_their_updates_wait_for_approval(client_for, staff_a, office, tasks):
    client = client_for(staff_a)
    client.cookies["django_language"] = "en"
    response = client.get(f"{URL}template.xlsx")
    assert response.status_code == 200
    assert "task-updates-template-12-CTr-QU-PVHTT.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADERS
    # Unit A's active tasks (led or supported), its one unit filled in; not unit B's, not the inactive one.
    assert [(r[0], r[3]) for r in rows[1:]] == [("NV-1.01", "PVHTT"), ("NV-1.02", "PVHTT")]
    assert rows[1][2] == "30/06/2025" and all(value is None for value in rows[1][4:])

    # Filled in as a user would: a date cell, a number, the Vietnamese "có"; NV-1.02 left empty at first.
    sheet["E2"] = datetime.datetime(2026, 6, 1)
    sheet["F2"] = "=Đã ban hành kế hoạch"  # text that looks like a formula stays text
    sheet["F2"].data_type = "s"
    sheet["G2"] = 100
    sheet["H2"] = "có"
    sheet["I2"] = "05/06/2026"
    sheet["J2"] = "https://example.org/ke-hoach.pdf"
    buffer = BytesIO()
    workbook.save(buffer)
    before = written()
    response = client.post(URL, {"file": upload(buffer.getvalue(), "updates.xlsx")})
    assert response.status_code == 200
    check = response.context["check"]
    assert check.is_valid, errors(response)
    assert [row.number for row in check.valid_rows] == [2] and [row.number for row in check.skipped_rows] == [3]
    html = response.content.decode()
    assert 'id="row-3" data-verdict="skipped"' in html and 'id="row-2" data-verdict="ok"' in html
    assert "approve" not in response.context["confirm_form"].data and 'name="approve"' not in html  # staff
    assert written() == before  # the preview writes nothing

    response = confirm(client, response)
    assert response.status_code == 302
    assert response["Location"] == "/reports/?program=12-ctr-qu&status=submitted"
    update = TaskUpdate.objects.get(task=tasks["shared"])
    assert (update.unit.code, update.author, update.status) == ("PVHTT", staff_a, Status.SUBMITTED)
    assert (update.date, update.progress, update.is_done, update.completed_on) == (
        D(2026, 6, 1),
        100,
        True,
        D(2026, 6, 5),
    )
    assert update.content == "=Đã ban hành kế hoạch" and update.evidence_url == "https://example.org/ke-hoach.pdf"
    assert update.submitted_at is not None and update.reviewer is None
    assert update.history.get().history_change_reason == "import"
    assert written() == (before[0] + 1, before[1] + 1)
    # In the office's approval queue, as one made with the form.
    queue = client_for(office).get("/reports/?status=submitted")
    assert f'id="task-update-{update.pk}"' in queue.content.decode()
    # The confirmation is used up.
    assert client.post(f"{URL}confirm/", {"token": "x"}).status_code == 302
    assert TaskUpdate.objects.count() == before[0] + 1


def test_the_office_template_has_every_active_task_and_may_approve_at_once(client_for, office, tasks):
    client = client_for(office)
    sheet = load_workbook(BytesIO(client.get(f"{URL}template.xlsx").content)).worksheets[0]
    assert [(r[0], r[3]) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("NV-1.01", "PVHTT"),
        ("NV-1.02", "PVHTT"),
        ("NV-3.01", "BTCQU"),
    ]
    response = post_rows(client, [update_row("NV-1.01", unit="BTCQU"), update_row("NV-3.01", unit="btcqu")])
    assert response.context["check"].is_valid, errors(response)
    assert 'name="approve"' in response.content.decode()
    response = confirm(client, response, approve="on")
    assert response["Location"] == "/reports/?program=12-ctr-qu&status=approved"
    updates = TaskUpdate.objects.filter(task__program__slug="12-ctr-qu").order_by("task__code")
    assert [(u.task.code, u.unit.code, u.status, u.reviewer) for u in updates] == [
        ("NV-1.01", "BTCQU", Status.APPROVED, office),
        ("NV-3.01", "BTCQU", Status.APPROVED, office),
    ]


def test_the_office_imports_submitted_unless_it_approves(client_for, office, tasks):
    client = client_for(office)
    response = confirm(client, post_rows(client, [update_row("NV-1.02")]))
    assert response.status_code == 302
    assert TaskUpdate.objects.get(task=tasks["a"]).status == Status.SUBMITTED


def test_a_unit_on_a_task_twice_leaves_the_unit_to_choose(client_for, staff_a, unit_b, tasks):
    unit_b.members.add(staff_a)  # staff of both units of NV-1.01
    client = client_for(staff_a)
    sheet = load_workbook(BytesIO(client.get(f"{URL}template.xlsx").content)).worksheets[0]
    assert [(r[0], r[3]) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("NV-1.01", None),
        ("NV-1.02", "PVHTT"),
        ("NV-3.01", "BTCQU"),
    ]
    response = post_rows(client, [update_row("NV-1.01")])
    assert errors(response) == {2: [("Reporting unit (code)", "Choose the unit this update is written for.")]}
    # Both units, once each: two updates of one task are two rows.
    response = post_rows(client, [update_row("NV-1.01", unit="PVHTT"), update_row("NV-1.01", unit="BTCQU")])
    assert response.context["check"].is_valid, errors(response)


# --- Refusals ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, column, says",
    [
        ({"code": "NV-9.99"}, "Code", "No task has the code “NV-9.99” in programme 12-CTr/QU."),
        ({"code": ""}, "Code", "The task's code is missing."),
        ({"code": "NV-1.09"}, "Code", "NV-1.09 is no longer an active task."),
        ({"code": "NV-3.01"}, "Code", "NV-3.01 is not a task of your units"),
        ({"unit": "BTCQU"}, "Reporting unit (code)", "You cannot report on NV-1.01 in the name of"),
        ({"code": "NV-1.02", "unit": "PKT"}, "Reporting unit (code)", "is neither the lead unit nor a supporting"),
        ({"unit": "KHONG-CO"}, "Reporting unit (code)", "No unit has the code “KHONG-CO”"),
        ({"date": "16/06/2026"}, "Date of the update (dd/mm/yyyy)", "cannot be in the future"),
        ({"date": "15/06/2020"}, "Date of the update (dd/mm/yyyy)", "between 2021 and 2030"),
        ({"date": "31/02/2026"}, "Date of the update (dd/mm/yyyy)", "Enter a date as dd/mm/yyyy"),
        ({"date": 46000}, "Date of the update (dd/mm/yyyy)", "Enter a date as dd/mm/yyyy"),
        ({"date": ""}, "Date of the update (dd/mm/yyyy)", "required"),
        ({"content": ""}, "What was done", "required"),
        ({"content": "x" * 4001}, "What was done", "at most 4000 characters"),
        ({"progress": 150}, "Progress (%)", "between 0 and 100"),
        ({"progress": -5}, "Progress (%)", "between 0 and 100"),
        ({"progress": "nhiều"}, "Progress (%)", "Enter a whole percentage"),
        ({"progress": 12.5}, "Progress (%)", "Enter a whole percentage"),
        ({"is_done": "có"}, "Completed on (dd/mm/yyyy)", "Enter the date the task was completed."),
        ({"is_done": "có lẽ"}, "Done (yes/no)", "“có lẽ” is neither yes nor no."),
        ({"is_done": "yes", "completed_on": "20/06/2026"}, "Completed on (dd/mm/yyyy)", "cannot be in the future"),
        ({"is_done": "yes", "completed_on": "01/01/2022"}, "Completed on (dd/mm/yyyy)", "before the task was assigned"),
        ({"completed_on": "01/06/2026"}, "Completed on (dd/mm/yyyy)", "A completion date goes with “done”"),
        ({"evidence_url": "not a link"}, "Evidence link", "Enter a valid URL."),
    ],
)
def test_each_bad_row_is_refused_with_its_column_and_nothing_is_written(
    client_for, staff_a, tasks, values, column, says
):
    client = client_for(staff_a)
    before = written()
    response = post_rows(client, [update_row("NV-1.02"), update_row(**{"code": "NV-1.01", **values})])
    assert response.status_code == 200
    found = errors(response)
    assert list(found) == [3], found  # the second row under the header
    assert any(c == column and says in message for c, message in found[3]), found
    assert not response.context["check"].is_valid
    assert task_update_imports.SESSION_KEY not in client.session
    assert b"confirm-form" not in response.content and b'id="row-3" data-verdict="error"' in response.content
    assert written() == before


def test_a_task_of_another_programme_is_named_as_such(client_for, office, program, tasks):
    other = services.program_copy(source=program, organisation=program.organisation, number="99-CTr/QU")
    make_task(other, code="NV-8.01")
    before = written()
    response = post_rows(client_for(office), [update_row("NV-8.01")])
    assert errors(response) == {
        2: [("Code", "NV-8.01 is a task of programme 99-CTr/QU, not of 12-CTr/QU: import it on that programme's page.")]
    }
    assert written() == before


def test_a_closed_year_refuses_its_rows(client_for, staff_a, program, tasks):
    YearClosure.objects.create(program=program, year=2025, is_closed=True)
    before = written()
    response = post_rows(client_for(staff_a), [update_row(date="20/12/2025"), update_row("NV-1.02")])
    assert errors(response) == {
        2: [("Date of the update (dd/mm/yyyy)", "The year 2025 is closed: its task updates can no longer change.")]
    }
    assert written() == before


def test_the_same_task_twice_or_one_already_in_the_workflow_is_refused(client_for, staff_a, tasks):
    client = client_for(staff_a)
    before = written()
    response = post_rows(client, [update_row(), update_row("NV-1.02"), update_row("nv-1.01")])
    unit = Unit.objects.get(code="PVHTT").name
    message = f"Row 2 already has an update of NV-1.01 for {unit}: each task may appear once per unit."
    assert errors(response) == {4: [("Code", message)]}
    draft = make_task_update(task=tasks["a"], author=staff_a, status=Status.DRAFT)
    before = written()
    response = post_rows(client, [update_row(), update_row("NV-1.02")])
    assert list(errors(response)) == [3]
    assert f"(number {draft.pk}, draft)" in errors(response)[3][0][1]
    assert written() == before


def test_a_file_of_empty_rows_imports_nothing(client_for, staff_a, tasks):
    response = post_rows(client_for(staff_a), [update_row(date="", content="", progress=None, is_done="no")])
    check = response.context["check"]
    assert not check.is_valid and [row.number for row in check.skipped_rows] == [2]
    assert b"every row of the file was left empty" in response.content


def test_the_file_itself_may_be_refused(client_for, staff_a, tasks):
    client = client_for(staff_a)
    before = written()
    response = post_rows(client, [update_row()], headers=["Code", "Target", "Year"])
    assert any("header" in e for e in response.context["form"].errors["file"])
    for data, name in [(b"not a workbook", "updates.xlsx"), (xlsx([update_row()], headers=HEADERS), "updates.xls")]:
        assert client.post(URL, {"file": upload(data, name)}).context["form"].errors["file"]
    response = client.post(URL, {"file": upload(b"", "updates.xlsx")})
    assert response.context["form"].errors["file"]
    assert written() == before


def test_the_hostile_workbook_guards_apply(client_for, staff_a, tasks, settings):
    from targets.tests.test_hostile import hostile_bytes

    client = client_for(staff_a)
    client.cookies["django_language"] = "en"
    before = written()
    response = client.post(URL, {"file": upload(hostile_bytes("blank rows"), "updates.xlsx")})
    assert response.status_code == 200
    assert any("rows" in e for e in response.context["form"].errors["file"])
    settings.IMPORT_MAX_ROWS = 2
    response = post_rows(client, [update_row(), update_row("NV-1.02"), update_row("NV-1.01", unit="PVHTT")])
    assert any("more than 2 rows" in e for e in response.context["form"].errors["file"])
    settings.IMPORT_MAX_BYTES = 100
    response = post_rows(client, [update_row()])
    assert any("too large" in e for e in response.context["form"].errors["file"])
    assert written() == before


def test_the_confirmation_checks_again_and_writes_nothing_when_a_row_went_bad(client_for, staff_a, program, tasks):
    client = client_for(staff_a)
    response = post_rows(client, [update_row(), update_row("NV-1.02", date="01/03/2026")])
    assert response.context["check"].is_valid
    YearClosure.objects.create(program=program, year=2026, is_closed=True)  # closed between preview and confirm
    before = written()
    response = confirm(client, response)
    assert response.status_code == 200 and response.context["changed"]
    assert list(errors(response)) == [2, 3]
    assert written() == before


def test_the_service_refuses_all_rows_when_one_is_bad(program, staff_a, tasks):
    raw = [(2, tuple(update_row())), (3, tuple(update_row("NV-1.02")))]
    check = task_update_imports.check_rows(raw, user=staff_a, program=program)
    assert check.is_valid
    check.rows[1].task = tasks["shared"]  # what a check would refuse (NV-1.01 twice): the service refuses it too
    before = written()
    with pytest.raises(ValidationError, match="Row 3: Row 2 already has an update of NV-1.01"):
        services.task_update_import_confirm(user=staff_a, program=program, rows=check.valid_rows)
    check.rows[1].task, check.rows[1].unit = tasks["b"], Unit.objects.get(code="BTCQU")
    with pytest.raises(ValidationError, match="Row 3: You cannot report on NV-3.01"):
        services.task_update_import_confirm(user=staff_a, program=program, rows=check.valid_rows)
    with pytest.raises(PermissionDenied):  # staff may not approve
        services.task_update_import_confirm(user=staff_a, program=program, rows=check.valid_rows[:1], approve=True)
    assert written() == before


def test_an_expired_preview_imports_nothing(client_for, staff_a, tasks):
    before = written()
    response = client_for(staff_a).post(f"{URL}confirm/", {"token": "made-up"})
    assert response.status_code == 302 and response["Location"] == URL
    assert written() == before


# --- Who may import ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "nobody"])
def test_leaders_and_people_without_a_role_may_not(client_for, program, tasks, who, request):
    user = request.getfixturevalue(who)
    client = client_for(user)
    before = written()
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}template.xlsx").status_code == 403
    assert client.post(URL, {"file": upload(xlsx([update_row()], headers=HEADERS), "u.xlsx")}).status_code == 403
    assert client.post(f"{URL}confirm/", {"token": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.task_update_import_confirm(user=user, program=program, rows=[])
    assert written() == before


def test_staff_of_another_unit_are_refused_the_tasks_that_are_not_theirs(client_for, staff_b, tasks):
    client = client_for(staff_b)
    sheet = load_workbook(BytesIO(client.get(f"{URL}template.xlsx").content)).worksheets[0]
    assert [(r[0], r[3]) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("NV-1.01", "BTCQU"),
        ("NV-3.01", "BTCQU"),
    ]
    before = written()
    response = post_rows(client, [update_row("NV-1.02"), update_row("NV-1.01", unit="PVHTT")])
    assert errors(response) == {
        2: [("Code", "NV-1.02 is not a task of your units: you cannot report on it.")],
        3: [
            (
                "Reporting unit (code)",
                f"You cannot report on NV-1.01 in the name of {Unit.objects.get(code='PVHTT').name}.",
            )
        ],
    }
    assert written() == before


def test_anonymous_signs_in_and_another_ward_is_not_found(client, client_for, office, tasks):
    assert client.get(URL).status_code == 302 and "/accounts/login/" in client.get(URL)["Location"]
    ward, _summary = services.program_load_reference(manifest=WARD_MANIFEST)
    signed_in = client_for(office)
    for url in [f"/p/{ward.slug}/tasks/updates/import/", f"/p/{ward.slug}/tasks/updates/import/template.xlsx"]:
        assert signed_in.get(url).status_code == 404
    assert signed_in.post(f"/p/{ward.slug}/tasks/updates/import/confirm/", {"token": "x"}).status_code == 404


def test_the_links_lead_to_the_import(client_for, staff_a, leader, office, tasks):
    for user in (staff_a, office):
        client = client_for(user)
        assert b'id="import-task-updates"' in client.get(f"{P}/tasks/").content
        html = client.get("/imports/").content.decode()
        assert f'href="{URL}"' in html
    assert b'id="import-task-updates"' not in client_for(leader).get(f"{P}/tasks/").content


# --- Queries ------------------------------------------------------------------------------------------------------


def _many_tasks(program, count: int) -> list[Task]:
    """``count`` tasks of unit A, written in bulk."""
    group = program.solution_groups.get(number=2)
    lead = Unit.objects.get(organisation_id=program.organisation_id, code="PVHTT")
    return Task.objects.bulk_create(
        Task(
            program=program,
            solution_group=group,
            code=f"NV-2.{n:03d}",
            name=f"Nhiệm vụ {n}",
            lead_unit=lead,
            deadline=D(2026, 12, 31),
        )
        for n in range(count)
    )


def test_the_preview_and_the_confirmation_cost_the_same_queries_for_10_and_100_rows(client_for, staff_a, program):
    tasks = _many_tasks(program, 110)
    client = client_for(staff_a)

    def queries(chosen):
        with CaptureQueriesContext(connection) as preview:
            response = post_rows(client, [update_row(task.code) for task in chosen])
        assert response.context["check"].is_valid, errors(response)
        with CaptureQueriesContext(connection) as confirmation:
            assert confirm(client, response).status_code == 302
        verbs = [query["sql"].split()[0] for query in confirmation.captured_queries]
        return len(preview), [verb for verb in verbs if verb != "INSERT"], verbs.count("INSERT")

    few, many = queries(tasks[:10]), queries(tasks[10:110])
    # The preview: session, user, roles, programme; the check (the tasks, their supporting units, the
    # organisation's units, the closed years, the user's units, the updates in the workflow); the layout's
    # programmes; the session saved. The confirmation: session, user, roles, programme, the check again,
    # then the service (savepoint; the tasks, their supporting units, the closed years, the updates in the
    # workflow; the updates and their history; release) and the session saved.
    assert few[:2] == many[:2]
    assert few[1] == ["SELECT"] * 10 + ["SAVEPOINT"] + ["SELECT"] * 4 + ["RELEASE", "SAVEPOINT", "UPDATE", "RELEASE"]
    # One INSERT per table on PostgreSQL (batches of IMPORT_BATCH rows); SQLite's 999 parameters a
    # statement cut them into batches of a few dozen rows.
    assert few[2] == 2
    if connection.vendor == "postgresql":
        assert many[2] == 2
    assert TaskUpdate.objects.filter(task__program=program).count() == 110
    assert TaskUpdate.history.filter(history_change_reason="import").count() == 110
