"""The city's journey in a real browser: a ward's staff report a figure, the ward's office approves it, and
the city's leader sees the ward's line of the roll-up (/o/ha-noi/) change, and drills down to the ward.

The ward's programme is the Cầu Giấy ward's (fixtures/phuong-cau-giay/), loaded beside the session's
12-CTr/QU; its people are made as in test_organisations.py's ``wards``. Selectors use ids and data
attributes, so the test holds in either language."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from targets import services
from targets.models import Organisation, ProgressReport, Target

WARD_MANIFEST = Path(settings.BASE_DIR) / "fixtures" / "phuong-cau-giay" / "program.json"
CODE = "XD-01"  # yearly, 90 % by 2030: a figure of 95 % puts it on track or better


def _person(username, role, organisation, units=()):
    services.user_ensure(
        username=username, role=role, password=services.DEMO_PASSWORD, units=list(units), organisation=organisation
    )
    return get_user_model().objects.get(username=username)


def rollup_line(page, slug) -> dict[str, int]:
    """The counts of the roll-up's line of programme ``slug``: {data-count: n}."""
    return page.locator(f"#rollup-table tbody tr[data-program='{slug}'] td[data-count]").evaluate_all(
        "cells => Object.fromEntries(cells.map((td) => [td.dataset.count, parseInt(td.textContent.trim(), 10)]))"
    )


def test_ward_staff_report_the_ward_office_approves_the_city_leader_sees_the_rollup_change(
    page, sign_in, axe, live_server, program
):
    ward, _summary = services.program_load_reference(manifest=WARD_MANIFEST)
    target = Target.objects.select_related("lead_unit").get(program=ward, code=CODE)
    organisation, city = ward.organisation, Organisation.objects.get(code="ha-noi")
    _person("staff-ward", services.ROLE_UNIT_STAFF, organisation, [target.lead_unit])
    _person("office-ward", services.ROLE_OFFICE, organisation)
    _person("leader-city", services.ROLE_LEADER, city)
    rollup = f"{live_server.url}/o/{city.code}/"

    # 0. The city's leader reads the roll-up before: the ward's programme has no figure yet.
    sign_in("leader-city")
    page.goto(rollup)
    before = rollup_line(page, ward.slug)
    assert before["total"] == ward.targets.count() and before["no_data"] == before["total"]
    district = rollup_line(page, program.slug)  # the district's programme, rolled up beside it
    assert district["total"] == 41

    # 1. The ward's staff report 95 % for XD-01, for the form's year.
    page.context.clear_cookies()
    sign_in("staff-ward")
    page.goto(f"{live_server.url}/p/{ward.slug}/targets/{CODE}/reports/new/")
    year = int(page.locator("select[name=year]").input_value())
    page.fill("input[name=value]", "95")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url(re.compile(rf"{live_server.url}/reports/\d+/"))
    report = ProgressReport.objects.get(target=target)
    assert (report.status, report.year) == ("submitted", year)

    # 2. The ward's office approves it from its queue.
    page.context.clear_cookies()
    sign_in("office-ward")
    page.goto(f"{live_server.url}/reports/")
    with page.expect_navigation():
        page.locator(f"#report-{report.pk} button[name=do][value=approve]").click()
    assert page.locator(f"#report-{report.pk}").count() == 0  # gone from the queue
    report.refresh_from_db()
    assert report.status == "approved"

    # 3. The city's leader sees the ward's line move: one target has left "no data" for a better status
    # (its milestone may change deadline column too, their sum does not); the other lines did not move.
    page.context.clear_cookies()
    sign_in("leader-city")
    page.goto(rollup)
    after = rollup_line(page, ward.slug)
    moved = {key: after[key] - before[key] for key in before if after[key] != before[key]}
    deadlines = {key: moved.pop(key) for key in list(moved) if key.startswith("deadline-")}
    assert sum(deadlines.values()) == 0
    assert moved.pop("no_data") == -1
    assert list(moved.values()) == [1] and next(iter(moved)) in {"achieved", "on_track", "exceeded"}, moved
    assert rollup_line(page, program.slug) == district
    assert axe() == []

    # ... and drills down to the ward's overview, which counts the same.
    page.locator(f"#rollup-table tbody tr[data-program='{ward.slug}'] a[href='/p/{ward.slug}/']").click()
    page.wait_for_url(f"{live_server.url}/p/{ward.slug}/")
    counts = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("table.status-counts td[data-status]")]
        .map((td) => [td.dataset.status, parseInt(td.textContent.trim(), 10)]))"""
    )
    assert counts == {key: after[key] for key in counts}
    page.watch.assert_clean()
