"""Synthetic programmes shaped like 12-CTr/QU, for the benchmark and the load test. NEVER on a real server.

Each programme is a copy of the reference programme (its 6 groups, 41 targets with their milestones,
directions and baselines) with its own set of units, and quarterly approved reports for the last
``--years`` years: for every finished year Q1, Q2, Q3 and the year's figure (quarter empty, the
figure the dashboards and the annual review use), for the current year each finished quarter; a few
reports waiting in the approval queue; frozen annual reviews and closures for the finished years.

``--programs N`` is the number of synthetic programmes wanted in total, each of an organisation of its
own: run it with 1 for the district scale, then with 100 on the same database for the city scale (about
4,100 targets and 164,000 reports). ``--organisations N --per-organisation 2`` makes N synthetic ward
organisations under the city (``phuong-mau-001`` …), each with 2 programmes (``phuong-mau-001-1``,
``-2``): 126 wards is the Hanoi scale (about 10,000 targets and 400,000 reports). The work is done by
``demo.scale_data_generate``: rows are written with ``bulk_create`` in batches, one transaction per
programme (per ward), with one history row per object as the real write paths would leave.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from targets import demo


class Command(BaseCommand):
    help = (
        "Create synthetic programmes shaped like 12-CTr/QU with quarterly approved reports, for benchmarks. "
        "FOR TEST DATABASES ONLY."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--programs",
            type=int,
            default=None,
            help="Synthetic programmes wanted in total, each of an organisation of its own (default 1 when "
            "--organisations is not given).",
        )
        parser.add_argument(
            "--organisations",
            type=int,
            default=None,
            help="Synthetic ward organisations wanted in total under the city, each with --per-organisation "
            "programmes (126: the Hanoi scale).",
        )
        parser.add_argument(
            "--per-organisation", type=int, default=2, help="Programmes of each synthetic ward (default 2)."
        )
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

    def handle(self, *args, programs, organisations, per_organisation, years, copies, seed, today, **options):
        if programs is None and organisations is None:
            programs = 1
        try:
            summary = demo.scale_data_generate(
                programs=programs,
                organisations=organisations,
                per_organisation=per_organisation,
                years=years,
                copies=copies,
                seed=seed,
                today=today,
                on_programme=self._print_programme,
            )
        except demo.ScaleDataError as exc:
            raise CommandError(str(exc)) from exc
        if not summary.created:
            self.stdout.write(f"{summary.existing} synthetic programmes already exist; nothing to do.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(summary.created)} programmes in {summary.seconds:.1f} s. In the database: "
                f"{summary.programs} programmes, {summary.targets} targets, {summary.reports} reports."
            )
        )

    def _print_programme(self, programme: demo.ScaleProgramme) -> None:
        # As each programme is committed, so a city-scale run shows its progress.
        self.stdout.write(
            f"{programme.slug} ({programme.number}): {programme.targets} targets, {programme.reports} reports, "
            f"{programme.reviews} reviews"
        )
