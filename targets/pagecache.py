"""Rendered pages kept in the cache until the data changes.

``cached_page``: a page of a signed-in user is stored whole under a key made of the data version
(``selectors.data_version``, which every write moves on: ``services.data_changed``, and every ``migrate``
of a new release), the user, the browser's CSRF secret (the page holds form tokens made from it), the
language, today's date (deadlines count days) and the full path. So:

- a write, a role given or taken, a sign-in again (a new CSRF secret), a new release or a new day each
  mean a fresh page;
- a stored page is only ever served to the user it was rendered for, under the same data version: the
  permission checks that ran when it was rendered (the decorator goes above them) still hold, since
  every change of roles, units or activity moves the version on;
- a page with a pending message (after a redirect) is never served from the cache or stored, nor is a
  response that is not a plain 200 or that sets a cookie.

``cached_public_page``: the sign-in page is the same for everyone who is signed out, apart from its CSRF
tokens. It renders with a placeholder instead (``CSRF_PLACEHOLDER`` in the view's context), is stored per
language and path, shared by every visitor, and gets the visitor's own token on every request.

With the default local-memory cache every process keeps its own pages; the version lives in the database,
so a write in one process is seen by all. With Redis (``REDIS_URL``) the processes share the pages.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone

from . import selectors

KEY_PREFIX = "page"
# Letters only, so that HTML escaping leaves it as it is.
CSRF_PLACEHOLDER = "csrftokenplaceholderxqzkmw"


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\n".join([selectors.data_version(), *parts]).encode()).hexdigest()
    return f"{KEY_PREFIX}:{digest}"


def _usable(request) -> bool:
    return (
        bool(settings.TARGETS_PAGE_CACHE_SECONDS)
        and request.method in ("GET", "HEAD")
        and not len(get_messages(request))
    )


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not len(get_messages(request))
    )


def _from_cache_or_render(request, key: str, render):
    """The stored page (its body and the headers its view set), or ``render()``'s, stored if it may be."""
    stored = cache.get(key)
    if stored is not None:
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response
    response = render()
    if _storable(request, response):
        cache.set(key, (response.content, list(response.items())), settings.TARGETS_PAGE_CACHE_SECONDS)
    return response


def cached_page(view):
    """A signed-in user's page, from the cache when nothing it shows has changed; stored otherwise."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        csrf_secret = request.META.get("CSRF_COOKIE")
        if not (_usable(request) and csrf_secret and request.user.is_authenticated):
            return view(request, *args, **kwargs)
        key = _key(
            str(request.user.pk),
            csrf_secret,
            request.LANGUAGE_CODE,
            timezone.localdate().isoformat(),
            request.get_full_path(),
        )
        return _from_cache_or_render(request, key, lambda: view(request, *args, **kwargs))

    return wrapper


def _rendered(response):
    # Django's class-based views answer with a TemplateResponse, rendered only after the view returns.
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.render()
    return response


def _with_token(request, response):
    if not response.streaming and CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return response


def cached_public_page(view):
    """A page that is the same for everyone signed out, rendered with ``CSRF_PLACEHOLDER`` as its
    ``csrf_token``: from the cache per language and path, with the visitor's own token put in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (_usable(request) and not request.user.is_authenticated):
            return _with_token(request, _rendered(view(request, *args, **kwargs)))
        key = _key("public", request.LANGUAGE_CODE, request.get_full_path())
        response = _from_cache_or_render(request, key, lambda: _rendered(view(request, *args, **kwargs)))
        return _with_token(request, response)

    return wrapper
