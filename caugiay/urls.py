from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from targets.signin import AdminSignInForm
from targets.views import general

admin.site.site_header = _("Resolution targets: administration")
admin.site.site_title = _("Resolution targets")
admin.site.index_title = _("Programmes, targets, units and users")
admin.site.login_form = AdminSignInForm  # the same guards as the sign-in page (targets/signin.py)

handler400 = "targets.views.general.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", general.sign_in, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz/", general.healthz, name="healthz"),
    path("favicon.ico", general.favicon, name="favicon"),
    # The benchmark's floor: the layout alone, signed in (manage.py bench); not linked from any page.
    path("_layout/", general.layout_floor, name="layout_floor"),
    path("", include("targets.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
