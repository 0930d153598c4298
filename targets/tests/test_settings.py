"""Settings read from the environment refuse malformed values with a message naming the variable."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SETTINGS_CHECK = "import django; django.setup()"


def start(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(env, DJANGO_SETTINGS_MODULE="caugiay.settings")
    return subprocess.run(
        [sys.executable, "-c", SETTINGS_CHECK], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "mysql2://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://user@localhost:5432/"}, "DATABASE_URL"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DJANGO_DEBUG": "false"}, "DJANGO_SECRET_KEY"),
        ({"EVIDENCE_MAX_BYTES": "ten"}, "EVIDENCE_MAX_BYTES"),
        ({"TARGETS_ON_TRACK_RATIO": "0.5"}, "TARGETS_ON_TRACK_RATIO"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
    ],
)
def test_malformed_values_stop_start_up(env, named):
    result = start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_good_values_start():
    assert start(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="example.org").returncode == 0
    assert start(DATABASE_URL="postgres://postgres@127.0.0.1:5432/caugiay").returncode == 0


def test_defaults():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ


def test_vietnamese_dates_are_day_first():
    from django import forms
    from django.utils import translation

    with translation.override("vi"):
        field = forms.DateField(localize=True)
        assert field.clean("12/01/2026").isoformat() == "2026-01-12"
