"""Screen-reader checks on the main pages, with the demo data, for each role whose pages differ: axe-core
finds no serious or critical violation and the headings are in order (one h1, no level skipped). Every
page is also checked by the ``page`` fixture (labels, worded badges, console, foreign requests; see
conftest.py). The keyboard is in test_report_journey.py, the charts' tables in test_dashboard.py."""

import pytest

from targets import demo as demo_data
from targets.models import ProgressReport

# The main pages, and for staff and leaders those they see differently (forms, actions, waiting panel).
OFFICE_PAGES = [
    "/p/12-ctr-qu/",
    "/p/12-ctr-qu/targets/",
    "/p/12-ctr-qu/targets/KT-03/",
    "/p/12-ctr-qu/groups/VH/",
    "/p/12-ctr-qu/units/PVHTT/",
    "/help/",
    "/p/12-ctr-qu/targets/VH-01/reports/new/",
    "/reports/",  # the approval queue
    "/reports/{submitted}/",  # with the approve and return forms
    "/p/12-ctr-qu/reviews/2025/",  # with the form that closes the year
    "/imports/",
]
STAFF_PAGES = [
    "/p/12-ctr-qu/",
    "/p/12-ctr-qu/targets/VH-01/",
    "/reports/",
    "/reports/{own}/",
    "/p/12-ctr-qu/targets/VH-01/reports/new/",
    "/imports/",
]
# Leaders read approved figures, not units' drafts or submissions (the report page of an approved one).
LEADER_PAGES = [
    "/p/12-ctr-qu/",
    "/p/12-ctr-qu/targets/VH-01/",
    "/reports/",
    "/reports/{approved}/",
    "/p/12-ctr-qu/reviews/2025/",
]

HEADINGS = """() => {
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role=heading]")]
    .filter((h) => h.checkVisibility() && !h.closest("[aria-hidden=true]"));
  const level = (h) => Number(h.getAttribute("aria-level") || h.tagName.slice(1));
  const name = (h) => `h${level(h)} "${h.textContent.replace(/\\s+/g, " ").trim().slice(0, 40)}"`;
  const problems = [];
  const ones = headings.filter((h) => level(h) === 1).length;
  if (ones !== 1) problems.push(`${ones} h1 instead of one`);
  if (headings.length && level(headings[0]) !== 1) problems.push(`the first heading is ${name(headings[0])}`);
  headings.forEach((h, i) => {
    if (i && level(h) > level(headings[i - 1]) + 1) problems.push(`${name(headings[i - 1])} then ${name(h)}`);
  });
  return problems;
}"""


@pytest.fixture
def demo(program):
    demo_data.demo_load(program=program)
    return program


def check_page(page, axe, url):
    response = page.goto(url)
    page.wait_for_load_state("load")
    problems = [f"axe {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in axe()]
    problems += [f"headings: {p}" for p in page.evaluate(HEADINGS)]
    return response.status, problems


def visit_all(page, axe, live_server, pages, **ids):
    found = {}
    for path in pages:
        status, problems = check_page(page, axe, live_server.url + path.format(**ids))
        assert status == 200, f"{path}: {status}"
        if problems:
            found[path] = problems
    return found


def test_login_page_is_accessible(page, live_server, axe, db):
    status, problems = check_page(page, axe, f"{live_server.url}/accounts/login/")
    assert (status, problems) == (200, [])


def test_office_pages_are_accessible(page, sign_in, demo, axe, live_server):
    submitted = ProgressReport.objects.filter(status="submitted").order_by("pk").first()
    sign_in("office")
    assert visit_all(page, axe, live_server, OFFICE_PAGES, submitted=submitted.pk) == {}


def test_staff_pages_are_accessible(page, sign_in, demo, axe, live_server):
    own = ProgressReport.objects.filter(unit__code="PVHTT").order_by("-year", "pk").first()
    sign_in("staff-pvhtt")
    assert visit_all(page, axe, live_server, STAFF_PAGES, own=own.pk) == {}


def test_leader_pages_are_accessible_and_refusals_too(page, sign_in, demo, axe, live_server):
    approved = ProgressReport.objects.filter(status="approved").order_by("pk").first()
    sign_in("leader")
    assert visit_all(page, axe, live_server, LEADER_PAGES, approved=approved.pk) == {}

    # Leaders may not import: the refusal is a page of its own, as accessible as the others.
    page.watch.allow("the server responded with a status of 403")
    status, problems = check_page(page, axe, f"{live_server.url}/imports/")
    assert (status, problems) == (403, [])


PROBE = """<!doctype html><html lang="vi"><head><title>probe</title></head><body><main>
<label for="named">Tên</label><input id="named" name="named">
<input name="bare"><select name="blank" aria-label=" "></select><input type="hidden" name="hidden">
<span class="badge status-badge status-on_track"></span><span class="badge">3</span>
</main></body></html>"""


def test_the_page_watch_catches_unlabeled_fields_and_wordless_badges(page, live_server, db):
    """The automatic check of every page (conftest.PageWatch) finds what it is there to find."""
    page.route(f"{live_server.url}/e2e-probe/", lambda route: route.fulfill(content_type="text/html", body=PROBE))
    page.goto(f"{live_server.url}/e2e-probe/")
    page.evaluate("0")  # delivers the page's check
    assert page.watch.checked == ["/e2e-probe/"]
    assert page.watch.unlabeled == [
        '/e2e-probe/: <input name="bare" id="">',
        '/e2e-probe/: <select name="blank" id="">',
    ]
    assert page.watch.wordless == ['/e2e-probe/: <span class="badge status-badge status-on_track">']
    page.watch.unlabeled.clear()  # found on purpose: the teardown's verdict is about the real pages
    page.watch.wordless.clear()
