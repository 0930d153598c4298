"""Pages for everyone: the sign-in page, the health check, the favicon (the home page lists the user's
programmes, views/dashboard.py), the old addresses' redirect, and the layout floor the benchmark compares
every page with."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from .. import selectors
from ..permissions import role_required
from ..signin import SignInForm

sign_in = auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True)


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    path = settings.BASE_DIR / "static" / "img" / "favicon.ico"
    if not path.exists():
        return HttpResponse(status=204)
    return FileResponse(path.open("rb"), content_type="image/x-icon")


@require_GET
@login_required
def layout_floor(request):
    """The site's layout with nothing in it, for a signed-in user: what every page costs before its own
    content (the session, the user, the menu, the template), the floor ``manage.py bench`` measures each
    page against. Not linked from anywhere."""
    return render(request, "base.html")  # every block empty


def bad_request(request, exception=None):
    """400, in the user's language: a field over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a query
    string with a NUL… (Django's own page is a bare English line)."""
    reason = (
        "too_big" if type(exception).__name__ in ("RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent") else ""
    )
    return render(request, "400.html", {"reason": reason}, status=400)


def csrf_failure(request, reason=""):
    """403 for a form sent without a valid CSRF token (an expired page, cookies off), in the user's language."""
    return render(request, "403_csrf.html", status=403)


class TemporaryRedirectKeepingMethod(HttpResponseRedirect):
    status_code = 307  # a form sent to an old address is sent again, as it was, to the new one


@role_required
def to_default_program(request, rest=""):
    """An address of before ``/p/<slug>/`` (``/targets/XD-01/``, ``/reviews/2024/``…): the same page, with its
    query string, of the user's default programme (``selectors.default_program``)."""
    program = selectors.default_program(user=request.user)
    if program is None:
        raise Http404
    url = f"/p/{program.slug}{request.get_full_path()}"
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(url)
    return TemporaryRedirectKeepingMethod(url)
