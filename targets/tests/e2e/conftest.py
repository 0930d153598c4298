"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Never ``playwright install``: it downloads a browser, which this network refuses. Where no Chromium
is installed the tests skip with that reason, except in CI (``CI=true``), where they must run.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told this is fine. Only the browser tests set it, and only here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "screenshots")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing in CI: .ci/run must apt-get install chromium.")
        pytest.skip("Debian's Chromium is not installed here (apt-get install -y chromium).")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


# Runs in every page the tests open, at its load event, and reports to PageWatch: form fields without a
# label (a <label>, aria-label or aria-labelledby with words) and badges without words (a colour alone).
# Playwright's init scripts and exposed functions are not governed by the page's Content Security Policy.
PAGE_CHECK = """
window.addEventListener("load", () => {
  const words = (text) => (text || "").replace(/\\s+/g, " ").trim();
  // The words of a label: its text and the alternative text of its images (the admin's search icon).
  const said = (el) =>
    el ? words([el.textContent, ...[...el.querySelectorAll("img[alt]")].map((img) => img.alt)].join(" ")) : "";
  const named = (el) =>
    [...(el.labels || [])].some(said) ||
    words(el.getAttribute("aria-label")) ||
    (el.getAttribute("aria-labelledby") || "").split(/\\s+/).some((id) => id && said(document.getElementById(id)));
  const describe = (el) => `<${el.tagName.toLowerCase()} name="${el.name || ""}" id="${el.id || ""}">`;
  const buttons = ["hidden", "submit", "button", "reset", "image"].map((type) => `:not([type=${type}])`).join("");
  const fields = document.querySelectorAll(`input${buttons}, select, textarea`);
  const badges = document.querySelectorAll(".badge, .status-badge");
  window.__e2ePageChecked(location.pathname + location.search, {
    unlabeled: [...fields].filter((el) => !named(el)).map(describe),
    wordless: [...badges].filter((el) => !words(el.textContent) && !words(el.getAttribute("aria-label"))).map(
      (el) => `<${el.tagName.toLowerCase()} class="${el.className}">`
    ),
  });
});
"""


class PageWatch:
    """Collects, on every page the test opens: console errors, page errors, requests that leave the live
    server, form fields without a label and status badges without words. The ``page`` fixture asserts
    at its teardown that nothing was collected, so every journey checks every page it visits.

    ``allow(text)`` tolerates console errors containing ``text`` in this test only: Chromium logs "Failed
    to load resource: the server responded with a status of 403 (Forbidden)" for a page that answers
    403, which a test visiting a refused page on purpose allows explicitly.
    """

    def __init__(self, page, origin):
        self.errors = []
        self.foreign_requests = []
        self.unlabeled = []
        self.wordless = []
        self.checked = []  # the address of every page checked, in order
        self.allowed = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"exception: {exc}"))
        page.on(
            "request",
            lambda req: (not req.url.startswith((origin, "data:", "blob:"))) and self.foreign_requests.append(req.url),
        )
        page.expose_function("__e2ePageChecked", self._page_checked)
        page.add_init_script(PAGE_CHECK)

    def _page_checked(self, address, found):
        self.checked.append(address)
        self.unlabeled += [f"{address}: {field}" for field in found["unlabeled"]]
        self.wordless += [f"{address}: {badge}" for badge in found["wordless"]]

    def allow(self, text):
        self.allowed.append(text)

    def assert_clean(self):
        errors = [e for e in self.errors if not any(text in e for text in self.allowed)]
        assert errors == [], errors
        assert self.foreign_requests == [], self.foreign_requests
        assert self.unlabeled == [], f"form fields without a label: {self.unlabeled}"
        assert self.wordless == [], f"badges without words: {self.wordless}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, so that a fixture's teardown knows how the test went."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.watch = PageWatch(page, live_server.url)
    try:
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.passed:  # a failed test already says what went wrong
            # A round trip delivers the last page's check before the verdict.
            page.evaluate("0")
            page.watch.assert_clean()
    finally:
        context.close()


@pytest.fixture
def sign_in(page, live_server):
    """``sign_in(username)``: signs in through the login form with the demo password."""

    def go(username, password="demo-password"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        return page

    return go


@pytest.fixture
def screenshot(page):
    def shoot(name, *, full_page=True):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=full_page)

    return shoot


AXE_SOURCE = os.path.join(os.path.dirname(__file__), "assets", "axe.min.js")
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
  }));
}"""


@pytest.fixture(scope="session")
def axe_source():
    with open(AXE_SOURCE, encoding="utf-8") as handle:
        return handle.read()


@pytest.fixture
def axe(page, axe_source):
    """``axe()``: runs axe-core in the current page; returns the serious and critical violations.

    The script goes in through the DevTools protocol (page.evaluate), which the page's Content Security
    Policy does not govern, so the policy stays as strict as in production.
    """

    def check():
        page.evaluate(axe_source)
        violations = page.evaluate(AXE_RUN)
        return [v for v in violations if v["impact"] in {"serious", "critical"}]

    return check
