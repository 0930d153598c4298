"""Production settings and serving: check --deploy is clean, the security headers and the CSP are sent,
sign-in is locked after repeated failures (and the office can unlock it), oversized uploads are refused
before they are read, and gunicorn serves the application with WhiteNoise's hashed static files."""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import Resolver404, resolve

from targets.models import ProgressReport

SECRET = secrets.token_urlsafe(50)


def production_env(**extra) -> dict:
    """The environment of a production start: DJANGO_DEBUG=false, a secret key and the host names."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "GUNICORN_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="caugiay.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="chitieu.example.vn,127.0.0.1",
    )
    environment.update(extra)
    return environment


def run(args, **env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- Settings -----------------------------------------------------------------------------------------------


def test_check_deploy_is_clean_under_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_false_alone_turns_on_the_secure_defaults():
    names = [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "SESSION_COOKIE_AGE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "AXES_ENABLED",
        "AXES_FAILURE_LIMIT",
    ]
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}} | "
        "{'static': s.STORAGES['staticfiles']['BACKEND'], 'validators': len(s.AUTH_PASSWORD_VALIDATORS), "
        "'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES']}))"
    )
    result = run(["-c", script])
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] and values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SESSION_COOKIE_AGE"] <= 12 * 3600 and values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert values["AXES_ENABLED"] and values["AXES_FAILURE_LIMIT"] == 5
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["validators"] == 4
    for sources in values["csp"].values():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources


def test_the_limits_leave_room_for_the_forms_own_messages():
    # A file just over its own limit reaches the form, which names the field and the limit.
    assert settings.EVIDENCE_MAX_BYTES < settings.REQUEST_MAX_BYTES
    assert settings.IMPORT_MAX_BYTES < settings.REQUEST_MAX_BYTES


# --- Headers ------------------------------------------------------------------------------------------------


def _resolves(url):
    try:
        resolve(url)
    except Resolver404:
        return False
    return True


def test_security_headers_and_csp_on_every_kind_of_page(client, client_for, office, program):
    anonymous = [client.get("/accounts/login/"), client.get("/healthz/"), client.get("/no-such-page/")]
    signed_in = client_for(office)
    pages = [
        url
        for url in (
            "/p/12-ctr-qu/",
            "/reports/",
            "/p/12-ctr-qu/targets/",
            "/help/",
            "/p/12-ctr-qu/targets/VH-01/reports/new/",
        )
        if _resolves(url)
    ]
    assert "/p/12-ctr-qu/" in pages
    for response in anonymous + [signed_in.get(url) for url in pages]:
        assert response.status_code in (200, 404), response.request["PATH_INFO"]
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


# --- Sign-in lockout ----------------------------------------------------------------------------------------


def _sign_in(client, username, password, address="10.1.1.1", **headers):
    client.cookies["django_language"] = "en"  # the messages the tests read are the English ones
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def test_repeated_failures_lock_the_account_at_that_address_until_the_office_unlocks(client, leader, office):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = _sign_in(client, "leader", "wrong password")
        assert response.status_code == 200
        assert "Account locked" not in response.content.decode()
    locked = _sign_in(client, "leader", "wrong password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Account locked" in page
    assert "Too many failed sign-in attempts" in page and "ask the office" in page

    # The right password does not help from that address ...
    assert _sign_in(client, "leader", "demo-password").status_code == 429
    # ... but the lock is on the pair of account and address: the leader signs in from another one.
    elsewhere = _sign_in(client, "leader", "demo-password", address="10.2.2.2")
    assert elsewhere.status_code == 302
    client.logout()

    # The office unlocks it in the admin: Access attempts → delete.
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="leader", ip_address="10.1.1.1")
    client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "leader" in listing.content.decode()
    deleted = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert deleted.status_code == 302
    assert not AccessAttempt.objects.filter(username="leader").exists()
    client.logout()
    assert _sign_in(client, "leader", "demo-password").status_code == 302


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_the_lock_follows_the_clients_address(client, leader):
    """With DJANGO_BEHIND_PROXY=true every request comes from 127.0.0.1; X-Real-IP tells the clients apart."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, "leader", "wrong", address="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert response.status_code == 429
    other = _sign_in(client, "leader", "demo-password", address="127.0.0.1", HTTP_X_REAL_IP="203.0.113.8")
    assert other.status_code == 302


