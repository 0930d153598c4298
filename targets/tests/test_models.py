"""What must never happen is refused twice: by the database, and with a readable message by full_clean()."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from targets.models import AnnualReview, DomainGroup, Milestone, Program, ProgressReport, Target, Unit


def refused_by_database(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.fixture
def target(program):
    return Target.objects.get(code="VH-01")


def report(target, office, **kwargs):
    values = {"target": target, "unit": target.lead_unit, "year": 2024, "value": Decimal("71"), "author": office}
    values.update(kwargs)
    return ProgressReport(**values)


def test_duplicate_target_code_in_a_programme(target):
    clone = Target(
        program=target.program,
        group=target.group,
        code=target.code,
        name="x",
        unit_of_measure="%",
        direction="increase",
        lead_unit=target.lead_unit,
    )
    with pytest.raises(ValidationError) as error:
        clone.full_clean()
    assert "code" in str(error.value) or "__all__" in error.value.message_dict
    refused_by_database(clone.save)


def test_same_target_code_in_another_programme_is_fine(target, program):
    other = Program.objects.create(
        number="01-CTr/ĐU",
        title="Ward programme",
        issued_on=datetime.date(2025, 9, 1),
        organisation=program.organisation,
        slug="01-ctr-du",
        resolution="Nghị quyết Đại hội",
        first_year=2025,
        last_year=2030,
        milestone_years=[2030],
    )
    group = DomainGroup.objects.create(program=other, number=1, code="VH", name="Văn hóa")
    clone = Target(
        program=other,
        group=group,
        code=target.code,
        name="x",
        unit_of_measure="%",
        direction="increase",
        lead_unit=target.lead_unit,
    )
    clone.full_clean()
    clone.save()


def test_duplicate_unit_and_group_codes(program):
    with pytest.raises(ValidationError):
        Unit(organisation=program.organisation, code="PVHTT", name="x", kind="government").full_clean()
    refused_by_database(
        lambda: Unit.objects.create(organisation=program.organisation, code="PVHTT", name="x", kind="government")
    )
    refused_by_database(lambda: DomainGroup.objects.create(program=program, number=9, code="XD", name="x"))
    refused_by_database(lambda: DomainGroup.objects.create(program=program, number=1, code="ZZ", name="x"))


def test_milestone_max_below_min(target):
    milestone = Milestone(target=target, year=2027, min_value=80, max_value=70)
    with pytest.raises(ValidationError) as error:
        milestone.full_clean()
    assert "max_value" in error.value.message_dict
    refused_by_database(milestone.save)


def test_two_milestones_for_one_year(target):
    milestone = Milestone(target=target, year=2025, min_value=1)
    with pytest.raises(ValidationError):
        milestone.full_clean()
    refused_by_database(milestone.save)


def test_milestone_year_outside_the_programme(target):
    milestone = Milestone(target=target, year=2035, min_value=1)
    with pytest.raises(ValidationError) as error:
        milestone.full_clean()
    assert "2021" in error.value.message_dict["year"][0]
    refused_by_database(lambda: Milestone.objects.create(target=target, year=1800, min_value=1))


def test_milestone_deadline_defaults_to_the_end_of_its_year(target):
    milestone = Milestone(target=target, year=2027, min_value=72)
    milestone.full_clean()
    milestone.save()
    assert milestone.deadline == datetime.date(2027, 12, 31)


@pytest.mark.parametrize("quarter", [0, 5])
def test_report_quarter_outside_1_to_4(target, office, quarter):
    bad = report(target, office, quarter=quarter)
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "quarter" in error.value.message_dict
    refused_by_database(bad.save)


def test_report_year_outside_the_programme(target, office):
    bad = report(target, office, year=2031)
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "year" in error.value.message_dict
    refused_by_database(lambda: report(target, office, year=3000).save())


def test_one_approved_figure_per_period(target, office):
    report(target, office, status="approved").save()
    refused_by_database(lambda: report(target, office, status="approved").save())
    # quarters are periods of their own, and other statuses never clash
    report(target, office, status="approved", quarter=1).save()
    refused_by_database(lambda: report(target, office, status="approved", quarter=1).save())
    report(target, office, status="superseded").save()
    report(target, office, status="submitted").save()


def test_unknown_status_and_direction(target, office):
    refused_by_database(lambda: report(target, office, status="lost").save())
    refused_by_database(lambda: Target.objects.filter(pk=target.pk).update(direction="sideways"))


def test_one_review_per_target_and_year(target):
    AnnualReview.objects.create(target=target, year=2025)
    with pytest.raises(ValidationError):
        AnnualReview(target=target, year=2025).full_clean()
    refused_by_database(lambda: AnnualReview.objects.create(target=target, year=2025))


def test_programme_years_ordered(program):
    program.last_year = 2019
    with pytest.raises(ValidationError):
        program.full_clean()
    refused_by_database(program.save)


def test_search_text_has_no_diacritics(target):
    assert "van hoa" in target.search_text
    assert target.search_text == target.search_text.lower()
    assert "đ" not in Target.objects.get(code="XD-01").search_text
