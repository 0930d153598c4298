"""The data every test finds, loaded once per session: the reference data of 12-CTr/QU, the three roles,
and the people (office, leader, staff of unit A, staff of unit B, a user with no role). Each test runs in
a transaction rolled back onto that database; the fixtures below only fetch the rows.

Transactional tests (``transaction=True``, ``live_server``) cannot be rolled back: Django empties every
table after them. ``pytest_runtest_teardown`` loads the session data again after each of them, so the
next test, whatever it is and whatever the order, finds the same database as the first one did.
"""

import datetime
import sys
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from targets import services
from targets.models import Program, Target, Unit

from .office import office_convert  # noqa: F401  (the LibreOffice converter, a session fixture)

REFERENCE = Path(settings.BASE_DIR) / "fixtures" / "program.json"
PROGRAM_NUMBER = "12-CTr/QU"
# PBKDF2 takes a quarter of a second a password here; the demo creates 33 accounts.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# username -> (role, code of its unit); "nobody" has no role.
PEOPLE = {
    "office": (services.ROLE_OFFICE, None),
    "leader": (services.ROLE_LEADER, None),
    "staff-a": (services.ROLE_UNIT_STAFF, "PVHTT"),
    "staff-b": (services.ROLE_UNIT_STAFF, "BTCQU"),
}
# The session data is written at this instant, before every date a test moves the clock to, so that the
# history a test writes comes after the loading's, as it did when each test loaded its own.
LOADED_AT = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
_BLOCKER = pytest.StashKey()


def load_session_data():
    """What every test finds: loads the programme, the roles and the people (each step is idempotent)."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), time_machine.travel(LOADED_AT):
        services.program_load_reference(manifest=REFERENCE)
        services.roles_ensure()
        for username, (role, unit) in PEOPLE.items():
            units = [Unit.objects.get(code=unit)] if unit else []
            services.user_ensure(username=username, role=role, password=services.DEMO_PASSWORD, units=units)
        User = get_user_model()
        if not User.objects.filter(username="nobody").exists():
            User.objects.create_user("nobody", password=services.DEMO_PASSWORD)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    with django_db_blocker.unblock():
        load_session_data()
    request.config.stash[_BLOCKER] = django_db_blocker


def _flushes_the_database(item) -> bool:
    """Whether pytest-django runs ``item`` as a TransactionTestCase, which empties every table at its end."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After the flush, which is the last finalizer of a transactional test: no fixture could run later.
        # After the session's last test the test database is already gone, and no test needs the data.
        blocker = item.config.stash.get(_BLOCKER, None)
        if nextitem is not None and blocker is not None and _flushes_the_database(item):
            with blocker.unblock():
                load_session_data()


def module_data(make):
    """A module-scoped fixture whose value is ``make()``, run once for the tests of a module that ask for
    it: its rows are written in a transaction that each test's own transaction nests in (a savepoint,
    rolled back after the test) and that is rolled back after the module's last test, as Django's
    ``TestCase.setUpTestData`` does. ``make`` returns what the tests need to read the rows again (ids),
    not model instances, which a test could change in memory for the next one. Not for transactional
    tests, whose flush would empty the module's rows with the rest."""

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        django_db_blocker.unblock()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            value = make()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
        finally:
            django_db_blocker.restore()
        yield value
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    return fixture


@pytest.fixture
def program(db):
    return Program.objects.get(number=PROGRAM_NUMBER)


@pytest.fixture
def roles(db):
    return {group.name: group for group in Group.objects.filter(name__in=services.ROLES)}


@pytest.fixture
def unit_a(db):
    """The Culture office: leads VH-01, VH-02, VH-04, VH-05; supports nothing."""
    return Unit.objects.get(code="PVHTT")


@pytest.fixture
def unit_b(db):
    """The Organisation board: leads XD-01 to XD-03."""
    return Unit.objects.get(code="BTCQU")


def _person(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def office(db):
    return _person("office")


@pytest.fixture
def leader(db):
    return _person("leader")


@pytest.fixture
def staff_a(db):
    """Staff of unit A (PVHTT)."""
    return _person("staff-a")


@pytest.fixture
def staff_b(db):
    """Staff of unit B (BTCQU)."""
    return _person("staff-b")


@pytest.fixture
def nobody(db):
    """Signed in, with no role."""
    return _person("nobody")


@pytest.fixture
def no_programme(db):
    """No programme loaded yet: the people stay; the deletion is rolled back after the test."""
    Target.objects.all().delete()  # first: a target protects its domain group, which the programme holds
    Program.objects.all().delete()


@pytest.fixture
def empty_db(db):
    """For the few tests of loading into a new database: empties, inside this test's transaction (rolled
    back after it), every table the session data went into. Content types, permissions and the data
    version stay, as after ``migrate``."""
    kept = {"targets_dataversion", "auth_permission"}
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ("targets", "auth", "admin") and model._meta.db_table not in kept
    ]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client signed in as ``user``."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def empty_cache():
    # The local-memory cache lives as long as the test process; each test starts with no cached page.
    cache.clear()
