"""Demo data: plausible figures and accounts for the demo programme (``manage.py load_demo``)."""

import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..assessment import facts_for, phase_year, plan_for_year
from ..models import (
    Milestone,
    Organisation,
    Program,
    ProgressReport,
    Target,
    Unit,
)
from ..permissions import ROLE_LEADER, ROLE_OFFICE, ROLE_UNIT_STAFF
from ..services.accounts import DEMO_PASSWORD, roles_ensure, user_ensure
from ..services.versions import program_version_bump, program_versions_bumped_once
from .review_report import demo_review_report_load
from .tasks import demo_tasks_load

User = get_user_model()


# --- Demo data ----------------------------------------------------------------------------------------------

# Targets left without any figure, and targets whose last year is missing, so the pages show gaps.
DEMO_NO_DATA = {"KT-05", "DT-05", "VH-05"}
DEMO_LAST_YEAR_MISSING = {"XD-05", "KT-08", "DT-06"}
DEMO_FIRST_YEAR, DEMO_LAST_YEAR = 2021, 2025
DEMO_OPEN_YEAR = 2026


def demo_plan_for(target: Target, milestones: dict[int, Milestone], year: int) -> Decimal:
    """The plan of ``year`` by the judging rules (``assessment.plan_for_year``), so that demo figures lie
    around what the pages judge them against; where the rules have no plan (no baseline to draw the line
    from, or after the last milestone), the milestone of the year's phase (the last one after them all)."""
    facts = facts_for(target, milestones.values())
    plan = plan_for_year(facts, year)
    if plan is not None:
        return plan.min_value
    return facts.milestones[phase_year(facts, year) or max(facts.milestones)][0]


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


# The district's accounts keep the names they had before organisations; another organisation's office and
# leader are named after it (office-phuong-cau-giay), and the city has a leader (leader-ha-noi).
DISTRICT_ORGANISATION = "quan-cau-giay"
CITY_ORGANISATION = "ha-noi"


def demo_usernames(organisation) -> tuple[str, str]:
    """The demo office's and leader's usernames of ``organisation``."""
    if organisation.code == DISTRICT_ORGANISATION:
        return "office", "leader"
    return f"office-{organisation.code}", f"leader-{organisation.code}"


@transaction.atomic
def demo_load(*, program: Program, seed: int = 15) -> dict[str, int]:
    """Create demo accounts and plausible figures (see ``_demo_load``); the notes and comments it writes are
    data, so they are written in the site's language whatever language is active."""
    with translation.override(settings.LANGUAGE_CODE), program_versions_bumped_once():
        program_version_bump(program_ids=[program.pk])
        created = _demo_load(program=program, seed=seed)
        office_username, _leader = demo_usernames(program.organisation)
        reports = demo_review_report_load(program=program, office_username=office_username)
        return {**created, **demo_tasks_load(program=program), "review_reports": reports}


def city_leader_ensure() -> int:
    """The city's demo leader ``leader-ha-noi``, who reads every ward's programmes (if the city is loaded)."""
    city = Organisation.objects.filter(code=CITY_ORGANISATION).first()
    if city is None:
        return 0
    return int(
        user_ensure(
            username=f"leader-{city.code}",
            role=ROLE_LEADER,
            password=DEMO_PASSWORD,
            full_name="Lãnh đạo Thành ủy",
            organisation=city,
        )
    )


def _demo_load(*, program: Program, seed: int) -> dict[str, int]:
    """Create demo accounts and plausible figures. A second run creates nothing.

    Accounts: the office and the leader of the programme's organisation (``demo_usernames``) and
    ``staff-<unit code>`` for every unit of it. Figures: approved yearly figures from the programme's first
    year (2021 at the earliest) to 2025 for most targets (a few missing), and in 2026 some submitted,
    returned and draft reports, so every page has something true to show.
    """
    roles_ensure()
    organisation = program.organisation
    office_name, leader_name = demo_usernames(organisation)
    created_users = city_leader_ensure()
    created_users += user_ensure(
        username=office_name, role=ROLE_OFFICE, password=DEMO_PASSWORD, full_name="Văn phòng", organisation=organisation
    )
    created_users += user_ensure(
        username=leader_name, role=ROLE_LEADER, password=DEMO_PASSWORD, full_name="Lãnh đạo", organisation=organisation
    )
    for unit in Unit.objects.filter(organisation_id=program.organisation_id).order_by("code"):
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
    office = User.objects.get(username=office_name)
    staff = {u.username: u for u in User.objects.filter(username__startswith="staff-")}
    now = timezone.now()
    reports = []
    for target in targets:
        milestones = {m.year: m for m in target.milestones.all()}
        if target.code in DEMO_NO_DATA or not milestones:
            continue
        author = staff[f"staff-{target.lead_unit.code.lower()}"]
        last = DEMO_LAST_YEAR - 1 if target.code in DEMO_LAST_YEAR_MISSING else DEMO_LAST_YEAR
        for year in range(max(DEMO_FIRST_YEAR, program.first_year), last + 1):
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
