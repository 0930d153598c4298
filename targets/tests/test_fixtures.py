"""The reference data of 12-CTr/QU: what the spec's CSV files say, loaded whole and loaded once."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from targets import services
from targets.models import DomainGroup, Milestone, Program, ProgressReport, SolutionGroup, Target, Unit

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def read(name):
    with (FIXTURES / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_programme_fields(program):
    assert program.number == "12-CTr/QU"
    assert program.issued_on.isoformat() == "2022-10-20"
    assert program.parent_body == "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI"
    assert program.issuing_body == "QUẬN ỦY CẦU GIẤY"
    assert "15-NQ/TW" in program.resolution and "05/5/2022" in program.resolution
    assert program.milestone_years == [2025, 2030]
    assert (program.first_year, program.last_year) == (2021, 2030)


def test_six_groups_in_the_articles_order(program):
    groups = list(program.groups.order_by("number").values_list("number", "code"))
    assert groups == [(1, "XD"), (2, "KT"), (3, "VH"), (4, "DD"), (5, "DT"), (6, "AN")]
    assert SolutionGroup.objects.filter(program=program).count() == 6


def test_41_targets_each_with_lead_unit_and_milestone(program):
    targets = Target.objects.filter(program=program)
    assert targets.count() == 41
    assert len(set(targets.values_list("code", flat=True))) == 41
    for target in targets.prefetch_related("milestones"):
        assert target.lead_unit_id is not None
        assert target.milestones.exists(), target.code
    assert Unit.objects.count() == 31


def test_every_unit_code_of_the_csv_is_resolved(program):
    units = set(Unit.objects.values_list("code", flat=True))
    for row in read("targets.csv"):
        assert row["lead_unit"] in units
        for code in filter(None, row["cooperating_units"].split(";")):
            assert code in units


def test_values_exactly_as_in_the_csv(program):
    rows = {row["code"]: row for row in read("targets.csv")}
    for target in Target.objects.filter(program=program).prefetch_related("milestones", "supporting_units"):
        row = rows[target.code]
        assert target.name == row["name_vi"]
        assert target.name_en == row["name_en"]
        assert target.unit_of_measure == row["unit_of_measure"]
        assert target.direction == row["direction"]
        assert target.is_yearly == (row["yearly"] == "yes")
        assert target.source_note == row["source"]
        assert target.lead_unit.code == row["lead_unit"]
        assert {u.code for u in target.supporting_units.all()} == set(filter(None, row["cooperating_units"].split(";")))
        assert str(target.baseline_value or "") == row["baseline_value"] or float(target.baseline_value) == float(
            row["baseline_value"]
        )
        milestones = {m.year: m for m in target.milestones.all()}
        for year in (2025, 2030):
            if row[f"target_{year}"]:
                assert float(milestones[year].min_value) == float(row[f"target_{year}"])
                expected_max = row[f"target_{year}_max"]
                assert (float(milestones[year].max_value) if milestones[year].max_value is not None else "") == (
                    float(expected_max) if expected_max else ""
                )
                assert milestones[year].deadline.isoformat() == f"{year}-12-31"
            else:
                assert year not in milestones


def test_the_cultural_units_target_is_the_articles_range(program):
    milestone = Milestone.objects.get(target__code="VH-01", year=2025)
    assert (milestone.min_value, milestone.max_value) == (70, 73)


def test_fixtures_match_the_spec_files():
    shared = Path(settings.BASE_DIR).parent / "shared" / "spec"
    if not shared.exists():
        pytest.skip("shared/spec is not beside this checkout")
    # The spec's columns are kept as they are; the fixtures add columns of their own after them
    # (targets: period_average, unit_of_measure_en; units: name_en), see fixtures/README.md.
    for ours, theirs in [("targets.csv", "targets-12-CTr-QU.csv"), ("units.csv", "units.csv")]:
        spec_rows = _csv_rows(shared / theirs)
        our_rows = _csv_rows(FIXTURES / ours)
        assert [{k: row[k] for k in spec_rows[0]} for row in our_rows] == spec_rows, ours
    for name in ("groups.csv", "solution-groups.csv"):
        assert (FIXTURES / name).read_bytes() == (shared / name).read_bytes()


def _csv_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_period_averages_are_flagged_and_english_names_loaded(program):
    assert set(Target.objects.filter(is_period_average=True).values_list("code", flat=True)) == {
        "KT-01",
        "KT-04",
        "KT-08",
    }
    assert not Target.objects.filter(is_period_average=True, is_yearly=True).exists()
    assert Target.objects.get(code="KT-01").unit_of_measure_en == "%/year"
    assert not Target.objects.filter(unit_of_measure_en="").exists()
    assert not Unit.objects.filter(name_en="").exists()


def test_reloading_changes_nothing(program):
    history = (Target.history.count(), Milestone.history.count(), Program.history.count())
    _, summary = services.program_load_reference(manifest=FIXTURES / "program.json")
    assert not summary.changed_anything
    assert history == (Target.history.count(), Milestone.history.count(), Program.history.count())


def test_reloading_updates_a_corrected_value(program, tmp_path):
    for name in ("program.json", "organisations.csv", "groups.csv", "units.csv", "solution-groups.csv"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    text = (
        (FIXTURES / "targets.csv").read_text(encoding="utf-8").replace("XD-02,Tỷ lệ đảng viên", "XD-02,Tỷ lệ Đảng viên")
    )
    (tmp_path / "targets.csv").write_text(text, encoding="utf-8")
    _, summary = services.program_load_reference(manifest=tmp_path / "program.json")
    assert summary.updated == {"target": 1}
    assert Target.objects.get(code="XD-02").name.startswith("Tỷ lệ Đảng viên")


def test_a_bad_row_writes_nothing(empty_db, tmp_path):
    for name in ("program.json", "organisations.csv", "groups.csv", "units.csv", "solution-groups.csv"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    text = (FIXTURES / "targets.csv").read_text(encoding="utf-8").replace(",BTCQU,QD;HLHPN,", ",NOPE,QD;HLHPN,")
    (tmp_path / "targets.csv").write_text(text, encoding="utf-8")
    with pytest.raises(Exception, match="NOPE"):
        services.program_load_reference(manifest=tmp_path / "program.json")
    assert Program.objects.count() == 0 and Target.objects.count() == 0 and DomainGroup.objects.count() == 0


def test_load_demo_is_idempotent(empty_db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "demo-password" in out and "DEMO" in out
    from django.contrib.auth import get_user_model

    User = get_user_model()
    counts = (
        User.objects.count(),
        ProgressReport.objects.count(),
        Target.objects.count(),
        Milestone.objects.count(),
        ProgressReport.history.count(),
        Target.history.count(),
    )
    call_command("load_demo")
    assert counts == (
        User.objects.count(),
        ProgressReport.objects.count(),
        Target.objects.count(),
        Milestone.objects.count(),
        ProgressReport.history.count(),
        Target.history.count(),
    )
    assert User.objects.filter(username="office", groups__name="office").exists()
    assert User.objects.filter(username="leader", groups__name="leader").exists()
    staff = User.objects.get(username="staff-pvhtt")
    assert staff.check_password("demo-password")
    assert list(staff.units.values_list("code", flat=True)) == ["PVHTT"]
    assert (
        User.objects.filter(memberships__organisation__code="quan-cau-giay", memberships__role="unit_staff").count()
        == 31
    )
    # The ward's accounts, and the city's leader who reads both.
    ward = User.objects.get(username="office-phuong-cau-giay").memberships.get()
    assert (ward.organisation.code, ward.role) == ("phuong-cau-giay", "office")
    assert User.objects.filter(username="leader-phuong-cau-giay", memberships__role="leader").exists()
    city = User.objects.get(username="leader-ha-noi").memberships.get()
    assert (city.organisation.code, city.role) == ("ha-noi", "leader")
    assert Program.objects.filter(slug="01-ctr-du-phuong-cau-giay", organisation__code="phuong-cau-giay").exists()


def test_load_demo_figures_are_plausible(db):
    call_command("load_demo")
    approved = ProgressReport.objects.filter(status="approved", target__program__number="12-CTr/QU")
    years = set(approved.values_list("year", flat=True))
    assert years == {2021, 2022, 2023, 2024, 2025}
    with_figures = set(approved.values_list("target__code", flat=True))
    assert 30 <= len(with_figures) < 41  # most targets, a few missing
    ward = ProgressReport.objects.filter(status="approved", target__program__slug="01-ctr-du-phuong-cau-giay")
    assert set(ward.values_list("year", flat=True)) == {2025}  # the ward's programme starts in 2025
    open_year = ProgressReport.objects.filter(year=2026)
    assert open_year.filter(status="submitted").exists()
    assert open_year.filter(status="returned").exclude(review_comment="").exists()
    for report in approved.select_related("target"):
        if report.target.unit_of_measure == "%":
            assert 0 <= report.value <= 100, report
