"""Signing in: the form of the sign-in page and of the admin's, with two guards in front of the password.

* A username longer than the User model's column is refused before ``authenticate`` runs, so nothing
  records it: django-axes writes the username of every failure, and SQLite would keep a 1,246-character
  one that PostgreSQL then refuses when a backup is restored there (Django's AuthenticationForm sets the
  field's ``max_length`` for the browser only; it adds no validator).
* django-axes locks an account **at one address** after ``AXES_FAILURE_LIMIT`` failures. Across
  addresses, this adds a per-account limit: after ``SIGNIN_USERNAME_LIMIT`` failures for one username
  from any addresses within the cool-off, each further try must wait ``SIGNIN_USERNAME_DELAY_SECONDS``,
  doubling with every failure, at most ``SIGNIN_USERNAME_MAX_DELAY_SECONDS``. A delay, not a lock: an
  attacker rotating addresses gets a handful of tries an hour, while the real user, from any address,
  can still sign in once the delay has passed. The failures are axes' own records (AccessAttempt), so
  the office clears both at once in the admin, as for a lock.
"""

import datetime
import math

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

USERNAME_MAX_LENGTH = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length


def username_for_axes(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the username axes records, never longer than the User column (a path that
    reaches ``authenticate`` without the form's check must not store more than the column holds)."""
    username = (credentials or {}).get("username") if credentials else None
    if username is None and request is not None:
        username = request.POST.get("username")
    return None if username is None else str(username)[:USERNAME_MAX_LENGTH]


def wait_seconds(username: str, *, now: datetime.datetime | None = None) -> int:
    """How long ``username`` must still wait before the next try (0: it may try now). 1 query."""
    from axes.models import AccessAttempt

    limit = settings.SIGNIN_USERNAME_LIMIT
    found = AccessAttempt.objects.filter(username=username).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    failures = found["failures"] or 0
    if failures < limit or found["last"] is None:
        return 0
    delay = min(
        settings.SIGNIN_USERNAME_DELAY_SECONDS * 2 ** min(failures - limit, 32),
        settings.SIGNIN_USERNAME_MAX_DELAY_SECONDS,
    )
    remaining = (found["last"] + datetime.timedelta(seconds=delay) - (now or timezone.now())).total_seconds()
    return max(0, math.ceil(remaining))


class _Guards:
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if len(username) > USERNAME_MAX_LENGTH:
            raise forms.ValidationError(
                _("Username: no account has a name longer than %(max)s characters.") % {"max": USERNAME_MAX_LENGTH},
                code="username_too_long",
            )
        if username and settings.AXES_ENABLED:
            seconds = wait_seconds(username)
            if seconds:
                minutes = max(1, math.ceil(seconds / 60))
                raise forms.ValidationError(
                    ngettext(
                        "Too many failed sign-ins for this account. Try again in %(minutes)s minute, "
                        "or ask the office to clear the failures.",
                        "Too many failed sign-ins for this account. Try again in %(minutes)s minutes, "
                        "or ask the office to clear the failures.",
                        minutes,
                    )
                    % {"minutes": minutes},
                    code="username_delay",
                )
        return super().clean()


class SignInForm(_Guards, AuthenticationForm):
    pass


class AdminSignInForm(_Guards, AdminAuthenticationForm):
    pass
