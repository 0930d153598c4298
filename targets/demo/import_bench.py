"""The import budget of ``manage.py bench --import``: a workbook of ``IMPORT_MAX_ROWS`` figures previewed
and confirmed (approved at once) by the office through the pages, while in another thread a unit's staff
user keeps saving a report of their own; how long each of their saves took before and during the import.

NEVER on a real server: it writes a synthetic programme (``scale_data_generate``, three copies of the
reference programme's targets) and thousands of reports into it. Each run corrects the previous run's
figures (they are approved), so it can be repeated on the same database.
"""

import multiprocessing
import re
import secrets
import statistics
import threading
import time
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.utils import timezone, translation
from openpyxl import Workbook

from .. import permissions, services
from ..exports import FIGURE_COLUMNS
from ..models import ProgressReport, Target
from .scale import scale_data_generate, scale_number

IMPORT_BUDGET_SECONDS = 20.0  # preview and confirmation together, on PostgreSQL
WRITER_DELAY_BUDGET_SECONDS = 0.5  # another unit's save, beside its usual time
BENCH_STAFF = "bench-import-staff"
WRITER_YEAR = 2030  # the other unit reports for this year, which the workbook leaves alone


@dataclass
class ImportBench:
    rows: int
    preview_seconds: float
    confirm_seconds: float
    writer_alone: list[float] = field(default_factory=list)  # the other unit's saves before the import
    writer_during: list[float] = field(default_factory=list)  # and while it ran

    @property
    def total_seconds(self) -> float:
        return self.preview_seconds + self.confirm_seconds

    @property
    def writer_delay(self) -> float:
        """The slowest save during the import, beyond the usual (median) save."""
        if not self.writer_during:
            return 0.0
        return max(self.writer_during) - statistics.median(self.writer_alone)


def _programme():
    """The synthetic programme the import writes into (created the first time)."""
    scale_data_generate(programs=1, years=1, copies=3)
    return Target.objects.filter(program__number=scale_number(1)).first().program


def _workbook(program, rows: int) -> tuple[bytes, int]:
    """``rows`` figures for every target and period of the programme from its first year, leaving the
    periods with a report in the workflow and the writer's year alone. Returns the file and its row count."""
    busy = set(
        ProgressReport.objects.filter(target__program=program, status__in=permissions.REPORT_OPEN).values_list(
            "target_id", "year", "quarter"
        )
    )
    targets = list(program.targets.order_by("order").values_list("pk", "code"))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    with translation.override("en"):
        ws.append([str(label) for _key, label in FIGURE_COLUMNS])
    written = 0
    for year in program.years:
        if year == WRITER_YEAR:
            continue
        for quarter in (None, 1, 2, 3, 4):
            for pk, code in targets:
                if written == rows:
                    break
                if (pk, year, quarter) in busy:
                    continue
                ws.append([code, "", "", year, quarter, 50 + (written % 40) + 0.5, "no", "bench"])
                written += 1
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), written


def _staff_target(program):
    """A staff user of one of the programme's units, and a target that unit leads."""
    target = program.targets.select_related("lead_unit").order_by("order").first()
    # A random password nobody knows: the account only signs the bench's saves.
    services.user_ensure(
        username=BENCH_STAFF,
        role=permissions.ROLE_UNIT_STAFF,
        password=secrets.token_urlsafe(24),
        units=[target.lead_unit],
    )
    return get_user_model().objects.get(username=BENCH_STAFF), target


def _save_once(user, target, quarter: int) -> float:
    """One report of the other unit, submitted (timed), then taken back and discarded (not timed)."""
    started = time.perf_counter()
    report = services.report_create(
        user=user, target=target, unit=target.lead_unit, year=WRITER_YEAR, quarter=quarter, value=1, submit=True
    )
    seconds = time.perf_counter() - started
    report = services.report_withdraw(user=user, report=report)
    services.report_withdraw(user=user, report=report)
    return seconds


