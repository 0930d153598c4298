"""Every write of the application.

Each service is named ``<entity>_<action>``, takes keyword-only arguments, runs in a transaction and
calls ``full_clean()`` before saving, so that views, the admin, imports and commands share one set of
rules. Read-only questions behind pages live in ``selectors.py``.
"""

import csv
import datetime
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    DomainGroup,
    Milestone,
    Program,
    ProgressReport,
    SolutionGroup,
    Target,
    Unit,
)
from .permissions import ROLE_LEADER, ROLE_OFFICE, ROLE_UNIT_STAFF

User = get_user_model()

ROLES = (ROLE_LEADER, ROLE_UNIT_STAFF, ROLE_OFFICE)

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed by load_demo and flagged demo-only in the README


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


@transaction.atomic
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


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Create the three role groups; the office may use the admin for everything in this app and users."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    office_perms = Permission.objects.filter(content_type__app_label__in=["targets", "auth", "axes"])
    if groups[ROLE_OFFICE].permissions.count() != office_perms.count():
        groups[ROLE_OFFICE].permissions.set(office_perms)
    return groups


@transaction.atomic
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


@transaction.atomic
def demo_load(*, program: Program, seed: int = 15) -> dict[str, int]:
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
