"""The change history of a report and of a target's page."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models import (
    DomainGroup,
    Milestone,
    ProgressReport,
    Target,
    Unit,
)

User = get_user_model()

TARGET_HISTORY_LIMIT = 200
# The target page shows its history a page at a time (``?history_page=N``), newest first: rendering every
# entry with its fields was most of the page's time, and the history only grows.
TARGET_HISTORY_PER_PAGE = 20


# Fields a report's history shows, in this order; the rest (timestamps, version, keys) are bookkeeping.
HISTORY_FIELDS = [
    "status",
    "year",
    "quarter",
    "value",
    "is_estimate",
    "note",
    "evidence_url",
    "evidence_file",
    "review_comment",
    "reviewer",
    "supersedes",
]


@dataclass
class HistoryChange:
    field: str
    label: str
    before: object
    after: object


# The services name each step in the history's change reason; simple_history's own types cover the rest.
HISTORY_ACTIONS = {
    "create": _("Created"),
    "update": _("Edited"),
    "submit": _("Submitted"),
    "withdraw": _("Withdrawn"),
    "discard": _("Discarded"),
    "approve": _("Approved"),
    "return": _("Returned"),
    "supersede": _("Superseded by a correction"),
    "import": _("Imported"),
    "correct_completion": _("Completion date corrected"),
    "+": _("Created"),
    "~": _("Changed"),
    "-": _("Deleted"),
}


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: object  # a user or None (a command or the shell)
    action: str  # the service's name for the step (create, update, submit, ...), or simple_history's +, ~, -
    changes: list[HistoryChange]

    @property
    def action_label(self) -> str:
        return HISTORY_ACTIONS.get(self.action, self.action)


def _history_value(name: str, value, users: dict):
    if name == "reviewer":
        return users.get(value) if value else None
    if name == "evidence_file":
        return str(value).rsplit("/", 1)[-1] if value else ""
    if name == "status" and value:
        return ProgressReport.Status(value).label
    return value


def report_history(*, report: ProgressReport) -> list[HistoryEntry]:
    """Every step of ``report``, newest first: who, when, what, and each changed field's before and after
    (simple_history's ``diff_against``). 2 queries: the history with its users, the reviewers named in it."""
    records = list(report.history.select_related("history_user").order_by("history_date", "history_id"))
    reviewer_ids = {r.reviewer_id for r in records if r.reviewer_id}
    users = {u.pk: u for u in User.objects.filter(pk__in=reviewer_ids)} if reviewer_ids else {}
    labels = {name: ProgressReport._meta.get_field(name).verbose_name for name in HISTORY_FIELDS}
    entries = []
    previous = None
    for record in records:
        if previous is None:
            # The first record: every field that has a value is a change from nothing.
            changes = [
                HistoryChange(name, labels[name], None, _history_value(name, value, users))
                for name in HISTORY_FIELDS
                if (value := getattr(record, f"{name}_id" if name in ("reviewer", "supersedes") else name))
                not in (None, "")
            ]
        else:
            delta = record.diff_against(previous, included_fields=HISTORY_FIELDS)
            order = {name: i for i, name in enumerate(HISTORY_FIELDS)}
            changes = [
                HistoryChange(
                    c.field,
                    labels[c.field],
                    _history_value(c.field, c.old, users),
                    _history_value(c.field, c.new, users),
                )
                for c in sorted(delta.changes, key=lambda c: order[c.field])
            ]
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=record.history_change_reason or record.history_type,
                changes=changes,
            )
        )
        previous = record
    entries.reverse()
    return entries


