"""``{% path 'name' arg … %}``: the ``{% url %}`` of a row's link at the cost of a string join (``links``)."""

from django import template

from ..links import reverse_path

register = template.Library()


@register.simple_tag(name="path")
def path_tag(name, *args) -> str:
    """What ``{% url name arg … %}`` gives, for links repeated in every row of a page."""
    return reverse_path(name, *args)
