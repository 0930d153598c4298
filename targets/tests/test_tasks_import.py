"""Loading a programme's task list from Excel (``/p/<slug>/tasks/import/``): the template, the preview,
the confirmation, each refusal (which names the row and the column and writes nothing), the office-only
rule, and a round trip (import, download the list, upload it back: nothing changes)."""

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from targets import services, task_imports
from targets.models import Organisation, Task, Unit
from targets.tests.factories import make_task
from targets.tests.test_imports import upload, xlsx

HEADERS = [
    "Code",
    "Group of solutions (number)",
    "Task",
    "Lead unit (code)",
    "Supporting units (codes, separated by ;)",
    "Deadline (dd/mm/yyyy)",
    "Recurrence",
    "Expected output",
    "Assigned by (number)",
    "Assigned by (date)",
    "Assigned by (summary)",
    "Targets served (codes, separated by ;)",
]
URL = "/p/12-ctr-qu/tasks/import/"


def task_row(code="NV-1.01", **values):
    row = {
        "code": code,
        "group": 1,
        "name": f"Xây dựng Kế hoạch {code} (minh họa)",
        "lead_unit": "PVHTT",
        "supporting_units": "VPQU; BTCQU",
        "deadline": "30/06/2026",
        "recurrence": "once",
        "expected_output": "Kế hoạch",
        "assigned_by_number": "12-CTr/QU",
        "assigned_by_date": "20/10/2022",
        "assigned_by_summary": "Chương trình hành động",
        "targets": "XD-01; XD-02",
    }
    row.update(values)
    return [row[key] for key in task_imports.COLUMN_KEYS]


def written() -> tuple[int, int, int, int]:
    """Tasks, their history rows and their links: what a refused import must leave unchanged."""
    return (
        Task.objects.count(),
        Task.history.count(),
        Task.supporting_units.through.objects.count(),
        Task.targets.through.objects.count(),
    )


def post_rows(client, rows, *, headers=HEADERS):
    client.cookies["django_language"] = "en"  # the messages the tests read are the English ones
    return client.post(URL, {"file": upload(xlsx(rows, headers=headers), "tasks.xlsx")})


def errors(response) -> dict[int, list[tuple[str, str]]]:
    return {row.number: row.errors for row in response.context["check"].rows if row.errors}


@pytest.fixture
def office_client(client_for, office):
    return client_for(office)


