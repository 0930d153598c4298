"""gunicorn configuration: `gunicorn -c gunicorn.conf.py caugiay.wsgi` (what `make serve` and the systemd
unit of docs/deploy.md run). Every value can be changed from the environment.

gunicorn listens on 127.0.0.1 only: nginx (or another reverse proxy) in front of it terminates HTTPS,
buffers slow clients, limits the body size, and passes X-Forwarded-Proto and X-Real-IP.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}.") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, not {value}.")
    return value


wsgi_app = "caugiay.wsgi:application"

# Loopback only; the port may change, the address may not be widened by accident.
bind = [f"127.0.0.1:{_int('GUNICORN_PORT', 8000)}"]

# Synchronous workers: pages are short and database-bound. 2 × cores + 1 is gunicorn's rule of thumb;
# each worker holds one database connection (kept DJANGO_CONN_MAX_AGE seconds).
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
# The annual review export of a city-wide instance takes a few seconds; nothing should take a minute.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200

# gunicorn 25+ opens a control socket in ~/.gunicorn unless told not to (`--no-control-socket`);
# nothing here uses it, and a service account may have no writable home.
control_socket_disable = True

# The proxy on this machine is trusted for X-Forwarded-Proto (Django reads it through
# SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "127.0.0.1"

# Logs to stdout/stderr: systemd's journal keeps them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Request size limits at the HTTP layer (the application refuses big bodies itself, see
# targets/middleware.py).
limit_request_line = 8190
limit_request_fields = 100
