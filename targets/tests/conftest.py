"""The people every test needs, created once per test: office, leader, staff of unit A and of unit B,
and a signed-in user with no role. The reference data of 12-CTr/QU is loaded by ``program``."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from targets import services
from targets.models import Unit


@pytest.fixture
def program(db):
    program, _ = services.program_load_reference(manifest=Path(settings.BASE_DIR) / "fixtures" / "program.json")
    return program


@pytest.fixture
def roles(db):
    return services.roles_ensure()


def _user(username, role, units=()):
    services.user_ensure(username=username, role=role, password=services.DEMO_PASSWORD, units=list(units))
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


@pytest.fixture
def unit_a(program):
    """The Culture office: leads VH-01, VH-02, VH-04, VH-05; supports nothing."""
    return Unit.objects.get(code="PVHTT")


@pytest.fixture
def unit_b(program):
    """The Organisation board: leads XD-01 to XD-03."""
    return Unit.objects.get(code="BTCQU")


@pytest.fixture
def office(roles):
    return _user("office", services.ROLE_OFFICE)


@pytest.fixture
def leader(roles):
    return _user("leader", services.ROLE_LEADER)


@pytest.fixture
def staff_a(roles, unit_a):
    return _user("staff-a", services.ROLE_UNIT_STAFF, [unit_a])


@pytest.fixture
def staff_b(roles, unit_b):
    return _user("staff-b", services.ROLE_UNIT_STAFF, [unit_b])


@pytest.fixture
def nobody(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("nobody", password=services.DEMO_PASSWORD)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client signed in as ``user``."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 takes a quarter of a second a password here; the demo creates 33 accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # The local-memory cache lives as long as the test process; each test starts with no cached page.
    cache.clear()
