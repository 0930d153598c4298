"""Every write of the application.

Each service is named ``<entity>_<action>``, takes keyword-only arguments, runs in a transaction that
first moves the data version on (what cached pages are keyed on, ``pagecache.py``) and calls
``full_clean()`` before saving, so that views, the admin, imports and commands share one set of rules.
Read-only questions behind pages live in ``selectors.py``.
"""

import contextvars
import csv
import datetime
import json
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from . import notifications, permissions, selectors
from .assessment import TargetFacts, assess_year
from .models import (
    AnnualReview,
    DataVersion,
    DomainGroup,
    Milestone,
    Program,
    ProgressReport,
    SolutionGroup,
    Target,
    Unit,
    YearClosure,
)
from .permissions import ROLE_LEADER, ROLE_OFFICE, ROLE_UNIT_STAFF
from .text import fold

User = get_user_model()

ROLES = (ROLE_LEADER, ROLE_UNIT_STAFF, ROLE_OFFICE)

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed by load_demo and flagged demo-only in the README


# --- The data version (what the page cache keys on) ----------------------------------------------------------
#
# Every write that a page could show gives the one DataVersion row a new token, in the writer's own
# transaction. A page rendered before the commit stays cached under the old token, and every process misses
# it from the first request after the commit (pagecache.py). Services move the token first, so that every
# writer takes that row's lock before any other and two services never wait on each other in opposite
# order; saves outside services (the admin) move it through the signals that ``data_changes_watch`` connects.

_version_moved: contextvars.ContextVar[bool] = contextvars.ContextVar("version_moved", default=False)


def data_changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give the data a new version token. 1 query (2 the first time, when the row is created)."""
    token = secrets.token_hex(16)
    versions = DataVersion.objects.using(using)
    if not versions.filter(pk=DataVersion.SINGLETON).update(token=token, changed_at=timezone.now()):
        versions.update_or_create(pk=DataVersion.SINGLETON, defaults={"token": token})


def _writes(service):
    """The transaction of a service that writes: the data version moves first (once, when services nest)."""

    @wraps(service)
    def wrapper(*args, **kwargs):
        with transaction.atomic():
            if _version_moved.get():
                return service(*args, **kwargs)
            data_changed()
            moved = _version_moved.set(True)
            try:
                return service(*args, **kwargs)
            finally:
                _version_moved.reset(moved)

    return wrapper


def _data_saved(sender, raw=False, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    # Fixtures loading raw rows are followed by their own data_changed(); a sign-in only stamps last_login.
    if raw or _version_moved.get() or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    data_changed(using=using)


def _data_deleted(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    if not _version_moved.get():
        data_changed(using=using)


def _links_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_") and not _version_moved.get():
        data_changed(using=using)


def data_changes_watch() -> None:
    """Move the data version on whenever a model that pages show is saved or deleted outside a service
    (the admin, the shell). Connected once, from ``TargetsConfig.ready()``."""
    shown = (Program, SolutionGroup, DomainGroup, Unit, Target, Milestone, ProgressReport, AnnualReview, YearClosure)
    for model in (*shown, User, Group):
        name = model._meta.label_lower
        post_save.connect(_data_saved, sender=model, dispatch_uid=f"data-version-save:{name}")
        post_delete.connect(_data_deleted, sender=model, dispatch_uid=f"data-version-delete:{name}")
    for through in (Unit.members.through, Target.supporting_units.through, User.groups.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"data-version-links:{through._meta.label}")


# --- Reference data ---------------------------------------------------------------------------------------


@dataclass
class LoadSummary:
    """What a load created, updated or left as it was, for the command to print."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool = True) -> None:
        bucket = self.created if created else self.updated
        if created or changed:
            bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _decimal_or_none(raw: str, *, where: str) -> Decimal | None:
    if raw == "":
        return None
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("%(where)s: %(raw)r is not a number.") % {"where": where, "raw": raw}) from None


