"""The dashboards in a real browser: the charts are drawn (Chart.js from static/vendor, data from
json_script, no console error under the Content Security Policy), their tables carry the same numbers,
each page fits a phone's width, and the pages print without their navigation. Screenshots in
docs/screenshots/: overview, group, target-detail, targets (the table) and overview-phone."""

import pytest

from targets import demo as demo_data

from .pages import overview_numbers, sparkline_numbers, target_numbers

PAGES = [
    "/p/12-ctr-qu/",
    "/p/12-ctr-qu/targets/KT-03/",
    "/p/12-ctr-qu/targets/",
    "/p/12-ctr-qu/groups/VH/",
    "/p/12-ctr-qu/units/PVHTT/",
    "/help/",
]

DRAWN = """() => [...document.querySelectorAll('canvas[data-chart]')].map(c => ({
    kind: c.dataset.chart,
    drawn: Boolean(window.Chart && window.Chart.getChart(c)),
    label: c.getAttribute('aria-label') || '',
}))"""


@pytest.fixture
def demo(program):
    demo_data.demo_load(program=program)
    return program


def charts(page):
    page.wait_for_load_state("load")
    return page.evaluate(DRAWN)


def test_overview_and_target_page_draw_their_charts(page, sign_in, demo, live_server, screenshot):
    sign_in("leader")
    page.goto(f"{live_server.url}/p/12-ctr-qu/")
    drawn = charts(page)
    assert sorted(c["kind"] for c in drawn) == ["doughnut", "stacked"]
    assert all(c["drawn"] and c["label"] for c in drawn), drawn
    # The same numbers as the doughnut, in words and in a table; the bars' numbers in the group table.
    assert page.locator("table.status-counts tbody tr").count() == 5
    numbers = overview_numbers(page)  # checks each chart's data against its table
    assert sum(numbers["counts"].values()) == 41 and len(numbers["groups"]) == 6
    screenshot("overview")

    page.locator("#groups a", has_text="Kinh tế").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/p/12-ctr-qu/groups/KT/")
    sparklines = charts(page)
    assert sparklines and all(c["kind"] == "sparkline" and c["drawn"] and c["label"] for c in sparklines)
    assert len(sparkline_numbers(page)) == len(sparklines)  # each one's words carry its data
    screenshot("group")

    page.goto(f"{live_server.url}/p/12-ctr-qu/targets/KT-03/")
    drawn = charts(page)
    assert [c["kind"] for c in drawn] == ["trend"] and drawn[0]["drawn"] and drawn[0]["label"]
    assert page.locator("table.year-table tbody tr").count() == 10
    assert len(target_numbers(page)["figures"]) == 5  # the demo's 2021–2025, in the chart and the table
    screenshot("target-detail")

    page.locator("#main-nav a[href='/p/12-ctr-qu/targets/']").click()
    page.wait_for_load_state("load")
    assert page.locator("table tbody tr").count() > 10
    screenshot("targets")
    page.watch.assert_clean()


def test_every_dashboard_fits_a_phone(page, sign_in, demo, live_server, axe, screenshot):
    sign_in("leader")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in PAGES:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        assert width <= inner, f"{path}: {width} px wide on a {inner} px screen"
        assert all(c["drawn"] for c in charts(page)), path
        # A table wider than the phone scrolls in its own box, which the keyboard must reach.
        assert axe() == [], path
        if path == "/p/12-ctr-qu/":
            screenshot("overview-phone", full_page=False)  # the first screen a leader sees
    page.watch.assert_clean()


def test_the_overview_prints_without_navigation(page, sign_in, demo, live_server):
    sign_in("leader")
    page.goto(f"{live_server.url}/p/12-ctr-qu/")
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("form.year-selector").is_visible()
    assert page.locator("table.status-counts").is_visible()
    page.watch.assert_clean()
