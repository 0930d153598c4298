"""The mails of the reporting workflow and the ``send_reminders`` command (time frozen with time-machine)."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from targets import notifications, services
from targets.models import Unit

from .factories import Status, close_year, make_report, make_task
from .factories import target as get_target

User = get_user_model()


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.SITE_URL = "https://chitieu.example.vn"


def with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def vh01(program):
    return get_target("VH-01")


@pytest.fixture
def colleague(roles, unit_a):
    services.user_ensure(username="colleague", role="unit_staff", password="x" * 12, units=[unit_a])
    return with_email(User.objects.get(username="colleague"), "dongnghiep@example.vn")


def test_a_submission_tells_the_office(staff_a, office, leader, vh01, django_capture_on_commit_callbacks):
    with_email(office, "vanphong@example.vn")
    with_email(leader, "lanhdao@example.vn")
    User.objects.create_user("office-2", password="x" * 12)  # no role, no address
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_create(
            user=staff_a, target=vh01, unit=vh01.lead_unit, year=2025, value=Decimal("7.5"), submit=True
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["vanphong@example.vn"]
    assert message.subject == "Report to review: VH-01, 2025, Phòng Văn hóa và Thông tin"
    assert f"https://chitieu.example.vn/reports/{report.pk}/" in message.body
    assert "7.5 %" in message.body


def test_a_return_tells_the_reporting_staff_one_mail_each(
    staff_a, colleague, office, vh01, django_capture_on_commit_callbacks
):
    with_email(staff_a, "canbo@example.vn")
    with_email(office, "vanphong@example.vn")
    report = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED, note="<b>ghi chú</b>")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(user=office, report=report, comment="Thiếu số liệu & nguồn <trích dẫn>")
    assert sorted(m.to[0] for m in mail.outbox) == ["canbo@example.vn", "dongnghiep@example.vn"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the others' addresses
    body = mail.outbox[0].body
    assert "Thiếu số liệu & nguồn <trích dẫn>" in body  # plain text: nothing escaped
    assert mail.outbox[0].subject == "Report returned: VH-01, 2025"


def test_an_approval_tells_the_reporting_staff_but_not_the_approver(
    staff_a, office, vh01, django_capture_on_commit_callbacks
):
    with_email(staff_a, "canbo@example.vn")
    with_email(office, "vanphong@example.vn")
    vh01.lead_unit.members.add(office)  # the approver happens to be a member: no mail to themselves
    report = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(user=office, report=report)
    assert [m.to for m in mail.outbox] == [["canbo@example.vn"]]
    assert mail.outbox[0].subject == "Report approved: VH-01, 2025"


def test_nothing_is_sent_for_a_refused_change(staff_a, office, vh01, django_capture_on_commit_callbacks):
    with_email(office, "vanphong@example.vn")
    report = make_report(target=vh01, author=staff_a, status=Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        services.report_submit(user=staff_a, report=report)
    assert mail.outbox == []


def test_a_broken_mail_server_does_not_break_the_change(staff_a, office, vh01, django_capture_on_commit_callbacks):
    with_email(office, "vanphong@example.vn")
    with (
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = services.report_create(
            user=staff_a, target=vh01, unit=vh01.lead_unit, year=2025, value=Decimal(1), submit=True
        )
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_mails_about_a_report_that_is_gone_send_nothing(db):
    assert notifications.report_submitted(report_id=999999) == 0
    assert notifications.report_returned(report_id=999999) == 0


# --- Reminders ------------------------------------------------------------------------------------------------------


@pytest.fixture
def culture_staff(staff_a):
    return with_email(staff_a, "canbo@example.vn")


@time_machine.travel(datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC))
def test_reminders_list_the_targets_without_last_years_figure(culture_staff, office, vh01):
    make_report(target=get_target("VH-02"), author=office, status=Status.APPROVED, year=2025)
    make_report(target=get_target("VH-04"), author=office, status=Status.SUBMITTED, year=2025)  # not approved yet
    make_report(target=get_target("VH-05"), author=office, status=Status.APPROVED, year=2025, quarter=4)
    summary = notifications.send_reminders()
    mine = [m for m in mail.outbox if m.to == ["canbo@example.vn"]]
    assert len(mine) == 1 and summary.mails == len(mail.outbox)
    body = mine[0].body
    assert "Targets without an approved figure for 2025:" in body
    assert "- VH-01 " in body and "- VH-04 " in body and "- VH-05 " in body  # a quarter is not the year
    assert "- VH-02 " not in body
    assert "- VH-03 " not in body  # supported, not led: the Front reports it
    assert "https://chitieu.example.vn/p/12-ctr-qu/targets/VH-01/reports/new/?year=2025" in body
    assert "Milestone deadlines" not in body  # none within 30 days in March


@time_machine.travel(datetime.datetime(2025, 12, 5, 7, 0, tzinfo=datetime.UTC))
def test_reminders_list_milestone_deadlines_within_the_window(culture_staff, settings, program):
    settings.TARGETS_REMINDER_DAYS = 30
    notifications.send_reminders()
    body = next(m.body for m in mail.outbox if m.to == ["canbo@example.vn"])
    assert "Milestone deadlines in the next 30 days:" in body
    assert "- VH-01 " in body and "31/12/2025 (milestone 2025)" in body  # English dates are day first too
    assert "- VH-03 " in body  # a target the unit supports has its deadline too
    mail.outbox.clear()
    settings.TARGETS_REMINDER_DAYS = 10
    notifications.send_reminders()
    body = next(m.body for m in mail.outbox if m.to == ["canbo@example.vn"])
    assert "Milestone deadlines" not in body


@time_machine.travel(datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC))
def test_no_reminder_for_a_closed_year_and_none_without_an_address(staff_a, program):
    close_year(program, 2025)
    with_email(staff_a, "")
    summary = notifications.send_reminders()
    assert summary.mails == 0 and mail.outbox == []


@time_machine.travel(datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC))
def test_a_member_of_two_units_gets_one_mail(culture_staff, unit_b, program):
    unit_b.members.add(culture_staff)
    notifications.send_reminders()
    mine = [m for m in mail.outbox if m.to == ["canbo@example.vn"]]
    assert len(mine) == 1
    assert "== Phòng Văn hóa và Thông tin ==" in mine[0].body and f"== {unit_b.name} ==" in mine[0].body


@time_machine.travel(datetime.datetime(2025, 12, 5, 7, 0, tzinfo=datetime.UTC))
def test_reminder_queries_do_not_grow_with_units(culture_staff, program, django_assert_num_queries):
    make_task(program, code="NV-3.01", group=3, supporting=["MTTQ"], deadline=datetime.date(2025, 12, 20))
    # targets without last year's figure; milestones due with their supporting units (2); tasks to remind
    # with their supporting units and their updates' and reminders' counts (4); the units with their members who
    # have an address (2)
    with django_assert_num_queries(9):
        notifications.send_reminders()
    for unit in Unit.objects.exclude(code="PVHTT")[:10]:
        user = User.objects.create_user(f"staff-{unit.code.lower()}", email=f"{unit.code.lower()}@example.vn")
        unit.members.add(user)
        make_task(program, code=f"NV-9.{unit.pk}", group=1, lead=unit.code, deadline=datetime.date(2025, 12, 1))
    with django_assert_num_queries(9):
        notifications.send_reminders()


@time_machine.travel(datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC))
def test_the_command_for_cron(culture_staff, program):
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().startswith("Reminders: 1 mail(s) sent to 1 user(s) of 1 unit(s).")
    assert mail.outbox[0].subject == "Reminder: figures and deadlines of your targets"
