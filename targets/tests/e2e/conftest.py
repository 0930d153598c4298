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


class PageWatch:
    """Collects console errors, page errors and requests that leave the live server."""

    def __init__(self, page, origin):
        self.errors = []
        self.foreign_requests = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"exception: {exc}"))
        page.on(
            "request",
            lambda req: (not req.url.startswith((origin, "data:", "blob:"))) and self.foreign_requests.append(req.url),
        )

    def assert_clean(self):
        assert self.errors == [], self.errors
        assert self.foreign_requests == [], self.foreign_requests


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.watch = PageWatch(page, live_server.url)
    yield page
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
    def shoot(name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)

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
