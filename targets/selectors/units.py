"""The units index: every unit, the targets it leads and its punctuality in reporting."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Program, ProgressReport, Unit
from ..text import localised
from .scopes import of_program

# A year's figure is due by this day of the next year (31 January): the day the office gathers the
# yearly figures for the review. Said on the page, so that the share can be checked by hand.
DUE_MONTH, DUE_DAY = 1, 31


def report_due_date(year: int) -> datetime.date:
    """The day by which the yearly figure of ``year`` is due."""
    return datetime.date(year + 1, DUE_MONTH, DUE_DAY)


@dataclass(frozen=True)
class UnitPunctuality:
    code: str
    name: str
    kind_label: str
    is_active: bool
    targets_led: int
    due: int  # yearly figures due: targets led × years whose deadline has passed
    on_time: int  # of those, first submitted by the deadline
    late: int  # first submitted after it
    missing: int  # never submitted

    @property
    def share(self) -> Decimal | None:
        """on time / due, as a percentage to one place; None when nothing was due."""
        if not self.due:
            return None
        return (Decimal(self.on_time) * 100 / self.due).quantize(Decimal("0.1"), ROUND_HALF_UP)


def unit_punctuality(*, program: Program, today: datetime.date | None = None) -> list[UnitPunctuality]:
    """Every unit (those that lead no target too), by name, with its punctuality in reporting.

    For each target a unit leads and each year of the programme whose deadline (``report_due_date``) has
    passed, one yearly figure is due. It came on time when the unit first submitted a yearly report of
    that target and year (whatever became of it later) by the deadline, late when after it, and is
    missing when never submitted. 2 queries: the units with their number of targets led, and the first
    submission of each (target, year) by its lead unit.
    """
    today = today or timezone.localdate()
    years = [y for y in range(program.first_year, program.last_year + 1) if report_due_date(y) < today]
    units = list(
        Unit.objects.filter(organisation_id=program.organisation_id)
        .annotate(targets_led=Count("led_targets", filter=Q(led_targets__program=program)))
        .order_by("name", "code")
    )
    first = defaultdict(list)  # unit id → [first submission day of each (target, year)]
    if years:
        rows = (
            ProgressReport.objects.filter(
                **of_program(program),
                unit_id=F("target__lead_unit_id"),
                quarter__isnull=True,
                year__in=years,
                submitted_at__isnull=False,
            )
            .values("unit_id", "target_id", "year")
            .annotate(first=Min("submitted_at"))
            .values_list("unit_id", "year", "first")
        )
        for unit_id, year, submitted_at in rows:
            first[unit_id].append(timezone.localdate(submitted_at) <= report_due_date(year))
    out = []
    for unit in units:
        due = unit.targets_led * len(years)
        on_time = sum(first[unit.id])
        submitted = len(first[unit.id])
        out.append(
            UnitPunctuality(
                code=unit.code,
                name=localised(unit.name, unit.name_en),
                kind_label=unit.get_kind_display(),
                is_active=unit.is_active,
                targets_led=unit.targets_led,
                due=due,
                on_time=on_time,
                late=submitted - on_time,
                missing=max(due - submitted, 0),
            )
        )
    return out


# --- Units named together -----------------------------------------------------------------------------------
# Party documents write "các phường" (the wards) rather than eight ward names when every ward of the
# organisation takes part. A unit's kind says which units belong together; the collective name of each kind
# is the one the documents use.
UNIT_KIND_COLLECTIVE = {
    Unit.Kind.WARD: _("the wards"),
    Unit.Kind.PARTY: _("the Party bodies"),
    Unit.Kind.GOVERNMENT: _("the government bodies"),
    Unit.Kind.SECURITY: _("the police and the military command"),
    Unit.Kind.MASS_ORGANISATION: _("the Fatherland Front and the mass organisations"),
}


def unit_kinds(*, organisation_id: int) -> dict[str, frozenset[int]]:
    """The ids of the organisation's active units, by kind. 1 query."""
    kinds: dict[str, set[int]] = defaultdict(set)
    for kind, unit_id in Unit.objects.filter(organisation_id=organisation_id, is_active=True).values_list("kind", "id"):
        kinds[kind].add(unit_id)
    return {kind: frozenset(ids) for kind, ids in kinds.items()}


def collective_units(names: list[str], ids: list[int], kinds: dict[str, frozenset[int]]) -> list[str]:
    """``names`` (of the units ``ids``, in the same order) with every complete kind named together: when
    all the active units of one kind (``unit_kinds``) are among them, and there are at least two (one ward
    alone keeps its name), their names give way to the kind's collective name, where the first of them
    stood. No query."""
    present = set(ids)
    collapsed: dict[int, str] = {}  # unit id -> the collective name replacing it ("" after the first)
    for kind, members in kinds.items():
        if len(members) >= 2 and members <= present:
            first = True
            for unit_id in ids:
                if unit_id in members:
                    collapsed[unit_id] = str(UNIT_KIND_COLLECTIVE[kind]) if first else ""
                    first = False
    out = []
    for name, unit_id in zip(names, ids, strict=True):
        label = collapsed.get(unit_id, name)
        if label:
            out.append(label)
    return out
