"""Request limits applied before any view, form or CSRF check reads the body, hostile characters refused
before any lookup, the language of the pages, and the caching headers of private pages."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose declared body is larger than ``settings.REQUEST_MAX_BYTES``.

    The decision is made from the ``Content-Length`` header alone, so an oversized upload is refused
    before a byte of it is read, parsed or written to a temporary file. Django treats a body without
    ``Content-Length`` as empty, so a chunked upload cannot slip past. Per-file limits (evidence, imports)
    are still checked by the forms; this is the outer wall, and nginx's ``client_max_body_size`` the one
    before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_MAX_BYTES
        if length > limit:
            # No "Connection: close": it is a hop-by-hop header, which WSGI forbids an application to set
            # (runserver answers 500 to it); gunicorn and nginx close a connection whose body was not read.
            return render(request, "413.html", {"size": length, "limit": limit}, status=413)
        return self.get_response(request)


def client_ip(request) -> str | None:
    """The client's address for django-axes: X-Real-IP when ``settings.BEHIND_PROXY`` (set by nginx, which
    overwrites whatever the client sent), otherwise the address of the connection."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


class LanguageCookieMiddleware:
    """The pages' language: the one the user picked (the cookie /i18n/setlang/ sets), else ``LANGUAGE_CODE``.

    Django's LocaleMiddleware falls back on the browser's Accept-Language, so an English-language phone
    would open the Vietnamese organisation's pages in English; here Vietnamese stays the default until
    the user chooses another language with the switch in the navigation bar.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response


def _has_control_character(text: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text if ch not in "\t\n\r")


class HostileInputMiddleware:
    """Answer 400 to a query string holding a NUL (or another control character but tab and line breaks).

    PostgreSQL cannot hold a NUL in text at all: a filter or search with one fails inside the database
    (a 500 on every admin list, ``?status=%00``, ``?q=%00``, ``/admin/auth/user/?username=%00``). No
    form, filter or search of this application takes such characters, so they are refused once here for
    every page, the admin's included, before any lookup. Paths are refused by the URL converters
    (``targets/converters.py``): a code with a NUL matches no page and answers 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_control_character(request.path_info):
            # A path the URL converters would refuse anyway, admin ones (``<path:object_id>``) included.
            return render(request, "404.html", status=404)
        for key, values in request.GET.lists():
            if _has_control_character(key) or any(_has_control_character(v) for v in values):
                return render(request, "400.html", {"reason": "control"}, status=400)
        return self.get_response(request)


# The caching rule of pages shown to a signed-in user, in one place. Without a validator the page is
# never stored (no-store); with an ETag (conditional GET) the browser may keep it but must ask again each
# time (no-cache), and a shared cache never stores it (private).
PRIVATE_NO_STORE = {"private": True, "no_store": True}
PRIVATE_REVALIDATE = {"private": True, "no_cache": True}


class PrivateCacheMiddleware:
    """``Cache-Control`` for every response to a signed-in user that does not set its own: HTML pages,
    evidence downloads, anything else. A view that knows better (the xlsx downloads, the favicon) sets it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, **(PRIVATE_REVALIDATE if response.has_header("ETag") else PRIVATE_NO_STORE))
            patch_vary_headers(response, ["Cookie"])
        return response
