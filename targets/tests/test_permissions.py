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

from .factories import Status, counts, make_report
from .factories import target as get_target

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
        return client.post(f"/p/12-ctr-qu/targets/{code}/reports/new/", form_data(year=year, unit=str(unit.pk)))
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
        url = (
            f"/p/12-ctr-qu/targets/{code}/reports/new/"
            if page == "new"
            else reverse(f"report_{page}", args=[report.pk])
        )
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
    assert client_for(staff_a).get("/p/12-ctr-qu/targets/VH-01/reports/new/").status_code == 403


# --- permissions.report_actions: role × status × closed year, one answer for pages and services -----------------

ACTION_NAMES = ["edit", "submit", "withdraw", "approve", "return_", "correct"]
# What the report's own unit's staff (and the office) may do from each status, by the services' sets.
MINE = {
    Status.DRAFT: {"edit", "submit", "withdraw"},
    Status.SUBMITTED: {"withdraw"},
    Status.RETURNED: {"edit", "submit"},
    Status.APPROVED: {"correct"},
    Status.SUPERSEDED: set(),
}
REVIEW = {Status.SUBMITTED: {"approve", "return_"}}


def expected_actions(role: str, status: str, *, year_closed: bool) -> set[str]:
    if year_closed or role in ("nobody", "leader", "staff_b"):
        return set()
    if role == "staff_a":
        return MINE[status]
    return MINE[status] | REVIEW.get(status, set())  # office, superuser


@pytest.mark.parametrize("year_closed", [False, True])
@pytest.mark.parametrize("status", list(MINE))
@pytest.mark.parametrize("role", ["nobody", "leader", "staff_a", "staff_b", "office", "superuser"])
def test_report_actions_over_the_status_and_role_matrix(role, status, year_closed, request, staff_a):
    from django.contrib.auth import get_user_model

    from targets import permissions

    if role == "superuser":
        user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    else:
        user = request.getfixturevalue(role)
    report = make_report(target=get_target("VH-01"), author=staff_a, status=status)
    actions = permissions.report_actions(user, report, year_closed=year_closed)
    allowed = {name for name in ACTION_NAMES if getattr(actions, name)}
    assert allowed == expected_actions(role, status, year_closed=year_closed)
    assert actions.any_step == bool(allowed)
    assert not actions.view_evidence  # no file


def test_report_actions_reads_the_closed_year_itself(staff_a, office, django_assert_num_queries):
    from targets import permissions

    from .factories import close_year

    report = make_report(target=get_target("VH-01"), author=staff_a, status=Status.SUBMITTED)
    permissions.rights(office)  # the page has read them already
    with django_assert_num_queries(1):
        assert permissions.report_actions(office, report).approve
    close_year(report.target.program, 2025)
    assert permissions.report_actions(office, report) == permissions.ReportActions()


def test_evidence_is_offered_to_whoever_may_see_the_report(staff_a, staff_b, leader):
    from targets import permissions

    report = make_report(
        target=get_target("VH-01"), author=staff_a, status=Status.APPROVED, evidence_file="evidence/x.pdf"
    )
    assert permissions.report_actions(staff_a, report, year_closed=True).view_evidence
    assert permissions.report_actions(leader, report, year_closed=False).view_evidence
    assert not permissions.report_actions(staff_b, report, year_closed=False).view_evidence


def test_the_pages_show_the_actions_the_services_accept(client_for, staff_a, office, program):
    from .factories import close_year

    report = make_report(target=get_target("VH-01"), author=staff_a, status=Status.SUBMITTED)
    url = reverse("report_detail", args=[report.pk])
    html = client_for(office).get(url).content.decode()
    assert 'value="approve"' in html and 'value="return"' in html
    listing = client_for(office).get("/reports/").content.decode()
    assert reverse("report_approve", args=[report.pk]) in listing
    close_year(program, 2025)
    assert 'id="report-actions"' not in client_for(office).get(url).content.decode()
    assert reverse("report_approve", args=[report.pk]) not in client_for(office).get("/reports/").content.decode()


# --- The unit a user reports for, and the office's mail ---------------------------------------------------------


def test_one_rule_for_the_reporting_unit(staff_a, office, unit_a):
    from targets import permissions

    vh01, vh03, xd01 = get_target("VH-01"), get_target("VH-03"), get_target("XD-01")
    assert permissions.reporting_unit_for(staff_a, vh01) == unit_a  # their unit leads
    assert permissions.reporting_unit_for(staff_a, vh03) == unit_a  # their unit supports: in its own name
    assert permissions.reporting_unit_for(staff_a, xd01) is None
    assert permissions.reporting_unit_for(office, vh03) == vh03.lead_unit
    # The import's rule for many targets at once is the same.
    targets = [vh01, vh03, xd01]
    assert permissions.reporting_unit_by_target(staff_a, targets) == {vh01.pk: unit_a, vh03.pk: unit_a}
    assert permissions.reporting_unit_by_target(office, targets) == {t.pk: t.lead_unit for t in targets}
    # An inactive lead unit no longer reports: the office reports for the first supporting unit.
    lead = vh03.lead_unit
    Unit.objects.filter(pk=lead.pk).update(is_active=False)
    vh03 = get_target("VH-03")
    assert permissions.reporting_unit_for(office, vh03) == unit_a
    assert permissions.reporting_unit_by_target(office, [vh03]) == {vh03.pk: unit_a}


def test_the_services_and_the_import_refuse_with_the_same_words(staff_a, unit_b, program):
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    from targets import imports, services

    xd01 = get_target("XD-01")
    with translation.override("en"):
        with pytest.raises(PermissionDenied) as refused:
            services.report_create(user=staff_a, target=xd01, unit=unit_b, year=2025, value=Decimal(1))
        check = imports.check_rows(
            [(2, ("XD-01", "", "", 2025, None, Decimal(1), "no", ""))], user=staff_a, program=program
        )
    assert str(refused.value) == check.rows[0].errors[0][1]


def test_office_users_are_the_office_and_the_superusers_with_an_address(office, staff_a, leader):
    from django.contrib.auth import get_user_model

    from targets import permissions

    User = get_user_model()
    root = User.objects.create_superuser("root", "root@example.org", "x")
    User.objects.create_superuser("ghost", "ghost@example.org", "x", is_active=False)
    User.objects.create_superuser("mute", "", "x")
    User.objects.filter(pk__in=[office.pk, staff_a.pk, leader.pk]).update(email="someone@example.org")
    assert list(permissions.office_users()) == sorted([office, root], key=lambda u: u.pk)
    assert list(permissions.office_users(exclude=root)) == [office]


def test_a_superuser_hears_of_a_submitted_report(office, staff_a, mailoutbox):
    from django.contrib.auth import get_user_model

    from targets import notifications

    root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    report = make_report(target=get_target("VH-01"), author=staff_a, status=Status.SUBMITTED)
    notifications.report_submitted(report_id=report.pk, actor_id=staff_a.pk)
    assert root.email in [address for mail in mailoutbox for address in mail.to]