def report_last_change(*, report_id: int):
    """Who made the latest change to a report and when, for the message of a refused stale save.
    1 query. Returns ``(user or None, datetime)``, or ``(None, None)`` without history."""
    record = (
        ProgressReport.history.filter(id=report_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    return (record.history_user, record.history_date) if record else (None, None)


# The change history of a target's page: which fields each model shows, in this order.
TARGET_HISTORY_FIELDS = {
    "target": [
        "name",
        "name_en",
        "unit_of_measure",
        "direction",
        "is_yearly",
        "is_period_average",
        "baseline_value",
        "baseline_year",
        "group",
        "lead_unit",
        "order",
    ],
    "milestone": ["year", "min_value", "max_value", "deadline"],
    "report": ["status", "unit", "year", "quarter", "value", "is_estimate", "note", "evidence_url", "review_comment"],
}


@dataclass
class TargetHistoryEntry:
    when: datetime.datetime
    who: object  # a user, or None for a command or the shell
    kind: str  # target, milestone, report
    subject: str  # what changed: the target's code, "Milestone 2025", "Report 2024 · PVHTT"
    action: str  # simple_history's +, ~, -, or the service's step name
    changes: list[HistoryChange]
    who_name: str = ""  # the user's full name, else username; "" for None

    @property
    def action_label(self) -> str:
        return str(HISTORY_ACTIONS.get(self.action, self.action))


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _history_display(name: str, value, names: dict, choices: dict):
    if value is None or value == "":
        return None
    if name in ("unit", "lead_unit"):
        return names["unit"].get(value, value)
    if name == "group":
        return names["group"].get(value, value)
    if name in choices:
        return choices[name].get(value, value)
    return value


def _history_entries(records, *, model, kind: str, subject, names: dict, users: dict) -> list[TargetHistoryEntry]:
    """Before and after of each field, against the previous record of the same object (records ordered:
    rows of ``_history_rows``; ``users`` their users by id)."""
    fields = TARGET_HISTORY_FIELDS[kind]
    attnames = [(name, model._meta.get_field(name).attname) for name in fields]
    # Translated and capitalised once here, not for every change on the page; the choices' labels likewise.
    labels = {name: capfirst(str(model._meta.get_field(name).verbose_name)) for name in fields}
    choices = {name: dict(f.flatchoices) for name in fields if (f := model._meta.get_field(name)).choices}
    previous: dict[int, dict] = {}
    entries = []
    for record in records:
        before = previous.get(record["id"])
        deleted = record["history_type"] == "-"
        changes = []
        for name, attname in attnames:
            old = before[attname] if before is not None else None
            new = record[attname]
            if deleted:
                new, old = None, new
            if old in ("", None) and new in ("", None):
                continue
            if old != new:
                changes.append(
                    HistoryChange(
                        name,
                        labels[name],
                        _history_display(name, old, names, choices),
                        _history_display(name, new, names, choices),
                    )
                )
        previous[record["id"]] = record
        if record["history_type"] == "~" and not changes:
            continue  # a save that changed nothing shown here (a derived field, a relation): not news
        who = users.get(record["history_user_id"])
        entries.append(
            TargetHistoryEntry(
                when=record["history_date"],
                who=who,
                kind=kind,
                subject=subject(record),
                action=record["history_change_reason"] or record["history_type"],
                changes=changes,
                who_name=_user_name(who),
            )
        )
    return entries


def _report_subject(record, names: dict) -> str:
    if record["quarter"]:
        period = str(_("Q%(quarter)s/%(year)s")) % {"quarter": record["quarter"], "year": record["year"]}
    else:
        period = str(record["year"])
    return str(_("Report %(period)s · %(unit)s")) % {
        "period": period,
        "unit": names["unit"].get(record["unit_id"], ""),
    }


# What ``_history_rows`` reads of a record's user: enough for its name; the rest is loaded if ever asked for.
_HISTORY_USER_FIELDS = ("id", "username", "first_name", "last_name")


def _history_rows(records, *, model, kind: str, users: dict, extra=()) -> list[dict]:
    """The records of ``records`` (a queryset of ``model``'s historical records, filtered) in order, as
    plain rows of what the history shows, with their users' names: 1 query. Each user is put in ``users``
    (by id) once, as a user object whose other fields load when asked for."""
    fields = [model._meta.get_field(name).attname for name in TARGET_HISTORY_FIELDS[kind]]
    user_fields = [f"history_user__{name}" for name in _HISTORY_USER_FIELDS]
    rows = list(
        records.order_by("history_date", "history_id").values(
            "id",
            *extra,
            *fields,
            "history_type",
            "history_date",
            "history_change_reason",
            "history_user_id",
            *user_fields,
        )
    )
    for row in rows:
        user_id = row["history_user_id"]
        if user_id is not None and user_id not in users:
            users[user_id] = User.from_db(records.db, list(_HISTORY_USER_FIELDS), [row[name] for name in user_fields])
    return rows


def target_history(*, target: Target, user, limit: int | None = TARGET_HISTORY_LIMIT) -> list[TargetHistoryEntry]:
    """Every recorded change of the target, its milestones and its reports, newest first (at most ``limit``;
    ``None``: all),
    with who, when, and each field's before and after. Of the reports, only the records ``user`` may see
    (``permissions.report_visibility``: for others' reports, the approvals and later), each compared with
    the previous record the user may see, so that no before-value shows what was hidden. 5 queries: the
    three histories with their users, unit names, group names; + the user's units for staff."""
    # The historical models' own managers (``Model.history`` builds a new manager class at every access),
    # their records as plain rows: the history compares values, it needs no model instance.
    users: dict[int, object] = {}
    target_records = _history_rows(
        _historical(Target).filter(id=target.id), model=Target, kind="target", users=users, extra=("code",)
    )
    milestone_records = _history_rows(
        _historical(Milestone).filter(target_id=target.id), model=Milestone, kind="milestone", users=users
    )
    report_records = _history_rows(
        _historical(ProgressReport).filter(permissions.report_visibility(user).q(), target_id=target.id),
        model=ProgressReport,
        kind="report",
        users=users,
    )
    # The codes of the units these records name, not of every unit of the instance (a city has thousands);
    # unordered: they are looked up by id.
    unit_ids = {r["lead_unit_id"] for r in target_records} | {r["unit_id"] for r in report_records}
    names = {
        "unit": dict(Unit.objects.filter(id__in=unit_ids - {None}).order_by().values_list("id", "code")),
        "group": dict(DomainGroup.objects.filter(program_id=target.program_id).order_by().values_list("id", "code")),
    }
    entries = _history_entries(
        target_records, model=Target, kind="target", subject=lambda r: r["code"], names=names, users=users
    )
    entries += _history_entries(
        milestone_records,
        model=Milestone,
        kind="milestone",
        subject=lambda r: str(_("Milestone %(year)s")) % {"year": r["year"]},
        names=names,
        users=users,
    )
    entries += _history_entries(
        report_records,
        model=ProgressReport,
        kind="report",
        subject=lambda r: _report_subject(r, names),
        names=names,
        users=users,
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries if limit is None else entries[:limit]


def _historical(model):
    """The manager of ``model``'s historical records (django-simple-history's model, its default manager)."""
    return model.history.model._default_manager


def target_history_page(*, target: Target, user, number=None, per_page: int = TARGET_HISTORY_PER_PAGE) -> Page:
    """One page of ``target_history`` (all of it, so that every entry can be reached): ``number`` as the
    query string gives it; a missing, malformed or out-of-range number gives the first or the last page, as
    ``Paginator.get_page`` does. The same 5 queries whatever the history's length: each record is compared
    with the previous record of its object, which may be on any page, so the records are all read, and only
    the page's entries are rendered."""
    return Paginator(target_history(target=target, user=user, limit=None), per_page).get_page(number)