def test_the_office_imports_new_tasks_and_updates_existing_ones(office_client, program, office):
    existing = make_task(program, code="NV-2.01", group=2, deadline=datetime.date(2025, 6, 30))
    before = Task.history.count()
    rows = [
        task_row("NV-1.01"),
        task_row(
            "nv-2.01",  # a known code, in another case: updates that task
            group=3,
            name="Nội dung mới",
            supporting_units="",
            deadline="",
            recurrence="Thường xuyên",
            targets="",
        ),
        task_row("NV-1.02", recurrence="Hằng năm", deadline=datetime.datetime(2026, 3, 31), supporting_units=""),
    ]
    response = post_rows(office_client, rows)
    assert response.status_code == 200
    check = response.context["check"]
    assert check.is_valid, errors(response)
    assert (check.new_count, check.updated_count) == (2, 1)
    assert Task.objects.filter(program=program).count() == 1  # nothing written by the preview
    token = response.context["confirm_form"].initial["token"]
    response = office_client.post(f"{URL}confirm/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/p/12-ctr-qu/tasks/"
    tasks = {t.code: t for t in Task.objects.filter(program=program)}
    assert set(tasks) == {"NV-1.01", "NV-1.02", "NV-2.01"}
    new = tasks["NV-1.01"]
    assert new.deadline == datetime.date(2026, 6, 30) and new.recurrence == "once"
    assert new.solution_group.number == 1 and new.lead_unit.code == "PVHTT"
    assert sorted(u.code for u in new.supporting_units.all()) == ["BTCQU", "VPQU"]
    assert sorted(t.code for t in new.targets.all()) == ["XD-01", "XD-02"]
    assert new.assigned_by_date == datetime.date(2022, 10, 20) and new.expected_output == "Kế hoạch"
    assert "ke hoach" in new.search_text
    updated = tasks["NV-2.01"]
    assert updated.pk == existing.pk and updated.name == "Nội dung mới" and updated.solution_group.number == 3
    assert (updated.recurrence, updated.deadline) == ("ongoing", None)
    assert tasks["NV-1.02"].recurrence == "yearly" and tasks["NV-1.02"].deadline == datetime.date(2026, 3, 31)
    assert [tasks[c].order for c in ("NV-1.01", "NV-2.01", "NV-1.02")] == [1, 2, 3]
    assert Task.history.count() == before + 3
    assert Task.history.filter(id=existing.pk).latest("history_date").history_change_reason == "import"
    record = Task.history.filter(id=new.pk).latest("history_date")  # the links are in the history too
    assert sorted(link.unit.code for link in record.supporting_units.all()) == ["BTCQU", "VPQU"]
    assert sorted(link.target.code for link in record.targets.all()) == ["XD-01", "XD-02"]
    # The confirmation is used up.
    assert office_client.post(f"{URL}confirm/", {"token": token}).status_code == 302
    assert Task.objects.filter(program=program).count() == 3


def test_the_round_trip_download_then_upload_changes_nothing(office_client, program):
    make_task(program, code="NV-1.01", supporting=["VPQU"], assigned_by_date=datetime.date(2022, 10, 20))
    make_task(program, code="NV-3.01", group=3, deadline=None, recurrence="ongoing", expected_output="Báo cáo")
    make_task(program, code="NV-4.01", group=4, deadline=datetime.date(2026, 3, 31), recurrence="yearly")
    Task.objects.get(code="NV-1.01").targets.set(program.targets.filter(code__in=["XD-01", "VH-01"]))
    fields = ["code", "solution_group_id", "name", "lead_unit_id", "deadline", "recurrence", "expected_output"]
    before = list(Task.objects.filter(program=program).order_by("code").values_list(*fields))
    links = sorted(Task.targets.through.objects.values_list("task_id", "target_id"))

    office_client.cookies["django_language"] = "vi"  # the template in Vietnamese: its headers are read too
    response = office_client.get(f"{URL}template.xlsx")
    assert response.status_code == 200
    assert "12-CTr-QU" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["NV-1.01", "NV-3.01", "NV-4.01"]
    response = office_client.post(URL, {"file": upload(response.content, "tasks.xlsx")})
    check = response.context["check"]
    assert check.is_valid, errors(response)
    assert (check.new_count, check.updated_count) == (0, 3)
    response = office_client.post(f"{URL}confirm/", {"token": response.context["confirm_form"].initial["token"]})
    assert response.status_code == 302
    assert list(Task.objects.filter(program=program).order_by("code").values_list(*fields)) == before
    assert sorted(Task.targets.through.objects.values_list("task_id", "target_id")) == links
    assert list(Task.objects.get(code="NV-1.01").supporting_units.values_list("code", flat=True)) == ["VPQU"]


@pytest.fixture
def other_unit(db):
    """A unit of another organisation, whose code the district has not."""
    return Unit.objects.create(
        organisation=Organisation.objects.get(code="phuong-cau-giay"), code="KHAC-PCG", name="Phòng khác", kind="party"
    )


@pytest.mark.parametrize(
    "values, column, says",
    [
        ({"deadline": "30/06/2035"}, "Deadline (dd/mm/yyyy)", "between 2021 and 2030"),
        ({"deadline": "31/02/2026"}, "Deadline (dd/mm/yyyy)", "is not a date"),
        ({"deadline": "", "recurrence": "once"}, "Deadline (dd/mm/yyyy)", "Enter the deadline"),
        ({"group": 9}, "Group of solutions (number)", "no group of solutions “9”"),
        ({"group": "một"}, "Group of solutions (number)", "no group of solutions"),
        ({"lead_unit": "KHONG-CO"}, "Lead unit (code)", "No unit has the code “KHONG-CO”"),
        ({"lead_unit": "KHAC-PCG"}, "Lead unit (code)", "belongs to another organisation"),
        ({"supporting_units": "VPQU; KHAC-PCG"}, "Supporting units (codes, separated by ;)", "another organisation"),
        ({"targets": "XD-01; ZZ-99"}, "Targets served (codes, separated by ;)", "No target has the code “ZZ-99”"),
        ({"recurrence": "đôi khi"}, "Recurrence", "is not a recurrence"),
        ({"code": ""}, "Code", "code is missing"),
        ({"code": "NV-" + "9" * 30}, "Code", "at most 20"),
        ({"name": ""}, "Task", "content of the task is missing"),
        ({"assigned_by_date": "01/07/2026"}, "Deadline (dd/mm/yyyy)", "before the date the task was assigned"),
    ],
)
def test_each_bad_row_is_refused_with_its_column_and_nothing_is_written(
    office_client, program, other_unit, values, column, says
):
    before = written()
    response = post_rows(office_client, [task_row("NV-1.01"), task_row(**{"code": "NV-1.02", **values})])
    assert response.status_code == 200
    found = errors(response)
    assert list(found) == [3], found  # the second row under the header
    assert any(c == column and says in message for c, message in found[3]), found
    assert not response.context["check"].is_valid
    assert task_imports.SESSION_KEY not in office_client.session
    assert b"confirm-form" not in response.content and b'id="row-3"' in response.content
    assert written() == before


def test_a_code_twice_in_the_file_is_refused(office_client, program):
    before = written()
    response = post_rows(office_client, [task_row("NV-1.01"), task_row("NV-1.02"), task_row("nv-1.01")])
    assert errors(response) == {4: [("Code", "Row 2 already has the code nv-1.01: each task may appear once.")]}
    assert written() == before


def test_the_file_itself_may_be_refused(office_client, program):
    before = written()
    response = post_rows(office_client, [task_row()], headers=["Code", "Target", "Year"])
    assert response.status_code == 200
    assert any("header" in e for e in response.context["form"].errors["file"])
    response = office_client.post(URL, {"file": upload(b"not a workbook", "tasks.xlsx")})
    assert response.context["form"].errors["file"]
    assert written() == before


def test_the_confirmation_checks_again_and_writes_nothing_when_a_row_went_bad(office_client, program):
    response = post_rows(office_client, [task_row("NV-1.01"), task_row("NV-1.02", targets="XD-03")])
    token = response.context["confirm_form"].initial["token"]
    program.targets.filter(code="XD-03").update(code="XD-03X")  # renamed between preview and confirmation
    before = written()
    response = office_client.post(f"{URL}confirm/", {"token": token})
    assert response.status_code == 200 and response.context["changed"]
    assert list(errors(response)) == [3]
    assert written() == before


def test_the_service_refuses_all_rows_when_one_is_bad(program, office):
    check = task_imports.check_rows([(2, tuple(task_row("NV-1.01"))), (3, tuple(task_row("NV-1.02")))], program=program)
    assert check.is_valid
    check.rows[1].code = "NV-1.01"  # what a check would refuse: the service refuses it too
    before = written()
    with pytest.raises(ValidationError, match="Row 3: Row 2 already has the code NV-1.01"):
        services.task_import_confirm(user=office, program=program, rows=check.rows)
    assert written() == before


def test_an_expired_preview_imports_nothing(office_client, program):
    before = written()
    response = office_client.post(f"{URL}confirm/", {"token": "made-up"})
    assert response.status_code == 302 and response["Location"] == URL
    assert written() == before


@pytest.mark.parametrize("who", ["leader", "staff_a", "nobody"])
def test_only_the_office_may_import_the_task_list(client_for, program, who, request):
    client = client_for(request.getfixturevalue(who))
    before = written()
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}template.xlsx").status_code == 403
    assert client.post(URL, {"file": upload(xlsx([task_row()], headers=HEADERS), "t.xlsx")}).status_code == 403
    assert client.post(f"{URL}confirm/", {"token": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.task_import_confirm(user=request.getfixturevalue(who), program=program, rows=[])
    assert written() == before


def test_the_preview_costs_the_same_queries_for_more_rows(office_client, program, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count):
        rows = [task_row(f"NV-1.{n:02d}") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert post_rows(office_client, rows).context["check"].is_valid
        return len(captured.captured_queries)

    assert queries(2) == queries(30)


def test_the_task_list_links_to_the_import_for_the_office_only(office_client, client_for, leader, program):
    assert b'id="import-tasks"' in office_client.get("/p/12-ctr-qu/tasks/").content
    assert b'id="import-tasks"' not in client_for(leader).get("/p/12-ctr-qu/tasks/").content


def test_hostile_cells_give_row_messages_not_a_500(office_client, program):
    before = written()
    rows = [
        task_row("NV-1.01", group=int("9" * 30), deadline=45000, recurrence=True, targets="=1+1"),
        task_row(12.5, group=-1, assigned_by_date="32/13/2026", lead_unit="<script>", supporting_units=";;;"),
        task_row("NV-1.03", name="x" * 5000, expected_output="y" * 600),
    ]
    response = post_rows(office_client, rows)
    assert response.status_code == 200
    found = errors(response)
    assert set(found) == {2, 3, 4}
    assert ("Task", "At most 2000 characters, please.") in found[4]
    assert written() == before


def test_the_confirmation_costs_the_same_queries_for_more_rows(office_client, program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(prefix, count):
        response = post_rows(office_client, [task_row(f"{prefix}.{n:02d}") for n in range(count)])
        token = response.context["confirm_form"].initial["token"]
        with CaptureQueriesContext(connection) as captured:
            assert office_client.post(f"{URL}confirm/", {"token": token}).status_code == 302
        return len(captured.captured_queries)

    assert queries("NV-1", 2) == queries("NV-2", 30)
    assert Task.objects.filter(program=program).count() == 32
