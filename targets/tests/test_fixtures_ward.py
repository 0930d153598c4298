"""The reference data of the Cầu Giấy ward's programme 01-CTr/ĐU and of the organisations: well formed,
and loaded beside 12-CTr/QU by the same loader."""

import csv
import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from targets import services
from targets.models import Milestone, Program, Target, Unit

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
WARD = FIXTURES / "phuong-cau-giay"
MANIFEST = WARD / "program.json"
# Every source note names at least one analogue of SOURCES.md ("For the ward programme").
TAG = re.compile(r"\b[WD]\d\b")


def read(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def header(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


MANIFEST_DATA = json.loads(MANIFEST.read_text(encoding="utf-8"))
GROUPS = read(WARD / "groups.csv")
SOLUTIONS = read(WARD / "solution-groups.csv")
UNITS = read(WARD / "units.csv")
TARGETS = read(WARD / "targets.csv")
ORGANISATIONS = read(FIXTURES / "organisations.csv")


def test_manifest_has_the_districts_keys_and_the_wards_own():
    district = json.loads((FIXTURES / "program.json").read_text(encoding="utf-8"))
    assert set(district) <= set(MANIFEST_DATA)
    assert set(district["files"]) <= set(MANIFEST_DATA["files"])
    assert MANIFEST_DATA["organisation"] == "phuong-cau-giay"
    assert MANIFEST_DATA["slug"] == "01-ctr-du-phuong-cau-giay"
    assert re.fullmatch(r"[a-z0-9-]+", MANIFEST_DATA["slug"])
    assert (MANIFEST_DATA["first_year"], MANIFEST_DATA["last_year"]) == (2025, 2030)
    assert MANIFEST_DATA["milestone_years"] == [2030]
    assert datetime.date.fromisoformat(MANIFEST_DATA["issued_on"]) == datetime.date(2025, 9, 13)
    for name in MANIFEST_DATA["files"].values():
        assert (WARD / name).is_file(), name
    assert MANIFEST_DATA["organisation"] in {row["code"] for row in ORGANISATIONS}


def test_organisations():
    assert header(FIXTURES / "organisations.csv") == [
        "code",
        "name",
        "name_en",
        "parent",
        "parent_body",
        "issuing_body",
        "place_name",
        "is_active",
        "dissolved_on",
    ]
    by_code = {row["code"]: row for row in ORGANISATIONS}
    assert list(by_code) == ["ha-noi", "quan-cau-giay", "phuong-cau-giay", "phuong-nghia-do", "phuong-yen-hoa"]
    for row in ORGANISATIONS:
        assert row["parent"] == ("" if row["code"] == "ha-noi" else "ha-noi"), row["code"]
        assert row["is_active"] in {"yes", "no"}
        # Only an organisation that no longer exists has a date of dissolution.
        assert (row["is_active"] == "no") == bool(row["dissolved_on"]), row["code"]
        if row["dissolved_on"]:
            datetime.date.fromisoformat(row["dissolved_on"])
        assert all(row[k] for k in ("name", "name_en", "parent_body", "issuing_body", "place_name")), row["code"]
    assert by_code["quan-cau-giay"]["dissolved_on"] == "2025-07-01"
    assert by_code["phuong-cau-giay"]["issuing_body"] == MANIFEST_DATA["issuing_body"]


def test_columns_are_the_districts_with_only_the_wards_milestone_year():
    for name in ("groups.csv", "solution-groups.csv", "units.csv"):
        assert header(WARD / name) == header(FIXTURES / name), name
    district = [c for c in header(FIXTURES / "targets.csv") if not c.startswith("target_2025")]
    assert header(WARD / "targets.csv") == district


def test_codes_unique_and_references_resolved():
    group_codes = [row["group_code"] for row in GROUPS]
    assert len(set(group_codes)) == len(group_codes) == 6
    assert [int(row["group_no"]) for row in GROUPS] == list(range(1, 7))
    assert [int(row["solution_no"]) for row in SOLUTIONS] == list(range(1, len(SOLUTIONS) + 1))
    unit_codes = [row["code"] for row in UNITS]
    assert len(set(unit_codes)) == len(unit_codes)
    assert 12 <= len(unit_codes) <= 15
    # Unit codes are unique across programmes in today's loader: none may be one of the district's.
    assert not set(unit_codes) & {row["code"] for row in read(FIXTURES / "units.csv")}
    assert {row["kind"] for row in UNITS} <= set(Unit.Kind.values)
    assert all(row["name_vi"] and row["name_en"] for row in UNITS)
    target_codes = [row["code"] for row in TARGETS]
    assert len(set(target_codes)) == len(target_codes)
    assert 18 <= len(target_codes) <= 25
    groups = {row["group_code"]: row["group_no"] for row in GROUPS}
    for row in TARGETS:
        assert groups[row["group_code"]] == row["group_no"], row["code"]
        assert row["code"].startswith(row["group_code"] + "-"), row["code"]
        assert row["lead_unit"] in unit_codes, row["code"]
        supporting = [c for c in row["cooperating_units"].split(";") if c]
        assert set(supporting) <= set(unit_codes), row["code"]
        assert row["lead_unit"] not in supporting, row["code"]


def test_values_parse_and_make_sense():
    for row in TARGETS:
        code = row["code"]
        assert row["direction"] in Target.Direction.values, code
        assert row["yearly"] in {"yes", "no"} and row["period_average"] in {"yes", "no"}, code
        assert not (row["yearly"] == "yes" and row["period_average"] == "yes"), code
        assert row["name_vi"] and row["name_en"] and row["unit_of_measure"] and row["unit_of_measure_en"], code
        minimum = Decimal(row["target_2030"])
        if row["target_2030_max"]:
            assert Decimal(row["target_2030_max"]) >= minimum, code
        if row["baseline_value"]:
            Decimal(row["baseline_value"])
            assert 1990 <= int(row["baseline_year"]) <= 2025, code
        if row["unit_of_measure"] == "%":
            assert 0 <= minimum <= 100, code


@pytest.mark.parametrize("rows", [TARGETS, SOLUTIONS], ids=["targets", "solution groups"])
def test_every_source_names_its_analogue(rows):
    for row in rows:
        assert TAG.search(row["source"]), row
        # A value that is not the ward's own says so.
        assert "illustrative" in row["source"], row


def test_loads_beside_the_district(program):
    ward, summary = services.program_load_reference(manifest=MANIFEST)
    assert ward.number == "01-CTr/ĐU" and ward.pk != program.pk
    assert ward.issuing_body == "ĐẢNG ỦY PHƯỜNG CẦU GIẤY" and ward.milestone_years == [2030]
    assert summary.created == {
        "programme": 1,
        "unit": len(UNITS),
        "group": 6,
        "solution group": len(SOLUTIONS),
        "target": len(TARGETS),
        "milestone": len(TARGETS),
    }
    # Two programmes with an XD-01 each, led by their own units.
    xd01 = Target.objects.filter(code="XD-01").select_related("program", "lead_unit")
    assert {(t.program.number, t.lead_unit.code) for t in xd01} == {("12-CTr/QU", "BTCQU"), ("01-CTr/ĐU", "BXDD-PCG")}
    assert set(Milestone.objects.filter(target__program=ward).values_list("year", flat=True)) == {2030}
    assert Target.objects.filter(program=program).count() == 41
    assert set(Target.objects.filter(program=ward, is_period_average=True).values_list("code", flat=True)) == {
        row["code"] for row in TARGETS if row["period_average"] == "yes"
    }
    assert Program.objects.get(number="01-CTr/ĐU").groups.count() == 6
    _, again = services.program_load_reference(manifest=MANIFEST)
    assert not again.changed_anything