def test_without_the_proxy_setting_x_real_ip_is_ignored(client, leader):
    """A client talking to gunicorn directly cannot dodge the lock by inventing addresses."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, "leader", "wrong", address="10.9.9.9", HTTP_X_REAL_IP=f"203.0.113.{n}")
    assert response.status_code == 429


# --- Upload size --------------------------------------------------------------------------------------------


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_an_oversized_body_is_refused_before_it_is_read(client_for, staff_a, program):
    client = client_for(staff_a)
    client.cookies["django_language"] = "en"
    before = ProgressReport.objects.count()
    url = (
        "/p/12-ctr-qu/targets/VH-01/reports/new/"
        if _resolves("/p/12-ctr-qu/targets/VH-01/reports/new/")
        else "/accounts/login/"
    )
    response = client.generic(
        "POST",
        url,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.REQUEST_MAX_BYTES + 1),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "Too large" in response.content.decode()
    assert ProgressReport.objects.count() == before


@pytest.mark.parametrize(
    ("url", "field", "name"),
    [("/p/12-ctr-qu/targets/VH-01/reports/new/", "evidence_file", "scan.pdf"), ("/imports/", "file", "figures.xlsx")],
)
def test_an_oversized_file_is_refused_and_nothing_written(client_for, staff_a, program, settings, url, field, name):
    """A real multipart upload over the limit, to the report form and to the import: 413, no row written.
    (Just under the limit the forms refuse it themselves, naming the field: their own tests.)"""
    if not _resolves(url):
        pytest.skip(f"{url} is not built yet")
    settings.REQUEST_MAX_BYTES = 64 * 1024
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * (80 * 1024), content_type="application/octet-stream")
    before = ProgressReport.objects.count()
    client = client_for(staff_a)
    client.cookies["django_language"] = "en"
    response = client.post(url, {"year": 2025, "value": "91", "note": "with a big file", field: big})
    assert response.status_code == 413
    assert "Too large" in response.content.decode()
    assert ProgressReport.objects.count() == before


# --- Serving with gunicorn ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - a loopback URL we built

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_the_application_with_hashed_static_files(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "HOME": str(tmp_path),
        "GUNICORN_WORKERS": "1",
        "GUNICORN_PORT": str(_free_port()),
        "GUNICORN_ACCESS_LOG": "",
    }
    collected = run(["manage.py", "collectstatic", "--no-input", "-v", "0"], **env)
    assert collected.returncode == 0, collected.stderr
    migrated = run(["manage.py", "migrate", "--no-input", "-v", "0"], **env)  # as `make serve` does
    assert migrated.returncode == 0, migrated.stderr
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [gunicorn, "-c", "gunicorn.conf.py"],
        cwd=settings.BASE_DIR,
        env=production_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{env['GUNICORN_PORT']}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", int(env["GUNICORN_PORT"])), timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(server.stderr.read().decode())
                time.sleep(0.1)
        https = {"X-Forwarded-Proto": "https"}
        # Plain HTTP is sent to HTTPS; behind the proxy (X-Forwarded-Proto) the page is served.
        status, headers, _ = _fetch(f"{base}/healthz/")
        assert status == 301 and headers["Location"].startswith("https://")
        status, headers, body = _fetch(f"{base}/healthz/", **https)
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert "max-age=31536000" in headers["Strict-Transport-Security"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        status, headers, body = _fetch(f"{base}/accounts/login/", **https)
        assert status == 200
        assert "Secure" in headers["Set-Cookie"] and "HttpOnly" not in headers["Set-Cookie"].split("csrftoken")[0]
        stylesheet = re.search(rb'href="(/static/css/app\.[0-9a-f]{12}\.css)"', body)
        assert stylesheet, "the page links the hashed stylesheet"
        status, headers, _ = _fetch(base + stylesheet.group(1).decode(), **https)
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    # gunicorn.conf.py turns the control socket off: nothing was created in $HOME.
    assert not (tmp_path / ".gunicorn").exists()
