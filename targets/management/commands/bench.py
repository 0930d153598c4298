"""``manage.py bench``: each main page's median server time and query count on the current database,
side by side in the same run with the floor (``/_layout/``: the site's layout alone, for a signed-in
user), and each export's time and peak memory.

Pages are requested through ``django.test.Client`` (the whole middleware stack, no network) by a
signed-in office user, in rounds, so that every page sees the same machine load as the floor. Each page
is timed twice: cold, rendered afresh (no conditional GET; the values kept under the programme's version,
its judged rows and its roll-up counts, read as they usually are; ``overview_cold`` and ``rollup_cold`` with
the cache emptied before each request), and asked again with the ETag it gave (``If-None-Match``), which a
browser turns into its kept copy on a 304 (``views/conditional.py``). The
exports run in a child process each, so that their peak memory is their own: the child's peak
resident set size (VmHWM), and the peak of Python allocations during the request
(``tracemalloc``, a second run, since tracing slows it down).

Run it production-like (``make bench``: DJANGO_DEBUG=false after collectstatic). ``--save`` keeps the
figures as JSON; ``--compare`` prints each page's time against a saved run (district → city);
``--alone`` against a saved run of the same programme in an instance holding it alone (the Hanoi-scale
budget: its overview within 1.5×, on PostgreSQL and on SQLite). Every run prints the city's roll-up
against the programme's overview (budget 10×). ``--program`` names the programme measured
(docs/scaling.md, "Hanoi scale"). ``--task-growth`` times the overview and the task pages, adds 200 tasks
with 10 years of quarterly approved updates to the programme (``demo/task_scale.py``), times them again
in the same run and takes the tasks away: issue 14's budget (the overview within 1.5×, the same queries).
"""

import contextlib
import json
import logging
import os
import resource
import secrets
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets import services
from targets.demo.benchmark import (
    ANONYMOUS_ONLY,
    EMPTY_CACHE_FIRST,
    EXPORTS,
    FLOOR,
    KEEPS_A_VALUE,
    PAGES,
    TASK_GROWTH_PAGES,
    placeholders,
    resolvable,
)
from targets.models import Program, ProgressReport, Target
from targets.permissions import ROLE_OFFICE

BENCH_USER = "bench-office"
PAGE_BUDGET = 5.0  # × the floor (the layout alone) at district scale, every page cold
CITY_BUDGET = 10.0  # × the overview's district time, at city scale
ROLLUP_BUDGET = 10.0  # the city's roll-up, × a ward's overview in the same run, cold
ALONE_BUDGET = 1.5  # a ward's overview beside the others, × the same ward's in an instance holding it alone
TASK_GROWTH_BUDGET = 1.5  # the overview with 200 more tasks × 10 years of quarterly updates, × without them
MEMORY_BUDGET_MB = 200
REPORT_BUDGET = 2.0  # the review report (.docx), × the review workbook's time in the same run


def _new_client() -> Client:
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
    host = "testserver" if "testserver" in hosts or "*" in settings.ALLOWED_HOSTS or not hosts else hosts[0]
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi", HTTP_HOST=host)


def _client(username: str) -> Client:
    client = _new_client()
    client.force_login(get_user_model().objects.get(username=username), backend=settings.AUTHENTICATION_BACKENDS[-1])
    return client


def _get(client: Client, url: str, *, if_none_match: str = ""):
    """One request, read to the end (streamed bodies included); returns (status, bytes, its ETag)."""
    headers = {"If-None-Match": if_none_match} if if_none_match else {}
    response = client.get(url, secure=True, headers=headers)
    # The test client closes the response itself (at the end of a streamed body); closing it again would
    # send request_finished a second time.
    size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
    return response.status_code, size, response.headers.get("ETag", "")


