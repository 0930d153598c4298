"""The daily work of staff and office (issue 16): the staff's to-do list, the office's comment on the edit
form, the new-report form saying a report of the period exists, "52,7%"; closing a year through a
confirmation with its checklist, and not before the year has ended; an approval that names the report and
can be undone for a few minutes; the approval queue's plan, % of plan, evidence, resubmission mark,
select-all box, filters and its "next report"."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from targets import assessment, selectors, services
from targets.forms import parse_figure
from targets.imports import _figure
from targets.models import ProgressReport, YearClosure

from .factories import Status, close_year, counts, make_report
from .factories import target as get_target


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def march(time_machine):
    """2 March 2026: the year being reported is 2025."""
    time_machine.move_to("2026-03-02 09:00 +07:00")


def history_steps(report):
    return list(report.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))


# --- The rules --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, year",
    [("2026-01-01", 2025), ("2026-03-02", 2025), ("2026-11-30", 2025), ("2026-12-01", 2026), ("2026-12-31", 2026)],
)
def test_the_year_being_reported(today, year):
    assert assessment.reporting_year(datetime.date.fromisoformat(today)) == year


@pytest.mark.parametrize("today, ended", [("2025-12-31", False), ("2026-01-01", True), ("2025-06-15", False)])
def test_a_year_has_ended_after_its_31_december(today, ended):
    assert assessment.year_has_ended(2025, datetime.date.fromisoformat(today)) is ended


def test_the_undo_window():
    approved = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    minute = datetime.timedelta(minutes=1)
    assert assessment.may_undo_approval(approved, now=approved + 10 * minute, minutes=10)
    assert not assessment.may_undo_approval(approved, now=approved + 11 * minute, minutes=10)
    assert not assessment.may_undo_approval(approved, now=approved - minute, minutes=10)
    assert not assessment.may_undo_approval(None, now=approved, minutes=10)


@pytest.mark.parametrize("typed", ["52,7%", "52,7 %", "52.7%", " 52,7\u00a0% "])
def test_a_per_cent_sign_is_the_unit_not_the_number(typed):
    assert parse_figure(typed) == Decimal("52.7")
    assert _figure(typed) == Decimal("52.7")  # the import reads a cell the same way


@pytest.mark.parametrize("typed", ["%", "52,7%%", "%52,7"])
def test_a_per_cent_sign_alone_or_twice_is_not_a_number(typed):
    with pytest.raises(ValidationError):
        parse_figure(typed)


# --- Staff: the to-do list ----------------------------------------------------------------------------------------


def test_the_to_do_list_on_reports_returned_first_then_each_target_owed(client_for, staff_a, office, march):
    returned = make_report(
        target="VH-02", author=staff_a, status=Status.RETURNED, year=2025, review_comment="Thiếu nguồn"
    )
    make_report(target="VH-04", author=staff_a, status=Status.SUBMITTED, year=2025)  # waits for the office
    make_report(target="VH-05", author=staff_a, status=Status.APPROVED, year=2024)  # another year: still owed
    make_report(target="XD-01", author=office, status=Status.RETURNED, year=2025)  # not their unit
    response = client_for(staff_a).get("/reports/")
    waiting = response.context["waiting"]
    assert [r.pk for r in waiting["returned"]] == [returned.pk]
    assert waiting["missing_year"] == 2025
    assert [t.code for t in waiting["missing"]] == ["VH-01", "VH-05"]
    html = response.content.decode()
    todo = html.split('id="todo"')[1].split("</section>")[0]
    assert todo.index("todo-returned") < todo.index("todo-missing")  # returned reports first
    assert "Thiếu nguồn" in todo and f'href="/reports/{returned.pk}/edit/"' in todo
    for code in ("VH-01", "VH-05"):
        assert f'href="/p/12-ctr-qu/targets/{code}/reports/new/?year=2025"' in todo
    assert "/p/12-ctr-qu/targets/VH-04/reports/new/" not in todo and "XD-01" not in todo


def test_in_december_the_to_do_list_asks_for_this_years_figures(client_for, staff_a, time_machine):
    time_machine.move_to("2026-12-02 09:00 +07:00")
    make_report(target="VH-01", author=staff_a, status=Status.DRAFT, year=2026)
    waiting = selectors.waiting_for(user=staff_a)
    assert waiting["missing_year"] == 2026
    assert [t.code for t in waiting["missing"]] == ["VH-02", "VH-04", "VH-05"]  # VH-01 has its draft
    assert [r.target.code for r in waiting["drafts"]] == ["VH-01"]


def test_a_closed_year_owes_nothing(client_for, staff_a, program, march):
    close_year(program, 2025)
    assert selectors.waiting_for(user=staff_a)["missing"] == []
    assert "every target of your units has its report for 2025" in client_for(staff_a).get("/reports/").content.decode()


def test_the_overview_shows_staff_the_same_to_do_list(client_for, staff_a, march):
    html = client_for(staff_a).get("/p/12-ctr-qu/").content.decode()
    assert 'id="todo"' in html and 'href="/p/12-ctr-qu/targets/VH-01/reports/new/?year=2025"' in html


def test_the_edit_form_of_a_returned_report_repeats_the_offices_comment(client_for, staff_a):
    report = make_report(target="VH-01", author=staff_a, status=Status.RETURNED, review_comment="Bổ sung minh chứng")
    html = client_for(staff_a).get(reverse("report_edit", args=[report.pk])).content.decode()
    assert 'id="review-comment"' in html and "Bổ sung minh chứng" in html
    draft = make_report(target="VH-02", author=staff_a, status=Status.DRAFT)
    assert (
        'id="review-comment"' not in client_for(staff_a).get(reverse("report_edit", args=[draft.pk])).content.decode()
    )


@pytest.mark.parametrize(
    "status, link",
    [(Status.DRAFT, "edit/"), (Status.RETURNED, "edit/"), (Status.SUBMITTED, ""), (Status.APPROVED, "")],
)
def test_the_new_report_form_says_a_report_of_the_period_exists(status, link, client_for, staff_a):
    other = make_report(target="VH-01", author=staff_a, status=status, year=2025)
    client = client_for(staff_a)
    html = client.get("/p/12-ctr-qu/targets/VH-01/reports/new/?year=2025").content.decode()
    assert f'id="existing-report-{other.pk}" data-status="{status}"' in html
    assert f'href="/reports/{other.pk}/{link}"' in html
    # Another period: nothing to say.
    assert "existing-report" not in client.get("/p/12-ctr-qu/targets/VH-01/reports/new/?year=2024").content.decode()
    assert (
        "existing-report"
        not in client.get("/p/12-ctr-qu/targets/VH-01/reports/new/?year=2025&quarter=2").content.decode()
    )


def test_a_superseded_report_is_not_mentioned(client_for, staff_a):
    make_report(target="VH-01", author=staff_a, status=Status.SUPERSEDED, year=2025)
    assert (
        "existing-report"
        not in client_for(staff_a).get("/p/12-ctr-qu/targets/VH-01/reports/new/?year=2025").content.decode()
    )


def test_the_form_takes_a_figure_with_a_per_cent_sign(client_for, staff_a):
    data = {"year": "2025", "quarter": "", "value": "52,7%", "is_estimate": "false", "note": "", "evidence_url": ""}
    response = client_for(staff_a).post("/p/12-ctr-qu/targets/VH-01/reports/new/", data)
    assert response.status_code == 302
    assert ProgressReport.objects.get().value == Decimal("52.7")


# --- Office: closing a year -----------------------------------------------------------------------------------------


def test_the_closing_asks_for_confirmation_with_its_checklist(client_for, office, staff_a, program):
    make_report(target="VH-01", author=staff_a, status=Status.APPROVED, year=2025)
    make_report(target="VH-02", author=staff_a, status=Status.SUBMITTED, year=2025)
    make_report(target="VH-04", author=staff_a, status=Status.SUBMITTED, year=2025, quarter=2)
    client = client_for(office)
    review = client.get("/p/12-ctr-qu/reviews/2025/").content.decode()
    assert 'id="close-start" href="/p/12-ctr-qu/reviews/2025/close/"' in review and 'id="close-form"' not in review
    response = client.get("/p/12-ctr-qu/reviews/2025/close/")
    checklist = response.context["checklist"]
    assert (checklist.has_ended, checklist.pending, len(checklist.without_figure)) == (True, 2, 40)
    assert "VH-01" not in [t.code for t in checklist.without_figure]
    html = response.content.decode()
    assert 'id="check-pending" data-count="2"' in html and 'id="check-without-figure" data-count="40"' in html
    assert 'href="/reports/?status=submitted&amp;year=2025"' in html
    assert 'id="close-form"' in html
    assert not YearClosure.objects.exists()  # seeing the checklist closes nothing
    response = client.post("/p/12-ctr-qu/reviews/2025/close/", {"reason": "Hội nghị BTV"})
    assert response["Location"] == "/p/12-ctr-qu/reviews/2025/"
    assert YearClosure.objects.get(program=program, year=2025).is_closed
    # Closed: the confirmation sends back to the review.
    assert client.get("/p/12-ctr-qu/reviews/2025/close/")["Location"] == "/p/12-ctr-qu/reviews/2025/"


def test_the_confirmation_page_query_count_is_fixed(client_for, office, staff_a, program, django_assert_num_queries):
    client = client_for(office)
    # session, user, memberships, the programme, the menu's programmes, closed?, the reports waiting, the targets
    with django_assert_num_queries(8):
        assert client.get("/p/12-ctr-qu/reviews/2025/close/").status_code == 200
    for code in ("VH-01", "VH-02", "VH-04", "VH-05"):
        make_report(target=code, author=staff_a, status=Status.SUBMITTED, year=2025)
        make_report(target=code, author=staff_a, status=Status.APPROVED, year=2025, quarter=1)
    with django_assert_num_queries(8):
        assert client.get("/p/12-ctr-qu/reviews/2025/close/").status_code == 200


def test_a_year_that_has_not_ended_is_not_closed(client_for, office, program, time_machine):
    time_machine.move_to("2025-12-31 23:00 +07:00")
    client = client_for(office)
    review = client.get("/p/12-ctr-qu/reviews/2025/").content.decode()
    assert 'id="close-start"' not in review and 'id="not-ended"' in review
    confirmation = client.get("/p/12-ctr-qu/reviews/2025/close/").content.decode()
    assert 'id="not-ended"' in confirmation and 'id="close-form"' not in confirmation
    before = YearClosure.history.count()
    response = client.post("/p/12-ctr-qu/reviews/2025/close/", {"reason": "x"}, follow=True)
    assert "The year 2025 has not ended yet: it can be closed from 1 January 2026." in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.year_close(user=office, program=program, year=2025)
    assert refused.value.error_dict["year"][0].code == "not_ended"
    assert not YearClosure.objects.exists() and YearClosure.history.count() == before
    # On 1 January in Hà Nội (still 31 December in UTC) it can.
    time_machine.move_to("2026-01-01 00:30 +07:00")
    services.year_close(user=office, program=program, year=2025)
    assert YearClosure.objects.get(year=2025).is_closed


def test_only_the_office_sees_the_confirmation(client_for, leader, staff_a, program):
    for user in (leader, staff_a):
        assert client_for(user).get("/p/12-ctr-qu/reviews/2025/close/").status_code == 403


# --- Office: approving, and undoing it ------------------------------------------------------------------------------


@pytest.fixture
def submitted(staff_a):
    return make_report(target="VH-01", author=staff_a, status=Status.SUBMITTED, year=2025, value="71.4")


def test_the_approval_message_names_the_report(client_for, office, submitted):
    client = client_for(office)
    client.cookies["django_language"] = "vi"
    response = client.post(reverse("report_approve", args=[submitted.pk]), {"version": "1"}, follow=True)
    assert "Đã duyệt báo cáo VH-01 2025 của Phòng Văn hóa và Thông tin." in response.content.decode()


def test_an_approval_is_undone_within_the_window_with_history(client_for, office, submitted):
    client = client_for(office)
    client.post(reverse("report_approve", args=[submitted.pk]), {"version": "1", "next": "/reports/"})
    queue = client.get("/reports/")
    assert [r.pk for r in queue.context["to_undo"]] == [submitted.pk]
    assert f'action="/reports/{submitted.pk}/unapprove/"' in queue.content.decode()
    page = client.get(reverse("report_detail", args=[submitted.pk])).content.decode()
    assert 'name="do" value="unapprove"' in page
    response = client.post(reverse("report_unapprove", args=[submitted.pk]), {"version": "2"}, follow=True)
    assert "was undone" in response.content.decode()
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewer, submitted.reviewed_at) == (Status.SUBMITTED, None, None)
    assert history_steps(submitted)[-2:] == ["approve", "unapprove"]
    history = client.get(reverse("report_detail", args=[submitted.pk])).content.decode()
    assert 'data-action="unapprove"' in history
    assert client.get("/reports/").context["to_undo"] == []


def test_undoing_a_correction_restores_the_figure_it_superseded(staff_a, office):
    old = make_report(target="VH-01", author=staff_a, status=Status.APPROVED, year=2025, value="70")
    correction = services.report_create(
        user=staff_a, target=get_target("VH-01"), unit=old.unit, year=2025, value=Decimal("72"), submit=True
    )
    correction = services.report_approve(user=office, report=correction)
    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED
    services.report_unapprove(user=office, report=correction, version=correction.version)
    old.refresh_from_db()
    correction.refresh_from_db()
    assert (old.status, correction.status) == (Status.APPROVED, Status.SUBMITTED)
    assert history_steps(old)[-1] == "unapprove"
    # Approving it again supersedes the old figure again.
    services.report_approve(user=office, report=correction)
    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED


def test_an_approval_is_not_undone_after_the_window(client_for, office, submitted, time_machine, settings):
    settings.TARGETS_UNDO_MINUTES = 10
    time_machine.move_to("2026-03-02 09:00 +07:00", tick=False)
    client = client_for(office)
    client.post(reverse("report_approve", args=[submitted.pk]), {"version": "1"})
    time_machine.move_to("2026-03-02 09:10:30 +07:00", tick=False)
    assert client.get("/reports/").context["to_undo"] == []
    assert 'value="unapprove"' not in client.get(reverse("report_detail", args=[submitted.pk])).content.decode()
    before = counts()
    response = client.post(reverse("report_unapprove", args=[submitted.pk]), follow=True)
    assert "can no longer be undone" in response.content.decode()
    assert counts() == before
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def test_only_the_office_undoes_an_approval(client_for, staff_a, leader, office, submitted):
    services.report_approve(user=office, report=submitted)
    for user in (staff_a, leader):
        assert client_for(user).post(reverse("report_unapprove", args=[submitted.pk])).status_code == 403
        with pytest.raises(PermissionDenied):
            services.report_unapprove(user=user, report=submitted)
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def test_an_approval_in_a_year_closed_since_is_not_undone(office, submitted, program):
    services.report_approve(user=office, report=submitted)
    close_year(program, 2025)
    with pytest.raises(ValidationError):
        services.report_unapprove(user=office, report=submitted)
    assert selectors.approvals_to_undo(user=office) == []


# --- Office: the approval queue -------------------------------------------------------------------------------------


def test_the_queue_shows_plan_percent_evidence_and_resubmissions(client_for, office, staff_a, submitted):
    resubmitted = make_report(
        target="VH-02",
        author=staff_a,
        status=Status.SUBMITTED,
        year=2025,
        review_comment="Thiếu bảng tổng hợp",
        reviewed_at=submitted.submitted_at,
        evidence_url="https://caugiay.hanoi.gov.vn/bang",
    )
    quarterly = make_report(target="VH-04", author=staff_a, status=Status.SUBMITTED, year=2025, quarter=2)
    response = client_for(office).get("/reports/")
    rows = {r.pk: r for r in response.context["listing"].page.object_list}
    assert (rows[submitted.pk].plan.min_value, rows[submitted.pk].plan.max_value) == (Decimal("70"), Decimal("73"))
    assert rows[submitted.pk].percent == Decimal("102.00")  # 71.4 of at least 70
    assert rows[quarterly.pk].percent is None  # a quarter is not a share of the year's plan
    html = response.content.decode()
    row = html.split(f'id="report-{submitted.pk}"')[1].split("</tr>")[0]
    assert "70–73" in row and "102.0 %" in row and "resubmitted" not in row
    row = html.split(f'id="report-{resubmitted.pk}"')[1].split("</tr>")[0]
    assert "Resubmitted after a return" in row and "Thiếu bảng tổng hợp" in row
    assert 'href="https://caugiay.hanoi.gov.vn/bang"' in row
    assert 'id="tick-all" data-select-all="bulk-approve"' in html and "js/select-all.js" in html


def test_the_queue_filters_by_unit_group_and_year(client_for, office, staff_a, staff_b):
    vh = make_report(target="VH-01", author=staff_a, status=Status.SUBMITTED, year=2025)
    vh_2024 = make_report(target="VH-02", author=staff_a, status=Status.SUBMITTED, year=2024)
    xd = make_report(target="XD-01", author=staff_b, status=Status.SUBMITTED, year=2025)
    client = client_for(office)

    def shown(query):
        return {r.pk for r in client.get("/reports/?" + query).context["listing"].page.object_list}

    assert shown("status=submitted") == {vh.pk, vh_2024.pk, xd.pk}
    assert shown("status=submitted&unit=PVHTT") == {vh.pk, vh_2024.pk}
    assert shown("status=submitted&group=XD") == {xd.pk}
    assert shown("status=submitted&year=2025") == {vh.pk, xd.pk}
    assert shown("status=submitted&unit=PVHTT&year=2024") == {vh_2024.pk}
    response = client.get("/reports/?status=submitted&unit=PVHTT")
    assert response.context["listing"].counts[Status.SUBMITTED] == 2  # the tabs count what is filtered
    assert "status=approved&amp;unit=PVHTT" in response.content.decode()  # and keep the filter


@pytest.mark.parametrize("query", ["unit=NOPE", "group=NOPE", "year=abc", "year=99999", "year=1e5"])
def test_bad_filter_values_are_said_not_a_500(query, client_for, office, submitted):
    response = client_for(office).get("/reports/?status=submitted&" + query)
    assert response.status_code == 200
    assert response.context["filterset"].errors
    assert len(response.context["listing"].page.object_list) == 1  # an invalid filter narrows nothing


def test_the_queue_query_count_is_fixed_with_filters(client_for, office, staff_a, django_assert_num_queries):
    client = client_for(office)
    url = "/reports/?status=submitted&unit=PVHTT&group=VH&year=2025"
    # session, user, memberships, ETag versions, the programmes, the filters' units and groups, counts by status,
    # page, its previous figures, the page's milestones, the approvals to undo, the submitted task updates (with
    # their total)
    for n in range(2):
        for code in ("VH-01", "VH-02", "VH-04", "VH-05"):
            make_report(target=code, author=staff_a, status=Status.SUBMITTED, year=2025, quarter=1 + n)
        make_report(target="VH-01", author=staff_a, status=Status.APPROVED, year=2025, quarter=1 + n)
        with django_assert_num_queries(13):
            assert len(client.get(url).context["listing"].page.object_list) == 4 * (n + 1)


@pytest.fixture
def queue(staff_a, office):
    """Three submitted reports, submitted in this order."""
    reports = []
    for code in ("VH-01", "VH-02", "VH-04"):
        reports.append(make_report(target=code, author=staff_a, status=Status.SUBMITTED, year=2025))
    base = reports[0].submitted_at
    for minutes, report in enumerate(reports):
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=base + datetime.timedelta(minutes=minutes))
        report.refresh_from_db()
    return reports


def test_approving_from_its_page_goes_to_the_next_report(client_for, office, queue):
    client = client_for(office)
    first, second, third = queue
    assert 'name="then" value="next"' in client.get(reverse("report_detail", args=[second.pk])).content.decode()
    response = client.post(reverse("report_approve", args=[second.pk]), {"version": "1", "then": "next"})
    assert response["Location"] == reverse("report_detail", args=[third.pk])
    response = client.post(
        reverse("report_return", args=[third.pk]), {"version": "1", "then": "next", "comment": "Bổ sung"}
    )
    assert response["Location"] == reverse("report_detail", args=[first.pk])  # the oldest left
    response = client.post(reverse("report_approve", args=[first.pk]), {"version": "1", "then": "next"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("report_list")
    assert "Nothing else waits for approval." in response.content.decode()


def test_a_refused_decision_stays_on_the_report(client_for, office, queue):
    response = client_for(office).post(reverse("report_approve", args=[queue[0].pk]), {"version": "7", "then": "next"})
    assert response["Location"] == reverse("report_detail", args=[queue[0].pk])
