"""The reporting workflow's services: every transition, legal and illegal, closed years, conflicts,
corrections, permissions, and the mails sent once a change is committed."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from targets import selectors, services
from targets.models import ProgressReport

from .factories import Status, close_year, counts, make_report
from .factories import target as get_target


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"  # messages are asserted in English, whatever the catalogue says


@pytest.fixture
def vh01(program):
    return get_target("VH-01")


def create(user, target, **kwargs):
    arguments = {"user": user, "target": target, "unit": target.lead_unit, "year": 2025, "value": Decimal("71")}
    arguments.update(kwargs)
    return services.report_create(**arguments)


def reasons(report):
    return list(report.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))


# --- Creating -------------------------------------------------------------------------------------------------


def test_create_makes_a_draft_with_its_author_and_history(staff_a, vh01):
    report = create(staff_a, vh01, quarter=2, is_estimate=True, note="Ước tính")
    assert (report.status, report.version, report.quarter, report.is_estimate) == (Status.DRAFT, 1, 2, True)
    assert report.author == staff_a and report.submitted_at is None
    record = report.history.get()
    assert record.history_user == staff_a and record.history_change_reason == "create"


def test_create_and_submit_at_once(staff_a, vh01):
    report = create(staff_a, vh01, submit=True)
    assert report.status == Status.SUBMITTED and report.submitted_at is not None
    assert reasons(report) == ["create", "submit"]
    assert report.version == 2


def test_create_for_a_period_with_an_approved_figure_is_its_correction(staff_a, office, vh01):
    approved = make_report(target=vh01, author=staff_a, status=Status.APPROVED)
    report = create(staff_a, vh01, value=Decimal("72"))
    assert report.supersedes == approved
    # a whole-year figure is another period than a quarter
    assert create(staff_a, vh01, quarter=1).supersedes is None


def test_a_second_open_report_for_the_same_period_is_refused(staff_a, vh01):
    create(staff_a, vh01)
    before = counts()
    with pytest.raises(ValidationError) as error:
        create(staff_a, vh01, value=Decimal("80"))
    assert "year" in error.value.message_dict
    assert counts() == before


def test_create_refuses_a_year_outside_the_programme_and_a_bad_quarter(staff_a, vh01):
    before = counts()
    with pytest.raises(ValidationError) as error:
        create(staff_a, vh01, year=2019)
    assert "year" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        create(staff_a, vh01, quarter=5)
    assert "quarter" in error.value.message_dict
    assert counts() == before


# --- Every transition -----------------------------------------------------------------------------------------

LEGAL = {
    "update": {Status.DRAFT, Status.RETURNED},
    "submit": {Status.DRAFT, Status.RETURNED},
    "withdraw": {Status.DRAFT, Status.SUBMITTED},
    "approve": {Status.SUBMITTED},
    "return": {Status.SUBMITTED},
    "correct": {Status.APPROVED},
}


def act(action, report, *, staff, office):
    if action == "update":
        return services.report_update(
            user=staff, report=report, version=report.version, year=report.year, value=Decimal("75")
        )
    if action == "submit":
        return services.report_submit(user=staff, report=report)
    if action == "withdraw":
        return services.report_withdraw(user=staff, report=report)
    if action == "approve":
        return services.report_approve(user=office, report=report)
    if action == "return":
        return services.report_return(user=office, report=report, comment="Thiếu tài liệu kèm theo.")
    if action == "correct":
        return services.report_correct(user=staff, report=report, value=Decimal("75"))
    raise AssertionError(action)


@pytest.mark.parametrize(
    "action, start, end",
    [
        ("update", Status.DRAFT, Status.DRAFT),
        ("update", Status.RETURNED, Status.RETURNED),
        ("submit", Status.DRAFT, Status.SUBMITTED),
        ("submit", Status.RETURNED, Status.SUBMITTED),
        ("withdraw", Status.DRAFT, None),  # a draft is discarded
        ("withdraw", Status.SUBMITTED, Status.DRAFT),
        ("approve", Status.SUBMITTED, Status.APPROVED),
        ("return", Status.SUBMITTED, Status.RETURNED),
        ("correct", Status.APPROVED, Status.APPROVED),  # the original counts until the correction is approved
    ],
)
def test_legal_transitions(action, start, end, staff_a, office, vh01):
    report = make_report(target=vh01, author=staff_a, status=start)
    result = act(action, report, staff=staff_a, office=office)
    if end is None:
        assert result is None and not ProgressReport.objects.filter(pk=report.pk).exists()
        assert report.history.latest().history_type == "-"  # the discarded draft stays in the history
        return
    report.refresh_from_db()
    assert report.status == end
    assert report.version == 2 or action == "correct"
    if action == "correct":
        assert result.status == Status.DRAFT and result.supersedes == report and result.value == Decimal("75")
    if action == "return":
        assert report.review_comment == "Thiếu tài liệu kèm theo." and report.reviewer == office
    if action == "approve":
        assert report.reviewer == office and report.reviewed_at is not None


ILLEGAL = [(action, status) for action, allowed in LEGAL.items() for status in Status.values if status not in allowed]


@pytest.mark.parametrize("action, start", ILLEGAL)
def test_illegal_transitions_are_refused_and_write_nothing(action, start, staff_a, office, vh01):
    report = make_report(target=vh01, author=staff_a, status=start)
    before = counts()
    with pytest.raises(ValidationError) as error:
        act(action, report, staff=staff_a, office=office)
    assert error.value.code == "transition"
    report.refresh_from_db()
    assert (report.status, report.version) == (start, 1)
    assert counts() == before


def test_the_whole_loop_returned_edited_resubmitted_approved(staff_a, office, vh01):
    report = create(staff_a, vh01, value=Decimal("70"), submit=True)
    report = services.report_return(user=office, report=report, comment="Số liệu chưa khớp báo cáo quý.")
    report = services.report_update(
        user=staff_a, report=report, version=report.version, year=2025, value=Decimal("71.5")
    )
    assert report.status == Status.RETURNED  # editing alone does not resubmit
    report = services.report_submit(user=staff_a, report=report, version=report.version)
    report = services.report_approve(user=office, report=report, version=report.version)
    assert report.status == Status.APPROVED and report.value == Decimal("71.5")
    assert reasons(report) == ["create", "submit", "return", "update", "submit", "approve"]
    history = selectors.report_history(report=report)
    assert [entry.action for entry in history] == ["approve", "submit", "update", "return", "submit", "create"]
    update = history[2]
    assert update.who == staff_a
    assert [(c.field, c.before, c.after) for c in update.changes] == [("value", Decimal("70"), Decimal("71.5"))]
    returned = history[3]
    assert ("review_comment", "", "Số liệu chưa khớp báo cáo quý.") in [
        (c.field, c.before, c.after) for c in returned.changes
    ]


# --- Corrections: one approved figure per period ------------------------------------------------------------------


def test_approving_a_correction_supersedes_the_old_figure(staff_a, office, vh01):
    old = make_report(target=vh01, author=staff_a, status=Status.APPROVED, value="70")
    correction = services.report_correct(user=staff_a, report=old, value=Decimal("72"), submit=True)
    old.refresh_from_db()
    assert old.status == Status.APPROVED  # still counts while the correction waits
    services.report_approve(user=office, report=correction)
    old.refresh_from_db()
    correction.refresh_from_db()
    assert (old.status, correction.status, correction.supersedes) == (Status.SUPERSEDED, Status.APPROVED, old)
    assert old.value == Decimal("70")  # never edited in place
    assert ProgressReport.objects.filter(target=vh01, year=2025, status=Status.APPROVED).count() == 1
    assert old.history.latest().history_change_reason == "supersede"


def test_an_approval_supersedes_whatever_is_approved_for_the_period_now(staff_a, office, vh01):
    """Two corrections of one figure: the later approval supersedes the earlier one, not the original."""
    original = make_report(target=vh01, author=staff_a, status=Status.APPROVED, value="70")
    first = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED, value="71", supersedes=original)
    second = make_report(target=vh01, author=office, status=Status.SUBMITTED, value="72", supersedes=original)
    services.report_approve(user=office, report=first)
    services.report_approve(user=office, report=second)
    second.refresh_from_db()
    assert second.supersedes == first
    statuses = dict(ProgressReport.objects.filter(target=vh01).values_list("value", "status"))
    assert statuses == {Decimal("70"): "superseded", Decimal("71"): "superseded", Decimal("72"): "approved"}


# --- Closed years ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["update", "submit", "withdraw", "approve", "return", "correct"])
def test_nothing_changes_in_a_closed_year(action, staff_a, office, vh01):
    start = next(iter(LEGAL[action]))
    report = make_report(target=vh01, author=staff_a, status=start, year=2024)
    close_year(vh01.program, 2024)
    before = counts()
    with pytest.raises(ValidationError) as error:
        act(action, report, staff=staff_a, office=office)
    assert "year" in error.value.message_dict
    report.refresh_from_db()
    assert report.status == start
    assert counts() == before


def test_no_new_report_for_a_closed_year_but_a_reopened_one_is_fine(staff_a, vh01):
    close_year(vh01.program, 2024)
    before = counts()
    with pytest.raises(ValidationError) as error:
        create(staff_a, vh01, year=2024)
    assert error.value.message_dict["year"][0].startswith("The year 2024 is closed")
    assert counts() == before
    close_year(vh01.program, 2023, is_closed=False)
    assert create(staff_a, vh01, year=2023).year == 2023


def test_a_draft_cannot_move_into_a_closed_year(staff_a, vh01):
    report = create(staff_a, vh01, year=2025)
    close_year(vh01.program, 2024)
    with pytest.raises(ValidationError):
        services.report_update(user=staff_a, report=report, version=1, year=2024, value=Decimal("1"))
    report.refresh_from_db()
    assert report.year == 2025


def test_year_is_closed_reads_the_programme_and_year(program):
    assert not selectors.year_is_closed(program=program, year=2024)
    close_year(program, 2024)
    assert selectors.year_is_closed(program=program, year=2024)
    assert selectors.year_is_closed(program=program.pk, year=2024)
    assert not selectors.year_is_closed(program=program, year=2025)


# --- Returning needs a comment --------------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   \n ", "x" * 2001])
def test_return_needs_a_comment_of_sensible_length(comment, staff_a, office, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED)
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.report_return(user=office, report=report, comment=comment)
    assert "comment" in error.value.message_dict
    assert counts() == before


# --- Permissions, in the services themselves --------------------------------------------------------------------


def test_services_refuse_the_wrong_people(staff_a, staff_b, leader, office, vh01, unit_b):
    before = counts()
    with pytest.raises(PermissionDenied):
        create(staff_b, vh01)  # another unit's target
    with pytest.raises(PermissionDenied):
        create(leader, vh01)
    with pytest.raises(PermissionDenied):
        create(staff_a, vh01, unit=unit_b)  # their target, but in another unit's name
    submitted = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.report_approve(user=staff_a, report=submitted)
    with pytest.raises(PermissionDenied):
        services.report_return(user=leader, report=submitted, comment="x")
    with pytest.raises(PermissionDenied):
        services.report_withdraw(user=staff_b, report=submitted)
    with pytest.raises(PermissionDenied):
        services.report_bulk_approve(user=staff_a, reports=[submitted])
    assert counts() == before


def test_staff_report_on_targets_they_support_in_their_own_units_name(staff_a, unit_a):
    vh03 = get_target("VH-03")  # led by the Front, supported by the Culture office
    report = create(staff_a, vh03, unit=unit_a)
    assert report.unit == unit_a
    with pytest.raises(PermissionDenied):
        create(staff_a, vh03, unit=vh03.lead_unit, year=2024)


# --- Conflicts ------------------------------------------------------------------------------------------------------


def test_a_stale_version_is_refused_naming_who_changed_it_and_when(staff_a, office, vh01):
    report = create(staff_a, vh01, value=Decimal("70"))
    loaded_version = report.version
    services.report_update(user=office, report=report, version=loaded_version, year=2025, value=Decimal("80"))
    before = counts()
    with pytest.raises(services.ReportConflict) as error:
        services.report_update(user=staff_a, report=report, version=loaded_version, year=2025, value=Decimal("75"))
    assert error.value.changed_by == office
    assert "office" in error.value.messages[0]
    assert error.value.report.version == 2
    report.refresh_from_db()
    assert report.value == Decimal("80")
    assert counts() == before


def test_stale_versions_are_refused_by_every_step(staff_a, office, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED)
    with pytest.raises(services.ReportConflict):
        services.report_approve(user=office, report=report, version=report.version + 1)
    with pytest.raises(services.ReportConflict):
        services.report_return(user=office, report=report, comment="x", version=report.version - 1)
    with pytest.raises(services.ReportConflict):
        services.report_withdraw(user=staff_a, report=report, version=99)
    report.refresh_from_db()
    assert (report.status, report.version) == (Status.SUBMITTED, 1)


def test_the_version_is_claimed_even_where_rows_are_not_locked(staff_a, vh01):
    """SQLite ignores SELECT FOR UPDATE: the conditional UPDATE is what stops a second writer."""
    report = make_report(target=vh01, author=staff_a)
    stale = ProgressReport.objects.get(pk=report.pk)
    ProgressReport.objects.filter(pk=report.pk).update(version=2)  # another writer got there first
    with pytest.raises(services.ReportConflict):
        services.reporting._bump(stale)


# --- Bulk approval --------------------------------------------------------------------------------------------------


def test_bulk_approve_approves_all(staff_a, office, program):
    reports = [
        make_report(target=get_target(code), author=staff_a, status=Status.SUBMITTED)
        for code in ("VH-01", "VH-02", "VH-04")
    ]
    assert services.report_bulk_approve(user=office, reports=reports) == 3
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {Status.APPROVED}


def test_bulk_approve_is_all_or_nothing(staff_a, office, program):
    good = make_report(target=get_target("VH-01"), author=staff_a, status=Status.SUBMITTED)
    drafted = make_report(target=get_target("VH-02"), author=staff_a, status=Status.DRAFT)
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.report_bulk_approve(user=office, reports=[good, drafted])
    assert str(drafted.pk) in error.value.messages[0]
    good.refresh_from_db()
    assert good.status == Status.SUBMITTED
    assert counts() == before


def test_bulk_approve_checks_the_versions_the_queue_showed(staff_a, office, vh01):
    report = make_report(target=vh01, author=staff_a, status=Status.SUBMITTED)
    with pytest.raises(ValidationError):
        services.report_bulk_approve(user=office, reports=[report], versions={report.pk: 7})
    with pytest.raises(ValidationError):
        services.report_bulk_approve(user=office, reports=[])


# --- Mails after commit ---------------------------------------------------------------------------------------------


def test_mails_go_out_only_after_commit(staff_a, office, vh01, django_capture_on_commit_callbacks):
    office.email = "vanphong@example.vn"
    office.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create(staff_a, vh01, submit=True)
    # The programme's data version moves after the commit too (services/versions.py): the mail is the other one.
    mails = [callback for callback in callbacks if not callback.__code__.co_filename.endswith("versions.py")]
    assert mail.outbox == [] and len(mails) == 1
    mails[0]()
    assert [m.to for m in mail.outbox] == [["vanphong@example.vn"]]
