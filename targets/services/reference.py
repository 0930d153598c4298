"""Reference data: a programme, its groups, units, targets and milestones loaded from CSV files."""

import csv
import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    DomainGroup,
    Milestone,
    Organisation,
    Program,
    SolutionGroup,
    Target,
    Unit,
    slugify_code,
)
from .versions import ALL, program_version_bump

User = get_user_model()


# --- Reference data ---------------------------------------------------------------------------------------


@dataclass
class LoadSummary:
    """What a load created, updated or left as it was, for the command to print."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool = True) -> None:
        bucket = self.created if created else self.updated
        if created or changed:
            bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _yes(text: str) -> bool:
    return text.strip().lower() in {"yes", "true", "1", "x"}


def _decimal_or_none(raw: str, *, where: str) -> Decimal | None:
    if raw == "":
        return None
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("%(where)s: %(raw)r is not a number.") % {"where": where, "raw": raw}) from None


def _save_if_changed(obj, values: dict, summary: LoadSummary, kind: str) -> None:
    """Set ``values`` on an existing ``obj`` and save only if something differs (so history stays quiet)."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.full_clean()
        obj.save()
    summary.count(kind, created=False, changed=bool(changed))


def _upsert(model, lookup: dict, values: dict, summary: LoadSummary, kind: str):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        summary.count(kind, created=True)
        return obj
    _save_if_changed(obj, values, summary, kind)
    return obj


def _manifest_organisation(data: dict, summary: LoadSummary) -> Organisation:
    """The organisation that issues the manifest's programme: the one its ``organisation`` code names (loaded
    from the organisations file or already there), or, for a manifest of before organisations, one made from
    its header's names."""
    code = data.get("organisation")
    if code:
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise ValidationError(_("program.json: unknown organisation %(code)s.") % {"code": code})
        return organisation
    issuing_body = data.get("issuing_body", "")
    return _upsert(
        Organisation,
        {"code": slugify_code(issuing_body) or "to-chuc"},
        {
            "name": issuing_body,
            "parent_body": data.get("parent_body", ""),
            "issuing_body": issuing_body,
            "place_name": data.get("place_name", ""),
        },
        summary,
        "organisation",
    )


def organisations_load(path: Path, summary: LoadSummary) -> dict[str, Organisation]:
    """Load or update the organisations of a CSV file (code, name, name_en, parent, parent_body,
    issuing_body, place_name, is_active, dissolved_on); a parent is named by its code, in the file or
    already there. Returns them by code."""
    rows = _read_csv(path)
    loaded: dict[str, Organisation] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{path.name}, {_('row')} {number}"
        dissolved = row.get("dissolved_on") or None
        try:
            dissolved_on = datetime.date.fromisoformat(dissolved) if dissolved else None
        except ValueError:
            raise ValidationError(
                _("%(where)s: %(raw)r is not a date (YYYY-MM-DD).") % {"where": where, "raw": dissolved}
            ) from None
        loaded[row["code"]] = _upsert(
            Organisation,
            {"code": row["code"]},
            {
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "parent_body": row.get("parent_body", ""),
                "issuing_body": row.get("issuing_body", ""),
                "place_name": row.get("place_name", ""),
                "is_active": _yes(row.get("is_active", "yes")) and dissolved_on is None,
                "dissolved_on": dissolved_on,
            },
            summary,
            "organisation",
        )
    for number, row in enumerate(rows, start=2):
        parent_code = row.get("parent", "")
        parent = (
            loaded.get(parent_code) or Organisation.objects.filter(code=parent_code).first() if parent_code else None
        )
        if parent_code and parent is None:
            raise ValidationError(
                _("%(where)s: unknown parent organisation %(code)s.")
                % {"where": f"{path.name}, {_('row')} {number}", "code": parent_code}
            )
        _save_if_changed(loaded[row["code"]], {"parent": parent}, summary, "organisation")
    return loaded


