"""Synthetic data for benchmarks and the load test (``manage.py generate_scale_data``). FOR TEST DATABASES ONLY."""

import datetime
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..assessment import facts_for, standing_verdict
from ..models import (
    AnnualReview,
    DomainGroup,
    Milestone,
    Organisation,
    Program,
    ProgressReport,
    Target,
    Unit,
    YearClosure,
)
from ..permissions import ROLE_OFFICE, ROLE_UNIT_STAFF
from ..services.accounts import roles_ensure, user_ensure
from ..services.reference import program_load_reference
from ..text import fold
from .data import DEMO_FIRST_YEAR, demo_plan_for, demo_value

User = get_user_model()


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
# The city the synthetic wards sit under (fixtures/organisations.csv), their codes and their programmes'.
SCALE_CITY = "ha-noi"
SCALE_WARD_PREFIX = "phuong-mau-"
# Allowed ranges of scale_data_generate's arguments, checked in this order; the messages name the options
# of generate_scale_data, the generator's one caller.
SCALE_LIMITS = {
    "programs": (1, 1000),
    "organisations": (1, 1000),
    "per_organisation": (1, 10),
    "copies": (1, 999),
    "years": (1, 30),
}


class ScaleDataError(ValueError):
    """Why a synthetic-data run was refused; ``str()`` is the message to print."""


@dataclass
class ScaleProgramme:
    """What one synthetic programme holds."""

    number: str
    slug: str
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


def scale_ward_code(n: int) -> str:
    """The code of the ``n``-th synthetic ward organisation: phuong-mau-001, phuong-mau-002, ..."""
    return f"{SCALE_WARD_PREFIX}{n:03d}"


def scale_ward_slug(n: int, k: int) -> str:
    """The slug of the ``k``-th programme of the ``n``-th synthetic ward: phuong-mau-001-1, phuong-mau-001-2, ..."""
    return f"{scale_ward_code(n)}-{k}"


def scale_ward_number(k: int) -> str:
    """The number of a ward's ``k``-th synthetic programme: 01-CTr/ĐU-SCALE, 02-CTr/ĐU-SCALE (numbers are
    unique within an organisation, so every ward has the same ones, as real wards do)."""
    return f"{k:02d}-CTr/ĐU-SCALE"