def _save_if_changed(obj, values: dict, summary: LoadSummary, kind: str) -> None:
    """Set ``values`` on an existing ``obj`` and save only if something differs (so history stays quiet)."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.full_clean()
        obj.save()
    summary.count(kind, created=False, changed=bool(changed))


def _upsert(model, lookup: dict, values: dict, summary: LoadSummary, kind: str):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        summary.count(kind, created=True)
        return obj
    _save_if_changed(obj, values, summary, kind)
    return obj


@_writes
def program_load_reference(*, manifest: Path) -> tuple[Program, LoadSummary]:
    """Load or update a programme and its groups, units, targets and milestones from a manifest.

    The manifest is a JSON file with the programme's fields and the names of four CSV files beside
    it (``fixtures/program.json`` for 12-CTr/QU). Rows are matched on their codes, so running it again
    after a correction updates what changed and nothing else. Any bad row raises ``ValidationError``
    naming the file and row, and the transaction leaves the database as it was.
    """
    manifest = Path(manifest)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    folder = manifest.parent
    files = data["files"]
    summary = LoadSummary()

    program = _upsert(
        Program,
        {"number": data["number"]},
        {
            "title": data["title"],
            "issued_on": datetime.date.fromisoformat(data["issued_on"]),
            "issuing_body": data["issuing_body"],
            "parent_body": data["parent_body"],
            "place_name": data["place_name"],
            "resolution": data["resolution"],
            "first_year": int(data["first_year"]),
            "last_year": int(data["last_year"]),
            "milestone_years": [int(y) for y in data["milestone_years"]],
        },
        summary,
        "programme",
    )

    for row in _read_csv(folder / files["units"]):
        _upsert(Unit, {"code": row["code"]}, {"name": row["name_vi"], "kind": row["kind"]}, summary, "unit")

    groups = {}
    for row in _read_csv(folder / files["groups"]):
        groups[row["group_code"]] = _upsert(
            DomainGroup,
            {"program": program, "code": row["group_code"]},
            {"number": int(row["group_no"]), "name": row["name_vi"], "name_en": row.get("name_en", "")},
            summary,
            "group",
        )

    for row in _read_csv(folder / files["solution_groups"]):
        _upsert(
            SolutionGroup,
            {"program": program, "number": int(row["solution_no"])},
            {"name": row["name_vi"], "source_note": row.get("source", "")},
            summary,
            "solution group",
        )

    units = {unit.code: unit for unit in Unit.objects.all()}
    milestone_columns = {year: (f"target_{year}", f"target_{year}_max") for year in program.milestone_years}
    for order, row in enumerate(_read_csv(folder / files["targets"]), start=1):
        where = f"{files['targets']}, {row.get('code') or order}"
        if row["group_code"] not in groups:
            raise ValidationError(_("%(where)s: unknown group %(code)s.") % {"where": where, "code": row["group_code"]})
        lead_code = row["lead_unit"]
        support_codes = [c for c in row.get("cooperating_units", "").split(";") if c]
        for code in [lead_code, *support_codes]:
            if code not in units:
                raise ValidationError(_("%(where)s: unknown unit %(code)s.") % {"where": where, "code": code})
        baseline_year = row.get("baseline_year") or None
        target = _upsert(
            Target,
            {"program": program, "code": row["code"]},
            {
                "group": groups[row["group_code"]],
                "name": row["name_vi"],
                "name_en": row.get("name_en", ""),
                "unit_of_measure": row["unit_of_measure"],
                "direction": row["direction"],
                "is_yearly": row.get("yearly", "").lower() in {"yes", "true", "1", "x"},
                "baseline_value": _decimal_or_none(row.get("baseline_value", ""), where=where),
                "baseline_year": int(baseline_year) if baseline_year else None,
                "lead_unit": units[lead_code],
                "source_note": row.get("source", ""),
                "order": order,
            },
            summary,
            "target",
        )
        wanted = {units[c] for c in support_codes}
        if set(target.supporting_units.all()) != wanted:
            existed = bool(target.supporting_units.exists())
            target.supporting_units.set(wanted)
            if existed:
                summary.count("target", created=False)
        for year, (min_col, max_col) in milestone_columns.items():
            min_value = _decimal_or_none(row.get(min_col, ""), where=f"{where}, {min_col}")
            if min_value is None:
                continue
            _upsert(
                Milestone,
                {"target": target, "year": year},
                {
                    "min_value": min_value,
                    "max_value": _decimal_or_none(row.get(max_col, ""), where=f"{where}, {max_col}"),
                    "deadline": datetime.date(year, 12, 31),
                },
                summary,
                "milestone",
            )
    return program, summary


# --- Roles and accounts -------------------------------------------------------------------------------------


@_writes
def roles_ensure() -> dict[str, Group]:
    """Create the three role groups; the office may use the admin for everything in this app and users."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    office_perms = Permission.objects.filter(content_type__app_label__in=["targets", "auth", "axes"])
    if groups[ROLE_OFFICE].permissions.count() != office_perms.count():
        groups[ROLE_OFFICE].permissions.set(office_perms)
    return groups


@_writes
def user_ensure(*, username: str, role: str, password: str, units: list[Unit] = (), full_name: str = "") -> bool:
    """Create a user with a role (and units) unless it exists; returns whether it was created.

    An existing user is left alone, so that a re-run never resets a password someone changed.
    """
    if role not in ROLES:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    if User.objects.filter(username=username).exists():
        return False
    user = User(username=username, first_name=full_name[:150], is_staff=(role == ROLE_OFFICE))
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    for unit in units:
        unit.members.add(user)
    return True


# --- Demo data ----------------------------------------------------------------------------------------------

# Targets left without any figure, and targets whose last year is missing, so the pages show gaps.
DEMO_NO_DATA = {"KT-05", "DT-05", "VH-05"}
DEMO_LAST_YEAR_MISSING = {"XD-05", "KT-08", "DT-06"}
DEMO_FIRST_YEAR, DEMO_LAST_YEAR = 2021, 2025
DEMO_OPEN_YEAR = 2026


def demo_plan_for(target: Target, milestones: dict[int, Milestone], year: int) -> Decimal:
    """A plausible planned value for ``year``: the phase's milestone for yearly targets, else a line."""
    phase_end = min((y for y in milestones if y >= year), default=max(milestones))
    milestone = milestones[phase_end]
    if target.is_yearly or year == phase_end:
        return milestone.min_value
    if target.baseline_value is not None and target.baseline_year is not None and target.baseline_year < phase_end:
        start_year, start = target.baseline_year, target.baseline_value
    else:
        start_year = DEMO_FIRST_YEAR - 1
        start = (
            milestone.min_value * Decimal("0.85")
            if target.direction == Target.Direction.INCREASE
            else milestone.min_value
        )
    share = Decimal(year - start_year) / Decimal(phase_end - start_year)
    return (start + (milestone.min_value - start) * share).quantize(Decimal("0.01"))


def demo_value(target: Target, plan: Decimal, rng: random.Random) -> Decimal:
    """A figure near the plan: mostly on or above it, now and then short of it."""
    if target.direction == Target.Direction.KEEP:
        if rng.random() < 0.8:
            return plan.quantize(Decimal("0.1"))
        return plan - Decimal("1.5") if plan > 0 else Decimal(rng.randint(1, 3))
    factor = Decimal(str(round(rng.uniform(0.9, 1.08), 3)))
    if target.direction == Target.Direction.DECREASE:
        value = (plan * (2 - factor)).quantize(Decimal("1"))
        return max(value, Decimal(1))
    value = plan * factor
    if target.unit_of_measure.startswith("%") and not target.unit_of_measure.startswith("%/"):
        value = min(value, Decimal(100))
    places = Decimal("1") if plan >= 100 and target.unit_of_measure != "%" else Decimal("0.1")
    return value.quantize(places)


@_writes
def demo_load(*, program: Program, seed: int = 15) -> dict[str, int]:
    """Create demo accounts and plausible figures (see ``_demo_load``); the notes and comments it writes are
    data, so they are written in the site's language whatever language is active."""
    with translation.override(settings.LANGUAGE_CODE):
        return _demo_load(program=program, seed=seed)


