"""Template filters of the annual review pages (numbers and plans: see dashboard_tags)."""

from django import template
from django.utils.translation import gettext

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
