"""One verdict: the office's override and a closed year's frozen figure and assessment are what every page and
file says, the annual review, the target page's year table, the review workbook and the target table export
alike, and the dashboards' progress status reads the same figure."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from targets import services
from targets.models import AnnualReview, ProgressReport

from .factories import TODAY, Status, make_report

YEAR = 2025


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(TODAY, tick=False)  # 15 June 2026: 2025 is last year, the latest figure's year


@pytest.fixture
def targets(program, office):
    t = {t.code: t for t in program.targets.select_related("program", "lead_unit")}
    make_report(
        target=t["XD-01"], year=YEAR, value="97", status=Status.APPROVED, author=office, reviewer=office
    )  # plan 90: exceeded
    make_report(
        target=t["XD-03"], year=YEAR, value="379", status=Status.APPROVED, author=office, reviewer=office
    )  # plan 400: not achieved
    return t


def label(value: str) -> str:
    return str(AnnualReview.Assessment(value).label)


def said_by_the_review(client, code: str) -> tuple[str, Decimal | None]:
    response = client.get(f"/p/12-ctr-qu/reviews/{YEAR}/")
    assert response.status_code == 200
    line = next(line for line in response.context["review"].lines if line.code == code)
    html = response.content.decode()
    row = re.search(rf'<tr id="review-{code}" data-assessment="([a-z_]+)">(.*?)</tr>', html, re.S)
    assert row.group(1) == line.assessment and line.assessment_label in row.group(2)
    return line.assessment, line.figure


def said_by_the_target_page(client, code: str) -> tuple[str, Decimal | None, object]:
    response = client.get(f"/p/12-ctr-qu/targets/{code}/")
    assert response.status_code == 200
    item = next(p for p in response.context["page"].plans if p["year"] == YEAR)
    html = response.content.decode()
    row = re.search(rf'<tr id="year-{YEAR}" data-assessment="([a-z_]+)"[^>]*>(.*?)</tr>', html, re.S)
    assert row.group(1) == item["assessment"] and item["assessment_label"] in row.group(2)
    return item["assessment"], item["figure"], response.context["row"]


def said_by_the_workbook(client, code: str) -> tuple[str, object]:
    response = client.get(f"/p/12-ctr-qu/reviews/{YEAR}/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    header = next(row for row in ws.iter_rows(values_only=True) if "Đánh giá" in row)
    row = next(row for row in ws.iter_rows(values_only=True) if row[1] == code)
    return row[header.index("Đánh giá")], row[header.index(f"Thực hiện năm {YEAR}")]


def said_by_the_table_export(client, code: str) -> tuple[str, object, object]:
    response = client.get("/p/12-ctr-qu/targets/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    header = rows[3]
    row = next(row for row in rows[4:] if row[0] == code)
    assert row[header.index("Năm của số liệu")] == YEAR
    return row[header.index("Đánh giá năm")], row[header.index("Số liệu mới nhất")]


def assert_one_verdict(client, code: str, expected: str, figure: Decimal):
    assert said_by_the_review(client, code) == (expected, figure)
    verdict, page_figure, row = said_by_the_target_page(client, code)
    assert (verdict, page_figure) == (expected, figure)
    # The dashboards judge progress from the same figure of the year.
    assert (row.result.figure_year, row.result.figure) == (YEAR, figure)
    assert said_by_the_workbook(client, code) == (label(expected), figure)
    assert said_by_the_table_export(client, code) == (label(expected), figure)


def test_an_override_is_the_verdict_everywhere(client_for, office, targets):
    client = client_for(office)
    assert_one_verdict(client, "XD-03", "not_achieved", Decimal("379"))
    services.review_override(
        user=office, target=targets["XD-03"], year=YEAR, assessment="achieved", comment="379 + 25 transfers"
    )
    assert_one_verdict(client, "XD-03", "achieved", Decimal("379"))


def test_a_closed_years_frozen_figure_and_verdict_stand_after_a_late_correction(client_for, office, program, targets):
    client = client_for(office)
    services.year_close(user=office, program=program, year=YEAR)
    # A late correction behind the services' back (closing refuses every reporting path): the figure falls to 10.
    ProgressReport.objects.filter(target__code="XD-01", year=YEAR).update(status=ProgressReport.Status.SUPERSEDED)
    make_report(target=targets["XD-01"], year=YEAR, value="10", status=Status.APPROVED, author=office, reviewer=office)
    assert_one_verdict(client, "XD-01", "exceeded", Decimal("97"))


def test_a_frozen_override_stands_everywhere(client_for, office, program, targets):
    client = client_for(office)
    services.review_override(user=office, target=targets["XD-03"], year=YEAR, assessment="achieved", comment="ok")
    services.year_close(user=office, program=program, year=YEAR)
    ProgressReport.objects.filter(target__code="XD-03", year=YEAR).update(value=Decimal("500"))
    assert_one_verdict(client, "XD-03", "achieved", Decimal("379"))


def test_a_year_closed_without_a_figure_stays_without_one(client_for, office, program, targets):
    client = client_for(office)
    services.year_close(user=office, program=program, year=YEAR)
    make_report(
        target=targets["XD-02"], year=YEAR, value="90", status=Status.APPROVED, author=office, reviewer=office
    )  # late, behind the services' back
    assert said_by_the_review(client, "XD-02") == ("no_data", None)
    verdict, figure, row = said_by_the_target_page(client, "XD-02")
    assert (verdict, figure) == ("no_data", None) and YEAR not in row.figures