def _demo_load(*, program: Program, seed: int) -> dict[str, int]:
    """Create demo accounts and plausible figures. A second run creates nothing.

    Accounts: ``office``, ``leader`` and ``staff-<unit code>`` for every unit. Figures: approved yearly
    figures 2021–2025 for most targets (a few missing), and in 2026 some submitted, returned and draft
    reports, so every page has something true to show.
    """
    roles_ensure()
    created_users = 0
    created_users += user_ensure(username="office", role=ROLE_OFFICE, password=DEMO_PASSWORD, full_name="Văn phòng")
    created_users += user_ensure(username="leader", role=ROLE_LEADER, password=DEMO_PASSWORD, full_name="Lãnh đạo")
    for unit in Unit.objects.order_by("code"):
        created_users += user_ensure(
            username=f"staff-{unit.code.lower()}",
            role=ROLE_UNIT_STAFF,
            password=DEMO_PASSWORD,
            units=[unit],
            full_name=unit.name,
        )

    targets = list(program.targets.select_related("lead_unit").prefetch_related("milestones").order_by("order"))
    if ProgressReport.objects.filter(target__program=program).exists():
        return {"users": created_users, "reports": 0}

    rng = random.Random(seed)
    office = User.objects.get(username="office")
    staff = {u.username: u for u in User.objects.filter(username__startswith="staff-")}
    now = timezone.now()
    reports = []
    for target in targets:
        milestones = {m.year: m for m in target.milestones.all()}
        if target.code in DEMO_NO_DATA or not milestones:
            continue
        author = staff[f"staff-{target.lead_unit.code.lower()}"]
        last = DEMO_LAST_YEAR - 1 if target.code in DEMO_LAST_YEAR_MISSING else DEMO_LAST_YEAR
        for year in range(DEMO_FIRST_YEAR, last + 1):
            plan = demo_plan_for(target, milestones, year)
            reports.append(
                ProgressReport(
                    target=target,
                    unit=target.lead_unit,
                    year=year,
                    value=demo_value(target, plan, rng),
                    is_estimate=False,
                    status=ProgressReport.Status.APPROVED,
                    author=author,
                    reviewer=office,
                    submitted_at=now,
                    reviewed_at=now,
                    note=_("Demo figure."),
                )
            )
    # 2026: work in progress in the approval workflow.
    in_progress = [t for t in targets if t.code not in DEMO_NO_DATA]
    rng.shuffle(in_progress)
    workflow = (
        [ProgressReport.Status.SUBMITTED] * 6 + [ProgressReport.Status.RETURNED] * 3 + [ProgressReport.Status.DRAFT] * 2
    )
    for target, status in zip(in_progress, workflow, strict=False):
        milestones = {m.year: m for m in target.milestones.all()}
        plan = demo_plan_for(target, milestones, DEMO_OPEN_YEAR)
        returned = status == ProgressReport.Status.RETURNED
        reports.append(
            ProgressReport(
                target=target,
                unit=target.lead_unit,
                year=DEMO_OPEN_YEAR,
                value=demo_value(target, plan, rng),
                is_estimate=True,
                status=status,
                author=staff[f"staff-{target.lead_unit.code.lower()}"],
                reviewer=office if returned else None,
                review_comment=_("Please attach the source table and check the figure against last year.")
                if returned
                else "",
                submitted_at=now if status != ProgressReport.Status.DRAFT else None,
                reviewed_at=now if returned else None,
                note=_("Estimate for the year, from the unit's monthly figures."),
            )
        )
    for report in reports:
        report.full_clean()
        report.save()
    return {"users": created_users, "reports": len(reports)}


# --- Reporting workflow (issue 3) -------------------------------------------------------------------------
#
# draft ──submit──▶ submitted ──approve──▶ approved ──(a correction is approved)──▶ superseded
#   ▲                 │  │
#   └────withdraw─────┘  └──return (comment)──▶ returned ──edit, submit──▶ submitted
#
# A draft is edited in place; withdrawing a draft discards it (its history stays); withdrawing a
# submitted report takes it back to draft. An approved figure is never changed: a correction is a new
# report that supersedes it when approved, so one approved figure per target, unit and period counts.
# Every service re-reads the report under a row lock, refuses a step its status does not allow, a
# closed year and a stale version, and leaves the mail to ``notifications`` once the transaction commits.

ReportStatus = ProgressReport.Status

# The statuses from which each step may start; the services check them, whatever a page shows.
REPORT_EDITABLE = {ReportStatus.DRAFT, ReportStatus.RETURNED}
REPORT_SUBMITTABLE = {ReportStatus.DRAFT, ReportStatus.RETURNED}
REPORT_WITHDRAWABLE = {ReportStatus.DRAFT, ReportStatus.SUBMITTED}
REPORT_REVIEWABLE = {ReportStatus.SUBMITTED}
REPORT_CORRECTABLE = {ReportStatus.APPROVED}
REPORT_OPEN = {ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED}


class ReportConflict(ValidationError):
    """The report changed since the user loaded it: ``changed_by`` changed it at ``changed_at``."""

    def __init__(self, *, report: ProgressReport):
        self.report = report
        self.changed_by, self.changed_at = selectors.report_last_change(report_id=report.pk)
        who = _user_label(self.changed_by) if self.changed_by else _("someone")
        when = (
            formats.date_format(timezone.localtime(self.changed_at), "SHORT_DATETIME_FORMAT")
            if self.changed_at
            else "?"
        )
        super().__init__(
            _(
                "%(who)s changed this report at %(when)s, after you opened it. Nothing of yours was saved: "
                "check the current values and save again if yours are still right."
            )
            % {"who": who, "when": when},
            code="conflict",
        )


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


def _refuse(message: str, field: str | None = None, code: str = "invalid"):
    raise ValidationError(
        {field: [ValidationError(message, code=code)]} if field else ValidationError(message, code=code)
    )


def _check_year_open(target: Target, year: int) -> None:
    if selectors.year_is_closed(program=target.program_id, year=year):
        _refuse(_("The year %(year)s is closed: its figures can no longer change.") % {"year": year}, "year", "closed")


def _check_status(report: ProgressReport, allowed: set, message: str) -> None:
    """Refuse a step the report's status does not allow; ``message`` may name the %(status)s."""
    if report.status not in allowed:
        _refuse(message % {"status": report.get_status_display()}, code="transition")


