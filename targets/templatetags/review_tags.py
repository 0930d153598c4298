"""Template filters of the annual review pages (numbers and plans: see dashboard_tags), and the tag that
writes the review's table rows."""

from html import escape as _e  # django.utils.html.escape without its SafeString: the rows are marked safe whole

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..links import path_builder
from .dashboard_tags import num, pct, plan, verdict_badge

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``counts|lookup:value``: a dictionary's entry in a template."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def at(sequence, index):
    """``years|at:forloop.counter0``: the item of a list at a position, to pair two lists in a loop."""
    try:
        return sequence[index]
    except (IndexError, TypeError):
        return ""


@register.filter
def target_year_labels(years) -> list[str]:
    """``review.milestone_years|target_year_labels``: "Target 2025" for each year, translated once for the
    header and every line's cells rather than once a cell."""
    return [gettext("Target %(y)s") % {"y": year} for year in years]


@register.simple_tag(takes_context=True)
def review_rows(context, review, milestone_labels, year: int, may_close: bool) -> str:
    """``{% review_rows review milestone_labels year may_close %}``: the ``<tbody>`` of each group of the
    annual review's table, a heading row and a line per target, written by one tag rather than two dozen
    template nodes a line (as ``report_tags.report_rows``): each label is translated once for the page,
    each link reversed once (``links.path_builder``). ``may_close`` and the year open: the "Change" button
    of each line."""
    may_edit = may_close and not review.is_closed
    slug = context["program"].slug
    target_url, edit_url = path_builder("target_detail", slug), path_builder("review_edit", slug, year)
    labels = {
        key: _e(text)
        for key, text in {
            "plan": gettext("Plan %(year)s") % {"year": year},
            "previous": gettext("Result %(previous)s") % {"previous": year - 1},
            "result": gettext("Result %(year)s") % {"year": year},
            "percent": gettext("% of plan"),
            "assessment": gettext("Assessment"),
            "unit": gettext("Lead unit"),
            "line": gettext("straight-line expectation"),
            "estimate": gettext("estimate"),
            "unapproved": gettext("not yet approved"),
            "change": gettext("Change"),
        }.items()
    }
    computed = gettext("Computed: %(computed)s")
    milestone_cells = [f'<td class="num" data-label="{_e(str(label))}">' for label in milestone_labels]
    colspan = len(review.milestone_years) + 9
    out = []
    for group in review.groups:
        out.append(
            f'<tbody><tr class="table-light"><th scope="colgroup" colspan="{colspan}" class="text-uppercase">'
            f"{_e(group.roman)}. {_e(group.name)}</th></tr>"
        )
        for line in group.lines:
            code = _e(line.code)
            out.append(
                f'<tr id="review-{code}" data-assessment="{_e(line.assessment)}">'
                f'<td class="num review-number">{int(line.number)}</td>'
                f'<td class="review-target"><a href="{_e(target_url(line.code))}"><strong class="code">{code}'
                f"</strong></a> {_e(line.name)} "
                f'<span class="small text-body-secondary">({_e(line.unit_of_measure)})</span>'
            )
            if line.comment:
                out.append(f'<div class="small text-body-secondary review-comment">{_e(line.comment)}</div>')
            out.append("</td>")
            out.extend(f"{cell}{_e(plan(m))}</td>" for cell, m in zip(milestone_cells, line.milestones, strict=False))
            out.append(f'<td class="num" data-label="{labels["plan"]}">{_e(plan(line.plan))}')
            if line.plan is not None and line.plan.interpolated:
                out.append(f'<abbr title="{labels["line"]}">*</abbr>')
            out.append(
                f'</td><td class="num" data-label="{labels["previous"]}">{_e(num(line.previous))}</td>'
                f'<td class="num" data-label="{labels["result"]}">{_e(num(line.figure))}'
            )
            if line.is_estimate:
                out.append(f'<div class="small text-body-secondary">{labels["estimate"]}</div>')
            if line.unapproved:
                out.append(f'<div class="small text-warning-emphasis unapproved">{labels["unapproved"]}</div>')
            out.append(
                f'</td><td class="num" data-label="{labels["percent"]}">{_e(pct(line.percent))}</td>'
                f'<td class="verdict" data-label="{labels["assessment"]}">'
                f"{verdict_badge(line.assessment, line.assessment_label, line.figure)}"
            )
            if line.is_overridden:
                text = computed % {"computed": _e(line.computed_label)}
                out.append(f'<div class="small text-body-secondary">{text}</div>')
            out.append(f'</td><td class="small review-unit" data-label="{labels["unit"]}">{_e(line.lead_unit)}</td>')
            if may_edit:
                out.append(
                    f'<td class="d-print-none"><a class="btn btn-sm btn-outline-secondary text-nowrap action"'
                    f' href="{_e(edit_url(line.code))}">{labels["change"]}<span class="visually-hidden"> {code}'
                    "</span></a></td>"
                )
            out.append("</tr>")
        out.append("</tbody>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
