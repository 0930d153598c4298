"""``make load``: a bounded load test against gunicorn on 127.0.0.1 with PostgreSQL.

1. (Re)creates the database named by ``LOAD_DATABASE_URL`` (default
   postgres://postgres@127.0.0.1:5432/caugiay_load), migrates it and loads the demo data.
2. Starts gunicorn with gunicorn.conf.py, production settings (DJANGO_DEBUG=false, hashed static files;
   HTTPS redirect and secure cookies off, since there is no TLS proxy in front of it here).
3. Runs loadtest/locustfile.py headless: 50 users, 2 minutes (``--users``, ``--run-time``).
4. Counts the reports written against the submissions acknowledged, and prints requests, errors,
   p50/p95/p99 per request kind and the report throughput, and the page views' (sign-in aside) p95 over
   the whole run and after the last user had signed in. Exits 1 on any error or lost report.

Needs locust in the virtualenv: ``.venv/bin/pip install locust==2.47.0`` (not a test requirement).
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/caugiay_load"
VIEW_BUDGET_MS = 300  # p95 of the page views, sign-in aside, on a 2-core machine (docs/scaling.md)


def say(message: str) -> None:
    print(f"== {message}", flush=True)


def recreate_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def manage(env, *args, capture=False):
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return result.stdout if capture else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for(url: str, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting; see its log.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds} s.")


COUNT_SCRIPT = """
import json
from targets.models import ProgressReport
rows = ProgressReport.objects.filter(note__startswith="load-{run}-")
print(json.dumps({{
    "notes": list(rows.values_list("note", flat=True)),
    "with_file": rows.exclude(evidence_file="").count(),
    "submitted": rows.filter(status="submitted").count(),
}}))
"""


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of an ascending list."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="2m")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "0")), help="Default: a free one.")
    parser.add_argument("--out", default=os.environ.get("LOAD_OUT", "/tmp/caugiay-load"))  # noqa: S108
    parser.add_argument("--keep-database", action="store_true", help="Reuse the database as it is.")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The load test runs on PostgreSQL: set LOAD_DATABASE_URL=postgres://...")
    if not (BIN / "locust").exists():
        raise SystemExit("locust is not installed: .venv/bin/pip install locust==2.47.0")

    port = args.port or free_port()
    if not port_is_free(port):
        raise SystemExit(f"127.0.0.1:{port} is in use by another server; choose another --port.")
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    run_id = uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DATABASE_URL=args.database_url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_MEDIA_ROOT=str(out / "media"),
        DJANGO_STATIC_ROOT=str(out / "static"),
        GUNICORN_PORT=str(port),
    )

    if not args.keep_database:
        say(f"fresh database {urlsplit(args.database_url).path.lstrip('/')}")
        recreate_database(args.database_url)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--no-input", "-v", "0")

    log = (out / "gunicorn.log").open("w")
    server = subprocess.Popen([BIN / "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz/", server)
        time.sleep(1)
        if server.poll() is not None:  # something else answered on that port
            raise SystemExit(f"gunicorn stopped; see {out / 'gunicorn.log'}.")
        say(f"gunicorn {server.pid} on {base}; locust: {args.users} users for {args.run_time}")
        started = time.monotonic()
        subprocess.run(  # noqa: S603
            [
                BIN / "locust",
                "-f",
                ROOT / "loadtest" / "locustfile.py",
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                args.run_time,
                "--stop-timeout",
                "30",
                "--host",
                base,
                "--only-summary",
            ],
            cwd=ROOT,
            env={**env, "LOAD_RUN_ID": run_id, "LOAD_LEDGER": str(out / "ledger.json")},
            check=False,
        )
        duration = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()

    ledger = json.loads((out / "ledger.json").read_text())
    written = json.loads(manage(env, "shell", "-c", COUNT_SCRIPT.format(run=run_id), capture=True).splitlines()[-1])
    acknowledged, notes = set(ledger["acknowledged"]), set(written["notes"])
    lost = sorted(acknowledged - notes)
    unexpected = sorted(notes - acknowledged)
    duplicates = len(written["notes"]) - len(notes)

    rows = {name: (sorted(entry["times"]), entry["failures"]) for name, entry in sorted(ledger["requests"].items())}
    every = sorted(t for times, _failures in rows.values() for t in times)
    rows["all requests"] = (every, sum(failures for _times, failures in rows.values()))
    print()
    print(f"{'request':<46} {'count':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}  (ms)")
    for name, (times, failures) in rows.items():
        if times:
            print(
                f"{name[:46]:<46} {len(times):>6} {failures:>5} {percentile(times, 50):>6.0f} "
                f"{percentile(times, 95):>6.0f} {percentile(times, 99):>6.0f} {times[-1]:>7.0f}"
            )
    # Page views: the pages read (the report form among them), not the sign-in, the downloads or the
    # submissions. The opening sign-ins (PBKDF2, a quarter of a second of CPU each, 50 of them in the first
    # seconds on the same two cores as locust) hold up the pages asked for meanwhile; the views sent after
    # the last user had signed in show the steady state.
    views = {
        name: entry
        for name, entry in ledger["requests"].items()
        if name.startswith("GET ") and name != "GET login form" and not name.endswith(".xlsx")
    }
    first = min((start for entry in ledger["requests"].values() for start in entry["starts"]), default=0.0)
    signed_in = max(ledger["signed_in"], default=first)
    view_times = sorted(t for entry in views.values() for t in entry["times"])
    steady_times = sorted(
        t
        for entry in views.values()
        for t, start in zip(entry["times"], entry["starts"], strict=True)
        if start >= signed_in
    )
    for name, times in (
        ("page views (sign-in aside)", view_times),
        ("page views after the last sign-in", steady_times),
    ):
        if times:
            print(
                f"{name[:46]:<46} {len(times):>6} {'':>5} {percentile(times, 50):>6.0f} "
                f"{percentile(times, 95):>6.0f} {percentile(times, 99):>6.0f} {times[-1]:>7.0f}"
            )
    errors = rows["all requests"][1]
    summary = {
        "users": args.users,
        "run_time": args.run_time,
        "requests": len(every),
        "errors": errors,
        "requests_per_second": len(every) / duration,
        "p50_ms": round(percentile(every, 50)),
        "p95_ms": round(percentile(every, 95)),
        "p99_ms": round(percentile(every, 99)),
        "per_request": {
            name: {
                "count": len(times),
                "failures": failures,
                "p50_ms": round(percentile(times, 50)),
                "p95_ms": round(percentile(times, 95)),
                "p99_ms": round(percentile(times, 99)),
            }
            for name, (times, failures) in rows.items()
            if times
        },
        "signed_in_after_s": round(signed_in - first, 1),
        "page_views": {
            name: {
                "count": len(times),
                "p50_ms": round(percentile(times, 50)) if times else None,
                "p95_ms": round(percentile(times, 95)) if times else None,
                "p99_ms": round(percentile(times, 99)) if times else None,
            }
            for name, times in (("sign-in aside", view_times), ("after the last sign-in", steady_times))
        },
        "submissions_sent": ledger["sent"],
        "submissions_acknowledged": len(acknowledged),
        "submissions_refused": len(ledger["refused"]),
        "submissions_failed": ledger["failed"],
        "reports_written": len(written["notes"]),
        "reports_with_file": written["with_file"],
        "lost": len(lost),
        "unexpected": len(unexpected),
        "duplicates": duplicates,
        "reports_per_second": len(notes) / duration if duration else 0.0,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print()
    print(
        f"{summary['requests']} requests, {errors} errors, {summary['requests_per_second']:.1f} requests/s; "
        f"p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms"
    )
    views_p95 = summary["page_views"]["sign-in aside"]["p95_ms"]
    steady = summary["page_views"]["after the last sign-in"]
    print(
        f"Page views (sign-in aside): p95 {views_p95} ms; after the last of the {len(ledger['signed_in'])} sign-ins "
        f"({summary['signed_in_after_s']} s in): {steady['count']} views, p50 {steady['p50_ms']} ms, p95 "
        f"{steady['p95_ms']} ms, p99 {steady['p99_ms']} ms (budget: p95 {VIEW_BUDGET_MS} ms)"
    )
    print(
        f"Submissions: {summary['submissions_sent']} sent, {summary['submissions_acknowledged']} acknowledged, "
        f"{summary['submissions_refused']} refused by the form, {summary['submissions_failed']} failed; "
        f"reports written: {summary['reports_written']} ({summary['reports_with_file']} with a file), "
        f"{summary['reports_per_second']:.2f}/s; lost: {len(lost)}, unexpected: {len(unexpected)}, "
        f"duplicates: {duplicates}"
    )
    if lost:
        print("Lost:", ", ".join(lost[:10]))
    print(f"Details in {out}/ (ledger.json, gunicorn.log, summary.json).")
    return 1 if errors or lost or unexpected or duplicates else 0


if __name__ == "__main__":
    sys.exit(main())
