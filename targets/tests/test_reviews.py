"""The annual review page, closing and reopening a year, and the office's overrides."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from targets import services
from targets.models import AnnualReview, ProgressReport, YearClosure

from .factories import Status, make_report
from .test_exports import add_targets

YEAR = 2025


@pytest.fixture
def targets(program):
    return {t.code: t for t in program.targets.select_related("program", "lead_unit")}


@pytest.fixture
def year_figures(targets, office):
    make_report(
        target=targets["XD-01"], year=2024, value="83.5", status=Status.APPROVED, author=office, reviewer=office
    )
    make_report(target=targets["XD-01"], year=YEAR, value="97", status=Status.APPROVED, author=office, reviewer=office)
    make_report(target=targets["XD-03"], year=YEAR, value="379", status=Status.APPROVED, author=office, reviewer=office)
    make_report(target=targets["AN-04"], year=YEAR, value="5.4", status=Status.APPROVED, author=office, reviewer=office)
    return targets


def counts(response) -> dict[str, int]:
    review = response.context["review"]
    return dict(review.counts)


# --- The page -------------------------------------------------------------------------------------------------


def test_the_page_requires_sign_in_and_a_role(client, client_for, nobody, program):
    response = client.get("/p/12-ctr-qu/reviews/2025/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for(nobody).get("/p/12-ctr-qu/reviews/2025/").status_code == 403


@pytest.mark.parametrize("who", ["office", "leader", "staff_a"])
def test_everyone_with_a_role_reads_the_review(request, client_for, who, year_figures):
    client = client_for(request.getfixturevalue(who))
    response = client.get("/p/12-ctr-qu/reviews/2025/")
    assert response.status_code == 200
    assert counts(response) == {"exceeded": 1, "achieved": 1, "not_achieved": 1, "no_data": 38}
    html = response.content.decode()
    assert 'id="review-XD-01" data-assessment="exceeded"' in html
    assert 'id="review-XD-03" data-assessment="not_achieved"' in html
    assert ('id="close-start"' in html) is (who == "office")  # the closing starts with its checklist
    assert ('href="/p/12-ctr-qu/reviews/2025/targets/XD-01/"' in html) is (who == "office")


def test_the_lines_carry_plan_figures_and_percentage(client_for, leader, year_figures):
    response = client_for(leader).get("/p/12-ctr-qu/reviews/2025/")
    lines = {line.code: line for line in response.context["review"].lines}
    xd01 = lines["XD-01"]
    assert (xd01.number, xd01.previous, xd01.figure, xd01.percent) == (
        1,
        Decimal("83.5"),
        Decimal("97"),
        Decimal("107.78"),
    )
    assert xd01.plan.min_value == 90 and not xd01.plan.interpolated
    assert [g.code for g in response.context["review"].groups] == ["XD", "KT", "VH", "DD", "DT", "AN"]
    assert [line.number for line in response.context["review"].lines] == list(range(1, 42))
    # KT-03 has a baseline in 2023 and a 2025 milestone: 2024's plan is the straight line, and says so.
    lines = client_for(leader).get("/p/12-ctr-qu/reviews/2024/").context["review"].lines
    kt03 = next(line for line in lines if line.code == "KT-03")
    assert kt03.plan.interpolated
    # KT-01 is an average rate over 2021–2025: 2024 is judged against the period's 7.5–8.0 itself.
    kt01 = next(line for line in lines if line.code == "KT-01")
    assert (kt01.plan.min_value, kt01.plan.max_value, kt01.plan.interpolated) == (Decimal("7.5"), Decimal("8.0"), False)


def test_the_index_goes_to_last_year_within_the_programme(client_for, leader, program, time_machine):
    time_machine.move_to("2026-03-01")
    assert client_for(leader).get("/p/12-ctr-qu/reviews/")["Location"] == "/p/12-ctr-qu/reviews/2025/"
    time_machine.move_to("2040-03-01")
    assert client_for(leader).get("/p/12-ctr-qu/reviews/")["Location"] == "/p/12-ctr-qu/reviews/2030/"


def test_years_outside_the_programme_are_not_found(client_for, leader, program):
    client = client_for(leader)
    assert client.get("/p/12-ctr-qu/reviews/2020/").status_code == 404
    assert client.get("/p/12-ctr-qu/reviews/2031/").status_code == 404


def test_years_are_written_as_years_in_vietnamese(client_for, leader, program):
    html = client_for(leader).get("/p/12-ctr-qu/reviews/2025/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "2.025" not in html


@pytest.mark.parametrize("extra", [0, 25])
def test_the_page_runs_the_same_queries_as_targets_grow(
    client_for, office, year_figures, program, extra, django_assert_num_queries
):
    add_targets(program, extra, author=office)
    client = client_for(office)
    # session, user, the user's groups (role), ETag versions, programme; the review: groups, targets
    # with lead units, milestones, supporting units, approved yearly figures, stored reviews, closure; the
    # closure's history; the reports waiting for approval (office only).
    with django_assert_num_queries(14):
        response = client.get("/p/12-ctr-qu/reviews/2025/")
    assert response.status_code == 200
    assert response.context["review"].total == 41 + extra


# --- Closing and reopening --------------------------------------------------------------------------------------


def test_closing_freezes_every_review_and_keeps_history(client_for, office, year_figures, program):
    response = client_for(office).post("/p/12-ctr-qu/reviews/2025/close/", {"reason": "Hội nghị BTV 15/01"})
    assert response.status_code == 302 and response["Location"] == "/p/12-ctr-qu/reviews/2025/"
    closure = YearClosure.objects.get(program=program, year=YEAR)
    assert closure.is_closed and closure.changed_by == office and closure.reason == "Hội nghị BTV 15/01"
    reviews = AnnualReview.objects.filter(target__program=program, year=YEAR)
    assert reviews.count() == 41 and not reviews.filter(is_frozen=False).exists()
    xd01 = reviews.get(target__code="XD-01")
    assert (xd01.figure, xd01.assessment, xd01.computed_assessment) == (Decimal("97"), "exceeded", "exceeded")
    assert closure.history.count() == 1 and closure.history.first().history_user == office


def test_only_the_office_closes_or_reopens(client_for, leader, staff_a, year_figures, program):
    for user in (leader, staff_a):
        client = client_for(user)
        assert client.post("/p/12-ctr-qu/reviews/2025/close/", {"reason": ""}).status_code == 403
        assert client.post("/p/12-ctr-qu/reviews/2025/reopen/", {"reason": "x"}).status_code == 403
    assert not YearClosure.objects.exists()
    with pytest.raises(PermissionDenied):
        services.year_close(user=leader, program=program, year=YEAR)


def test_closing_by_get_only_shows_the_confirmation(client_for, office, program):
    response = client_for(office).get("/p/12-ctr-qu/reviews/2025/close/")
    assert response.status_code == 200 and 'id="close-form"' in response.content.decode()
    assert not YearClosure.objects.exists()
    assert client_for(office).put("/p/12-ctr-qu/reviews/2025/close/").status_code == 405


def test_a_closed_year_shows_what_was_frozen(client_for, office, year_figures, program):
    services.year_close(user=office, program=program, year=YEAR)
    # Whatever happens to the reports afterwards (here: behind the services' back), the review stays.
    ProgressReport.objects.filter(target__code="XD-01", year=YEAR).update(value=Decimal("10"))
    response = client_for(office).get("/p/12-ctr-qu/reviews/2025/")
    line = next(line for line in response.context["review"].lines if line.code == "XD-01")
    assert (line.figure, line.assessment, line.is_frozen) == (Decimal("97"), "exceeded", True)
    html = response.content.decode()
    assert 'data-closed="true"' in html and 'id="reopen-form"' in html and 'id="close-form"' not in html


def test_closing_twice_and_reopening_an_open_year_are_refused(office, program):
    services.year_close(user=office, program=program, year=YEAR)
    with pytest.raises(ValidationError):
        services.year_close(user=office, program=program, year=YEAR)
    services.year_reopen(user=office, program=program, year=YEAR, reason="Số liệu KT-01 được điều chỉnh")
    with pytest.raises(ValidationError):
        services.year_reopen(user=office, program=program, year=YEAR, reason="again")
    with pytest.raises(ValidationError):
        services.year_close(user=office, program=program, year=2031)


def test_reopening_needs_a_reason(client_for, office, program):
    services.year_close(user=office, program=program, year=YEAR)
    client = client_for(office)
    for reason in ["", "   "]:
        response = client.post("/p/12-ctr-qu/reviews/2025/reopen/", {"reason": reason})
        assert response.status_code == 200
        assert response.context["reopen_form"].errors["reason"]
    assert YearClosure.objects.get(program=program, year=YEAR).is_closed
    assert YearClosure.history.count() == 1
    with pytest.raises(ValidationError) as refused:
        services.year_reopen(user=office, program=program, year=YEAR, reason="  ")
    assert "reason" in refused.value.message_dict


def test_reopening_unfreezes_and_both_steps_are_in_the_history(client_for, office, year_figures, program):
    client = client_for(office)
    client.post("/p/12-ctr-qu/reviews/2025/close/", {"reason": ""})
    response = client.post(
        "/p/12-ctr-qu/reviews/2025/reopen/", {"reason": "KT-01 was corrected by the statistics office"}
    )
    assert response.status_code == 302
    closure = YearClosure.objects.get(program=program, year=YEAR)
    assert not closure.is_closed
    assert not AnnualReview.objects.filter(year=YEAR, is_frozen=True).exists()
    steps = list(closure.history.order_by("history_date").values_list("is_closed", "reason", "history_user"))
    assert steps == [(True, "", office.pk), (False, "KT-01 was corrected by the statistics office", office.pk)]
    html = client.get("/p/12-ctr-qu/reviews/2025/").content.decode()
    assert "KT-01 was corrected by the statistics office" in html and 'id="close-start"' in html


def test_the_office_is_warned_of_reports_still_waiting(client_for, office, targets):
    services.report_create(
        user=office, target=targets["XD-02"], unit=targets["XD-02"].lead_unit, year=YEAR, value=Decimal(91), submit=True
    )
    response = client_for(office).get("/p/12-ctr-qu/reviews/2025/")
    assert response.context["pending"] == 1
    assert 'id="pending-warning"' in response.content.decode()


# --- A closed year blocks every reporting path -------------------------------------------------------------------


def test_closing_blocks_every_reporting_path_and_reopening_restores_them(client_for, office, staff_a, targets, program):
    vh01, unit = targets["VH-01"], targets["VH-01"].lead_unit
    draft = services.report_create(user=staff_a, target=vh01, unit=unit, year=YEAR, quarter=1, value=Decimal(70))
    submitted = services.report_create(
        user=staff_a, target=vh01, unit=unit, year=YEAR, quarter=2, value=Decimal(71), submit=True
    )
    to_correct = services.report_create(
        user=staff_a, target=vh01, unit=unit, year=YEAR, quarter=3, value=Decimal(72), submit=True
    )
    to_correct = services.report_approve(user=office, report=to_correct)
    services.year_close(user=office, program=program, year=YEAR)
    before = ProgressReport.objects.count()
    statuses = dict(ProgressReport.objects.values_list("pk", "status"))

    attempts = {
        "create": lambda: services.report_create(user=staff_a, target=vh01, unit=unit, year=YEAR, value=Decimal(1)),
        "create and submit": lambda: services.report_create(
            user=staff_a, target=vh01, unit=unit, year=YEAR, value=Decimal(1), submit=True
        ),
        "edit": lambda: services.report_update(
            user=staff_a, report=draft, version=draft.version, year=YEAR, quarter=1, value=Decimal(2)
        ),
        "submit": lambda: services.report_submit(user=staff_a, report=draft),
        "withdraw": lambda: services.report_withdraw(user=staff_a, report=submitted),
        "approve": lambda: services.report_approve(user=office, report=submitted),
        "return": lambda: services.report_return(user=office, report=submitted, comment="check"),
        "bulk approve": lambda: services.report_bulk_approve(user=office, reports=[submitted]),
        "correct": lambda: services.report_correct(user=staff_a, report=to_correct, value=Decimal(3), submit=True),
        "override": lambda: services.review_override(
            user=office, target=vh01, year=YEAR, assessment="achieved", comment="x"
        ),
        "refresh": lambda: services.review_refresh(program=program, year=YEAR, user=office),
    }
    for name, attempt in attempts.items():
        with pytest.raises(ValidationError):
            attempt()
        assert ProgressReport.objects.count() == before, name
    assert dict(ProgressReport.objects.values_list("pk", "status")) == statuses

    # Through the report form too: the page answers with the reason, nothing is written.
    response = client_for(staff_a).post(
        "/p/12-ctr-qu/targets/VH-01/reports/new/", {"year": YEAR, "quarter": "4", "value": "73", "action": "submit"}
    )
    assert response.status_code == 200
    assert ProgressReport.objects.count() == before

    services.year_reopen(user=office, program=program, year=YEAR, reason="late figures of Q2")
    services.report_approve(user=office, report=submitted)
    services.report_submit(user=staff_a, report=draft)
    created = services.report_create(user=staff_a, target=vh01, unit=unit, year=YEAR, value=Decimal(72))
    assert created.pk and ProgressReport.objects.count() == before + 1


def test_other_years_stay_open(office, staff_a, targets, program):
    services.year_close(user=office, program=program, year=2024)
    vh01 = targets["VH-01"]
    report = services.report_create(user=staff_a, target=vh01, unit=vh01.lead_unit, year=YEAR, value=Decimal(70))
    assert report.pk


# --- Overrides -----------------------------------------------------------------------------------------------------


def test_an_override_needs_a_comment(client_for, office, year_figures):
    client = client_for(office)
    page = client.get("/p/12-ctr-qu/reviews/2025/targets/XD-03/")
    assert page.status_code == 200 and page.context["line"].computed == "not_achieved"
    response = client.post(
        "/p/12-ctr-qu/reviews/2025/targets/XD-03/", {"assessment": "achieved", "comment": "  ", "seen": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    assert not AnnualReview.objects.exists()


def test_an_override_with_a_comment_changes_the_review(client_for, office, year_figures):
    client = client_for(office)
    response = client.post(
        "/p/12-ctr-qu/reviews/2025/targets/XD-03/",
        {"assessment": "achieved", "comment": "379 of 400 plus 25 transfers", "seen": ""},
    )
    assert response.status_code == 302 and response["Location"] == "/p/12-ctr-qu/reviews/2025/#review-XD-03"
    row = AnnualReview.objects.get(target__code="XD-03", year=YEAR)
    assert (row.assessment, row.computed_assessment, row.is_overridden) == ("achieved", "not_achieved", True)
    assert row.figure == Decimal("379") and row.updated_by == office
    page = client.get("/p/12-ctr-qu/reviews/2025/")
    assert counts(page) == {"exceeded": 1, "achieved": 2, "not_achieved": 0, "no_data": 38}
    assert "379 of 400 plus 25 transfers" in page.content.decode()
    # Choosing the computed assessment again ends the override; no comment is needed for that.
    seen = row.updated_at.isoformat()
    client.post("/p/12-ctr-qu/reviews/2025/targets/XD-03/", {"assessment": "not_achieved", "comment": "", "seen": seen})
    row.refresh_from_db()
    assert (row.assessment, row.is_overridden) == ("not_achieved", False)
    assert row.history.count() == 2


def test_an_override_made_on_a_stale_page_is_refused(office, year_figures):
    target = year_figures["XD-03"]
    services.review_override(user=office, target=target, year=YEAR, assessment="achieved", comment="first")
    with pytest.raises(ValidationError) as refused:
        services.review_override(user=office, target=target, year=YEAR, assessment="exceeded", comment="second")
    assert refused.value.code == "conflict"
    assert AnnualReview.objects.get(target=target, year=YEAR).comment == "first"


def test_overrides_survive_closing_and_reopening(office, year_figures, program):
    target = year_figures["XD-03"]
    services.review_override(user=office, target=target, year=YEAR, assessment="achieved", comment="ok")
    services.year_close(user=office, program=program, year=YEAR)
    services.year_reopen(user=office, program=program, year=YEAR, reason="r")
    row = AnnualReview.objects.get(target=target, year=YEAR)
    assert (row.assessment, row.is_overridden, row.comment, row.is_frozen) == ("achieved", True, "ok", False)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"assessment": "splendid", "comment": "x"}, "assessment"),
        ({"assessment": "achieved", "comment": "x" * 2001}, "comment"),
        ({"comment": "x"}, "assessment"),
    ],
)
def test_bad_override_input_is_refused_and_kept(client_for, office, year_figures, data, field):
    response = client_for(office).post("/p/12-ctr-qu/reviews/2025/targets/XD-03/", {**data, "seen": ""})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not AnnualReview.objects.exists()
    if "comment" in data:
        assert response.context["form"]["comment"].value() == data["comment"]


def test_only_the_office_overrides(client_for, leader, staff_a, year_figures):
    for user in (leader, staff_a):
        client = client_for(user)
        assert client.get("/p/12-ctr-qu/reviews/2025/targets/XD-03/").status_code == 403
        assert (
            client.post(
                "/p/12-ctr-qu/reviews/2025/targets/XD-03/", {"assessment": "achieved", "comment": "x"}
            ).status_code
            == 403
        )
    assert not AnnualReview.objects.exists()


def test_an_unknown_target_is_not_found(client_for, office, program):
    assert client_for(office).get("/p/12-ctr-qu/reviews/2025/targets/NOPE-1/").status_code == 404


def test_the_edit_page_of_a_closed_year_says_so(client_for, office, program):
    services.year_close(user=office, program=program, year=YEAR)
    response = client_for(office).get("/p/12-ctr-qu/reviews/2025/targets/XD-03/")
    assert response.status_code == 200 and response.context["is_closed"]
    assert 'id="review-form"' not in response.content.decode()


def test_messages_are_in_english_when_asked(office, year_figures):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.review_override(user=office, target=year_figures["XD-03"], year=YEAR, assessment="exceeded")
    assert "needs a comment" in refused.value.message_dict["comment"][0]


def test_review_refresh_stores_the_open_year(office, year_figures, program):
    assert services.review_refresh(program=program, year=YEAR, user=office) == 41
    assert services.review_refresh(program=program, year=YEAR, user=office) == 0  # nothing changed
    row = AnnualReview.objects.get(target__code="XD-01", year=YEAR)
    assert (row.figure, row.assessment, row.is_frozen) == (Decimal("97"), "exceeded", False)


@pytest.mark.parametrize("extra", [0, 25])
def test_the_edit_page_runs_the_same_queries_as_targets_grow(
    client_for, office, year_figures, program, extra, django_assert_num_queries
):
    add_targets(program, extra, author=office)
    client = client_for(office)
    # session, user, the user's groups (role), programme, the target; its review line: groups, the target
    # with its lead unit, milestones, supporting units, approved figures, stored reviews, closure; whether
    # the year is closed.
    with django_assert_num_queries(14):
        response = client.get("/p/12-ctr-qu/reviews/2025/targets/XD-03/")
    assert response.status_code == 200
