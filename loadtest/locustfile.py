"""Load test: leaders reading dashboards, unit staff submitting figures, people downloading exports.

Run by ``loadtest/run.py`` (``make load``), which prepares a PostgreSQL database with ``load_demo``,
starts gunicorn on 127.0.0.1, runs this file headless (50 users, 2 minutes) and then counts the
reports written against the submissions acknowledged here. Against the demo data only: the accounts
and target codes below are those of ``load_demo``.

Readers keep the pages they have seen and ask for them again with their ETag, as a browser does, so a
page that has not changed comes back as a 304.

Every submission carries a unique note (``load-<run>-<n>``) and goes to a period nobody else uses,
so that each one acknowledged by a redirect must be exactly one row in the database. The ledger of
what was sent, acknowledged and refused is written to ``$LOAD_LEDGER`` when the test stops.
"""

import csv
import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.exception import StopUser

RUN = os.environ.get("LOAD_RUN_ID", "manual")
LEDGER = os.environ.get("LOAD_LEDGER", "")
PASSWORD = "demo-password"  # noqa: S105 - the demo accounts of load_demo, never a real server
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "targets.csv"

# Pages a leader looks at (demo data: programme 12-CTr/QU). A page that answers 404 at start (its issue
# not built yet) is left out with a note.
P = "/p/" + os.environ.get("LOAD_PROGRAM", "12-ctr-qu")  # the programme's pages live under /p/<slug>/
VIEW_PAGES = [
    f"{P}/",
    f"{P}/groups/XD/",
    f"{P}/groups/VH/",
    f"{P}/targets/",
    f"{P}/targets/?q=van+hoa",
    f"{P}/targets/VH-01/",
    f"{P}/targets/KT-01/",
    f"{P}/units/PVHTT/",
    f"{P}/reviews/2025/",
    "/reports/",
    "/help/",
]
EXPORT_PAGES = [f"{P}/reviews/2025/export.xlsx", f"{P}/targets/export.xlsx"]
# Open years only: the demo data closes nothing after 2025, and 2026 already has whole-year reports.
PERIODS = [(year, quarter) for year in range(2026, 2031) for quarter in (1, 2, 3, 4)] + [
    (year, None) for year in range(2027, 2031)
]
# A small but real PDF, attached to one submission in five.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + b"%" * 20_000


def _reporting_units() -> dict[str, list[str]]:
    """Unit code -> the targets it leads or supports, from the reference data."""
    units: dict[str, list[str]] = {}
    with FIXTURES.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            for code in [row["lead_unit"], *filter(None, row["cooperating_units"].split(";"))]:
                units.setdefault(code, []).append(row["code"])
    return units


UNITS = _reporting_units()
# The busiest units report; each has its own queue of free (target, year, quarter) slots, shared by all
# of its simulated staff, so two submissions never compete for the same period.
REPORTING = sorted(UNITS, key=lambda code: (-len(UNITS[code]), code))[:10]
_SLOTS = {}
for _code in REPORTING:
    _slots = [(target, year, quarter) for target in UNITS[_code] for year, quarter in PERIODS]
    random.Random(_code).shuffle(_slots)
    _SLOTS[_code] = iter(_slots)
_NUMBERS = itertools.count(1)
# A saved report redirects to its own page; anything else (the login page, say) is not an acknowledgement.
REPORT_PAGE = re.compile(r"/reports/\d+/$")
# The unit select is there only for users with several units on the target: take its first real choice.
UNIT_CHOICE = re.compile(rb'name="unit"[^>]*>\s*(?:<option value="">[^<]*</option>\s*)?<option value="(\d+)"')
_USERS = itertools.count()

# ``signed_in``: when each user's sign-in was answered (time.time()).
ledger = {"sent": 0, "acknowledged": [], "refused": [], "failed": 0, "requests": {}, "signed_in": []}
available = {"views": list(VIEW_PAGES), "exports": list(EXPORT_PAGES)}