def _rss_mb() -> float:
    """This process's peak resident set size. On Linux from VmHWM: getrusage's ru_maxrss would carry the
    parent's peak over the fork into this child."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS


class _ImportBenchMixin:
    """``--import``: the import budget (targets/demo/import_bench.py), kept apart from the pages' timing."""

    def _import(self, rows, username, save):
        from targets.demo.import_bench import (
            IMPORT_BUDGET_SECONDS,
            WRITER_DELAY_BUDGET_SECONDS,
            import_bench,
        )

        self.stdout.write(f"Database: {connection.vendor} {connection.settings_dict['NAME']} · {os.cpu_count()} CPUs")
        saved = {}
        for process in (False, True):
            result = import_bench(
                office_username=username, rows=rows if rows > 0 else None, process=process, log=self.stdout.write
            )
            alone, during = statistics.median(result.writer_alone), result.writer_during
            ok_total = result.total_seconds <= IMPORT_BUDGET_SECONDS
            ok_delay = result.writer_delay <= WRITER_DELAY_BUDGET_SECONDS
            self.stdout.write(
                f"Import of {result.rows} rows: preview {result.preview_seconds:.2f} s, confirm "
                f"{result.confirm_seconds:.2f} s, together {result.total_seconds:.2f} s "
                f"(budget {IMPORT_BUDGET_SECONDS:.0f} s: {'ok' if ok_total else 'OVER'})"
            )
            where = "another process" if process else "a thread of the same process"
            self.stdout.write(
                f"Another unit's report, in {where}: {alone * 1000:.0f} ms alone (median of "
                f"{len(result.writer_alone)}); during the import {len(during)} saves, median "
                f"{statistics.median(during) * 1000 if during else 0:.0f} ms, slowest "
                f"{max(during, default=0) * 1000:.0f} ms: delayed {result.writer_delay * 1000:.0f} ms at most "
                f"(budget {WRITER_DELAY_BUDGET_SECONDS * 1000:.0f} ms: {'ok' if ok_delay else 'OVER'})"
            )
            saved["process" if process else "thread"] = vars(result)
        if save:
            Path(save).write_text(json.dumps({"vendor": connection.vendor, "import": saved}, indent=2))


