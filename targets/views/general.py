"""Pages for everyone: the sign-in page, the health check and the favicon (the home page is the overview,
views/dashboard.py)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import DatabaseError, connection
from django.http import FileResponse, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

sign_in = auth_views.LoginView.as_view(redirect_authenticated_user=True)


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
