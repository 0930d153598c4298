"""Template filters of the annual review and import pages."""

from decimal import Decimal

from django import template
from django.utils import formats

from .. import assessment

register = template.Library()


@register.filter
def plan_text(plan) -> str:
    """A plan (``assessment.Plan`` or a (min, max) pair) as "70–73" or "90", with the language's decimal mark."""
    return assessment.format_plan(plan, decimal_separator=formats.get_format("DECIMAL_SEPARATOR"))


@register.filter
def percent(value) -> str:
    """103.5 → "103,5 %" in Vietnamese, "103.5 %" in English; empty for None."""
    if value is None:
        return ""
    number = Decimal(value).quantize(Decimal("0.1"))
    return f"{formats.number_format(number, 1, use_l10n=True)} %"


@register.filter
def lookup(mapping, key):
    """``counts|lookup:value``: a dictionary's entry in a template."""
    return mapping.get(key, "") if mapping else ""