class Command(_ImportBenchMixin, BaseCommand):
    help = "Median server time and query count of every main page, beside the layout floor, and the exports' memory."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=30, help="Timed requests per page (default 30).")
        parser.add_argument(
            "--warmup", type=int, default=2, help="Untimed requests per page first (the first gets the CSRF cookie)."
        )
        parser.add_argument("--user", default=None, help=f"An office account (default: {BENCH_USER}, created).")
        parser.add_argument("--no-exports", action="store_true", help="Skip the exports.")
        parser.add_argument("--exports-only", action="store_true", help="Only the exports.")
        parser.add_argument("--save", help="Write the figures to this JSON file.")
        parser.add_argument("--compare", help="A JSON file saved by --save (e.g. at district scale).")
        parser.add_argument(
            "--alone",
            help="A JSON file saved by --save for the same programme in an instance holding it alone: each "
            f"page's time against it, and the overview against the {ALONE_BUDGET:g}× budget.",
        )
        parser.add_argument(
            "--program",
            help="The slug of the programme measured (default: the first synthetic ward's first programme, "
            "else the newest synthetic programme, else the newest active one).",
        )
        parser.add_argument(
            "--task-growth",
            type=int,
            nargs="?",
            const=200,
            default=None,
            help="Only the task budget: the overview and the task pages without, then with this many more "
            "tasks (200) with --task-years of quarterly approved updates each, side by side in one run. "
            "Writes into the measured programme and removes the tasks at the end: bench databases only.",
        )
        parser.add_argument("--task-years", type=int, default=10, help="Years of quarterly updates (10).")
        parser.add_argument("--keep-tasks", action="store_true", help="Leave the added tasks in the database.")
        parser.add_argument("--export-child", help=argparse_hidden())
        parser.add_argument(
            "--import",
            dest="import_rows",
            type=int,
            nargs="?",
            const=-1,
            default=None,
            help="Only the import budget: preview and confirm a workbook of IMPORT_MAX_ROWS rows (or this "
            "many) while another unit saves reports. Writes a synthetic programme: bench databases only.",
        )

    def handle(self, *args, **options):
        if options["export_child"]:
            return self._export_child(options["export_child"], options["user"])
        if options["import_rows"] is not None:
            return self._import(options["import_rows"], options["user"] or self._bench_user(), options["save"])
        if options["requests"] < 1:
            raise CommandError("--requests must be at least 1.")
        username = options["user"] or self._bench_user()
        values = placeholders(program=options["program"])
        if options["program"] and not values:
            raise CommandError(f"No programme with the slug {options['program']!r}.")
        scale = self._scale()
        self.stdout.write(
            f"Database: {connection.vendor} {connection.settings_dict['NAME']} · {scale['programs']} programmes, "
            f"{scale['targets']} targets, {scale['reports']} reports · DEBUG={settings.DEBUG} · "
            f"{os.cpu_count()} CPUs"
        )
        self.stdout.write(f"Measured: programme {values.get('program')}, roll-up of {values.get('city')}")
        if connection.vendor == "postgresql":
            # The planner's statistics as a running instance has them (autovacuum analyses its tables): a
            # database just loaded, or a server with autovacuum off, has none, and its plans are not the
            # ones users get (a nested loop over every approved report for each target of the programme).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write("Analysed the tables (ANALYZE), as autovacuum keeps them on a running instance.")
        if options["task_growth"] is not None:
            return self._task_growth(options, username, values)
        results = {"scale": scale, "vendor": connection.vendor, "values": values, "pages": {}, "exports": {}}
        if not options["exports_only"]:
            pages, notes = resolvable(PAGES, values)
            for note in notes:
                self.stdout.write(f"  note: {note}")
            results["pages"] = self._pages(pages, username, options["requests"], options["warmup"])
        if not options["no_exports"]:
            exports, notes = resolvable(EXPORTS, values)
            for note in notes:
                self.stdout.write(f"  note: {note}")
            for page in exports:
                results["exports"][page.name] = self._export(page, username)
        compare = json.loads(Path(options["compare"]).read_text()) if options["compare"] else None
        alone = json.loads(Path(options["alone"]).read_text()) if options["alone"] else None
        self._print(results, compare)
        self._print_hanoi(results, alone)
        if options["save"]:
            Path(options["save"]).write_text(json.dumps(results, indent=2))
            self.stdout.write(f"Saved to {options['save']}.")

    # --- Set-up ----------------------------------------------------------------------------------------

    def _bench_user(self) -> str:
        services.roles_ensure()
        services.user_ensure(username=BENCH_USER, role=ROLE_OFFICE, password=secrets.token_urlsafe(24))
        # The office of every organisation, so that it measures whichever programme the pages are of.
        get_user_model().objects.filter(username=BENCH_USER).update(is_superuser=True)
        return BENCH_USER

    def _scale(self) -> dict:
        return {
            "programs": Program.objects.count(),
            "targets": Target.objects.count(),
            "reports": ProgressReport.objects.count(),
        }

    # --- Pages -----------------------------------------------------------------------------------------

    def _pages(self, pages, username, requests, warmup) -> dict:
        # A failing page shows as its status in the table, not as a traceback per request.
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        signed_in = _client(username)
        anonymous = _new_client()
        client_for = {p.name: anonymous if p.name in ANONYMOUS_ONLY else signed_in for p in pages}
        figures = {
            p.name: {"url": p.url, "times": [], "conditional": [], "status": None, "bytes": 0, "queries": None}
            for p in pages
        }
        for page in pages:
            for _ in range(warmup):
                _get(client_for[page.name], page.url)
        # Rounds: each page once cold (no If-None-Match: rendered afresh, no page kept anywhere), then
        # once as a browser asks again (If-None-Match with the ETag it got), so that every page, the floor
        # included, sees the same machine load. The first round also counts the queries (counting slows
        # the requests a little, so it is not timed).
        for round_number in range(requests + 1):
            for page in pages:
                client, figure = client_for[page.name], figures[page.name]
                counting = round_number == 0
                if page.name in EMPTY_CACHE_FIRST:
                    cache.clear()
                with CaptureQueriesContext(connection) if counting else contextlib.nullcontext() as queries:
                    started = time.perf_counter()
                    status, size, etag = _get(client, page.url)
                    elapsed = (time.perf_counter() - started) * 1000
                if counting:
                    figure.update(status=status, bytes=size, queries=len(queries), etag=bool(etag))
                else:
                    figure["times"].append(elapsed)
                if page.name in EMPTY_CACHE_FIRST:
                    for usual in (p for p in pages if p.name in KEEPS_A_VALUE):
                        _get(client_for[usual.name], usual.url)
                if not etag:
                    continue
                with CaptureQueriesContext(connection) if counting else contextlib.nullcontext() as queries:
                    started = time.perf_counter()
                    status, _size, _etag = _get(client, page.url, if_none_match=etag)
                    elapsed = (time.perf_counter() - started) * 1000
                if counting:
                    figure.update(conditional_status=status, conditional_queries=len(queries))
                else:
                    figure["conditional"].append(elapsed)
        for figure in figures.values():
            times = sorted(figure.pop("times"))
            figure["median_ms"] = statistics.median(times)
            figure["p90_ms"] = times[min(len(times) - 1, int(len(times) * 0.9))]
            conditional = figure.pop("conditional")
            figure["conditional_ms"] = statistics.median(conditional) if conditional else None
        return figures

    # --- Tasks ------------------------------------------------------------------------------------------

    def _task_growth(self, options, username, values):
        """The task pages and the overview without, then with ``--task-growth`` more tasks, in one run (the
        same placeholders both times: the task measured is the same one)."""
        from targets.demo.task_scale import task_growth_add, task_growth_remove

        if options["task_growth"] < 1 or options["task_years"] < 1:
            raise CommandError("--task-growth and --task-years must be at least 1.")
        pages, notes = resolvable([(name, url) for name, url in PAGES if name in TASK_GROWTH_PAGES], values)
        for note in notes:
            self.stdout.write(f"  note: {note}")
        program = Program.objects.get(slug=values["program"])
        requests, warmup = options["requests"], options["warmup"]
        tasks_before = program.tasks.count()
        before = self._pages(pages, username, requests, warmup)
        started = time.perf_counter()
        added = task_growth_add(
            program=program,
            author=get_user_model().objects.get(username=username),
            tasks=options["task_growth"],
            years=options["task_years"],
        )
        if connection.vendor == "postgresql":
            # The planner's statistics as autovacuum would soon leave them, rather than it analysing the new
            # rows in the background during the timed requests.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE targets_task, targets_taskupdate")
        self.stdout.write(
            f"Added {added['tasks']} tasks and {added['updates']} approved updates to {program.slug} "
            f"(which had {tasks_before} tasks) in {time.perf_counter() - started:.1f} s."
        )
        try:
            after = self._pages(pages, username, requests, warmup)
        finally:
            if not options["keep_tasks"]:
                self.stdout.write(f"Removed the {task_growth_remove(program=program)} added tasks again.")
        floor = after.get(FLOOR, {}).get("median_ms")
        self.stdout.write(
            f"\n{'page':<16} {'queries':>9} {'without ms':>10} {'with ms':>8} {'×':>5} {'× floor':>8}  url"
        )
        for name, figure in after.items():
            was = before[name]
            self.stdout.write(
                f"{name:<16} {was['queries']:>4}→{figure['queries']:<4} {was['median_ms']:>10.2f} "
                f"{figure['median_ms']:>8.2f} {figure['median_ms'] / was['median_ms']:>5.2f} "
                f"{figure['median_ms'] / floor if floor else float('nan'):>8.1f}  {figure['url']}"
            )
        grown = [n for n in after if after[n]["queries"] != before[n]["queries"]]
        self.stdout.write(f"Pages whose queries changed with the tasks: {', '.join(grown) or 'none'}.")
        if "overview" in after:
            ratio = after["overview"]["median_ms"] / before["overview"]["median_ms"]
            verdict = "within" if ratio < TASK_GROWTH_BUDGET else "OVER"
            self.stdout.write(
                f"Overview, cold, with {added['tasks']} more tasks × {options['task_years']} years of quarterly "
                f"updates: {ratio:.2f}× without: {verdict} the {TASK_GROWTH_BUDGET:g}× budget."
            )
        if options["save"]:
            results = {"vendor": connection.vendor, "values": values, "added": added, "before": before, "after": after}
            Path(options["save"]).write_text(json.dumps(results, indent=2))
            self.stdout.write(f"Saved to {options['save']}.")

    # --- Exports ---------------------------------------------------------------------------------------

    def _export(self, page, username) -> dict:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench"]
        command += ["--export-child", page.url, "--user", username]
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)  # noqa: S603
        if done.returncode != 0:
            return {"url": page.url, "error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
        return {"url": page.url, **json.loads(done.stdout.strip().splitlines()[-1])}

    def _export_child(self, url, username):
        client = _client(username)
        _get(client, reverse("healthz"))  # the application loaded and a connection open
        baseline = _rss_mb()
        started = time.perf_counter()
        status, size, _etag = _get(client, url)
        elapsed = (time.perf_counter() - started) * 1000
        peak = _rss_mb()
        tracemalloc.start()
        _get(client, url)
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            json.dumps(
                {
                    "status": status,
                    "bytes": size,
                    "ms": elapsed,
                    "rss_before_mb": baseline,
                    "rss_peak_mb": peak,
                    "python_peak_mb": traced_peak / 1_048_576,
                }
            )
        )

    # --- Report ----------------------------------------------------------------------------------------

    def _print(self, results, compare):
        pages = results["pages"]
        if pages:
            floor = pages.get(FLOOR, {}).get("median_ms")
            head = (
                f"{'page':<16} {'status':>6} {'queries':>7} {'cold ms':>8} {'p90 ms':>8} {'× floor':>8}"
                f" {'304':>4} {'304 q':>5} {'304 ms':>7} {'× floor':>8}"
            )
            if compare:
                head += f" {'× saved':>8}"
            self.stdout.write("\n" + head + "  url")
            for name, f in pages.items():
                ratio = f["median_ms"] / floor if floor else float("nan")
                line = (
                    f"{name:<16} {f['status']:>6} {f['queries']:>7} {f['median_ms']:>8.2f} {f['p90_ms']:>8.2f}"
                    f" {ratio:>8.1f}"
                )
                conditional = f.get("conditional_ms")
                if conditional is not None:
                    line += f" {f['conditional_status']:>4} {f['conditional_queries']:>5} {conditional:>7.2f}"
                    line += f" {conditional / floor:>8.1f}" if floor else f" {'-':>8}"
                else:
                    line += f" {'-':>4} {'-':>5} {'-':>7} {'-':>8}"
                if compare:
                    before = compare.get("pages", {}).get(name, {}).get("median_ms")
                    line += f" {f['median_ms'] / before:>8.1f}" if before else f" {'-':>8}"
                self.stdout.write(f"{line}  {f['url']}")
            over = [n for n, f in pages.items() if floor and n != FLOOR and f["median_ms"] > PAGE_BUDGET * floor]
            self.stdout.write(
                f"Pages over {PAGE_BUDGET:g}× the floor (/_layout/, the district-scale budget), cold: "
                f"{', '.join(over) or 'none'}. Cold ms: rendered afresh (no If-None-Match); 304 ms: asked again "
                "with the page's ETag, as a browser does. overview and rollup read the values kept under the "
                "programme's version (its judged rows, its counts), as they usually do; overview_cold and "
                "rollup_cold: the cache emptied before each request."
            )
            bad = [n for n, f in pages.items() if f["status"] != 200]
            if bad:
                self.stdout.write(self.style.WARNING(f"Pages not answering 200: {', '.join(bad)}."))
            if compare and "overview" in pages and "overview" in compare.get("pages", {}):
                ratio = pages["overview"]["median_ms"] / compare["pages"]["overview"]["median_ms"]
                verdict = "within" if ratio <= CITY_BUDGET else "OVER"
                self.stdout.write(f"Overview, cold: {ratio:.1f}× the saved run: {verdict} the {CITY_BUDGET:g}× budget.")
        if results["exports"]:
            self.stdout.write(
                f"\n{'export':<16} {'status':>6} {'ms':>9} {'MB':>7} {'peak RSS MB':>12} {'Python peak MB':>15}  url"
            )
            for name, f in results["exports"].items():
                if "error" in f:
                    self.stdout.write(f"{name:<16} failed: {' '.join(f['error'])}  {f['url']}")
                    continue
                self.stdout.write(
                    f"{name:<16} {f['status']:>6} {f['ms']:>9.0f} {f['bytes'] / 1_048_576:>7.2f} "
                    f"{f['rss_peak_mb']:>12.1f} {f['python_peak_mb']:>15.1f}  {f['url']}"
                )
            self.stdout.write(f"Memory budget: {MEMORY_BUDGET_MB} MB peak for the export of every target.")
            self._print_report(results["exports"])

    def _print_report(self, exports):
        """The review report's budgets: within 2× the workbook's time, under the memory budget."""
        workbook, report = exports.get("review_export", {}), exports.get("review_report", {})
        if "ms" not in workbook or "ms" not in report:
            return
        ratio = report["ms"] / workbook["ms"]
        within = ratio <= REPORT_BUDGET and report["rss_peak_mb"] < MEMORY_BUDGET_MB
        self.stdout.write(
            f"Review report (.docx): {report['ms']:.0f} ms, {ratio:.2f}× the review workbook ({workbook['ms']:.0f} ms; "
            f"budget {REPORT_BUDGET:g}×), peak RSS {report['rss_peak_mb']:.1f} MB (budget {MEMORY_BUDGET_MB} MB): "
            f"{'within' if within else 'OVER'}."
        )

    def _print_hanoi(self, results, alone):
        """The Hanoi-scale budgets: the roll-up against the overview of this run, and with ``alone`` (a run
        saved on an instance holding the measured programme alone) each page against that run."""
        pages = results["pages"]
        overview = pages.get("overview")
        for name, state in (
            ("rollup", "each programme's counts kept under its version (the usual view)"),
            ("rollup_cold", "the cache emptied first (no programme's counts kept)"),
        ):
            rollup = pages.get(name)
            if not (overview and rollup):
                continue
            ratio = rollup["median_ms"] / overview["median_ms"]
            verdict = "within" if ratio <= ROLLUP_BUDGET else "OVER"
            self.stdout.write(
                f"Roll-up of {results['values'].get('city')}, {state} ({rollup['median_ms']:.1f} ms, "
                f"{rollup['queries']} queries): {ratio:.1f}× the overview of {results['values'].get('program')} "
                f"({overview['median_ms']:.1f} ms, cold): {verdict} the {ROLLUP_BUDGET:g}× budget."
            )
        if not alone:
            return
        same = alone.get("values", {}).get("program") == results["values"].get("program")
        if not same:
            self.stdout.write(
                self.style.WARNING(
                    f"--alone measured {alone.get('values', {}).get('program')}, this run "
                    f"{results['values'].get('program')}: not the same programme."
                )
            )
        scale = alone.get("scale", {})
        self.stdout.write(
            f"\nBeside the others ({results['scale']['programs']} programmes, {results['scale']['reports']} "
            f"reports) against alone ({scale.get('programs')} programmes, {scale.get('reports')} reports), cold:"
        )
        for name, figure in pages.items():
            before = alone.get("pages", {}).get(name, {})
            if not before.get("median_ms"):
                continue
            self.stdout.write(
                f"  {name:<16} {before['median_ms']:>8.2f} ms → {figure['median_ms']:>8.2f} ms "
                f"{figure['median_ms'] / before['median_ms']:>5.2f}×  queries {before.get('queries')} → "
                f"{figure['queries']}"
            )
        for name, figure in results["exports"].items():
            before = alone.get("exports", {}).get(name, {})
            if "ms" in figure and before.get("ms"):
                ratio = figure["ms"] / before["ms"]
                self.stdout.write(f"  {name:<16} {before['ms']:>8.0f} ms → {figure['ms']:>8.0f} ms {ratio:>5.2f}×")
        before = alone.get("pages", {}).get("overview", {}).get("median_ms")
        if overview and before:
            ratio = overview["median_ms"] / before
            verdict = "within" if ratio <= ALONE_BUDGET else "OVER"
            self.stdout.write(
                f"Overview of {results['values'].get('program')}, cold: {ratio:.2f}× alone: {verdict} the "
                f"{ALONE_BUDGET:g}× budget."
            )


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
