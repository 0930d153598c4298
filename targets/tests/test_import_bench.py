"""``manage.py bench --import`` measures a whole import through the pages, as production serves them (the
HTTPS redirect on), while another unit keeps saving: it must actually import, not stop at a redirect or a
refused workbook."""

import pytest
from django.contrib.auth import get_user_model

from targets import services
from targets.demo.import_bench import import_bench
from targets.models import ProgressReport


@pytest.mark.django_db(transaction=True)
def test_the_import_bench_previews_and_confirms_its_workbook(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        # The other unit saves from a thread with its own connection: SQLite's in-memory test database
        # would lock its tables against it.
        pytest.skip("needs PostgreSQL: DATABASE_URL=postgres://… (README, Tests)")
    settings.SECURE_SSL_REDIRECT = True  # as with DEBUG off: the bench's requests must say they are HTTPS
    services.user_ensure(username="bench-office", role=services.ROLE_OFFICE, password="x" * 20)
    get_user_model().objects.filter(username="bench-office").update(is_superuser=True)

    result = import_bench(office_username="bench-office", rows=30, log=lambda message: None)

    assert result.rows == 30
    assert result.preview_seconds > 0 and result.confirm_seconds > 0
    assert len(result.writer_alone) == 10
    approved = ProgressReport.objects.filter(note="bench", status=ProgressReport.Status.APPROVED)
    assert approved.count() == 30
