"""Pages for everyone: the home page, the health check, the favicon."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from .. import selectors
from ..permissions import role_required


@role_required
def home(request):
    program = selectors.program_current()
    groups = selectors.home_groups(program=program) if program else []
    waiting = selectors.waiting_for(user=request.user)  # the reporting workflow's "waiting for you"
    return render(request, "targets/home.html", {"program": program, "groups": groups, "waiting": waiting})


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
