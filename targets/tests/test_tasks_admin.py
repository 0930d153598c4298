"""The office keeps tasks in the admin: the list and the form work, a save moves the programme's data
version (BumpsVersion) and keeps the history; task updates and reminders are read-only there."""

import pytest
from django.contrib.auth import get_user_model

from targets.models import Program, SolutionGroup, Task, Unit

from .factories import make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    user = get_user_model().objects.create_superuser("root", "root@example.vn", "x" * 12)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_task_list_and_a_save_through_the_admin(admin_client_, program, django_capture_on_commit_callbacks):
    make_task(program, code="NV-1.01", supporting=["MTTQ"])
    assert admin_client_.get("/admin/targets/task/").status_code == 200
    assert admin_client_.get("/admin/targets/taskupdate/").status_code == 200
    assert admin_client_.get("/admin/targets/taskreminder/").status_code == 200
    assert admin_client_.get("/admin/targets/taskupdate/add/").status_code == 403
    before = Program.objects.get(pk=program.pk).data_version
    data = {
        "program": program.pk,
        "solution_group": SolutionGroup.objects.get(program=program, number=2).pk,
        "code": "NV-2.09",
        "name": "Ban hành Kế hoạch phát triển kinh tế số",
        "order": 9,
        "is_active": "on",
        "lead_unit": Unit.objects.get(code="PKT").pk,
        "supporting_units": [Unit.objects.get(code="PTCKH").pk],
        "recurrence": "once",
        "deadline": "31/12/2026",
        "expected_output": "Kế hoạch",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post("/admin/targets/task/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    task = Task.objects.get(code="NV-2.09")
    assert list(task.supporting_units.values_list("code", flat=True)) == ["PTCKH"]
    assert task.history.exists()  # the save, and its supporting units (m2m history)
    assert Program.objects.get(pk=program.pk).data_version > before


def test_the_admin_refuses_a_deadline_outside_the_programme(admin_client_, program):
    data = {
        "program": program.pk,
        "solution_group": SolutionGroup.objects.get(program=program, number=2).pk,
        "code": "NV-2.10",
        "name": "Xây dựng Đề án",
        "order": 0,
        "lead_unit": Unit.objects.get(code="PKT").pk,
        "recurrence": "once",
        "deadline": "31/12/2035",
    }
    response = admin_client_.post("/admin/targets/task/add/", data)
    assert response.status_code == 200
    assert "deadline" in response.context["adminform"].form.errors
    assert not Task.objects.filter(code="NV-2.10").exists()
