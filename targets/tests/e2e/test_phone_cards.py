"""On a 390 × 844 phone the annual review, the approval queue, the overview's group and unit tables and
a target's year table are cards (one block per row, each figure with its heading): every verdict and
action button lies inside the screen and the page never scrolls sideways. Also: a chart's segment opens
the targets behind it. Screenshots: annual-review-phone, approval-queue-phone."""

import pytest

from targets import demo as demo_data

PHONE = {"width": 390, "height": 844}

# The horizontal extent of each element matched by the selector, and the page's width.
BOXES = """(selector) => ({
  width: document.documentElement.scrollWidth,
  boxes: [...document.querySelectorAll(selector)].filter((el) => el.offsetParent !== null).map((el) => {
    const box = el.getBoundingClientRect();
    return {left: box.left, right: box.right, text: el.textContent.trim().slice(0, 40)};
  }),
})"""


@pytest.fixture
def demo(program):
    demo_data.demo_load(program=program)
    return program


def assert_on_screen(page, path, selector, *, at_least=1):
    found = page.evaluate(BOXES, selector)
    assert found["width"] <= PHONE["width"], f"{path}: {found['width']} px wide"
    assert len(found["boxes"]) >= at_least, f"{path}: {selector} not found"
    outside = [b for b in found["boxes"] if b["left"] < 0 or b["right"] > PHONE["width"]]
    assert outside == [], f"{path}: {selector} off screen: {outside[:3]}"


def test_the_leaders_pages_are_cards_on_a_phone(page, sign_in, demo, live_server, screenshot):
    sign_in("office")
    page.set_viewport_size(PHONE)
    checks = [
        ("/p/12-ctr-qu/reviews/2025/", "#review td.verdict .badge, #review a.action", 41),
        ("/p/12-ctr-qu/", "#group-counts td a, #unit-counts td a", 30),
        ("/p/12-ctr-qu/targets/KT-03/", "table.year-table td.verdict, table.year-table td.num", 10),
        ("/p/12-ctr-qu/targets/AN-04/", "h1 .code", 1),
    ]
    for path, selector, at_least in checks:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        assert_on_screen(page, path, selector, at_least=at_least)
        if path == "/p/12-ctr-qu/reviews/2025/":
            page.locator("#review tbody").first.scroll_into_view_if_needed()
            screenshot("annual-review-phone", full_page=False)  # the first cards of the review
    # A code stays on one line: "AN-04" is as tall as one line of the heading.
    height = page.evaluate("() => document.querySelector('h1 .code').getClientRects().length")
    assert height == 1


def test_the_approval_queue_fits_a_phone(page, sign_in, demo, live_server, screenshot):
    sign_in("office")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reports/?status=submitted")
    page.wait_for_load_state("load")
    assert_on_screen(page, "/reports/", "#reports td.verdict .badge")
    assert_on_screen(page, "/reports/", "#reports button[value=approve], #reports button[value=return]", at_least=2)
    screenshot("approval-queue-phone", full_page=False)


def test_a_chart_segment_opens_its_targets(page, sign_in, demo, live_server):
    sign_in("leader")
    page.goto(f"{live_server.url}/p/12-ctr-qu/")
    page.wait_for_load_state("load")
    # The middle of the first bar's first non-empty segment, found through Chart.js's own geometry.
    point = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.querySelector('canvas[data-chart="stacked"]'));
          for (let d = 0; d < chart.data.datasets.length; d++) {
            const meta = chart.getDatasetMeta(d);
            for (let i = 0; i < meta.data.length; i++) {
              if (chart.data.datasets[d].data[i] > 0) {
                const bar = meta.data[i];
                const box = chart.canvas.getBoundingClientRect();
                return {x: box.left + (bar.x + bar.base) / 2, y: box.top + bar.y, d, i};
              }
            }
          }
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/targets/?status=*")
    assert "group=" in page.url
    assert page.locator("table tbody tr").count() >= 1
