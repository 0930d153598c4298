"""The yearly review report's stored parts: saving with history, the closed year, stale versions, bad input,
and the header lines of the review's documents."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from targets import selectors, services
from targets.models import ReviewReport, YearClosure

YEAR = 2025


def save(program, user, version=None, **data):
    return services.review_report_save(program=program, year=YEAR, user=user, data=data, version=version)


def test_the_office_writes_the_report_and_history_keeps_each_step(program, office):
    with translation.override("en"):
        report = save(program, office, number="45-BC/QU", dated=datetime.date(2025, 12, 5), leadership="Đã lãnh đạo.")
        assert report.version == 1
        report = save(program, office, version=1, strengths="Ưu điểm.")
    assert report.version == 2
    stored = ReviewReport.objects.get(program=program, year=YEAR)
    assert (stored.number, stored.leadership, stored.strengths) == ("45-BC/QU", "Đã lãnh đạo.", "Ưu điểm.")
    assert [h.history_change_reason for h in stored.history.order_by("history_id")] == ["Written", "Changed"]


def test_a_stale_version_is_refused_and_nothing_written(program, office):
    save(program, office, leadership="Một.")
    save(program, office, version=1, leadership="Hai.")
    with pytest.raises(services.ReviewReportConflict):
        save(program, office, version=1, leadership="Ba.")
    with pytest.raises(services.ReviewReportConflict):
        save(program, office, version=0, leadership="Ba.")  # a second "new" report
    assert ReviewReport.objects.get(program=program, year=YEAR).leadership == "Hai."


def test_only_the_office_writes(program, leader, staff_a):
    for user in (leader, staff_a):
        with pytest.raises(PermissionDenied):
            save(program, user, leadership="x")
    assert not ReviewReport.objects.exists()


def test_a_closed_year_is_frozen(program, office):
    YearClosure.objects.create(program=program, year=YEAR, is_closed=True, changed_by=office)
    with pytest.raises(ValidationError) as refused:
        save(program, office, leadership="x")
    assert refused.value.error_list[0].code == "closed"
    assert not ReviewReport.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"number": "45<script>"}, "number"),
        ({"number": "x" * 41}, "number"),
        ({"dated": datetime.date(2030, 1, 1)}, "dated"),
        ({"leadership": "x" * (ReviewReport.TEXT_MAX + 1)}, "leadership"),
        ({"signer_name": "y" * 101}, "signer_name"),
    ],
)
def test_bad_values_name_their_field_and_write_nothing(program, office, data, field):
    with pytest.raises(ValidationError) as refused:
        save(program, office, **data)
    assert field in refused.value.message_dict
    assert not ReviewReport.objects.exists()


def test_a_year_outside_the_programme_is_refused(program, office):
    with pytest.raises(ValidationError):
        services.review_report_save(program=program, year=1999, user=office, data={"leadership": "x"})


def test_control_characters_are_dropped_and_formulas_stay_text(program, office):
    report = save(program, office, leadership="=1+1\x00\x0b\r\nhết\tdòng", number=" 45-BC/QU\x07 ")
    assert report.leadership == "=1+1\nhết dòng"
    assert report.number == "45-BC/QU"


def test_the_header_lines_with_and_without_a_number_and_date(program, office):
    with translation.override("vi"):
        blank = selectors.document_header(program=program, report=None, year=YEAR)
        assert blank.number_line.startswith("Số ") and blank.number_line.endswith("-BC/QU")
        assert blank.place_date_line.startswith(f"{program.place_name}, ngày … tháng … năm ")
        assert not blank.is_numbered and not blank.is_dated
        report = save(program, office, number="45-BC/QU", dated=datetime.date(2026, 2, 5))
        header = selectors.document_header(program=program, report=report, year=YEAR)
        assert header.number_line == "Số 45-BC/QU"
        assert header.place_date_line == f"{program.place_name}, ngày 05 tháng 02 năm 2026"
        assert selectors.document_date(datetime.date(2025, 12, 1)) == "ngày 01 tháng 12 năm 2025"


def test_the_report_for_a_year_not_written_is_a_blank_one(program, django_assert_num_queries):
    with django_assert_num_queries(1):
        report = selectors.review_report_for(program=program, year=YEAR)
    assert report.pk is None and report.version == 0 and report.signer_on_behalf == "T/M BAN THƯỜNG VỤ"


def test_the_demo_writes_a_draft_of_last_years_report_once(program, office):
    import time_machine

    from targets.demo.review_report import demo_review_report_load

    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        assert demo_review_report_load(program=program, office_username="office") == 1
        assert demo_review_report_load(program=program, office_username="office") == 0
    report = ReviewReport.objects.get(program=program, year=2025)
    assert not report.number and report.dated is None  # a draft: numbered and dated when signed
    assert all(getattr(report, name) for name in ReviewReport.NARRATIVE_FIELDS)
    assert "minh họa" in report.leadership
