"""The pages work under the strict Content Security Policy: a real browser opens every main page that
exists and reports no CSP violation (no inline script or style, nothing from another origin)."""

from django.contrib.auth import get_user_model

from targets import demo, services
from targets.demo.benchmark import ANONYMOUS_ONLY, PAGES, placeholders, resolvable

# Runs in the page before its own scripts, on every navigation; Playwright's init scripts are not
# subject to the page's policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
ADMIN_PAGES = ["/admin/", "/admin/targets/target/", "/admin/targets/progressreport/", "/admin/axes/accessattempt/"]


def _visit(page, url) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status < 400, f"{url}: {response and response.status}"
    page.wait_for_load_state("load")
    assert response.headers.get("content-security-policy"), f"{url}: no CSP header"
    return [f"{url}: {v}" for v in page.evaluate("window.__cspViolations")]


def test_main_pages_show_no_csp_violation(page, sign_in, office, program, live_server):
    demo.demo_load(program=program)
    page.add_init_script(RECORD_VIOLATIONS)
    violations = _visit(page, f"{live_server.url}/accounts/login/")

    # A superuser (the office everywhere) reads every page of the table, the city's roll-up included.
    get_user_model().objects.create_superuser("csp-admin", password=services.DEMO_PASSWORD)
    sign_in("csp-admin")
    pages, notes = resolvable(PAGES, placeholders())
    visited = []
    for p in pages:
        if p.name in ANONYMOUS_ONLY:
            continue
        violations += _visit(page, live_server.url + p.url)
        visited.append(p.name)
    for url in ADMIN_PAGES:
        violations += _visit(page, live_server.url + url)

    print("CSP checked on:", ", ".join(visited), "| skipped:", "; ".join(notes) or "none")
    assert "overview" in visited
    assert violations == []
    # Console errors (a refused script or style is one) and requests to other origins.
    page.watch.assert_clean()
