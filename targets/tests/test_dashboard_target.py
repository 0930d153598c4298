"""One target (``/targets/<code>/``): definition, milestones, the trend chart's data and its table, the pace
still needed, its reports, its annual reviews, and the history of the target, its milestones and reports."""

from decimal import Decimal

import pytest

from targets import selectors
from targets.models import AnnualReview, Milestone, ProgressReport, Target
from targets.selectors import TARGET_HISTORY_PER_PAGE

from .factories import TODAY, Status, add_reports, make_report


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)


def test_requires_login(client, program):
    response = client.get("/p/12-ctr-qu/targets/VH-01/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_refuses_a_user_without_role(client_for, nobody, program):
    assert client_for(nobody).get("/p/12-ctr-qu/targets/VH-01/").status_code == 403


def test_unknown_target_is_404(client_for, office, program):
    assert client_for(office).get("/p/12-ctr-qu/targets/NOPE-99/").status_code == 404


@pytest.mark.parametrize("who", ["office", "leader", "staff_a", "staff_b"])
def test_every_role_reads_a_target(request, client_for, who, program):
    response = client_for(request.getfixturevalue(who)).get("/p/12-ctr-qu/targets/VH-01/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="trend"' in html and 'id="trend-chart"' in html
    assert "Phòng Văn hóa và Thông tin" in html  # lead unit
    assert "Ban Tuyên giáo Quận ủy" in html  # a supporting unit


def test_definition_milestones_plan_and_chart(client_for, office, program):
    # Baseline 65 in 2023; 66 by 2025, 70 by 2030.
    for year, value in [(2023, 60), (2024, 63), (2025, 65)]:
        make_report(target="KT-03", year=year, value=value, status=Status.APPROVED, author=office)
    response = client_for(office).get("/p/12-ctr-qu/targets/KT-03/")
    page = response.context["page"]
    assert [m.year for m in page.row.milestones] == [2025, 2030]
    assert [m.bucket for m in page.row.milestones] == ["overdue", "open"]
    plans = {p["year"]: p for p in page.plans}
    assert plans[2024]["plan"].interpolated and plans[2024]["plan"].min_value == Decimal("65.5")
    assert plans[2025]["assessment"] == "not_achieved" and plans[2025]["percent"] == Decimal("98.48")
    assert plans[2022]["assessment"] == "no_data"  # before the baseline: no plan
    chart = page.chart
    assert chart["labels"][0] == 2021 and chart["labels"][-1] == 2030
    series = {s["key"]: s["values"] for s in chart["series"]}
    assert series["figure"][:5] == [None, None, 60.0, 63.0, 65.0]
    assert series["plan"][4] == 66.0 and series["plan"][9] == 70.0 and series["plan"][3] is None
    assert series["line"][2] == 65.0 and series["line"][3] == 65.5 and series["line"][6] == 67.6
    # 65 is no progress from the baseline: off track; 5 more to 70 in five years.
    assert page.row.status == "off_track"
    assert page.row.pace == 1


def test_a_yearly_target_has_no_straight_line(client_for, office, program):
    response = client_for(office).get("/p/12-ctr-qu/targets/VH-01/")
    # No straight line; its planned range (70–73) is a band between two edges.
    assert [s["key"] for s in response.context["page"].chart["series"]] == ["figure", "plan", "range_low", "range_high"]


def test_the_lead_units_figure_counts(client_for, office, program):
    make_report(target="VH-01", year=2025, value=60, status=Status.APPROVED, author=office, unit="MTTQ")
    make_report(target="VH-01", year=2025, value=71, status=Status.APPROVED, author=office)
    row = client_for(office).get("/p/12-ctr-qu/targets/VH-01/").context["row"]
    assert row.figures == {2025: Decimal("71")}


def test_a_supporting_units_figure_stands_in_without_the_leads(client_for, office, program):
    make_report(target="VH-01", year=2025, value=60, status=Status.APPROVED, author=office, unit="MTTQ")
    row = client_for(office).get("/p/12-ctr-qu/targets/VH-01/").context["row"]
    assert row.figures == {2025: Decimal("60")}


def test_reports_of_every_status_for_the_office_and_only_approved_figures_count(client_for, office, program):
    make_report(target="VH-01", year=2024, value=72, status=Status.APPROVED, author=office)
    make_report(target="VH-01", year=2025, value=80, author=office, status=Status.SUBMITTED)
    make_report(target="VH-01", year=2025, value=81, author=office, status=Status.DRAFT)
    response = client_for(office).get("/p/12-ctr-qu/targets/VH-01/")
    assert sorted(r.status for r in response.context["page"].reports) == ["approved", "draft", "submitted"]
    assert response.context["row"].figures == {2024: Decimal("72")}


def test_staff_see_their_own_units_reports_only(client_for, office, staff_b, program):
    make_report(target="VH-01", year=2025, value=71, status=Status.APPROVED, author=office)
    response = client_for(staff_b).get("/p/12-ctr-qu/targets/VH-01/")
    assert response.context["page"].reports == []
    assert response.context["row"].figures == {2025: Decimal("71")}  # the figure still counts


@pytest.mark.parametrize("year", [None, 2024])
def test_the_pages_row_is_the_dashboards(client_for, office, program, year):
    # The page judges its target from the reports and reviews it reads for itself: the same row as every
    # dashboard's, with a supporting unit's figure, quarterly and unapproved reports, a frozen and an
    # overridden year.
    add_reports(program, per_target=30, author=office, codes=["VH-01", "XD-01"])
    make_report(target="XD-01", year=2023, value=50, status=Status.APPROVED, author=office, unit="MTTQ")
    target = Target.objects.get(program=program, code="VH-01")
    AnnualReview.objects.create(target=target, year=2022, figure=Decimal(69), assessment="not_achieved", is_frozen=True)
    AnnualReview.objects.create(
        target=target,
        year=2023,
        figure=Decimal(71),
        assessment="achieved",
        computed_assessment="not_achieved",
        is_overridden=True,
    )
    client = client_for(office)
    for code in ("VH-01", "XD-01"):
        query = {"year": year} if year else {}
        response = client.get(f"/p/12-ctr-qu/targets/{code}/", query)
        as_of = response.context["as_of"]
        rows = selectors.dashboard_rows(targets=Target.objects.filter(program=program, code=code), as_of=as_of)
        assert response.context["row"] == rows[0]
        assert rows[0].figures and set(rows[0].reviews) == ({2022, 2023} if code == "VH-01" else set())


def test_annual_reviews_are_shown(client_for, office, program):
    review = AnnualReview(
        target_id=make_report(target="VH-01", year=2025, value=71, status=Status.APPROVED, author=office).target_id,
        year=2025,
    )
    review.figure, review.assessment, review.comment = Decimal(71), "achieved", "Đạt kế hoạch năm."
    review.save()
    html = client_for(office).get("/p/12-ctr-qu/targets/VH-01/").content.decode()
    assert 'id="reviews-heading"' in html and "Đạt kế hoạch năm." in html


def test_history_shows_who_when_before_and_after(client_for, office, program):
    report = make_report(target="VH-01", year=2025, value=70, status=Status.APPROVED, author=office)
    report.value = Decimal("72.5")
    report._history_user = office
    report.save()
    milestone = Milestone.objects.get(target__code="VH-01", year=2030)
    milestone.min_value = Decimal(75)
    milestone._history_user = office
    milestone.save()
    history = client_for(office).get("/p/12-ctr-qu/targets/VH-01/").context["page"].history
    kinds = {entry.kind for entry in history}
    assert kinds == {"target", "milestone", "report"}
    changed = [e for e in history if e.kind == "report" and e.action == "~"][0]
    assert changed.who == office
    assert [(c.field, c.before, c.after) for c in changed.changes] == [("value", Decimal(70), Decimal("72.5"))]
    moved = [e for e in history if e.kind == "milestone" and e.action == "~"][0]
    assert [(c.field, c.before, c.after) for c in moved.changes] == [("min_value", Decimal(73), Decimal(75))]
    assert history == sorted(history, key=lambda e: e.when, reverse=True)


def test_the_year_selector_hides_later_figures(client_for, office, program):
    make_report(target="VH-01", year=2024, value=72, status=Status.APPROVED, author=office)
    make_report(target="VH-01", year=2025, value=74, status=Status.APPROVED, author=office)
    row = client_for(office).get("/p/12-ctr-qu/targets/VH-01/", {"year": 2024}).context["row"]
    assert row.figures == {2024: Decimal("72")}


@pytest.mark.parametrize("per_target", [5, 50])
def test_query_count_is_fixed(client_for, office, program, per_target, django_assert_num_queries):
    add_reports(program, per_target=per_target, author=office)
    client = client_for(office)
    # session, user, memberships (role); the programme; the menu's programmes; the target with group and lead unit;
    # its reports (the list, and the approved yearly figures of the row); its annual reviews (the table, and the
    # review rows that stand for the row: the year table shows the review's verdict); the row's milestones;
    # supporting units; history: unit codes, group codes, the target's, its milestones' and its reports'
    # histories with their users; the tasks serving it (none here: their supporting units and their updates' and
    # reminders' counts are not read)
    with django_assert_num_queries(16):
        assert client.get("/p/12-ctr-qu/targets/VH-01/").status_code == 200


def test_query_count_for_staff(client_for, staff_a, program, django_assert_num_queries):
    client = client_for(staff_a)
    # as for the office, + the staff user's units (for the reports they may see and the report button)
    with django_assert_num_queries(17):
        assert client.get("/p/12-ctr-qu/targets/VH-01/").status_code == 200


def test_estimates_have_their_own_marker_and_a_range_is_a_band(client_for, office, program):
    make_report(target="VH-01", year=2024, value=71, status=Status.APPROVED, author=office, reviewer=office)
    make_report(target="VH-01", year=2025, value=72, status=Status.APPROVED, author=office, reviewer=office)
    ProgressReport.objects.filter(target__code="VH-01", year=2025).update(is_estimate=True)
    series = {
        s["key"]: s for s in client_for(office).get("/p/12-ctr-qu/targets/VH-01/").context["page"].chart["series"]
    }
    years = client_for(office).get("/p/12-ctr-qu/targets/VH-01/").context["page"].chart["labels"]
    at = {year: i for i, year in enumerate(years)}
    assert series["estimate"]["values"][at[2025]] == 72.0 and series["estimate"]["values"][at[2024]] is None
    assert series["figure"]["values"][at[2024]] == 71.0
    # VH-01 plans 70–73 every year of 2021–2025: the band's edges.
    assert series["range_low"]["values"][at[2023]] == 70.0 and series["range_high"]["values"][at[2023]] == 73.0


def test_a_target_without_a_range_or_estimates_draws_neither(client_for, office, program):
    make_report(target="XD-01", year=2024, value=91, status=Status.APPROVED, author=office, reviewer=office)
    keys = [s["key"] for s in client_for(office).get("/p/12-ctr-qu/targets/XD-01/").context["page"].chart["series"]]
    assert "estimate" not in keys and "range_high" not in keys


# --- The history a page at a time ------------------------------------------------------------------------


@pytest.mark.parametrize("per_target", [25, 120])
def test_history_query_count_is_fixed_whatever_its_length(
    client_for, office, program, per_target, django_assert_num_queries
):
    add_reports(program, per_target=per_target, author=office, codes=["VH-01"], with_history=True)
    client = client_for(office)
    # as test_query_count_is_fixed: the history's records are read in the same 5 queries, however many
    with django_assert_num_queries(16):
        response = client.get("/p/12-ctr-qu/targets/VH-01/")
    page = response.context["page"]
    assert page.history_page.paginator.count > per_target
    assert len(page.history) == TARGET_HISTORY_PER_PAGE
    assert response.content.decode().count('<tr data-kind="') == TARGET_HISTORY_PER_PAGE


def test_history_shows_the_latest_entries_and_pages_to_the_rest(client_for, office, program):
    add_reports(program, per_target=30, author=office, codes=["VH-01"], with_history=True)
    client = client_for(office)
    first = client.get("/p/12-ctr-qu/targets/VH-01/")
    everything = first.context["page"].history_page.paginator.object_list
    assert first.context["page"].history == everything[:TARGET_HISTORY_PER_PAGE]
    html = first.content.decode()
    assert 'id="history-pages"' in html and "history_page=2#history-heading" in html
    assert 'rel="prev"' not in html  # the newest come first
    seen = []
    for number in range(1, first.context["page"].history_page.paginator.num_pages + 1):
        seen += client.get("/p/12-ctr-qu/targets/VH-01/", {"history_page": number}).context["page"].history
    assert seen == everything  # every entry on one page, none twice
    assert seen == sorted(seen, key=lambda e: e.when, reverse=True)


def test_history_pages_keep_the_year(client_for, office, program):
    add_reports(program, per_target=30, author=office, codes=["VH-01"], with_history=True)
    html = client_for(office).get("/p/12-ctr-qu/targets/VH-01/", {"year": 2024, "history_page": 2}).content.decode()
    assert "?year=2024&amp;history_page=1#history-heading" in html


@pytest.mark.parametrize("number", ["abc", "0", "-3", "99999", "1e9", ""])
def test_a_bad_history_page_gives_the_first_or_the_last(client_for, office, program, number):
    add_reports(program, per_target=30, author=office, codes=["VH-01"], with_history=True)
    response = client_for(office).get("/p/12-ctr-qu/targets/VH-01/", {"history_page": number})
    assert response.status_code == 200
    pages = response.context["page"].history_page
    assert pages.number in (1, pages.paginator.num_pages)


def test_a_short_history_has_no_page_links(client_for, office, program):
    make_report(target="VH-01", year=2025, value=70, status=Status.APPROVED, author=office)
    html = client_for(office).get("/p/12-ctr-qu/targets/VH-01/").content.decode()
    assert 'id="history"' in html and 'id="history-pages"' not in html
