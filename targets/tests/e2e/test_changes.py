"""A leader before the meeting, on a laptop and on a phone: from the overview to "what changed since the
last meeting", then the open year's review with the units' submitted estimates, marked not yet approved.
Screenshot: changes."""

import datetime

import pytest
import time_machine

from targets import demo as demo_data
from targets.models import ProgressReport, YearClosure

from .test_phone_cards import PHONE, assert_on_screen

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def demo(program):
    demo_data.demo_load(program=program)
    with time_machine.travel(datetime.datetime(2026, 1, 12, 9, tzinfo=datetime.UTC)):
        YearClosure.objects.create(program=program, year=2025, is_closed=True, reason="Kỳ họp tổng kết năm")
    return program


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_leader_sees_what_changed_and_the_estimates(page, sign_in, demo, live_server, screenshot, size):
    sign_in("leader")
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/p/12-ctr-qu/")
    page.locator("#changes-link").click()
    page.wait_for_url(f"{live_server.url}/p/12-ctr-qu/changes/")
    assert page.locator("h1").inner_text().endswith("12/01/2026")
    for section in ("#moved", "#approved", "#tasks-done", "#tasks-overdue"):
        assert page.locator(section).is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
    if size is LAPTOP:
        screenshot("changes", full_page=False)

    submitted = ProgressReport.objects.filter(year=2026, status=ProgressReport.Status.SUBMITTED).count()
    assert submitted  # the demo's year in progress
    page.goto(f"{live_server.url}/p/12-ctr-qu/reviews/2026/")
    page.locator("#estimates-switch a").click()
    page.wait_for_url(f"{live_server.url}/p/12-ctr-qu/reviews/2026/?estimates=1")
    marks = page.locator("#review .unapproved")
    assert marks.count() >= 1
    if size is PHONE:
        assert_on_screen(page, "/reviews/2026/?estimates=1", "#review .unapproved")
