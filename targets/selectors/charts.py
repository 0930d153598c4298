"""Chart data for json_script: plain dicts, no queries."""

from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from django.contrib.auth import get_user_model
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
    return _target_list_links(program=program, year=year)(**filters)


def _target_list_links(*, program, year: int | None = None):
    """``target_list_link`` for many links of one page: the table's path reversed once, then each link's
    query written as ``urlencode`` writes it (``quote_plus`` of each value, in the order given)."""
    path = reverse_path("target_list", program.slug)
    year_part = [f"year={quote_plus(str(year))}"] if year is not None else []

    def link(**filters) -> str:
        query = [f"{key}={quote_plus(str(value))}" for key, value in filters.items() if value]
        return f"{path}?{'&'.join(query + year_part)}"

    return link


def status_chart(counts: list[dict], *, program, year: int | None = None) -> dict:
    """The doughnut's data for json_script, with the link behind each segment. No query."""
    link = _target_list_links(program=program, year=year)
    return {
        "keys": [c["key"] for c in counts],
        "labels": [c["label"] for c in counts],
        "values": [c["count"] for c in counts],
        "links": [link(status=c["key"]) for c in counts],
    }


def groups_chart(groups: list[dict], *, program, year: int | None = None) -> dict:
    """The stacked bars' data for json_script: one series per status, each bar linked to its targets. No query."""
    link = _target_list_links(program=program, year=year)
    return {
        "labels": [f"{g['number']}. {g['name']}" for g in groups],
        "series": [
            {
                "key": str(s),
                "label": str(PROGRESS_LABELS[s]),
                "values": [g["counts"][i] for g in groups],
                "links": [link(status=str(s), group=g["code"]) for g in groups],
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
