"""A form renderer that writes the filter forms' selects and text inputs in Python.

Django writes a ``<select>`` through a template with an ``{% include %}`` per option and another per
attribute list: on the task and target tables, whose filters list every group, unit, status and year, that
was a fifth of the page's time. ``FilterFormRenderer`` writes those two widgets' HTML exactly as Django's
templates (``django/forms/widgets/select.html``, ``select_option.html``, ``input.html``, ``attrs.html``) do,
from the same context the widget builds, and leaves every other template to Django.
"""

from html import escape

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
_INPUTS = {f"django/forms/widgets/{kind}.html" for kind in ("input", "text", "search")}


def _attrs(attrs: dict) -> str:
    """``attrs.html``: `` name="value"`` for each attribute, the name alone for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _select(widget: dict) -> str | None:
    html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                return None
            html.append(
                f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # select_option.html ends with a newline
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>'


class FilterFormRenderer(DjangoTemplates):
    """Django's renderer, but selects and text inputs are written without a template (same HTML)."""

    def render(self, template_name, context, request=None):
        if template_name == _SELECT:
            html = _select(context["widget"])
            if html is not None:
                return html
        elif template_name in _INPUTS:
            return _input(context["widget"])
        return super().render(template_name, context, request)


FILTER_FORM_RENDERER = FilterFormRenderer()
