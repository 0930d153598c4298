"""Rendered pages kept in the cache until the data changes.

A page of a signed-in user is stored whole under a key made of the data version (``selectors.data_version``,
which every write moves on: ``services.data_changed``), the user, the browser's CSRF secret (the page holds
form tokens made from it), the language, today's date (deadlines count days) and the full path. So:

- the permission checks still run before the cache is asked (the decorator goes under them);
- a write, a role given or taken, a sign-in again (a new CSRF secret) or a new day each mean a fresh page;
- a page with a pending message (after a redirect) is never served from the cache or stored, nor is a
  response that is not a plain 200 or that sets a cookie.

With the default local-memory cache every process keeps its own pages; the version lives in the database,
so a write in one process is seen by all. With Redis (``REDIS_URL``) the processes share the pages.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from . import selectors

KEY_PREFIX = "page"


def _key(request) -> str | None:
    """The page's cache key, or None when this request must not use the cache."""
    if not settings.TARGETS_PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return None
    csrf_secret = request.META.get("CSRF_COOKIE")
    if not csrf_secret or not request.user.is_authenticated or len(get_messages(request)):
        return None
    parts = "\n".join(
        [
            selectors.data_version(),
            str(request.user.pk),
            csrf_secret,
            request.LANGUAGE_CODE,
            timezone.localdate().isoformat(),
            request.get_full_path(),
        ]
    )
    return f"{KEY_PREFIX}:{hashlib.sha256(parts.encode()).hexdigest()}"


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not len(get_messages(request))
    )


def cached_page(view):
    """Serve the page from the cache when nothing it shows has changed; store it otherwise."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _key(request)
        if key is None:
            return view(request, *args, **kwargs)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            cache.set(key, (response.content, response["Content-Type"]), settings.TARGETS_PAGE_CACHE_SECONDS)
        return response

    return wrapper
