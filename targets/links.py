"""Paths of the site's pages, for the rows of a page: ``reverse`` once per URL name, then plain text.

A page of reports, targets or tasks links each row to a few pages; Django's ``reverse`` (and the
``{% url %}`` tag) matches the arguments against the URL pattern every time, about 40 µs a link, which
was a tenth of a report list's time. ``reverse_path(name, *args)`` gives what ``reverse(name, args=args)``
gives: it reverses the name once per process with stand-in arguments, keeps the text between them, and
fills in the quoted arguments. ``path_builder(name, *fixed)`` does the same for the rows of one page,
where every argument but the row's own is the same (``build(code)``). What they keep comes from the code
(the URL configuration and the script prefix, both in its key), never from data.

The arguments are not matched against the pattern as ``reverse`` matches them: use it for values read
from the database (codes, slugs, ids), which the pages' own patterns accept.
"""

import functools
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# What ``reverse`` leaves unquoted in a path (django.urls.resolvers).
_SAFE = RFC3986_SUBDELIMS + "/~:@"
# Stand-ins that every converter of the site accepts (int, slug, code) and no path holds.
_STAND_IN = "90817{}90817"


@functools.lru_cache(maxsize=512)
def _parts(urlconf, script_prefix: str, name: str, count: int) -> tuple[str, ...]:
    """The text of ``name``'s path around its ``count`` arguments: count + 1 pieces."""
    stand_ins = [_STAND_IN.format(i) for i in range(count)]
    text = reverse(name, urlconf=urlconf, args=stand_ins)
    parts = []
    for stand_in in stand_ins:
        before, text = text.split(stand_in, 1)
        parts.append(before)
    parts.append(text)
    return tuple(parts)


def reverse_path(name: str, *args) -> str:
    """``reverse(name, args=args)``, at the cost of a string join."""
    parts = _parts(get_urlconf(), get_script_prefix(), name, len(args))
    out = [parts[0]]
    for arg, part in zip(args, parts[1:], strict=True):
        out.append(quote(str(arg), safe=_SAFE))
        out.append(part)
    return "".join(out)


def path_builder(name: str, *fixed):
    """A function of one more argument (a row's code or id) giving ``reverse(name, args=[*fixed, value])``,
    with ``fixed`` (the page's programme, say) filled in once."""
    parts = _parts(get_urlconf(), get_script_prefix(), name, len(fixed) + 1)
    head = parts[0] + "".join(quote(str(arg), safe=_SAFE) + part for arg, part in zip(fixed, parts[1:-1], strict=True))
    tail = parts[-1]

    def build(value) -> str:
        return f"{head}{quote(str(value), safe=_SAFE)}{tail}"

    return build