def _locked(report: ProgressReport, version: int | None) -> ProgressReport:
    """The report as it is now, locked for the transaction; refuses it if ``version`` is no longer current.

    ``select_for_update`` serialises writers on PostgreSQL; SQLite ignores it, so ``_bump`` claims the
    version with a conditional UPDATE as well, which holds on every database.
    """
    current = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("target__program", "target__lead_unit", "unit", "author")
        .filter(pk=report.pk)
        .first()
    )
    if current is None:
        _refuse(_("This report no longer exists."), code="missing")
    if version is not None and current.version != version:
        raise ReportConflict(report=current)
    return current


def _bump(report: ProgressReport) -> None:
    claimed = ProgressReport.objects.filter(pk=report.pk, version=report.version).update(version=F("version") + 1)
    if not claimed:
        raise ReportConflict(report=report)
    report.version += 1


def _save(report: ProgressReport, *, user, reason: str) -> None:
    """Validate and save, recording who did it and which step it was in the history."""
    report._history_user = user
    report._change_reason = reason
    report.full_clean()
    report.save()


def _approved_for_period(*, target, unit, year, quarter, exclude_pk=None) -> ProgressReport | None:
    reports = ProgressReport.objects.filter(
        target=target, unit=unit, year=year, quarter=quarter, status=ReportStatus.APPROVED
    ).select_for_update()
    if exclude_pk:
        reports = reports.exclude(pk=exclude_pk)
    return reports.first()


def _check_no_open_duplicate(*, target, unit, year, quarter, exclude_pk=None) -> None:
    """One report in the workflow per target, unit and period, so that nobody works on two versions."""
    others = ProgressReport.objects.filter(target=target, unit=unit, year=year, quarter=quarter, status__in=REPORT_OPEN)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is not None:
        _refuse(
            _(
                "%(unit)s already has a report for %(period)s in the workflow (number %(number)s, %(status)s): "
                "edit that one instead."
            )
            % {
                "unit": unit.name,
                "period": other.period_label,
                "number": other.pk,
                "status": other.get_status_display().lower(),
            },
            "year",
            "duplicate",
        )


# While an import runs, the per-report notices are collected here instead of sent, and the import sends one
# summary per recipient (notifications.import_done): a 500-row import must not mail the office 500 times.
_collected_notices: contextvars.ContextVar[list | None] = contextvars.ContextVar("collected_notices", default=None)


def _notify_on_commit(send, report: ProgressReport, actor) -> None:
    """Mail once the change is committed: nothing goes out for a change that is rolled back."""
    report_id, actor_id = report.pk, getattr(actor, "pk", None)
    collected = _collected_notices.get()
    if collected is not None:
        collected.append(report_id)
        return
    transaction.on_commit(lambda: send(report_id=report_id, actor_id=actor_id))


@_writes
def report_create(
    *,
    user,
    target: Target,
    unit: Unit,
    year: int,
    value: Decimal,
    quarter: int | None = None,
    is_estimate: bool = False,
    note: str = "",
    evidence_url: str = "",
    evidence_file=None,
    submit: bool = False,
    supersedes: ProgressReport | None = None,
) -> ProgressReport:
    """A new report by ``user`` for ``unit``, as a draft or submitted at once.

    If the period already has an approved figure, the new report is its correction: it supersedes that
    figure once approved. ``report_correct`` is the same with the approved report named explicitly.
    """
    if (
        not permissions.can_report_on(user, target)
        or not permissions.reporting_units_for(user, target).filter(pk=unit.pk).exists()
    ):
        raise PermissionDenied
    _check_year_open(target, year)
    _check_no_open_duplicate(target=target, unit=unit, year=year, quarter=quarter)
    if supersedes is None:
        supersedes = _approved_for_period(target=target, unit=unit, year=year, quarter=quarter)
    report = ProgressReport(
        target=target,
        unit=unit,
        year=year,
        quarter=quarter,
        value=value,
        is_estimate=is_estimate,
        note=note,
        evidence_url=evidence_url,
        author=user,
        supersedes=supersedes,
    )
    if evidence_file:
        report.evidence_file = evidence_file
    _save(report, user=user, reason="create")
    if submit:
        report = report_submit(user=user, report=report, version=report.version)
    return report


@_writes
def report_update(
    *,
    user,
    report: ProgressReport,
    version: int,
    year: int,
    value: Decimal,
    quarter: int | None = None,
    is_estimate: bool = False,
    note: str = "",
    evidence_url: str = "",
    evidence_file=None,
    remove_evidence_file: bool = False,
    submit: bool = False,
) -> ProgressReport:
    """Change a draft or returned report (the form's ``version`` must still be current), and maybe submit it.
    The target and unit stay: a report for another unit is a new report."""
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    report = _locked(report, version)
    _check_status(
        report, REPORT_EDITABLE, _("Only a draft or a returned report can be edited; this one is: %(status)s.")
    )
    _check_year_open(report.target, report.year)
    if year != report.year:
        _check_year_open(report.target, year)
    if (year, quarter) != (report.year, report.quarter):
        _check_no_open_duplicate(
            target=report.target, unit=report.unit, year=year, quarter=quarter, exclude_pk=report.pk
        )
        report.supersedes = _approved_for_period(
            target=report.target, unit=report.unit, year=year, quarter=quarter, exclude_pk=report.pk
        )
    report.year, report.quarter, report.value, report.is_estimate = year, quarter, value, is_estimate
    report.note, report.evidence_url = note, evidence_url
    if evidence_file:
        report.evidence_file = evidence_file
    elif remove_evidence_file:
        report.evidence_file = ""
    _bump(report)
    _save(report, user=user, reason="update")
    if submit:
        report = report_submit(user=user, report=report, version=report.version)
    return report


@_writes
def report_submit(*, user, report: ProgressReport, version: int | None = None) -> ProgressReport:
    """Draft or returned → submitted; the office is told."""
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    report = _locked(report, version)
    _check_status(
        report, REPORT_SUBMITTABLE, _("Only a draft or a returned report can be submitted; this one is: %(status)s.")
    )
    _check_year_open(report.target, report.year)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    _bump(report)
    _save(report, user=user, reason="submit")
    _notify_on_commit(notifications.report_submitted, report, user)
    return report


