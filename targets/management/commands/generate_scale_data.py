"""Synthetic programmes shaped like 12-CTr/QU, for the benchmark and the load test. NEVER on a real server.

Each programme is a copy of the reference programme (its 6 groups, 41 targets with their milestones,
directions and baselines) with its own set of units, and quarterly approved reports for the last
``--years`` years: for every finished year Q1, Q2, Q3 and the year's figure (quarter empty, the
figure the dashboards and the annual review use), for the current year each finished quarter; a few
reports waiting in the approval queue; frozen annual reviews and closures for the finished years.

``--programs N`` is the number of synthetic programmes wanted in total: run it with 1 for the
district scale, then with 100 on the same database for the city scale (about 4,100 targets and
164,000 reports). Rows are written with ``bulk_create`` in batches, one transaction per programme,
with one history row per object as the real write paths would leave.
"""

import datetime
import random
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from targets import services
from targets.models import (
    AnnualReview,
    DomainGroup,
    Milestone,
    Program,
    ProgressReport,
    Target,
    Unit,
    YearClosure,
)
from targets.permissions import ROLE_OFFICE, ROLE_UNIT_STAFF
from targets.text import fold

REFERENCE_NUMBER = "12-CTr/QU"
SCALE_SUFFIX = "-CTr/SCALE"
BATCH = 2000
SCALE_AUTHOR = "scale-staff"
SCALE_REVIEWER = "scale-office"


def scale_number(n: int) -> str:
    return f"{n:03d}{SCALE_SUFFIX}"


def _assessment(target: Target, milestones: list[Milestone], year: int, value: Decimal | None) -> str:
    """The review's verdict through the shared rules (targets/assessment.py)."""
    from targets import assessment

    facts = assessment.TargetFacts(
        direction=target.direction,
        is_yearly=target.is_yearly,
        baseline_value=target.baseline_value,
        baseline_year=target.baseline_year,
        milestones={m.year: (m.min_value, m.max_value) for m in milestones},
    )
    verdict, _plan = assessment.assess_year(facts, year, value)
    return str(verdict)


class Command(BaseCommand):
    help = (
        "Create synthetic programmes shaped like 12-CTr/QU with quarterly approved reports, for benchmarks. "
        "FOR TEST DATABASES ONLY."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programs", type=int, default=1, help="Synthetic programmes wanted in total.")
        parser.add_argument("--years", type=int, default=10, help="Years of reports, ending with the current one.")
        parser.add_argument(
            "--copies",
            type=int,
            default=1,
            help="Copies of the 41 targets in each programme (100: one city-wide programme of 4,100 targets).",
        )
        parser.add_argument("--seed", type=int, default=15)
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, default=None, help="Pretend today is this date (ISO)."
        )

    def handle(self, *args, programs, years, copies, seed, today, **options):
        if programs < 1 or programs > 1000:
            raise CommandError("--programs must be between 1 and 1000.")
        if copies < 1 or copies > 999:
            raise CommandError("--copies must be between 1 and 999.")
        if years < 1 or years > 30:
            raise CommandError("--years must be between 1 and 30.")
        today = today or timezone.localdate()
        reference = Program.objects.filter(number=REFERENCE_NUMBER).first()
        if reference is None:
            reference, _summary = services.program_load_reference(
                manifest=Path(settings.BASE_DIR) / "fixtures" / "program.json"
            )
        template = list(
            reference.targets.select_related("group", "lead_unit")
            .prefetch_related("milestones", "supporting_units")
            .order_by("order")
        )
        if not template:
            raise CommandError(f"The reference programme {REFERENCE_NUMBER} has no targets.")
        author, reviewer = self._accounts()
        existing = Program.objects.filter(number__endswith=SCALE_SUFFIX).count()
        if existing >= programs:
            self.stdout.write(f"{existing} synthetic programmes already exist; nothing to do.")
            return
        started = timezone.now()
        for n in range(existing + 1, programs + 1):
            rng = random.Random(seed * 1000 + n)
            counts = self._programme(n, reference, template, copies, years, today, rng, author, reviewer)
            self.stdout.write(
                f"{scale_number(n)}: {counts['targets']} targets, {counts['reports']} reports, "
                f"{counts['reviews']} reviews"
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load, as autovacuum would
        elapsed = (timezone.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(
                f"{programs - existing} programmes in {elapsed:.1f} s. In the database: "
                f"{Program.objects.count()} programmes, {Target.objects.count()} targets, "
                f"{ProgressReport.objects.count()} reports."
            )
        )

    def _accounts(self):
        services.roles_ensure()
        for username, role in ((SCALE_AUTHOR, ROLE_UNIT_STAFF), (SCALE_REVIEWER, ROLE_OFFICE)):
            # A random password nobody knows: these accounts only sign the synthetic rows.
            services.user_ensure(username=username, role=role, password=secrets.token_urlsafe(24))
        users = get_user_model().objects.in_bulk([SCALE_AUTHOR, SCALE_REVIEWER], field_name="username")
        return users[SCALE_AUTHOR], users[SCALE_REVIEWER]

    @transaction.atomic
    def _programme(self, n, reference, template, copies, years, today, rng, author, reviewer):
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
                plan = services.demo_plan_for(ref, ref_milestones, max(year, services.DEMO_FIRST_YEAR))
                periods = [1, 2, 3, None] if year in finished_years else list(range(1, current_quarter))
                year_value = None
                for quarter in periods:
                    value = services.demo_value(ref, plan, rng)
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
                    verdict = _assessment(ref, list(ref_milestones.values()), year, year_value)
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
                plan = services.demo_plan_for(ref, ref_milestones, today.year)
                reports.append(
                    ProgressReport(
                        target=new,
                        unit=new.lead_unit,
                        year=today.year,
                        quarter=current_quarter,
                        value=services.demo_value(ref, plan, rng),
                        is_estimate=True,
                        note="synthetic, waiting for approval",
                        status=ProgressReport.Status.SUBMITTED,
                        author=author,
                        submitted_at=now,
                    )
                )
        for start in range(0, len(reports), BATCH):
            batch = ProgressReport.objects.bulk_create(reports[start : start + BATCH])
            ProgressReport.history.bulk_history_create(batch, default_user=author, default_date=now)
        for start in range(0, len(reviews), BATCH):
            batch = AnnualReview.objects.bulk_create(reviews[start : start + BATCH])
            AnnualReview.history.bulk_history_create(batch, default_user=reviewer, default_date=now)
        closures = YearClosure.objects.bulk_create(
            [
                YearClosure(program=program, year=y, is_closed=True, reason="synthetic", changed_by=reviewer)
                for y in finished_years
            ]
        )
        YearClosure.history.bulk_history_create(closures, default_user=reviewer, default_date=now)
        return {"targets": len(targets), "reports": len(reports), "reviews": len(reviews)}
