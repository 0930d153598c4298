"""Writes of different units and programmes proceed side by side on PostgreSQL: a transaction held open
by one writer does not delay another (issue 11: no global write lock). Real threads, each with its own
connection, on committed data (``transaction=True``). SQLite locks the whole file for a write, so these
are PostgreSQL's.

A budget test, so timed: the second writer must finish within 0.5 s while the first sleeps 2 s.
"""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from targets import services
from targets.models import DomainGroup, Program, Target

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write"),
]

HOLD_SECONDS = 2.0
BUDGET_SECONDS = 0.5


def _hold(work, held: threading.Event, failures: list):
    """Run ``work`` in a transaction of this thread's own connection and keep it open HOLD_SECONDS."""
    try:
        with transaction.atomic():
            work()
            held.set()
            time.sleep(HOLD_SECONDS)
    except Exception as error:  # noqa: BLE001 - reported by the test
        failures.append(error)
        held.set()
    finally:
        connection.close()


def _while_held(work, other_writes):
    """Start ``work`` holding its transaction, then time each of ``other_writes`` on this thread."""
    held, failures = threading.Event(), []
    holder = threading.Thread(target=_hold, args=(work, held, failures))
    holder.start()
    try:
        assert held.wait(10)
        timings = []
        for write in other_writes:
            started = time.perf_counter()
            write()
            timings.append(time.perf_counter() - started)
        still_holding = holder.is_alive()
    finally:
        holder.join()
    assert not failures, failures
    assert still_holding, "the first transaction ended before the others were timed"
    return timings


@pytest.fixture
def other_programme(program, unit_b):
    """A second active programme (older, so the pages still show 12-CTr/QU) with one target of unit B."""
    other = Program.objects.create(
        number="99-CTr/QU",
        title="Another programme",
        issued_on=datetime.date(2001, 1, 1),
        organisation=program.organisation,
        slug="99-ctr-qu",
        resolution="Nghị quyết",
        first_year=2021,
        last_year=2030,
        milestone_years=[2025, 2030],
    )
    group = DomainGroup.objects.create(program=other, number=1, code="KT", name="Kinh tế")
    Target.objects.create(
        program=other,
        group=group,
        code="Q-01",
        name="Chỉ tiêu của chương trình khác",
        unit_of_measure="%",
        direction="increase",
        lead_unit=unit_b,
    )
    return other


def _target(program, code):
    return Target.objects.select_related("program", "lead_unit").get(program=program, code=code)


def test_a_report_held_open_delays_no_other_unit_nor_programme(program, other_programme, staff_a, staff_b):
    vh01 = _target(program, "VH-01")  # unit A's
    report = services.report_create(user=staff_a, target=vh01, unit=vh01.lead_unit, year=2025, value=Decimal(1))

    def edit_unit_a():
        services.report_update(user=staff_a, report=report, version=report.version, year=2025, value=Decimal(2))

    xd01, q01 = _target(program, "XD-01"), _target(other_programme, "Q-01")  # unit B's, in P and in Q
    # A first submission, untimed: the notice's templates and catalogues are read once per process.
    services.report_create(user=staff_b, target=q01, unit=q01.lead_unit, year=2024, value=Decimal(1), submit=True)
    timings = _while_held(
        edit_unit_a,
        [
            lambda: services.report_create(user=staff_b, target=xd01, unit=xd01.lead_unit, year=2025, value=Decimal(3)),
            lambda: services.report_create(
                user=staff_b, target=q01, unit=q01.lead_unit, year=2025, value=Decimal(4), submit=True
            ),
        ],
    )
    assert max(timings) < BUDGET_SECONDS, timings
    # Both writes are in, and the held one too once it committed; every programme's version moved.
    assert xd01.reports.count() == 1 and q01.reports.get(year=2025).status == "submitted"
    report.refresh_from_db()
    assert report.value == 2
    assert Program.objects.get(pk=other_programme.pk).data_version > 0
    assert Program.objects.get(pk=program.pk).data_version > 0


def test_closing_a_year_of_one_programme_delays_no_report_of_another(program, other_programme, office, staff_b):
    q01 = _target(other_programme, "Q-01")

    def close_2024():
        services.year_close(user=office, program=program, year=2024)

    timings = _while_held(
        close_2024,
        [lambda: services.report_create(user=staff_b, target=q01, unit=q01.lead_unit, year=2025, value=Decimal(5))],
    )
    assert max(timings) < BUDGET_SECONDS, timings
    assert q01.reports.count() == 1
