"""The permission matrix of the reporting workflow: every role × every action, for a target the staff
user's unit leads, one it supports, and one of another unit. The check is on the server: a refused
request writes nothing, whatever the page would have shown.

Roles: anonymous (→ the login page), a signed-in user with no role (→ 403), leader (reads only),
unit staff of the Culture office (PVHTT), and the office (everything).
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from targets.models import ProgressReport, Unit

from .report_factories import Status, counts, make_report
from .report_factories import target as get_target

# The Culture office leads VH-01, supports VH-03 (led by the Front), and has nothing to do with XD-01.
SCOPES = {"lead": ("VH-01", "PVHTT"), "support": ("VH-03", "PVHTT"), "other": ("XD-01", "BTCQU")}
ROLES = ["anonymous", "nobody", "leader", "staff_a", "office"]
ACTIONS = ["view", "create", "edit", "submit", "withdraw", "approve", "return", "supersede"]
START = {
    "view": Status.SUBMITTED,
    "edit": Status.DRAFT,
    "submit": Status.DRAFT,
    "withdraw": Status.SUBMITTED,
    "approve": Status.SUBMITTED,
    "return": Status.SUBMITTED,
    "supersede": Status.APPROVED,
}


def expected(role: str, scope: str, action: str) -> str:
    if role == "anonymous":
        return "login"
    if role == "nobody":
        return "denied"
    if role == "leader":
        # Leaders read approved figures and decisions, not units' unfinished reports (issue 12): the "view"
        # cell opens a submitted report.
        return "denied"
    if role == "staff_a":
        if action in ("approve", "return") or scope == "other":
            return "denied"
        return "ok"
    return "ok"  # office


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def as_role(request, client, client_for):
    def sign_in(role):
        if role == "anonymous":
            return client
        return client_for(request.getfixturevalue(role))

    return sign_in


def form_data(report=None, year=2024, **extra):
    data = {"year": str(year), "quarter": "", "value": "77,5", "is_estimate": "false", "note": "", "evidence_url": ""}
    if report is not None:
        data["version"] = str(report.version)
    data.update(extra)
    return data


def perform(client, action, *, code, unit, report, year):
    """Do ``action`` as ``client``; returns the response. Each action is the page's own request."""
    if action == "view":
        return client.get(reverse("report_detail", args=[report.pk]))
    if action == "create":
        return client.post(f"/targets/{code}/reports/new/", form_data(year=year, unit=str(unit.pk)))
    if action == "edit":
        return client.post(reverse("report_edit", args=[report.pk]), form_data(report, year=year))
    if action == "supersede":
        return client.post(reverse("report_correct", args=[report.pk]), form_data(action="submit"))
    data = {"version": str(report.version)}
    if action == "return":
        data["comment"] = "Đề nghị bổ sung tài liệu."
    return client.post(reverse(f"report_{action}", args=[report.pk]), data)


def effect_happened(action, report, before) -> bool:
    if action == "view":
        return True
    if action in ("create", "supersede"):
        return ProgressReport.objects.count() == before[0] + 1
    report.refresh_from_db()
    if action == "edit":
        return report.value == Decimal("77.5")
    return (
        report.status
        == {
            "submit": Status.SUBMITTED,
            "withdraw": Status.DRAFT,
            "approve": Status.APPROVED,
            "return": Status.RETURNED,
        }[action]
    )


def check(as_role, role, scope, action, *, office) -> str | None:
    """Do one cell of the matrix on a fresh report; returns what went wrong, or None."""
    code, unit_code = SCOPES[scope]
    target, unit = get_target(code), Unit.objects.get(code=unit_code)
    year = 2021 + ACTIONS.index(action)  # a period of its own for each action
    report = None
    if action != "create":
        report = make_report(target=target, unit=unit, author=office, status=START[action], year=year)
    before = counts()
    response = perform(as_role(role), action, code=code, unit=unit, report=report, year=year)
    outcome = expected(role, scope, action)
    status = response.status_code
    problem = None
    if outcome == "login":
        if status != 302 or not response["Location"].startswith(reverse(settings.LOGIN_URL)):
            problem = f"answered {status}, not the login page"
    elif outcome == "denied":
        if status != 403:
            problem = f"answered {status}, not 403"
    elif status != (200 if action == "view" else 302):
        problem = f"answered {status}"
    elif not effect_happened(action, report, before):
        problem = "was allowed but nothing happened"
    if outcome != "ok" and problem is None:
        if counts() != before:
            problem = "was refused but something was written"
        elif report is not None:
            report.refresh_from_db()
            if (report.status, report.version) != (START[action], 1):
                problem = "was refused but the report changed"
    return f"{role} {action} on {scope}: {problem}" if problem else None