def scale_data_generate(
    *,
    programs: int | None = None,
    organisations: int | None = None,
    per_organisation: int = 2,
    years: int,
    copies: int = 1,
    seed: int = 15,
    today: datetime.date | None = None,
    on_programme: Callable[[ScaleProgramme], None] | None = None,
) -> ScaleSummary:
    """Create synthetic programmes shaped like 12-CTr/QU, for benchmarks. NEVER on a real server.

    This is a synthetic-data generator for the benchmark and the load test, not a write path of the
    application: rows go in with ``bulk_create`` in batches of ``SCALE_BATCH``, in one transaction per
    programme or ward (not one for the whole run, so a long city-scale load keeps what it has finished),
    with one history row per object as the real write paths would leave.

    Each programme is a copy of the reference programme (its 6 groups, 41 targets with their milestones,
    directions and baselines; loaded from fixtures/program.json if missing), ``copies`` times over, and
    quarterly approved reports for the last ``years`` years ending with ``today``'s: for every finished
    year Q1, Q2, Q3 and the year's figure (quarter empty, the figure the dashboards and the annual review
    use), for the current year each finished quarter; a few reports waiting in the approval queue; frozen
    annual reviews and closures for the finished years.

    Two shapes, which may be asked for together:

    * ``programs``: the number of synthetic programmes ``NNN-CTr/SCALE`` wanted in total, each issued by an
      organisation of its own (``mau-NNN``) with its own units.
    * ``organisations``: the number of synthetic ward organisations (``phuong-mau-NNN``, under the city)
      wanted in total, each with ``per_organisation`` programmes (``01-CTr/ĐU-SCALE``, ``02-…``; slugs
      ``phuong-mau-NNN-1``, ``-2``) sharing the ward's units, which carry the reference's codes: unit codes
      are unique within an organisation only. The Hanoi scale is 126 wards × 2.

    Each run adds the missing programmes or wards and does nothing if there are already as many.
    ``on_programme`` is called after each programme is committed, so that a caller can show progress.
    Raises ``ScaleDataError`` for an argument out of ``SCALE_LIMITS`` or nothing asked for (before
    writing anything), or a reference programme without targets.
    """
    if programs is None and organisations is None:
        raise ScaleDataError("Ask for --programs or --organisations.")
    arguments = {
        "programs": programs,
        "organisations": organisations,
        "per_organisation": per_organisation,
        "copies": copies,
        "years": years,
    }
    for name, value in arguments.items():
        low, high = SCALE_LIMITS[name]
        if value is not None and (value < low or value > high):
            raise ScaleDataError(f"--{name.replace('_', '-')} must be between {low} and {high}.")
    today = today or timezone.localdate()
    reference = Program.objects.filter(number=SCALE_REFERENCE_NUMBER).select_related("organisation").first()
    if reference is None:
        reference, _summary = program_load_reference(manifest=Path(settings.BASE_DIR) / "fixtures" / "program.json")
    template = list(
        reference.targets.select_related("group", "lead_unit")
        .prefetch_related("milestones", "supporting_units")
        .order_by("order")
    )
    if not template:
        raise ScaleDataError(f"The reference programme {SCALE_REFERENCE_NUMBER} has no targets.")
    author, reviewer = _scale_accounts(reference.organisation)
    synthetic = Program.objects.filter(
        Q(number__endswith=SCALE_SUFFIX) | Q(organisation__code__startswith=SCALE_WARD_PREFIX)
    )
    summary = ScaleSummary(existing=synthetic.count())
    common = {
        "reference": reference,
        "template": template,
        "copies": copies,
        "years": years,
        "today": today,
        "author": author,
        "reviewer": reviewer,
    }
    started = timezone.now()
    if programs is not None:
        existing = Program.objects.filter(number__endswith=SCALE_SUFFIX).count()
        for n in range(existing + 1, programs + 1):
            created = _scale_programme(n=n, rng=random.Random(seed * 1000 + n), **common)
            summary.created.append(created)
            if on_programme is not None:
                on_programme(created)
    if organisations is not None:
        city = Organisation.objects.filter(code=SCALE_CITY).first() or reference.organisation.parent
        existing = Organisation.objects.filter(code__startswith=SCALE_WARD_PREFIX).count()
        for n in range(existing + 1, organisations + 1):
            for created in _scale_ward(n=n, city=city, per_organisation=per_organisation, seed=seed, **common):
                summary.created.append(created)
                if on_programme is not None:
                    on_programme(created)
    if summary.created:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load, as autovacuum would
        summary.seconds = (timezone.now() - started).total_seconds()
    summary.programs = Program.objects.count()
    summary.targets = Target.objects.count()
    summary.reports = ProgressReport.objects.count()
    return summary


def _scale_accounts(organisation):
    """The two accounts that sign the synthetic rows: a unit's staff (author) and the office (reviewer), of
    the reference programme's organisation."""
    roles_ensure()
    for username, role in ((SCALE_AUTHOR, ROLE_UNIT_STAFF), (SCALE_REVIEWER, ROLE_OFFICE)):
        # A random password nobody knows: these accounts only sign the synthetic rows.
        user_ensure(username=username, role=role, password=secrets.token_urlsafe(24), organisation=organisation)
    users = User.objects.in_bulk([SCALE_AUTHOR, SCALE_REVIEWER], field_name="username")
    return users[SCALE_AUTHOR], users[SCALE_REVIEWER]


def _scale_assessment(target: Target, milestones: list[Milestone], year: int, value: Decimal | None) -> str:
    """The review's verdict through the shared rules (targets/assessment.py)."""
    verdict = standing_verdict(facts_for(target, milestones), year, value)
    return str(verdict.assessment)


def _scale_units(*, organisation, reference, template, code, name) -> dict[str, Unit]:
    """The units the reference's targets name, as units of ``organisation`` (``code`` and ``name`` map the
    reference unit's code and name to the new one's): {reference code: new unit}."""
    unit_codes = {t.lead_unit.code for t in template} | {u.code for t in template for u in t.supporting_units.all()}
    reference_units = list(
        Unit.objects.filter(organisation_id=reference.organisation_id, code__in=unit_codes).order_by("code")
    )
    units = Unit.objects.bulk_create(
        [
            Unit(organisation=organisation, code=code(u.code), name=name(u.name), kind=u.kind, is_active=True)
            for u in reference_units
        ]
    )
    return {ref.code: new for ref, new in zip(reference_units, units, strict=True)}


