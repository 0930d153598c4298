"""Cheap repeat views: HTTP conditional GET on the signed-in pages, with nothing stored on the server.

``page_etag(scope)`` gives a page an ETag made of what it shows: the data version of the programmes in
``scope`` (``services.program_version_bump`` moves it after every committed change, admin edits and
changes to users, roles and units included), the user, the language, today's date (deadlines and "as of"
move with it), the full path with its query string, the CSRF cookie and the release (the code, templates
and catalogues). A browser that sends the ETag back (``If-None-Match``) gets a 304 from one query beyond the
sign-in's, and keeps showing the copy it has. ``Cache-Control: private, no-cache`` lets the browser keep the
page but makes it ask every time, so a change shows at the next view; no shared cache may keep it.

No ETag (so no 304) when a message waits to be shown (``django.contrib.messages``): that page must render,
and its one-time message must not come back from the browser's copy.

The CSRF token in the page's forms: with ``CSRF_USE_SESSIONS`` off (our settings) the token is a masked copy
of the secret in the ``csrftoken`` cookie, valid as long as that cookie is. Django rotates the secret when
the user signs in, so a copy kept from an earlier session would carry a stale token: the cookie's value is
part of the ETag (hashed, never sent back), so a new secret means a new ETag and a fresh page.

Scopes: ``PROGRAM``, the one programme of a page under ``/p/<slug>/`` (the view gets it from
``permissions.program_required``, which has read it with its version: no query); ``CURRENT``, the newest
active one; ``ACTIVE``, every active programme; ``EVERY``, every programme (the report lists and the
imports cross programmes).
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from .. import selectors

CURRENT, ACTIVE, EVERY, PROGRAM = "current", "active", "every", "program"


@functools.cache
def release() -> str:
    """A digest of what renders the pages besides the data: the application's code and templates, the
    catalogues, the static files' manifest and the TARGETS_* settings. Read once per process; the same in
    every process of a release, so a deployment never lets a browser keep a page of the previous one."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    sources = [
        (base / "targets", {".py", ".html"}),
        (base / "caugiay", {".py"}),
        (base / "templates", {".html", ".txt"}),
        (base / "locale", {".mo"}),
    ]
    for folder, suffixes in sources:
        for path in sorted(folder.rglob("*")):
            if path.suffix in suffixes and "tests" not in path.parts and path.is_file():
                digest.update(path.relative_to(base).as_posix().encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or base / "staticfiles") / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    targets_settings = sorted(
        (name, repr(getattr(settings, name))) for name in dir(settings) if name.startswith("TARGETS_")
    )
    digest.update(repr(targets_settings).encode())
    return digest.hexdigest()[:16]


def _shown_versions(scope: str) -> list[tuple[int, int]]:
    versions = selectors.program_versions()
    if scope == EVERY:
        return [(pk, version) for pk, version, _active in versions]
    active = [(pk, version) for pk, version, is_active in versions if is_active]
    return active[:1] if scope == CURRENT else active


def page_etag_value(request, scope: str, program=None) -> str | None:
    """The page's ETag, or None when the page must render whatever the browser has. 1 query (none for a
    programme's page)."""
    if request.method != "GET" or not request.user.is_authenticated:
        return None
    if len(messages.get_messages(request)):  # counts without marking the messages as shown
        return None
    parts = [
        release(),
        request.user.pk,
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        timezone.localdate().isoformat(),
        request.get_full_path(),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        [(program.pk, program.data_version)] if scope == PROGRAM else _shown_versions(scope),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def page_etag(scope: str):
    """Conditional GET for a page (inside the sign-in and role checks): ETag, 304, and ``Cache-Control:
    private, no-cache`` on both. Set explicitly, so that the middleware's ``no-store`` for signed-in pages
    leaves these alone."""

    def decorator(view):
        def etag(request, *args, **kwargs):
            return page_etag_value(request, scope, program=args[0] if scope == PROGRAM else None)

        conditional = condition(etag_func=etag)(view)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = conditional(request, *args, **kwargs)
            if request.method == "GET" and response.status_code in (200, 304):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        return wrapper

    return decorator
