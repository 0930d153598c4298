"""Chart data for json_script: plain dicts, no queries."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .. import assessment
from ..links import reverse_path
from .labels import PROGRESS_LABELS

if TYPE_CHECKING:
    from .dashboards import TargetRow

User = get_user_model()


def target_list_link(*, program, year: int | None = None, **filters) -> str:
    """The table of targets filtered as given (``status``, ``group``, ``unit``), as of ``year`` when past:
    where a chart's segment or a count of the overview leads."""
    query = {key: value for key, value in filters.items() if value}
    if year is not None:
        query["year"] = year
    return f"{reverse_path('target_list', program.slug)}?{urlencode(query)}"


def status_chart(counts: list[dict], *, program, year: int | None = None) -> dict:
    """The doughnut's data for json_script, with the link behind each segment. No query."""
    return {
        "keys": [c["key"] for c in counts],
        "labels": [c["label"] for c in counts],
        "values": [c["count"] for c in counts],
        "links": [target_list_link(program=program, status=c["key"], year=year) for c in counts],
    }


def groups_chart(groups: list[dict], *, program, year: int | None = None) -> dict:
    """The stacked bars' data for json_script: one series per status, each bar linked to its targets. No query."""
    return {
        "labels": [f"{g['number']}. {g['name']}" for g in groups],
        "series": [
            {
                "key": str(s),
                "label": str(PROGRESS_LABELS[s]),
                "values": [g["counts"][i] for g in groups],
                "links": [target_list_link(program=program, status=str(s), group=g["code"], year=year) for g in groups],
            }
            for i, s in enumerate(assessment.PROGRESS_ORDER)
        ],
    }


def sparklines(*, rows: "list[TargetRow]", years: list[int]) -> dict:
    """{code: {labels, values, plan}} of each target's approved figures and the plan of each year (None
    where there is none), for the group page. No query."""
    span = [y for y in years if any(y in r.figures for r in rows)] or years
    span = list(range(span[0], span[-1] + 1))
    return {
        r.code: {
            "labels": span,
            "values": [_float(r.figures.get(y)) for y in span],
            "plan": [_plan_value(r.facts, y) for y in span],
        }
        for r in rows
        if r.figures
    }


def _plan_value(facts, year: int) -> float | None:
    planned = assessment.plan_for_year(facts, year)
    return None if planned is None else _float(planned.min_value)


def _float(value: Decimal | None) -> float | None:
    # JSON has no decimals; charts only draw, the tables beside them show the exact figures.
    return None if value is None else float(value)


def trend_chart(*, row: "TargetRow", years: list[int]) -> dict:
    """The target page's line chart: approved figures, the plan (milestones, or every year of a yearly
    target) and the straight line from the baseline through the milestones. No query."""
    facts = row.facts
    plan, line, low, high = [], [], [], []
    for year in years:
        planned = assessment.plan_for_year(facts, year)
        ranged = planned is not None and planned.is_range
        low.append(_float(planned.min_value) if ranged else None)
        high.append(_float(planned.max_value) if ranged else None)
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
            # Estimates (số ước) have their own marker: they are not final figures.
            *(
                [
                    {
                        "key": "estimate",
                        "label": str(_("Estimate (not final)")),
                        "values": [_float(row.figures.get(y)) if y in row.estimates else None for y in years],
                    }
                ]
                if row.estimates
                else []
            ),
            {"key": "plan", "label": str(_("Plan")), "values": plan},
            # A planned range (70–73) is a band between its two edges, not one point.
            *(
                [
                    {"key": "range_low", "label": str(_("Planned range: minimum")), "values": low},
                    {"key": "range_high", "label": str(_("Planned range")), "values": high},
                ]
                if any(v is not None for v in high)
                else []
            ),
            # A yearly target or a period average has no straight line: its plan is the same every year of its phase.
            *(
                []
                if facts.has_phase_plan
                else [{"key": "line", "label": str(_("Straight-line expectation")), "values": line}]
            ),
        ],
    }