@transaction.atomic
def program_load_reference(*, manifest: Path) -> tuple[Program, LoadSummary]:
    """Load or update a programme and its groups, units, targets and milestones from a manifest.

    The manifest is a JSON file with the programme's fields and the names of four CSV files beside
    it (``fixtures/program.json`` for 12-CTr/QU). Rows are matched on their codes, so running it again
    after a correction updates what changed and nothing else. Any bad row raises ``ValidationError``
    naming the file and row, and the transaction leaves the database as it was.
    """
    manifest = Path(manifest)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    folder = manifest.parent
    files = data["files"]
    summary = LoadSummary()

    if files.get("organisations"):
        organisations_load(folder / files["organisations"], summary)
    organisation = _manifest_organisation(data, summary)
    number = data["number"]
    program = Program.objects.filter(organisation=organisation, number=number).first()
    slug = data.get("slug") or (program.slug if program else slugify_code(number))
    if Program.objects.filter(slug=slug).exclude(pk=getattr(program, "pk", None)).exists():
        raise ValidationError(
            _("%(file)s: the address %(slug)s is used by another programme.") % {"file": manifest.name, "slug": slug}
        )
    program = _upsert(
        Program,
        {"organisation": organisation, "number": number},
        {
            "slug": slug,
            "title": data["title"],
            "issued_on": datetime.date.fromisoformat(data["issued_on"]),
            "resolution": data["resolution"],
            "first_year": int(data["first_year"]),
            "last_year": int(data["last_year"]),
            "milestone_years": [int(y) for y in data["milestone_years"]],
        },
        summary,
        "programme",
    )

    for row in _read_csv(folder / files["units"]):
        _upsert(
            Unit,
            {"organisation": organisation, "code": row["code"]},
            {"name": row["name_vi"], "name_en": row.get("name_en", ""), "kind": row["kind"]},
            summary,
            "unit",
        )

    groups = {}
    for row in _read_csv(folder / files["groups"]):
        groups[row["group_code"]] = _upsert(
            DomainGroup,
            {"program": program, "code": row["group_code"]},
            {"number": int(row["group_no"]), "name": row["name_vi"], "name_en": row.get("name_en", "")},
            summary,
            "group",
        )

    for row in _read_csv(folder / files["solution_groups"]):
        _upsert(
            SolutionGroup,
            {"program": program, "number": int(row["solution_no"])},
            {"name": row["name_vi"], "source_note": row.get("source", "")},
            summary,
            "solution group",
        )

    units = {unit.code: unit for unit in Unit.objects.filter(organisation=organisation)}
    milestone_columns = {year: (f"target_{year}", f"target_{year}_max") for year in program.milestone_years}
    for order, row in enumerate(_read_csv(folder / files["targets"]), start=1):
        where = f"{files['targets']}, {row.get('code') or order}"
        if row["group_code"] not in groups:
            raise ValidationError(_("%(where)s: unknown group %(code)s.") % {"where": where, "code": row["group_code"]})
        lead_code = row["lead_unit"]
        support_codes = [c for c in row.get("cooperating_units", "").split(";") if c]
        for code in [lead_code, *support_codes]:
            if code not in units:
                raise ValidationError(_("%(where)s: unknown unit %(code)s.") % {"where": where, "code": code})
        baseline_year = row.get("baseline_year") or None
        target = _upsert(
            Target,
            {"program": program, "code": row["code"]},
            {
                "group": groups[row["group_code"]],
                "name": row["name_vi"],
                "name_en": row.get("name_en", ""),
                "unit_of_measure": row["unit_of_measure"],
                "unit_of_measure_en": row.get("unit_of_measure_en", ""),
                "direction": row["direction"],
                "is_yearly": _yes(row.get("yearly", "")),
                "is_period_average": _yes(row.get("period_average", "")),
                "baseline_value": _decimal_or_none(row.get("baseline_value", ""), where=where),
                "baseline_year": int(baseline_year) if baseline_year else None,
                "lead_unit": units[lead_code],
                "source_note": row.get("source", ""),
                "order": order,
            },
            summary,
            "target",
        )
        wanted = {units[c] for c in support_codes}
        if set(target.supporting_units.all()) != wanted:
            existed = bool(target.supporting_units.exists())
            target.supporting_units.set(wanted)
            if existed:
                summary.count("target", created=False)
        for year, (min_col, max_col) in milestone_columns.items():
            min_value = _decimal_or_none(row.get(min_col, ""), where=f"{where}, {min_col}")
            if min_value is None:
                continue
            _upsert(
                Milestone,
                {"target": target, "year": year},
                {
                    "min_value": min_value,
                    "max_value": _decimal_or_none(row.get(max_col, ""), where=f"{where}, {max_col}"),
                    "deadline": datetime.date(year, 12, 31),
                },
                summary,
                "milestone",
            )
    if summary.changed_anything:
        # Units and the organisation are shared by the organisation's programmes (their names show on all
        # their pages): a change to one moves them all; organisations above or beside it show in roll-ups.
        shared = {"unit", "organisation"} & (set(summary.created) | set(summary.updated))
        program_version_bump(program_ids=ALL if shared else [program.pk])
    return program, summary
