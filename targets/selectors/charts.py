"""Chart data for json_script: plain dicts, no queries."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .. import assessment
from .labels import PROGRESS_LABELS

if TYPE_CHECKING:
    from .dashboards import TargetRow

User = get_user_model()


def status_chart(counts: list[dict]) -> dict:
    """The doughnut's data for json_script. No query."""
    return {
        "keys": [c["key"] for c in counts],
        "labels": [c["label"] for c in counts],
        "values": [c["count"] for c in counts],
    }


def groups_chart(groups: list[dict]) -> dict:
    """The stacked bars' data for json_script: one series per status. No query."""
    return {
        "labels": [f"{g['number']}. {g['name']}" for g in groups],
        "series": [
            {"key": str(s), "label": str(PROGRESS_LABELS[s]), "values": [g["counts"][i] for g in groups]}
            for i, s in enumerate(assessment.PROGRESS_ORDER)
        ],
    }


def sparklines(*, rows: "list[TargetRow]", years: list[int]) -> dict:
    """{code: {labels, values}} of each target's approved figures, for the group page. No query."""
    span = [y for y in years if any(y in r.figures for r in rows)] or years
    span = list(range(span[0], span[-1] + 1))
    return {r.code: {"labels": span, "values": [_float(r.figures.get(y)) for y in span]} for r in rows if r.figures}


def _float(value: Decimal | None) -> float | None:
    # JSON has no decimals; charts only draw, the tables beside them show the exact figures.
    return None if value is None else float(value)


def trend_chart(*, row: "TargetRow", years: list[int]) -> dict:
    """The target page's line chart: approved figures, the plan (milestones, or every year of a yearly
    target) and the straight line from the baseline through the milestones. No query."""
    facts = row.facts
    plan, line = [], []
    for year in years:
        planned = assessment.plan_for_year(facts, year)
        plan.append(_float(planned.min_value) if planned and not planned.interpolated else None)
        if facts.has_baseline and year == facts.baseline_year:
            line.append(_float(facts.baseline_value))
        else:
            line.append(_float(planned.min_value) if planned else None)
    return {
        "labels": years,
        "unit": row.unit_of_measure,
        "series": [
            {
                "key": "figure",
                "label": str(_("Approved figure")),
                "values": [_float(row.figures.get(y)) for y in years],
            },
            {"key": "plan", "label": str(_("Plan")), "values": plan},
            # A yearly target has no straight line: its plan is the same every year of its phase.
            *(
                []
                if facts.is_yearly
                else [{"key": "line", "label": str(_("Straight-line expectation")), "values": line}]
            ),
        ],
    }