@events.test_start.add_listener
def check_pages(environment, **kwargs):
    """Leave out pages that do not exist yet (404), so that a missing page is a note, not a load error."""
    import requests

    session = requests.Session()
    base = environment.host
    session.get(f"{base}/accounts/login/")
    session.post(
        f"{base}/accounts/login/",
        data={"username": "leader", "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    for kind in ("views", "exports"):
        for url in list(available[kind]):
            status = session.get(base + url).status_code
            if status == 404:
                available[kind].remove(url)
                print(f"note: {url} answers 404 (not built yet); left out of the load test")
            elif status != 200:
                print(f"note: {url} answers {status}; kept, its errors count")


@events.request.add_listener
def record(request_type, name, response_time, exception, start_time=None, **kwargs):
    """Every response time, kept whole so that the percentiles are exact, with the time it was sent (so
    that run.py can tell the page views made while users were still signing in), and every failure."""
    entry = ledger["requests"].setdefault(f"{request_type} {name}", {"times": [], "starts": [], "failures": 0})
    entry["times"].append(response_time)
    entry["starts"].append(start_time if start_time is not None else time.time() - response_time / 1000)
    if exception is not None:
        entry["failures"] += 1


@events.test_stop.add_listener
def write_ledger(environment, **kwargs):
    if LEDGER:
        Path(LEDGER).write_text(json.dumps(ledger))


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = "leader"

    def on_start(self):
        self.client.get("/accounts/login/", name="login form")
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
            allow_redirects=False,
            catch_response=True,
            name="sign in",
        ) as response:
            if response.status_code == 302 and "/accounts/login/" not in response.headers.get("Location", ""):
                response.success()
                ledger["signed_in"].append(time.time())
                return
            response.failure(f"{self.username} could not sign in ({response.status_code})")
        raise StopUser()

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def view(self):
        if available["views"]:
            url = random.choice(available["views"])
            # As a browser does with a page it keeps (Cache-Control: private, no-cache): it asks again with
            # the page's ETag and shows its copy on a 304 (targets/views/conditional.py).
            etags = self.__dict__.setdefault("etags", {})
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            response = self.client.get(url, name=url, headers=headers)
            if response.status_code == 200:
                if response.headers.get("ETag"):
                    etags[url] = response.headers["ETag"]
                else:
                    etags.pop(url, None)


class Leader(SignedIn):
    """Reads the dashboards."""

    weight = 5

    @task
    def browse(self):
        self.view()


class UnitStaff(SignedIn):
    """Opens the report form and submits a figure for a free period of one of the unit's targets."""

    weight = 4

    def on_start(self):
        self.unit = REPORTING[next(_USERS) % len(REPORTING)]
        self.username = f"staff-{self.unit.lower()}"
        super().on_start()

    @task(3)
    def submit(self):
        slot = next(_SLOTS[self.unit], None)
        if slot is None:  # every free period of this unit is used: read instead
            self.view()
            return
        code, year, quarter = slot
        url = f"{P}/targets/{code}/reports/new/"
        form = self.client.get(url, name="/targets/[code]/reports/new/ (form)")
        if form.status_code != 200:
            return
        number = next(_NUMBERS)
        marker = f"load-{RUN}-{number}"
        data = {
            "csrfmiddlewaretoken": self.csrf(),
            "year": str(year),
            "quarter": "" if quarter is None else str(quarter),
            "value": f"{random.uniform(10, 99):.1f}".replace(".", ","),
            "is_estimate": random.choice(["true", "false"]),
            "note": marker,
            "evidence_url": "",
            "action": "submit",
        }
        unit = UNIT_CHOICE.search(form.content)
        if unit:
            data["unit"] = unit.group(1).decode()
        files = {"evidence_file": ("bien-ban.pdf", PDF, "application/pdf")} if number % 5 == 0 else None
        ledger["sent"] += 1
        with self.client.post(
            url, data=data, files=files, allow_redirects=False, catch_response=True, name="/targets/[code]/reports/new/"
        ) as response:
            if response.status_code == 302 and REPORT_PAGE.search(response.headers.get("Location", "")):
                ledger["acknowledged"].append(marker)
                response.success()
            elif response.status_code == 200:
                # The form came back with a message: refused, nothing written. Not a server error, but
                # it should not happen with free periods, so it is counted and shown.
                ledger["refused"].append(marker)
                response.failure("form refused the submission")
            else:
                ledger["failed"] += 1
                response.failure(f"status {response.status_code}")

    @task(1)
    def browse(self):
        self.view()


class Downloader(SignedIn):
    """Downloads the annual review workbook or the target table, between readings."""

    weight = 1
    wait_time = between(3, 8)

    @task
    def export(self):
        if available["exports"]:
            url = random.choice(available["exports"])
            self.client.get(url, name=url)
        else:
            self.view()