@transaction.atomic
def _scale_programme(*, n, reference, template, copies, years, today, rng, author, reviewer) -> ScaleProgramme:
    """Write the ``n``-th synthetic programme and everything in it, in one transaction."""
    report_years = list(range(today.year - years + 1, today.year + 1))
    # Each synthetic programme is issued by an organisation of its own, beside the reference one (under
    # the same parent: the city), with its own units.
    organisation = Organisation(
        code=f"mau-{n:03d}",
        name=f"Đảng bộ mẫu {n:03d}",
        parent_id=reference.organisation.parent_id,
        parent_body=reference.organisation.parent_body,
        issuing_body=f"ĐẢNG ỦY MẪU {n:03d}",
        place_name=f"Mẫu {n:03d}",
    )
    organisation.full_clean()
    organisation.save()
    # Units: the reference programme's, renamed for this district.
    unit_for = _scale_units(
        organisation=organisation,
        reference=reference,
        template=template,
        code=lambda code: f"{code}.{n:03d}",
        name=lambda name: f"{name} ({n:03d})",
    )
    program = Program(
        organisation=organisation,
        number=scale_number(n),
        slug=f"mau-{n:03d}",
        title=reference.title,
        issued_on=reference.issued_on + datetime.timedelta(days=n),
        resolution=reference.resolution,
        first_year=min(reference.first_year, report_years[0]),
        last_year=max(reference.last_year, report_years[-1]),
        milestone_years=reference.milestone_years,
    )
    program.full_clean()
    program.save()
    return _scale_fill(
        program=program,
        unit_for=unit_for,
        reference=reference,
        template=template,
        copies=copies,
        report_years=report_years,
        today=today,
        rng=rng,
        author=author,
        reviewer=reviewer,
    )


@transaction.atomic
def _scale_ward(
    *, n, city, per_organisation, seed, reference, template, copies, years, today, author, reviewer
) -> list[ScaleProgramme]:
    """Write the ``n``-th synthetic ward organisation, its units and its ``per_organisation`` programmes, in
    one transaction (so that a ward is there whole or not at all, and a run can resume by counting them)."""
    report_years = list(range(today.year - years + 1, today.year + 1))
    organisation = Organisation(
        code=scale_ward_code(n),
        name=f"Đảng bộ phường Mẫu {n:03d}",
        parent=city,
        parent_body=reference.organisation.parent_body,
        issuing_body=f"ĐẢNG ỦY PHƯỜNG MẪU {n:03d}",
        place_name=f"Mẫu {n:03d}",
    )
    organisation.full_clean()
    organisation.save()
    # The ward's units carry the reference's codes (unique within an organisation, not across them).
    unit_for = _scale_units(
        organisation=organisation,
        reference=reference,
        template=template,
        code=lambda code: code,
        name=lambda name: f"{name} (phường Mẫu {n:03d})",
    )
    created = []
    for k in range(1, per_organisation + 1):
        program = Program(
            organisation=organisation,
            number=scale_ward_number(k),
            slug=scale_ward_slug(n, k),
            title=reference.title if k == 1 else f"{reference.title} ({k})",
            issued_on=datetime.date(2025, 7, 1) + datetime.timedelta(days=k - 1),
            resolution=reference.resolution,
            first_year=min(reference.first_year, report_years[0]),
            last_year=max(reference.last_year, report_years[-1]),
            milestone_years=reference.milestone_years,
        )
        program.full_clean()
        program.save()
        rng = random.Random(seed * 1_000_000 + n * 100 + k)
        created.append(
            _scale_fill(
                program=program,
                unit_for=unit_for,
                reference=reference,
                template=template,
                copies=copies,
                report_years=report_years,
                today=today,
                rng=rng,
                author=author,
                reviewer=reviewer,
            )
        )
    return created


def _scale_fill(
    *, program, unit_for, reference, template, copies, report_years, today, rng, author, reviewer
) -> ScaleProgramme:
    """The groups, targets, milestones, reports, reviews and closures of the synthetic ``program`` (saved),
    its targets led by the units of ``unit_for`` (reference code → unit). Inside the caller's transaction."""
    now = timezone.now()
    current_quarter = (today.month - 1) // 3 + 1  # quarters before it have ended
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
                unit_of_measure_en=t.unit_of_measure_en,
                direction=t.direction,
                is_yearly=t.is_yearly,
                is_period_average=t.is_period_average,
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
    return ScaleProgramme(
        number=program.number, slug=program.slug, targets=len(targets), reports=len(reports), reviews=len(reviews)
    )