def _write_until(stop, user_pk: int, target_pk: int, record, pause: float = 0.05) -> None:
    """Save a report every ``pause`` seconds until ``stop`` is set, passing each save's time to ``record``."""
    try:
        user = get_user_model().objects.get(pk=user_pk)
        target = Target.objects.select_related("program", "lead_unit").get(pk=target_pk)
        n = 0
        while not stop.is_set():
            permissions_cache_clear(user)  # a new request each time
            record(_save_once(user, target, n % 4 + 1))
            n += 1
            stop.wait(pause)
    finally:
        connection.close()


class _Writer:
    """The other unit, in a thread of this process (``process=False``: it shares the interpreter's lock
    with the import, so Python's thread switching adds to its time) or in a process of its own, as a
    second gunicorn worker would be."""

    def __init__(self, user_pk: int, target_pk: int, *, process: bool):
        self.process = process
        if process:
            context = multiprocessing.get_context("fork")
            self.stop, self.queue = context.Event(), context.SimpleQueue()
            connections.close_all()  # the child opens its own connection
            self.worker = context.Process(
                target=_write_until, args=(self.stop, user_pk, target_pk, self.queue.put), daemon=True
            )
        else:
            self.stop, self.times = threading.Event(), []
            self.worker = threading.Thread(
                target=_write_until, args=(self.stop, user_pk, target_pk, self.times.append), daemon=True
            )

    def start(self):
        self.worker.start()

    def finish(self) -> list[float]:
        self.stop.set()
        self.worker.join()
        if not self.process:
            return self.times
        times = []
        while not self.queue.empty():
            times.append(self.queue.get())
        return times


def permissions_cache_clear(user) -> None:
    for name in ("_role_names", "_unit_ids"):
        user.__dict__.pop(name, None)


def _client(username: str) -> Client:
    client = Client(raise_request_exception=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(get_user_model().objects.get(username=username), backend=settings.AUTHENTICATION_BACKENDS[-1])
    return client


def import_bench(*, office_username: str, rows: int | None = None, process: bool = False, log=print) -> ImportBench:
    """Preview and confirm a workbook of ``rows`` (default ``IMPORT_MAX_ROWS``) figures as the office,
    through ``/imports/`` and ``/imports/confirm/``, while another unit saves reports in a thread (or,
    with ``process``, in another process)."""
    rows = rows or settings.IMPORT_MAX_ROWS
    program = _programme()
    data, rows = _workbook(program, rows)
    targets = program.targets.count()
    log(f"  workbook: {rows} rows, {len(data) // 1024} KiB, programme {program.number} ({targets} targets)")
    staff, target = _staff_target(program)
    alone = [_save_once(staff, target, q % 4 + 1) for q in range(10)]
    client = _client(office_username)
    writer = _Writer(staff.pk, target.pk, process=process)
    writer.start()
    try:
        started = time.perf_counter()
        preview = client.post(
            "/imports/", {"program": program.slug, "file": SimpleUploadedFile("bench.xlsx", data)}, secure=True
        )
        preview_seconds = time.perf_counter() - started
        log(f"  preview: {preview_seconds:.2f} s")
        found = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
        if preview.status_code != 200 or found is None:
            raise RuntimeError("The bench workbook was refused: see /imports/ with it for the rows' messages.")
        token = found.group(1)
        started = time.perf_counter()
        confirm = client.post("/imports/confirm/", {"token": token, "approve": "on"}, secure=True)
        confirm_seconds = time.perf_counter() - started
        if confirm.status_code != 302 or confirm["Location"] != "/reports/":
            raise RuntimeError(f"The confirmation did not go through: {confirm.status_code}")
    finally:
        during = writer.finish()
    imported = ProgressReport.objects.filter(
        target__program=program, status=ProgressReport.Status.APPROVED, note="bench", reviewed_at__lte=timezone.now()
    ).count()
    log(f"  approved figures of the bench in the programme: {imported}")
    return ImportBench(
        rows=rows,
        preview_seconds=preview_seconds,
        confirm_seconds=confirm_seconds,
        writer_alone=alone,
        writer_during=during,
    )