@_writes
def report_withdraw(*, user, report: ProgressReport, version: int | None = None) -> ProgressReport | None:
    """Submitted → draft, back in the unit's hands; a draft is discarded (None). History keeps both."""
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    report = _locked(report, version)
    _check_status(
        report, REPORT_WITHDRAWABLE, _("Only a draft or a submitted report can be withdrawn; this one is: %(status)s.")
    )
    _check_year_open(report.target, report.year)
    if report.status == ReportStatus.DRAFT:
        report._history_user = user
        report._change_reason = "discard"
        report.delete()
        return None
    report.status = ReportStatus.DRAFT
    report.submitted_at = None
    _bump(report)
    _save(report, user=user, reason="withdraw")
    return report


@_writes
def report_approve(*, user, report: ProgressReport, version: int | None = None) -> ProgressReport:
    """Submitted → approved. The period's approved figure until now, if any, becomes superseded, so that
    exactly one approved figure counts; the reporting staff are told."""
    if not permissions.can_review(user):
        raise PermissionDenied
    report = _locked(report, version)
    _check_status(report, REPORT_REVIEWABLE, _("Only a submitted report can be approved; this one is: %(status)s."))
    _check_year_open(report.target, report.year)
    previous = _approved_for_period(
        target=report.target, unit=report.unit, year=report.year, quarter=report.quarter, exclude_pk=report.pk
    )
    if previous is not None:
        previous.status = ReportStatus.SUPERSEDED
        _bump(previous)
        _save(previous, user=user, reason="supersede")
        report.supersedes = previous
    report.status = ReportStatus.APPROVED
    report.reviewer = user
    report.reviewed_at = timezone.now()
    report.review_comment = ""
    _bump(report)
    try:
        # Two approvals of the same period at once: the database's unique index decides, with a message.
        with transaction.atomic():
            _save(report, user=user, reason="approve")
    except IntegrityError:
        _refuse(_("Another figure for this period was approved at the same time. Reload and check."))
    _notify_on_commit(notifications.report_approved, report, user)
    return report


@_writes
def report_return(*, user, report: ProgressReport, comment: str, version: int | None = None) -> ProgressReport:
    """Submitted → returned to the unit with the office's comment (required); the reporting staff are told."""
    if not permissions.can_review(user):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not comment:
        _refuse(_("Say what should change: a comment is required to return a report."), "comment", "required")
    max_length = ProgressReport._meta.get_field("review_comment").max_length
    if len(comment) > max_length:
        _refuse(_("The comment may have at most %(max)s characters.") % {"max": max_length}, "comment", "max_length")
    report = _locked(report, version)
    _check_status(report, REPORT_REVIEWABLE, _("Only a submitted report can be returned; this one is: %(status)s."))
    _check_year_open(report.target, report.year)
    report.status = ReportStatus.RETURNED
    report.reviewer = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    _bump(report)
    _save(report, user=user, reason="return")
    _notify_on_commit(notifications.report_returned, report, user)
    return report


@_writes
def report_bulk_approve(*, user, reports: list[ProgressReport], versions: dict[int, int] | None = None) -> int:
    """Approve several submitted reports at once: all of them or, if any cannot be approved (no longer
    submitted, changed since the page was loaded, a closed year), none. Returns how many."""
    if not permissions.can_review(user):
        raise PermissionDenied
    if not reports:
        _refuse(_("Choose at least one report to approve."), code="empty")
    versions = versions or {}
    for report in reports:
        try:
            report_approve(user=user, report=report, version=versions.get(report.pk))
        except ValidationError as error:
            _refuse(
                _("Report number %(number)s (%(report)s): %(reason)s Nothing was approved.")
                % {"number": report.pk, "report": str(report), "reason": " ".join(error.messages)},
                code="bulk",
            )
    return len(reports)


@_writes
def report_correct(
    *,
    user,
    report: ProgressReport,
    value: Decimal,
    is_estimate: bool = False,
    note: str = "",
    evidence_url: str = "",
    evidence_file=None,
    submit: bool = False,
) -> ProgressReport:
    """A correction of an approved figure: a new report for the same target, unit and period that
    supersedes it once approved. The approved figure keeps counting until then."""
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    current = _locked(report, None)
    _check_status(current, REPORT_CORRECTABLE, _("Only an approved figure can be corrected; this one is: %(status)s."))
    return report_create(
        user=user,
        target=current.target,
        unit=current.unit,
        year=current.year,
        quarter=current.quarter,
        value=value,
        is_estimate=is_estimate,
        note=note,
        evidence_url=evidence_url,
        evidence_file=evidence_file,
        submit=submit,
        supersedes=current,
    )


# --- The annual review: reviews, closing and reopening a year, imports (issue 5) --------------------------
#
# A year's review is computed from the approved figures whenever it is read (selectors.review_year). It is
# stored as AnnualReview rows when the office overrides an assessment and, for every target, when the year
# is closed, so that a closed year keeps the figures and verdicts it was closed with however the reports
# or milestones change later. Reopening unfreezes the rows (overrides stay) and needs a reason; the history
# of YearClosure keeps both steps with who took them and why.


def _check_year_in_program(program: Program, year: int) -> None:
    if not program.contains_year(year):
        _refuse(
            _("The year %(year)s is outside the programme (%(first)s–%(last)s).")
            % {"year": year, "first": program.first_year, "last": program.last_year},
            "year",
            "outside",
        )


def _clean_text(value: str, *, field: str, model, required_message: str | None = None) -> str:
    text = (value or "").strip()
    if required_message and not text:
        _refuse(required_message, field, "required")
    max_length = model._meta.get_field(field).max_length
    if len(text) > max_length:
        _refuse(_("At most %(max)s characters, please.") % {"max": max_length}, field, "max_length")
    return text