CASES = [(role, scope) for role in ROLES for scope in SCOPES]


@pytest.mark.parametrize("role, scope", CASES, ids=["-".join(case) for case in CASES])
def test_permission_matrix(role, scope, as_role, office, leader, staff_a, nobody, program):
    """Every action for this role and scope; all cells are checked before failing, so that one refusal
    does not hide another."""
    problems = [check(as_role, role, scope, action, office=office) for action in ACTIONS]
    assert [p for p in problems if p] == []


FORM_PAGES = [
    ("new", "lead"),
    ("new", "support"),
    ("new", "other"),
    ("edit", "lead"),
    ("edit", "other"),
    ("correct", "lead"),
    ("correct", "other"),
]


@pytest.mark.parametrize("role", ROLES)
def test_form_pages_answer_like_their_actions(role, as_role, office, leader, staff_a, nobody, program):
    answers = {}
    for page, scope in FORM_PAGES:
        code, unit_code = SCOPES[scope]
        status = Status.APPROVED if page == "correct" else Status.DRAFT
        unit = Unit.objects.get(code=unit_code)
        report = make_report(target=get_target(code), unit=unit, author=office, status=status, year=2024)
        url = f"/targets/{code}/reports/new/" if page == "new" else reverse(f"report_{page}", args=[report.pk])
        answers[(page, scope)] = as_role(role).get(url).status_code
        report.delete()
    wanted = {
        (page, scope): {"login": 302, "denied": 403, "ok": 200}[
            expected(role, scope, {"new": "create", "edit": "edit", "correct": "supersede"}[page])
        ]
        for page, scope in FORM_PAGES
    }
    assert answers == wanted


@pytest.mark.parametrize("role, status", [("anonymous", 302), ("nobody", 403), ("leader", 200), ("staff_a", 200)])
def test_the_report_list(role, status, as_role, leader, staff_a, nobody, office, program):
    assert as_role(role).get("/reports/").status_code == status


@pytest.mark.parametrize("role, status", [("anonymous", 302), ("nobody", 403), ("leader", 403), ("staff_a", 403)])
def test_bulk_approval_is_the_offices(role, status, as_role, leader, staff_a, nobody, office, program):
    report = make_report(target=get_target("VH-01"), author=staff_a, status=Status.SUBMITTED)
    before = counts()
    response = as_role(role).post(reverse("report_bulk_approve"), {"reports": [str(report.pk)]})
    assert response.status_code == status
    assert counts() == before


def test_missing_reports_are_404_for_those_who_may_act(client_for, office, staff_a, program):
    for user in (office, staff_a):
        client = client_for(user)
        assert client.get(reverse("report_detail", args=[999999])).status_code == 404
        assert client.post(reverse("report_submit", args=[999999])).status_code == 404
    assert client_for(office).post(reverse("report_approve", args=[999999])).status_code == 404


def test_staff_of_a_supporting_unit_cannot_touch_the_lead_units_report(client_for, staff_a, office, program):
    """VH-03 is theirs to report on, but the Front's own report on it is the Front's."""
    vh03 = get_target("VH-03")
    report = make_report(target=vh03, author=office, status=Status.DRAFT)  # in the Front's name
    client = client_for(staff_a)
    before = counts()
    assert client.get(reverse("report_detail", args=[report.pk])).status_code == 403
    assert client.post(reverse("report_submit", args=[report.pk])).status_code == 403
    assert client.post(reverse("report_edit", args=[report.pk]), form_data(report)).status_code == 403
    assert counts() == before


def test_an_inactive_unit_no_longer_gives_the_right(client_for, staff_a, unit_a, program):
    unit_a.is_active = False
    unit_a.save()
    assert client_for(staff_a).get("/targets/VH-01/reports/new/").status_code == 403
