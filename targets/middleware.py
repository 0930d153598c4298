"""Request limits applied before any view, form or CSRF check reads the body; the language of the pages."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
            response = render(request, "413.html", {"size": length, "limit": limit}, status=413)
            # The unread body cannot be reused on this connection.
            response["Connection"] = "close"
            return response
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
