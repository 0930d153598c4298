"""The task updates' workflow (issue 14): every step, closed years, conflicts, corrections, the office's
correction of a completion date, permissions (lead unit, supporting unit, another unit, leader, office,
no role), refused input with a message naming the field and nothing written, and reminders (logged, mailed,
the third one flagging, the cron digest)."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from targets import assessment, notifications, permissions, selectors, services
from targets.models import Task, TaskReminder, TaskUpdate, Unit

from .factories import TODAY, Status, close_year, make_task, make_task_update, task_counts

User = get_user_model()
D = datetime.date
WARD_MANIFEST = Path(django_settings.BASE_DIR) / "fixtures" / "phuong-cau-giay" / "program.json"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"  # messages are asserted in English, whatever the catalogue says
    settings.SITE_URL = "https://chitieu.example.vn"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def task(program):
    """Led by the Culture office (staff A), supported by the Fatherland Front; due 30/6/2025."""
    return make_task(
        program, code="NV-3.01", group=3, lead="PVHTT", supporting=["MTTQ"], assigned_by_date=D(2022, 10, 20)
    )


@pytest.fixture
def supported(program):
    """Led by the Organisation board (staff B), supported by the Culture office (staff A)."""
    return make_task(program, code="NV-1.02", group=1, lead="BTCQU", supporting=["PVHTT"])


def create(user, task, **kwargs):
    arguments = {
        "user": user,
        "task": task,
        "unit": task.lead_unit,
        "date": D(2026, 6, 1),
        "content": "Đã xây dựng dự thảo.",
    }
    arguments.update(kwargs)
    return services.task_update_create(**arguments)


def reasons(update):
    return list(update.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))


def refused(field, call, *args, **kwargs):
    """``call`` raises a ValidationError naming ``field`` and writes nothing."""
    before = task_counts()
    with pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert task_counts() == before
    return error.value.message_dict[field]


def with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


# --- The task's own rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"deadline": D(2031, 1, 1)}, "deadline", "The deadline must lie between 2021 and 2030."),
        ({"deadline": D(2020, 12, 31)}, "deadline", "The deadline must lie between 2021 and 2030."),
        ({"deadline": None}, "deadline", "Enter the deadline (a task done once or every year needs one)."),
        ({"recurrence": "ongoing"}, "deadline", "An ongoing task has no deadline: leave it empty."),
        (
            {"assigned_by_date": D(2025, 7, 1)},
            "deadline",
            "The deadline cannot be before the date the task was assigned.",
        ),
        ({"lead": "P-DV", "code": "NV-1.01"}, None, None),
    ],
)
def test_a_task_outside_its_rules_is_refused(program, fields, field, message):
    if field is None:  # a valid task, for contrast
        assert make_task(program, **fields).pk
        return
    before = Task.objects.count()
    with pytest.raises(ValidationError) as error:
        make_task(program, **fields)
    assert error.value.message_dict[field] == [message]
    assert Task.objects.count() == before


def test_a_task_code_is_unique_in_its_programme(program, task):
    with pytest.raises(ValidationError) as error:
        make_task(program, code=task.code)
    assert "__all__" in error.value.message_dict


def test_the_search_text_folds_the_diacritics(task):
    assert "xay dung de an nv-3.01" in task.search_text


# --- Creating, and who may -------------------------------------------------------------------------------------


def test_the_lead_units_staff_create_a_draft_with_its_history(staff_a, task):
    update = create(staff_a, task, progress=40)
    assert (update.status, update.version, update.progress, update.author) == (Status.DRAFT, 1, 40, staff_a)
    record = update.history.get()
    assert record.history_user == staff_a and record.history_change_reason == "create"


def test_create_and_submit_at_once(staff_a, task):
    update = create(staff_a, task, submit=True)
    assert update.status == Status.SUBMITTED and update.submitted_at is not None
    assert reasons(update) == ["create", "submit"]


def test_a_supporting_units_staff_write_for_their_unit_not_the_lead(staff_a, supported, unit_a):
    assert permissions.can_update_task(staff_a, supported)
    update = create(staff_a, supported, unit=unit_a)
    assert update.unit == unit_a
    before = task_counts()
    with pytest.raises(PermissionDenied):
        create(staff_a, supported, unit=supported.lead_unit)
    assert task_counts() == before


@pytest.mark.parametrize("who", ["staff_b", "leader", "nobody"])
def test_another_unit_a_leader_and_a_user_without_role_may_not_write(request, task, who):
    user = request.getfixturevalue(who)
    assert not permissions.can_update_task(user, task)
    before = task_counts()
    with pytest.raises(PermissionDenied):
        create(user, task)
    assert task_counts() == before


def test_the_office_writes_for_the_lead_or_a_supporting_unit(office, task):
    mttq = Unit.objects.get(code="MTTQ")
    assert create(office, task).unit == task.lead_unit
    assert create(office, task, unit=mttq).unit == mttq


def test_a_unit_neither_lead_nor_supporting_is_refused_by_name(office, task, unit_b):
    messages = refused("unit", create, office, task, unit=unit_b)
    assert messages == ["Ban Tổ chức Quận ủy is neither the lead unit nor a supporting unit of NV-3.01."]


def test_an_inactive_task_takes_no_update(staff_a, task):
    task.is_active = False
    task.save()
    before = task_counts()
    with pytest.raises(ValidationError):
        create(staff_a, task)
    assert task_counts() == before


def test_a_second_open_update_of_the_same_unit_is_refused(staff_a, task):
    create(staff_a, task)
    refused("unit", create, staff_a, task, content="Lần hai")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"progress": 101}, "progress", "The progress is a percentage between 0 and 100."),
        ({"progress": -1}, "progress", None),
        ({"is_done": True}, "completed_on", "Enter the date the task was completed."),
        ({"completed_on": D(2026, 5, 1)}, "completed_on", None),
        (
            {"is_done": True, "completed_on": D(2026, 6, 16)},
            "completed_on",
            "The completion date cannot be in the future.",
        ),
        (
            {"is_done": True, "completed_on": D(2022, 10, 19)},
            "completed_on",
            "The completion date cannot be before the task was assigned (20/10/2022).",
        ),
        ({"date": D(2026, 6, 16)}, "date", "The date of the update cannot be in the future."),
        ({"date": D(2020, 12, 31)}, "date", "The year must lie between 2021 and 2030."),
        ({"date": None}, "date", None),
        ({"content": "   "}, "content", None),
        ({"evidence_url": "not a link"}, "evidence_url", None),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_written(staff_a, task, fields, field, message):
    messages = refused(field, create, staff_a, task, **fields)
    if message:
        assert message in messages


# --- The workflow ----------------------------------------------------------------------------------------------


def test_submit_return_edit_submit_approve(staff_a, office, task):
    update = create(staff_a, task, submit=True)
    refused("comment", services.task_update_return, user=office, update=update, comment=" ")
    update = services.task_update_return(user=office, update=update, comment="Bổ sung sản phẩm đầu ra.")
    assert (update.status, update.reviewer, update.review_comment) == (
        Status.RETURNED,
        office,
        "Bổ sung sản phẩm đầu ra.",
    )
    update = services.task_update_edit(
        user=staff_a,
        update=update,
        version=update.version,
        date=D(2026, 6, 10),
        content="Đã ban hành Kế hoạch.",
        progress=100,
        is_done=True,
        completed_on=D(2026, 6, 9),
        submit=True,
    )
    assert update.status == Status.SUBMITTED
    update = services.task_update_approve(user=office, update=update)
    assert update.status == Status.APPROVED and update.review_comment == ""
    assert reasons(update) == ["create", "submit", "return", "update", "submit", "approve"]
    state = selectors.task_state_of(task=task)
    assert (state.status, state.completed_on, state.days_late) == (assessment.TaskStatus.DONE_LATE, D(2026, 6, 9), 344)


def test_a_task_done_by_an_update_before_its_deadline_is_done_on_time(staff_a, office, program):
    task = make_task(program, code="NV-2.01", group=2, deadline=D(2026, 12, 31))
    update = create(staff_a, task, is_done=True, completed_on=D(2026, 6, 1), submit=True)
    assert selectors.task_state_of(task=task).status == assessment.TaskStatus.OPEN_IN_TIME  # not approved yet
    services.task_update_approve(user=office, update=update)
    assert selectors.task_state_of(task=task).status == assessment.TaskStatus.DONE_ON_TIME


def test_withdraw_a_submission_then_discard_the_draft(staff_a, task):
    update = create(staff_a, task, submit=True)
    update = services.task_update_withdraw(user=staff_a, update=update)
    assert update.status == Status.DRAFT and update.submitted_at is None
    pk = update.pk
    assert services.task_update_withdraw(user=staff_a, update=update) is None
    assert not TaskUpdate.objects.filter(pk=pk).exists()
    assert TaskUpdate.history.filter(id=pk, history_change_reason="discard").exists()


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Status.DRAFT, "approve"),
        (Status.APPROVED, "submit"),
        (Status.APPROVED, "withdraw"),
        (Status.RETURNED, "approve"),
        (Status.SUPERSEDED, "edit"),
        (Status.SUBMITTED, "edit"),
    ],
)
def test_a_step_its_status_does_not_allow_is_refused(staff_a, office, task, status, step):
    update = make_task_update(task=task, author=staff_a, status=status)
    calls = {
        "approve": lambda: services.task_update_approve(user=office, update=update),
        "submit": lambda: services.task_update_submit(user=staff_a, update=update),
        "withdraw": lambda: services.task_update_withdraw(user=staff_a, update=update),
        "edit": lambda: services.task_update_edit(
            user=staff_a, update=update, version=update.version, date=D(2026, 6, 1), content="x"
        ),
    }
    before = task_counts()
    with pytest.raises(ValidationError):
        calls[step]()
    assert task_counts() == before


def test_a_stale_version_is_refused_naming_who_changed_it(staff_a, office, task):
    update = create(staff_a, task)
    services.task_update_submit(user=staff_a, update=update, version=update.version)
    with pytest.raises(services.TaskUpdateConflict) as error:
        services.task_update_edit(user=staff_a, update=update, version=1, date=D(2026, 6, 1), content="x")
    assert "staff-a changed this update" in error.value.messages[0]


@pytest.mark.parametrize("who", ["staff_a", "leader"])
def test_only_the_office_approves_or_returns(request, task, staff_a, who):
    update = make_task_update(task=task, author=staff_a, status=Status.SUBMITTED)
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.task_update_approve(user=user, update=update)
    with pytest.raises(PermissionDenied):
        services.task_update_return(user=user, update=update, comment="Không")
    update.refresh_from_db()
    assert update.status == Status.SUBMITTED


def test_another_units_staff_may_not_touch_an_update(staff_b, staff_a, task):
    update = make_task_update(task=task, author=staff_a)
    with pytest.raises(PermissionDenied):
        services.task_update_submit(user=staff_b, update=update)


def test_a_correction_supersedes_the_approved_update_once_approved(staff_a, office, task):
    approved = make_task_update(
        task=task, author=staff_a, status=Status.APPROVED, is_done=True, completed_on=D(2025, 7, 10), reviewer=office
    )
    correction = services.task_update_correct(
        user=staff_a,
        update=approved,
        date=D(2026, 6, 1),
        content="Sửa ngày hoàn thành.",
        is_done=True,
        completed_on=D(2025, 6, 28),
        submit=True,
    )
    assert correction.supersedes == approved
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED  # still counts until the correction is approved
    assert selectors.task_state_of(task=task).status == assessment.TaskStatus.DONE_LATE
    services.task_update_approve(user=office, update=correction)
    approved.refresh_from_db()
    assert approved.status == Status.SUPERSEDED and reasons(approved)[-1] == "supersede"
    assert selectors.task_state_of(task=task).status == assessment.TaskStatus.DONE_ON_TIME


def test_only_an_approved_update_is_corrected(staff_a, task):
    update = make_task_update(task=task, author=staff_a, status=Status.SUBMITTED)
    before = task_counts()
    with pytest.raises(ValidationError):
        services.task_update_correct(user=staff_a, update=update, date=D(2026, 6, 1), content="x")
    assert task_counts() == before


# --- Closed years ------------------------------------------------------------------------------------------------


def test_a_closed_year_refuses_updates_for_it(staff_a, office, program, task):
    submitted = make_task_update(task=task, author=staff_a, status=Status.SUBMITTED, date=D(2025, 11, 1))
    approved = make_task_update(
        task=task, author=staff_a, unit=Unit.objects.get(code="MTTQ"), status=Status.APPROVED, date=D(2025, 10, 1)
    )
    close_year(program, 2025)
    messages = refused("date", create, office, task, unit=Unit.objects.get(code="MTTQ"), date=D(2025, 12, 1))
    assert messages == ["The year 2025 is closed: its task updates can no longer change."]
    refused("date", services.task_update_approve, user=office, update=submitted)
    refused("date", services.task_update_withdraw, user=staff_a, update=submitted)
    refused("date", services.task_update_correct, user=office, update=approved, date=D(2026, 6, 1), content="Sửa")
    # 2026 stays open: a new update of this year is taken.
    assert create(office, task, unit=Unit.objects.get(code="MTTQ"), date=D(2026, 1, 5)).pk
    assert not permissions.task_update_actions(office, submitted).any_step


# --- The office's correction of a completion date ------------------------------------------------------------------


def test_the_office_corrects_a_completion_date_with_a_comment(staff_a, office, task):
    update = make_task_update(
        task=task, author=staff_a, status=Status.APPROVED, is_done=True, completed_on=D(2025, 7, 2), reviewer=office
    )
    refused(
        "completion_comment",
        services.task_completion_correct,
        user=office,
        update=update,
        completed_on=D(2025, 6, 30),
        comment="",
    )
    refused(
        "completed_on",
        services.task_completion_correct,
        user=office,
        update=update,
        completed_on=D(2026, 7, 1),
        comment="Theo văn bản",
    )
    with pytest.raises(PermissionDenied):
        services.task_completion_correct(user=staff_a, update=update, completed_on=D(2025, 6, 30), comment="x")
    update = services.task_completion_correct(
        user=office, update=update, completed_on=D(2025, 6, 30), comment="Theo ngày ký văn bản số 45-KH/QU."
    )
    assert (update.completed_on, update.completed_on_reported) == (D(2025, 6, 30), D(2025, 7, 2))
    assert reasons(update)[-1] == "correct_completion"
    assert selectors.task_state_of(task=task).status == assessment.TaskStatus.DONE_ON_TIME


def test_only_an_approved_update_reporting_done_has_its_date_corrected(staff_a, office, task):
    update = make_task_update(task=task, author=staff_a, status=Status.APPROVED)
    refused(
        "completed_on",
        services.task_completion_correct,
        user=office,
        update=update,
        completed_on=D(2025, 6, 1),
        comment="x",
    )


# --- Actions and visibility ------------------------------------------------------------------------------------------


def test_the_actions_each_role_is_offered(staff_a, staff_b, office, leader, task):
    submitted = make_task_update(task=task, author=staff_a, status=Status.SUBMITTED)
    assert permissions.task_update_actions(staff_a, submitted) == permissions.TaskUpdateActions(withdraw=True)
    assert permissions.task_update_actions(office, submitted) == permissions.TaskUpdateActions(
        withdraw=True, approve=True, return_=True
    )
    assert not permissions.task_update_actions(leader, submitted).any_step
    assert not permissions.task_update_actions(staff_b, submitted).any_step
    done = make_task_update(
        task=task,
        author=staff_a,
        unit=Unit.objects.get(code="MTTQ"),
        status=Status.APPROVED,
        is_done=True,
        completed_on=D(2025, 6, 1),
    )
    assert permissions.task_update_actions(office, done).correct_completion
    assert not permissions.task_update_actions(staff_a, done).any_step  # not their unit's update


def test_who_sees_which_update(staff_a, staff_b, office, leader, task):
    draft = make_task_update(task=task, author=staff_a)
    approved = make_task_update(task=task, author=staff_a, unit=Unit.objects.get(code="MTTQ"), status=Status.APPROVED)
    for user, seen in [(office, {draft, approved}), (staff_a, {draft}), (leader, {approved}), (staff_b, set())]:
        assert set(permissions.task_updates_visible_to(user, task.program)) == seen, user
        assert permissions.can_view_task_update(user, draft) is (draft in seen)


# --- Reminders ------------------------------------------------------------------------------------------------------


@pytest.fixture
def culture_staff(staff_a):
    return with_email(staff_a, "vanhoa@example.vn")


def test_a_reminder_is_logged_and_mails_the_units_members(
    culture_staff, office, task, unit_a, django_capture_on_commit_callbacks
):
    with_email(office, "vanphong@example.vn")
    silent = User.objects.create_user("no-address")
    unit_a.members.add(silent)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.task_remind(task, by=office, note="Đề nghị báo cáo trước 20/6.")
    assert sent == 1
    reminder = TaskReminder.objects.get(task=task)
    assert (reminder.unit, reminder.sent_by, list(reminder.recipients.all())) == (unit_a, office, [culture_staff])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["vanhoa@example.vn"] and message.subject == "Reminder: task NV-3.01"
    assert "overdue by 350 days" in message.body and "Đề nghị báo cáo trước 20/6." in message.body
    assert "https://chitieu.example.vn/p/12-ctr-qu/" in message.body


def test_a_reminder_to_a_supporting_unit_and_a_refused_one(office, task, unit_b):
    mttq = Unit.objects.get(code="MTTQ")
    assert services.task_remind(task, by=office, unit=mttq) == 0  # nobody with an address: logged anyway
    assert TaskReminder.objects.get(task=task).unit == mttq
    refused("unit", services.task_remind, task, by=office, unit=unit_b)


@pytest.mark.parametrize("who", ["staff_a", "leader", "nobody"])
def test_only_the_office_reminds(request, task, who):
    with pytest.raises(PermissionDenied):
        services.task_remind(task, by=request.getfixturevalue(who))
    assert not TaskReminder.objects.exists()


def test_the_third_reminder_flags_an_overdue_task_for_the_leaders(office, program, task):
    for expected in (False, False, True):
        services.task_remind(task, by=office)
        assert selectors.task_state_of(task=task).flagged is expected
    panel = selectors.task_panel(program=program)
    # The panel reads its tasks as plain values (selectors.tasks._plain_tasks), not model instances.
    assert [(row.task.pk, row.task.code) for row in panel.flagged] == [(task.pk, task.code)]
    assert panel.overdue_by_unit[0]["flagged"] == 1


def test_the_digest_covers_tasks_overdue_and_due_soon_one_mail_per_person(culture_staff, program, settings):
    make_task(program, code="NV-3.02", group=3, deadline=D(2026, 7, 10), name="Ban hành Kế hoạch tuyên truyền")
    make_task(program, code="NV-3.03", group=3, deadline=D(2026, 12, 1), name="Báo cáo sơ kết (chưa đến kỳ)")
    overdue = make_task(program, code="NV-3.04", group=3, deadline=D(2026, 6, 1), name="Xây dựng Đề án số hóa di tích")
    done = make_task(program, code="NV-3.05", group=3, deadline=D(2026, 6, 1), name="Đã xong")
    make_task_update(task=done, author=culture_staff, status=Status.APPROVED, is_done=True, completed_on=D(2026, 5, 30))
    make_task(program, code="NV-3.06", group=3, deadline=None, recurrence="ongoing", name="Thường xuyên")
    make_task(
        program, code="NV-1.03", group=1, lead="BTCQU", supporting=["PVHTT"], deadline=D(2026, 6, 20), name="Phối hợp"
    )
    assert overdue.pk
    notifications.send_reminders()
    mine = [m for m in mail.outbox if m.to == ["vanhoa@example.vn"]]
    assert len(mine) == 1
    body = mine[0].body
    assert "Overdue tasks:" in body and "NV-3.04 Xây dựng Đề án số hóa di tích: 01/06/2026 (overdue by 14 days)" in body
    assert "Task deadlines in the next 30 days:" in body and "NV-3.02" in body and "NV-1.03" in body
    assert "NV-3.03" not in body and "NV-3.05" not in body and "NV-3.06" not in body
    assert not TaskReminder.objects.exists()  # the digest is not a reminder of the office's


# --- Another ward ----------------------------------------------------------------------------------------------------


@pytest.fixture
def ward_people(db):
    """The Cầu Giấy ward's programme (loaded inside the test's transaction), its office and a staff user of
    one of its units."""
    services.program_load_reference(manifest=WARD_MANIFEST)
    ward_unit = Unit.objects.filter(organisation__code="phuong-cau-giay").order_by("code").first()
    services.user_ensure(username="office-ward", role="office", password="x" * 12, organisation=ward_unit.organisation)
    services.user_ensure(username="staff-ward", role="unit_staff", password="x" * 12, units=[ward_unit])
    return User.objects.get(username="office-ward"), User.objects.get(username="staff-ward")


def test_another_wards_people_can_do_nothing_with_the_districts_tasks(ward_people, staff_a, task):
    ward_office, ward_staff = ward_people
    update = make_task_update(task=task, author=staff_a, status=Status.SUBMITTED)
    for user in (ward_office, ward_staff):
        assert not permissions.can_update_task(user, task)
        with pytest.raises(PermissionDenied):
            create(user, task)
        assert not permissions.task_updates_visible_to(user, task.program).exists()
        assert not permissions.task_update_actions(user, update).any_step
    with pytest.raises(PermissionDenied):
        services.task_update_approve(user=ward_office, update=update)
    with pytest.raises(PermissionDenied):
        services.task_remind(task, by=ward_office)
    update.refresh_from_db()
    assert update.status == Status.SUBMITTED and not TaskReminder.objects.exists()