def _save_with_history(obj, *, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


def _store_reviews(*, program: Program, year: int, user, freeze: bool | None, reason: str) -> int:
    """Write the year's review line of every target into AnnualReview: figure, computed assessment, and
    the assessment (the computed one unless the office overrode it). Rows already frozen keep their
    figures; ``freeze`` True or False sets ``is_frozen`` on every row. Only changed rows are saved, so the
    history shows real changes. Returns how many rows were written."""
    review = selectors.review_year(program=program, year=year)
    targets = {t.pk: t for t in program.targets.all()}
    for target in targets.values():
        target.program = program  # AnnualReview.clean() reads it: no query per row
    stored = {
        row.target_id: row
        for row in AnnualReview.objects.select_for_update().filter(target__program=program, year=year)
    }
    written = 0
    for line in review.lines:
        row = stored.get(line.target_id) or AnnualReview(year=year)
        row.target = targets[line.target_id]
        values = {}
        if not row.is_frozen:
            values = {
                "figure": line.figure,
                "computed_assessment": line.computed,
                "assessment": line.assessment,
                "is_overridden": line.is_overridden,
            }
        if freeze is not None:
            values["is_frozen"] = freeze
        if row.pk and all(getattr(row, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_by = user
        _save_with_history(row, user=user, reason=reason)
        written += 1
    return written


@_writes
def review_refresh(*, program: Program, year: int, user=None) -> int:
    """Store the current review of every target of an open year (see ``_store_reviews``)."""
    _check_year_in_program(program, year)
    if selectors.year_is_closed(program=program, year=year):
        _refuse(_("The year %(year)s is closed: its review is frozen.") % {"year": year}, "year", "closed")
    return _store_reviews(program=program, year=year, user=user, freeze=None, reason="refresh")


@_writes
def review_override(
    *, user, target: Target, year: int, assessment: str, comment: str = "", seen: str = ""
) -> AnnualReview:
    """The office's assessment of ``target`` for ``year``. An assessment that differs from the computed one
    needs a comment saying why; choosing the computed one again ends the override.

    ``seen`` is the ``updated_at`` (ISO format) of the review the office looked at, or "" when there was
    none: if someone changed the review since, nothing is saved and the message says so.
    """
    if not permissions.can_close_year(user):
        raise PermissionDenied
    program = target.program
    _check_year_in_program(program, year)
    if selectors.year_is_closed(program=program, year=year):
        _refuse(_("The year %(year)s is closed: its review is frozen.") % {"year": year}, "year", "closed")
    if assessment not in AnnualReview.Assessment.values:
        _refuse(_("Choose one of the assessments in the list."), "assessment", "invalid_choice")
    comment = _clean_text(comment, field="comment", model=AnnualReview)
    line = selectors.review_year(program=program, year=year, target=target).lines[0]
    if assessment != line.computed and not comment:
        _refuse(
            _("Say why: an assessment that differs from the computed one (%(computed)s) needs a comment.")
            % {"computed": line.computed_label},
            "comment",
            "required",
        )
    row = AnnualReview.objects.select_for_update().filter(target=target, year=year).first()
    current = row.updated_at.isoformat() if row is not None else ""
    if (seen or "") != current:
        _refuse(
            _("Someone changed this review after you opened it. Nothing of yours was saved: check it and save again."),
            code="conflict",
        )
    row = row or AnnualReview(target=target, year=year)
    row.figure = line.figure
    row.computed_assessment = line.computed
    row.assessment = assessment
    row.is_overridden = assessment != line.computed
    row.comment = comment
    row.updated_by = user
    _save_with_history(row, user=user, reason="override")
    return row


@_writes
def year_close(*, user, program: Program, year: int, reason: str = "") -> YearClosure:
    """Close ``year`` of ``program`` (chốt số liệu): every target's review is stored and frozen, and the
    reporting services refuse any report for that year from now on."""
    if not permissions.can_close_year(user):
        raise PermissionDenied
    _check_year_in_program(program, year)
    reason = _clean_text(reason, field="reason", model=YearClosure)
    # The programme row is locked so that two closings (or a closing and a reopening) run one after the other.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    closure = YearClosure.objects.filter(program=program, year=year).first()
    if closure is not None and closure.is_closed:
        _refuse(_("The year %(year)s is already closed.") % {"year": year}, "year", "closed")
    _store_reviews(program=program, year=year, user=user, freeze=True, reason="close")
    closure = closure or YearClosure(program=program, year=year)
    closure.is_closed = True
    closure.reason = reason
    closure.changed_by = user
    _save_with_history(closure, user=user, reason="close")
    return closure


@_writes
def year_reopen(*, user, program: Program, year: int, reason: str) -> YearClosure:
    """Reopen a closed year: reports for it are possible again and its reviews are no longer frozen (the
    office's overrides stay). A reason is required; it is kept in the closure's history."""
    if not permissions.can_close_year(user):
        raise PermissionDenied
    _check_year_in_program(program, year)
    reason = _clean_text(reason, field="reason", model=YearClosure, required_message=_("Say why the year is reopened."))
    Program.objects.select_for_update().filter(pk=program.pk).first()
    closure = YearClosure.objects.filter(program=program, year=year, is_closed=True).first()
    if closure is None:
        _refuse(_("The year %(year)s is not closed.") % {"year": year}, "year", "not_closed")
    _store_reviews(program=program, year=year, user=user, freeze=False, reason="reopen")
    closure.is_closed = False
    closure.reason = reason
    closure.changed_by = user
    _save_with_history(closure, user=user, reason="reopen")
    return closure


@_writes
def import_confirm(*, user, rows: list, approve: bool = False) -> list[ProgressReport]:
    """Create a submitted report for every checked import row (``imports.ImportRow`` with its target and
    unit), or approve them at once when the office imports and asks for it. All or nothing: the first row
    the reporting services refuse undoes the whole import, and the message names that row."""
    if not permissions.can_import(user):
        raise PermissionDenied
    if approve and not permissions.can_review(user):
        raise PermissionDenied
    if not rows:
        _refuse(_("The file has no figures to import."), code="empty")
    created = []
    token = _collected_notices.set([])
    try:
        _import_rows(user=user, rows=rows, approve=approve, created=created)
    finally:
        _collected_notices.reset(token)
    report_ids, actor_id = [report.pk for report in created], user.pk
    transaction.on_commit(lambda: notifications.import_done(report_ids=report_ids, actor_id=actor_id))
    return created


def _import_rows(*, user, rows: list, approve: bool, created: list) -> None:
    for row in rows:
        try:
            report = report_create(
                user=user,
                target=row.target,
                unit=row.unit,
                year=row.year,
                quarter=row.quarter,
                value=row.value,
                is_estimate=row.is_estimate,
                note=row.note,
                submit=True,
            )
            if approve:
                report = report_approve(user=user, report=report, version=report.version)
        except PermissionDenied:
            _refuse(
                _("Row %(row)s: you may not report on %(code)s. Nothing was imported.")
                % {"row": row.number, "code": row.target.code},
                code="import",
            )
        except ValidationError as error:
            _refuse(
                _("Row %(row)s: %(reason)s Nothing was imported.")
                % {"row": row.number, "reason": " ".join(error.messages)},
                code="import",
            )
        created.append(report)


# --- Synthetic data for benchmarks --------------------------------------------------------------------------
#
# A synthetic-data generator for the benchmark and the load test (``manage.py generate_scale_data``,
# docs/scaling.md). FOR TEST DATABASES ONLY: it creates accounts and thousands of made-up rows. Unlike the
# services above it writes with ``bulk_create`` and no ``full_clean()`` per row, for speed.

SCALE_REFERENCE_NUMBER = "12-CTr/QU"
SCALE_SUFFIX = "-CTr/SCALE"
SCALE_BATCH = 2000
SCALE_AUTHOR = "scale-staff"
SCALE_REVIEWER = "scale-office"
# Allowed ranges of scale_data_generate's arguments, checked in this order; the messages name the options
# of generate_scale_data, the generator's one caller.
SCALE_LIMITS = {"programs": (1, 1000), "copies": (1, 999), "years": (1, 30)}


class ScaleDataError(ValueError):
    """Why a synthetic-data run was refused; ``str()`` is the message to print."""


@dataclass
class ScaleProgramme:
    """What one synthetic programme holds."""

    number: str
    targets: int
    reports: int
    reviews: int


@dataclass
class ScaleSummary:
    """What a run of ``scale_data_generate`` did, and what the database holds after it."""

    existing: int  # synthetic programmes before the run
    created: list[ScaleProgramme] = field(default_factory=list)
    seconds: float = 0.0  # time spent writing programmes (0 when there was nothing to do)
    programs: int = 0  # programmes of any kind in the database after the run
    targets: int = 0
    reports: int = 0


def scale_number(n: int) -> str:
    """The number of the ``n``-th synthetic programme: 001-CTr/SCALE, 002-CTr/SCALE, ..."""
    return f"{n:03d}{SCALE_SUFFIX}"


def scale_data_generate(
    *,
    programs: int,
    years: int,
    copies: int = 1,
    seed: int = 15,
    today: datetime.date | None = None,
    on_programme: Callable[[ScaleProgramme], None] | None = None,
) -> ScaleSummary:
    """Create synthetic programmes shaped like 12-CTr/QU, for benchmarks. NEVER on a real server.

    This is a synthetic-data generator for the benchmark and the load test, not a write path of the
    application: rows go in with ``bulk_create`` in batches of ``SCALE_BATCH``, in one transaction per
    programme (not one for the whole run, so a long city-scale load keeps what it has finished), with
    one history row per object as the real write paths would leave.

    Each programme is a copy of the reference programme (its 6 groups, 41 targets with their milestones,
    directions and baselines; loaded from fixtures/program.json if missing), ``copies`` times over, with
    its own set of units, and quarterly approved reports for the last ``years`` years ending with
    ``today``'s: for every finished year Q1, Q2, Q3 and the year's figure (quarter empty, the figure the
    dashboards and the annual review use), for the current year each finished quarter; a few reports
    waiting in the approval queue; frozen annual reviews and closures for the finished years.

    ``programs`` is the number of synthetic programmes wanted in total: the run adds the missing ones
    and does nothing if there are already as many. ``on_programme`` is called after each programme is
    committed, so that a caller can show progress. Raises ``ScaleDataError`` for an argument out of
    ``SCALE_LIMITS`` (before writing anything) or a reference programme without targets.
    """
    for name, value in (("programs", programs), ("copies", copies), ("years", years)):
        low, high = SCALE_LIMITS[name]
        if value < low or value > high:
            raise ScaleDataError(f"--{name} must be between {low} and {high}.")
    today = today or timezone.localdate()
    reference = Program.objects.filter(number=SCALE_REFERENCE_NUMBER).first()
    if reference is None:
        reference, _summary = program_load_reference(manifest=Path(settings.BASE_DIR) / "fixtures" / "program.json")
    template = list(
        reference.targets.select_related("group", "lead_unit")
        .prefetch_related("milestones", "supporting_units")
        .order_by("order")
    )
    if not template:
        raise ScaleDataError(f"The reference programme {SCALE_REFERENCE_NUMBER} has no targets.")
    author, reviewer = _scale_accounts()
    summary = ScaleSummary(existing=Program.objects.filter(number__endswith=SCALE_SUFFIX).count())
    if summary.existing < programs:
        started = timezone.now()
        for n in range(summary.existing + 1, programs + 1):
            rng = random.Random(seed * 1000 + n)
            created = _scale_programme(
                n=n,
                reference=reference,
                template=template,
                copies=copies,
                years=years,
                today=today,
                rng=rng,
                author=author,
                reviewer=reviewer,
            )
            summary.created.append(created)
            if on_programme is not None:
                on_programme(created)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load, as autovacuum would
        summary.seconds = (timezone.now() - started).total_seconds()
    summary.programs = Program.objects.count()
    summary.targets = Target.objects.count()
    summary.reports = ProgressReport.objects.count()
    return summary


def _scale_accounts():
    """The two accounts that sign the synthetic rows: a unit's staff (author) and the office (reviewer)."""
    roles_ensure()
    for username, role in ((SCALE_AUTHOR, ROLE_UNIT_STAFF), (SCALE_REVIEWER, ROLE_OFFICE)):
        # A random password nobody knows: these accounts only sign the synthetic rows.
        user_ensure(username=username, role=role, password=secrets.token_urlsafe(24))
    users = User.objects.in_bulk([SCALE_AUTHOR, SCALE_REVIEWER], field_name="username")
    return users[SCALE_AUTHOR], users[SCALE_REVIEWER]


def _scale_assessment(target: Target, milestones: list[Milestone], year: int, value: Decimal | None) -> str:
    """The review's verdict through the shared rules (targets/assessment.py)."""
    facts = TargetFacts(
        direction=target.direction,
        is_yearly=target.is_yearly,
        baseline_value=target.baseline_value,
        baseline_year=target.baseline_year,
        milestones={m.year: (m.min_value, m.max_value) for m in milestones},
    )
    verdict, _plan = assess_year(facts, year, value)
    return str(verdict)


@_writes
def _scale_programme(*, n, reference, template, copies, years, today, rng, author, reviewer) -> ScaleProgramme:
    """Write the ``n``-th synthetic programme and everything in it, in one transaction."""
    now = timezone.now()
    report_years = list(range(today.year - years + 1, today.year + 1))
    current_quarter = (today.month - 1) // 3 + 1  # quarters before it have ended
    program = Program(
        number=scale_number(n),
        title=reference.title,
        issued_on=reference.issued_on + datetime.timedelta(days=n),
        issuing_body=f"QUẬN ỦY MẪU {n:03d}",
        parent_body=reference.parent_body,
        place_name=f"Quận mẫu {n:03d}",
        resolution=reference.resolution,
        first_year=min(reference.first_year, report_years[0]),
        last_year=max(reference.last_year, report_years[-1]),
        milestone_years=reference.milestone_years,
    )
    program.full_clean()
    program.save()

    # Units: the reference programme's, renamed for this district.
    unit_codes = {t.lead_unit.code for t in template} | {u.code for t in template for u in t.supporting_units.all()}
    reference_units = Unit.objects.filter(code__in=unit_codes).order_by("code")
    units = Unit.objects.bulk_create(
        [
            Unit(code=f"{u.code}.{n:03d}", name=f"{u.name} ({n:03d})", kind=u.kind, is_active=True)
            for u in reference_units
        ]
    )
    unit_for = {ref.code: new for ref, new in zip(reference_units, units, strict=True)}

    groups = DomainGroup.objects.bulk_create(
        [
            DomainGroup(program=program, number=g.number, code=g.code, name=g.name, name_en=g.name_en)
            for g in reference.groups.order_by("number")
        ]
    )
    group_for = {g.code: g for g in groups}

    # Each reference target once per copy: XD-01, then XD-01-2, XD-01-3, ...
    template = [t for _copy in range(copies) for t in template]
    targets = []
    for index, t in enumerate(template):
        copy = index // (len(template) // copies) + 1
        targets.append(
            Target(
                program=program,
                group=group_for[t.group.code],
                code=t.code if copy == 1 else f"{t.code}-{copy}",
                name=t.name,
                name_en=t.name_en,
                unit_of_measure=t.unit_of_measure,
                direction=t.direction,
                is_yearly=t.is_yearly,
                baseline_value=t.baseline_value,
                baseline_year=t.baseline_year,
                lead_unit=unit_for[t.lead_unit.code],
                source_note="synthetic (generate_scale_data)",
                order=index + 1,
                search_text=fold(f"{t.code} {t.name} {t.name_en}"),
            )
        )
    targets = Target.objects.bulk_create(targets)
    Target.history.bulk_history_create(targets, default_user=reviewer, default_date=now)
    Through = Target.supporting_units.through
    Through.objects.bulk_create(
        [
            Through(target=new, unit=unit_for[u.code])
            for ref, new in zip(template, targets, strict=True)
            for u in ref.supporting_units.all()
        ]
    )
    milestones = Milestone.objects.bulk_create(
        [
            Milestone(target=new, year=m.year, min_value=m.min_value, max_value=m.max_value, deadline=m.deadline)
            for ref, new in zip(template, targets, strict=True)
            for m in ref.milestones.all()
        ]
    )
    Milestone.history.bulk_history_create(milestones, default_user=reviewer, default_date=now)

    reports, reviews = [], []
    finished_years = [y for y in report_years if y < today.year]
    for ref, new in zip(template, targets, strict=True):
        ref_milestones = {m.year: m for m in ref.milestones.all()}
        if not ref_milestones:
            continue
        for year in report_years:
            # Before the programme's first year the plan is held at its starting value.
            plan = demo_plan_for(ref, ref_milestones, max(year, DEMO_FIRST_YEAR))
            periods = [1, 2, 3, None] if year in finished_years else list(range(1, current_quarter))
            year_value = None
            for quarter in periods:
                value = demo_value(ref, plan, rng)
                if quarter is None:
                    year_value = value
                when = timezone.make_aware(datetime.datetime(year, 3 * (quarter or 4), 28, 9, 0))
                reports.append(
                    ProgressReport(
                        target=new,
                        unit=new.lead_unit,
                        year=year,
                        quarter=quarter,
                        value=value,
                        is_estimate=False,
                        note="synthetic",
                        status=ProgressReport.Status.APPROVED,
                        author=author,
                        reviewer=reviewer,
                        submitted_at=when,
                        reviewed_at=when,
                    )
                )
            if year in finished_years:
                verdict = _scale_assessment(ref, list(ref_milestones.values()), year, year_value)
                reviews.append(
                    AnnualReview(
                        target=new,
                        year=year,
                        figure=year_value,
                        assessment=verdict,
                        computed_assessment=verdict,
                        is_frozen=True,
                        updated_by=reviewer,
                    )
                )
        # One target in ten has the current quarter's figure waiting for approval.
        if rng.random() < 0.1 and current_quarter <= 4:
            plan = demo_plan_for(ref, ref_milestones, today.year)
            reports.append(
                ProgressReport(
                    target=new,
                    unit=new.lead_unit,
                    year=today.year,
                    quarter=current_quarter,
                    value=demo_value(ref, plan, rng),
                    is_estimate=True,
                    note="synthetic, waiting for approval",
                    status=ProgressReport.Status.SUBMITTED,
                    author=author,
                    submitted_at=now,
                )
            )
    for start in range(0, len(reports), SCALE_BATCH):
        batch = ProgressReport.objects.bulk_create(reports[start : start + SCALE_BATCH])
        ProgressReport.history.bulk_history_create(batch, default_user=author, default_date=now)
    for start in range(0, len(reviews), SCALE_BATCH):
        batch = AnnualReview.objects.bulk_create(reviews[start : start + SCALE_BATCH])
        AnnualReview.history.bulk_history_create(batch, default_user=reviewer, default_date=now)
    closures = YearClosure.objects.bulk_create(
        [
            YearClosure(program=program, year=y, is_closed=True, reason="synthetic", changed_by=reviewer)
            for y in finished_years
        ]
    )
    YearClosure.history.bulk_history_create(closures, default_user=reviewer, default_date=now)
    return ScaleProgramme(number=program.number, targets=len(targets), reports=len(reports), reviews=len(reviews))
