"""The mails of the reporting workflow, and the reminders that ``send_reminders`` sends from cron.

Services call the ``report_*`` functions through ``transaction.on_commit``, so that nothing is sent for a
change that was rolled back. A mail server that fails is logged, never allowed to break a page: the change
is already saved and the report's page shows it. Each recipient gets a message of their own, so that
addresses are not shared. Mails are written in the site's language (``LANGUAGE_CODE``), since the
recipient's choice is not stored.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import assessment, permissions, selectors
from .models import ProgressReport, TaskReminder, Unit

logger = logging.getLogger(__name__)
User = get_user_model()


def _message(template: str, context: dict, user) -> EmailMessage:
    context = {**context, "recipient": user, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        body = render_to_string(f"email/{template}.txt", context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])


def _send(messages: list[EmailMessage]) -> int:
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        # Whatever the mail server does, the report is saved: log it for the operator and go on.
        logger.exception("Could not send %s mail(s).", len(messages))
        return 0


def _with_address(users) -> list:
    """Active users with an e-mail address, each once, in a stable order."""
    seen, out = set(), []
    for user in sorted(users, key=lambda u: u.pk):
        if user.is_active and user.email and user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def _report(report_id: int) -> ProgressReport | None:
    return (
        ProgressReport.objects.select_related("target__program", "unit", "author", "reviewer")
        .prefetch_related("unit__members")
        .filter(pk=report_id)
        .first()
    )


def _report_context(report: ProgressReport) -> dict:
    return {"report": report, "url": settings.SITE_URL + reverse("report_detail", args=[report.pk])}


def _to_reporting_staff(template: str, report_id: int, actor_id: int | None) -> int:
    """The report's author and the members of its unit, except whoever made the change."""
    report = _report(report_id)
    if report is None:
        return 0
    recipients = [u for u in _with_address([report.author, *report.unit.members.all()]) if u.pk != actor_id]
    context = _report_context(report)
    return _send([_message(template, context, user) for user in recipients])


def report_submitted(*, report_id: int, actor_id: int | None = None) -> int:
    """A report waits for approval: tell the office (``permissions.office_users``, superusers included).
    Returns the number of mails sent."""
    report = _report(report_id)
    if report is None:
        return 0
    office = permissions.office_users(exclude=actor_id, where=report.target.program.organisation_id)
    context = _report_context(report)
    return _send([_message("report_submitted", context, user) for user in _with_address(office)])


def report_returned(*, report_id: int, actor_id: int | None = None) -> int:
    """The office returned a report with a comment: tell the reporting staff."""
    return _to_reporting_staff("report_returned", report_id, actor_id)


def report_approved(*, report_id: int, actor_id: int | None = None) -> int:
    """The office approved a report: tell the reporting staff."""
    return _to_reporting_staff("report_approved", report_id, actor_id)


def import_done(*, report_ids: list[int], actor_id: int | None = None) -> int:
    """An import created (and perhaps approved) many reports at once: one mail per recipient listing them,
    instead of one per row. The office hears of the submitted ones, the reporting staff of the approved ones."""
    reports = list(
        ProgressReport.objects.select_related("target__program", "unit", "author")
        .prefetch_related("unit__members")
        .filter(pk__in=report_ids)
        .order_by("target__order", "year", "quarter", "unit__code")
    )
    messages = []
    submitted = [r for r in reports if r.status == ProgressReport.Status.SUBMITTED]
    if submitted:
        office = permissions.office_users(exclude=actor_id, where=submitted[0].target.program.organisation_id)
        context = {"reports": submitted, "url": settings.SITE_URL + reverse("report_list")}
        messages += [_message("import_submitted", context, user) for user in _with_address(office)]
    approved_for = defaultdict(list)
    for report in reports:
        if report.status == ProgressReport.Status.APPROVED:
            for user in _with_address([report.author, *report.unit.members.all()]):
                if user.pk != actor_id:
                    approved_for[user].append(report)
    for user, approved in approved_for.items():
        context = {"reports": approved, "url": settings.SITE_URL + reverse("report_list")}
        messages.append(_message("import_approved", context, user))
    return _send(messages)


def task_reminder_sent(*, reminder_id: int) -> int:
    """The office reminded a unit of a task (``services.task_remind``): mail the people it was logged for."""
    reminder = (
        TaskReminder.objects.select_related("task__program", "task__lead_unit", "unit", "sent_by")
        .prefetch_related("recipients")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:
        return 0
    task = reminder.task
    context = {
        "reminder": reminder,
        "task": task,
        "state": selectors.task_state_of(task=task, today=timezone.localdate()),
        "url": settings.SITE_URL + reverse("overview", args=[task.program.slug]),
    }
    return _send([_message("task_reminder", context, user) for user in _with_address(reminder.recipients.all())])


@dataclass
class ReminderSummary:
    mails: int
    users: int
    units: int


def send_reminders(*, today: datetime.date | None = None) -> ReminderSummary:
    """Remind each unit's members of the targets it leads that have no approved figure for last year, of
    the milestone deadlines of the targets it leads or supports in the next TARGETS_REMINDER_DAYS days, and
    of the tasks it leads or supports that are overdue or due within those days. A member of several units
    gets one mail. 8 queries, whatever the number of units, targets and tasks."""
    today = today or timezone.localdate()
    last_year = today.year - 1
    missing = list(selectors.targets_without_figure(year=last_year))
    due = selectors.milestones_due(start=today, end=today + datetime.timedelta(days=settings.TARGETS_REMINDER_DAYS))

    tasks = selectors.tasks_to_remind(today=today, days=settings.TARGETS_REMINDER_DAYS)

    per_unit: dict[int, dict[str, list]] = defaultdict(
        lambda: {"missing": [], "deadlines": [], "tasks_overdue": [], "tasks_due": []}
    )
    for target in missing:
        per_unit[target.lead_unit_id]["missing"].append(target)
    for milestone in due:
        target = milestone.target
        for unit_id in [target.lead_unit_id, *(u.pk for u in target.supporting_units.all())]:
            per_unit[unit_id]["deadlines"].append(milestone)
    for row in tasks:
        key = "tasks_overdue" if row.state.status == assessment.TaskStatus.OVERDUE else "tasks_due"
        for unit_id in [row.task.lead_unit_id, *(u.pk for u in row.supporting_units)]:
            per_unit[unit_id][key].append(row)

    members = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    units = Unit.objects.filter(pk__in=per_unit, is_active=True).prefetch_related(
        Prefetch("members", queryset=members, to_attr="mail_members")
    )
    per_user: dict[int, tuple] = {}
    for unit in units.order_by("code"):
        for user in unit.mail_members:
            per_user.setdefault(user.pk, (user, []))[1].append({"unit": unit, **per_unit[unit.pk]})

    context = {
        "today": today,
        "last_year": last_year,
        "year_query": f"?year={last_year}",  # the report form opens on last year
        "days": settings.TARGETS_REMINDER_DAYS,
    }
    messages = [_message("reminder", {**context, "sections": sections}, user) for user, sections in per_user.values()]
    units_reminded = {section["unit"].pk for _, sections in per_user.values() for section in sections}
    return ReminderSummary(mails=_send(messages), users=len(per_user), units=len(units_reminded))
