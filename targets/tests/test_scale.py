"""The scale data generator and the benchmark command: the shape of the data, and a run that prints its table."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from targets.demo.benchmark import PAGES, placeholders, resolvable
from targets.models import (
    AnnualReview,
    Organisation,
    Program,
    ProgressReport,
    Target,
    Task,
    TaskUpdate,
    Unit,
    YearClosure,
)
from targets.selectors.dashboards import AsOf, dashboard_rows, latest_figures
from targets.selectors.reviews import review_figures, review_pending_count, review_year
from targets.selectors.units import unit_punctuality

TODAY = datetime.date(2026, 11, 26)  # in the fourth quarter: Q1–Q3 of 2026 have ended


@pytest.fixture
def scale(db):
    call_command(
        "generate_scale_data", "--programs", "2", "--years", "3", "--today", TODAY.isoformat(), stdout=io.StringIO()
    )
    return Program.objects.filter(number__endswith="-CTr/SCALE").order_by("number")


def test_programmes_are_shaped_like_the_reference(scale):
    assert [p.number for p in scale] == ["001-CTr/SCALE", "002-CTr/SCALE"]
    reference = Program.objects.get(number="12-CTr/QU")
    for program in scale:
        assert program.targets.count() == reference.targets.count() == 41
        assert program.groups.count() == 6
        assert Target.objects.filter(program=program, milestones__isnull=False).distinct().count() == 41
        # Each programme has its own units, named after the reference's.
        lead_units = set(program.targets.values_list("lead_unit__code", flat=True))
        assert all(code.endswith(f".{program.number[:3]}") for code in lead_units)
    assert Unit.objects.filter(code__endswith=".001").count() == Unit.objects.filter(code__endswith=".002").count()


def test_reports_are_quarterly_and_approved_with_reviews_for_finished_years(scale):
    program = scale.first()
    approved = ProgressReport.objects.filter(target__program=program, status="approved")
    # 2024 and 2025 finished: Q1–Q3 and the year's figure; 2026: Q1–Q3 so far.
    assert approved.count() == 41 * (4 + 4 + 3)
    assert set(approved.filter(year=2025).values_list("quarter", flat=True)) == {1, 2, 3, None}
    assert set(approved.filter(year=2026).values_list("quarter", flat=True)) == {1, 2, 3}
    waiting = ProgressReport.objects.filter(target__program=program, status="submitted")
    assert set(waiting.values_list("year", "quarter")) <= {(2026, 4)}
    reviews = AnnualReview.objects.filter(target__program=program)
    assert reviews.count() == 41 * 2 and all(r.is_frozen for r in reviews)
    assert set(reviews.values_list("assessment", flat=True)) <= {"exceeded", "achieved", "not_achieved", "no_data"}
    assert set(YearClosure.objects.filter(program=program).values_list("year", flat=True)) == {2024, 2025}
    # One history row per report, as the real write paths leave.
    assert ProgressReport.history.filter(target__program=program).count() == approved.count() + waiting.count()


def test_asking_for_fewer_programmes_than_exist_adds_nothing(scale):
    reports = ProgressReport.objects.count()
    out = io.StringIO()
    call_command("generate_scale_data", "--programs", "2", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert ProgressReport.objects.count() == reports


def test_copies_make_one_wide_programme(db):
    call_command(
        "generate_scale_data", "--copies", "3", "--years", "1", "--today", TODAY.isoformat(), stdout=io.StringIO()
    )
    program = Program.objects.get(number="001-CTr/SCALE")
    codes = set(program.targets.values_list("code", flat=True))
    assert len(codes) == 123 and {"XD-01", "XD-01-2", "XD-01-3"} <= codes


@pytest.mark.parametrize("args", [["--programs", "0"], ["--years", "0"], ["--copies", "0"]])
def test_bad_arguments_are_refused(empty_db, args):
    with pytest.raises(CommandError):
        call_command("generate_scale_data", *args, stdout=io.StringIO())
    assert Program.objects.count() == 0


def test_bench_prints_every_resolvable_page_beside_the_layout_floor(scale, tmp_path):
    out = io.StringIO()
    saved = tmp_path / "bench.json"
    call_command("bench", "--requests", "2", "--warmup", "2", "--no-exports", "--save", str(saved), stdout=out)
    table = out.getvalue()
    pages, _notes = resolvable(PAGES, placeholders())
    assert pages[0].name == "layout" and pages[0].url == "/_layout/"
    for page in pages:
        assert f"\n{page.name} " in table
    assert "× floor" in table and "cold ms" in table and "304 ms" in table and "5× the floor" in table
    assert "healthz" not in table and "page cache" not in table
    figures = json.loads(saved.read_text())["pages"]
    # Cold: rendered afresh (13 queries with no task, test_dashboard_overview.py), 4 fewer with the programme's
    # rows kept under its version, as they usually are (selectors.program_rows); asked again with its ETag:
    # a 304 from session, user, the user's memberships and the programme with its data version.
    assert figures["overview_cold"]["queries"] == 13
    assert figures["overview"]["queries"] == 9
    assert figures["overview"]["conditional_status"] == 304 and figures["overview"]["conditional_queries"] == 4
    assert all(f["median_ms"] > 0 for f in figures.values())
    # The sign-in page has no ETag (nobody signed in), so no second column.
    assert figures["login"]["conditional_ms"] is None
    # Compared with itself, the overview is about 1× its saved time.
    again = io.StringIO()
    call_command("bench", "--requests", "2", "--no-exports", "--compare", str(saved), stdout=again)
    assert "Overview, cold:" in again.getvalue()
    # The roll-up of the city above the measured programme is on the table, against the overview.
    assert figures["rollup"]["url"] == "/o/ha-noi/" and figures["rollup"]["status"] == 200
    assert "Roll-up of ha-noi" in table and "the 10× budget" in table
    # Against a run of the same programme alone: each page, and the overview's 1.5× budget.
    alone = io.StringIO()
    call_command("bench", "--requests", "1", "--no-exports", "--alone", str(saved), stdout=alone)
    assert "× alone" in alone.getvalue() and "1.5× budget" in alone.getvalue()
    with pytest.raises(CommandError, match="no-such"):
        call_command("bench", "--requests", "1", "--no-exports", "--program", "no-such", stdout=io.StringIO())


def test_organisations_make_wards_under_the_city_with_their_programmes(db):
    out = io.StringIO()
    args = ["--organisations", "2", "--per-organisation", "2", "--years", "1", "--today", TODAY.isoformat()]
    call_command("generate_scale_data", *args, stdout=out)
    wards = Organisation.objects.filter(code__startswith="phuong-mau-").order_by("code")
    assert [w.code for w in wards] == ["phuong-mau-001", "phuong-mau-002"]
    assert all(w.parent.code == "ha-noi" for w in wards)
    for ward in wards:
        programmes = ward.programs.order_by("number")
        assert [p.number for p in programmes] == ["01-CTr/ĐU-SCALE", "02-CTr/ĐU-SCALE"]
        assert [p.slug for p in programmes] == [f"{ward.code}-1", f"{ward.code}-2"]
        for programme in programmes:
            assert programme.targets.count() == 41
            # The ward's units, with the reference's codes: unique within an organisation only.
            assert set(programme.targets.values_list("lead_unit__organisation", flat=True)) == {ward.pk}
            assert ProgressReport.objects.filter(target__program=programme, status="approved").count() == 41 * 3
    reference_codes = set(Unit.objects.filter(organisation__code="quan-cau-giay").values_list("code", flat=True))
    assert set(wards[0].units.values_list("code", flat=True)) <= reference_codes
    assert "phuong-mau-002-2 (02-CTr/ĐU-SCALE): 41 targets" in out.getvalue()
    # The bench measures the first ward's first programme and the city's roll-up.
    assert placeholders(today=TODAY)["program"] == "phuong-mau-001-1"
    assert placeholders(today=TODAY)["city"] == "ha-noi"
    # Asking again for as many adds nothing; asking for one more ward adds its two programmes.
    reports = ProgressReport.objects.count()
    call_command("generate_scale_data", *args, stdout=io.StringIO())
    assert ProgressReport.objects.count() == reports
    args[1] = "3"
    call_command("generate_scale_data", *args, stdout=io.StringIO())
    assert Program.objects.filter(organisation__code="phuong-mau-003").count() == 2
    # --programs keeps its meaning beside the wards: synthetic programmes of an organisation each.
    call_command("generate_scale_data", "--programs", "1", "--years", "1", "--today", TODAY.isoformat(), stdout=out)
    assert Program.objects.get(number="001-CTr/SCALE").organisation.code == "mau-001"


@pytest.mark.parametrize("args", [["--organisations", "0"], ["--organisations", "1", "--per-organisation", "11"]])
def test_bad_ward_arguments_are_refused(empty_db, args):
    with pytest.raises(CommandError, match="--(organisations|per-organisation) must be between"):
        call_command("generate_scale_data", *args, stdout=io.StringIO())
    assert Program.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_on_sqlite_the_reads_of_a_programme_start_from_its_targets(program):
    """Beside other programmes' hundreds of thousands of reports, SQLite (which keeps no statistics) reached a
    programme's approved figures through the status index (issue 13: 5 → 512 ms). Its plans do not depend on
    the rows, so the plans of an empty database show it: no read of one programme goes through that index."""
    as_of = AsOf(date=TODAY, year=TODAY.year, is_past=False, years=[])
    with CaptureQueriesContext(connection) as captured:
        dashboard_rows(targets=Target.objects.filter(program=program), as_of=as_of)
        latest_figures(program=program, as_of=as_of)
        review_year(program=program, year=2025)
        list(review_figures(program=program, year=2025))
        review_pending_count(program=program, year=2025)
        unit_punctuality(program=program, today=TODAY)
    reads = [q["sql"] for q in captured.captured_queries if '"targets_progressreport"' in q["sql"]]
    assert len(reads) >= 6
    with connection.cursor() as cursor:
        for sql in reads:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " | ".join(row[-1] for row in cursor.fetchall())
            assert "report_status_submitted" not in plan, (sql, plan)
            assert "SCAN targets_progressreport" not in plan, (sql, plan)


def test_bench_task_growth_times_the_task_pages_without_and_with_more_tasks_then_removes_them(program, tmp_path):
    from targets.demo.task_scale import TASK_GROWTH_PREFIX
    from targets.tests.factories import make_task

    make_task(program, code="NV-1.01")
    make_task(program, code="NV-3.01", group=3, lead="BTCQU")  # the unit measured (XD-01's) has a task already
    tasks, updates = Task.objects.count(), TaskUpdate.objects.count()
    out, saved = io.StringIO(), tmp_path / "tasks.json"
    args = ["--task-growth", "6", "--task-years", "2", "--requests", "1", "--warmup", "1", "--program", program.slug]
    call_command("bench", *args, "--save", str(saved), stdout=out)
    table = out.getvalue()
    assert "Added 6 tasks and" in table and "Removed the 6 added tasks again." in table
    for name in ("overview", "tasks", "task", "task_update_new", "solutions", "task_import"):
        assert f"\n{name} " in table
    assert "Pages whose queries changed with the tasks: none." in table
    assert "× without" in table and "1.5× budget" in table
    figures = json.loads(saved.read_text())
    assert figures["added"]["tasks"] == 6 and figures["added"]["updates"] > 6
    assert figures["after"]["task"]["url"] == figures["before"]["task"]["url"] == "/p/12-ctr-qu/tasks/NV-1.01/"
    assert all(f["status"] == 200 for f in figures["after"].values())
    # Left as it was.
    assert (Task.objects.count(), TaskUpdate.objects.count()) == (tasks, updates)
    assert not Task.history.filter(code__startswith=TASK_GROWTH_PREFIX).exists()
