"""Backup and restore: the round trip gives back the same targets, reports, reviews, history and files."""

import os
import sqlite3
import subprocess
import sys
import tarfile

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from targets import backup
from targets.models import AnnualReview, Milestone, ProgressReport, Target, Unit, YearClosure

from .factories import make_report

EVIDENCE = b"%PDF-1.4 evidence of the figure\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def data(program, office, staff_a, unit_a, media):
    """A little of everything: reports in several states (one with a file), a review, a closed year."""
    target = Target.objects.get(program=program, code="VH-01")
    rows = []
    for year, status in ((2022, "approved"), (2023, "approved"), (2024, "submitted"), (2025, "returned")):
        evidence = {}
        if year == 2023:
            evidence["evidence_file"] = SimpleUploadedFile("bien-ban.pdf", EVIDENCE, content_type="application/pdf")
        report = make_report(
            target=target,
            unit=unit_a,
            year=year,
            value="91.5",
            note=f"Figure of {year}",
            status=status,
            author=staff_a,
            reviewer=office if status != "submitted" else None,
            **evidence,
        )
        rows.append(report)
    rows[0].note = "Corrected note"
    rows[0].save()  # a second history row
    review = AnnualReview(target=target, year=2023, figure="91.5", assessment="achieved", comment="Good")
    review.full_clean()
    review.save()
    YearClosure.objects.create(program=program, year=2023, reason="Review meeting", changed_by=office)
    return rows


def snapshot():
    """Every column of every row that must come back."""
    models = [
        Target,
        Milestone,
        ProgressReport,
        AnnualReview,
        YearClosure,
        Unit,
        Target.supporting_units.through,
        Unit.members.through,
        get_user_model(),
        Target.history.model,
        Milestone.history.model,
        ProgressReport.history.model,
        AnnualReview.history.model,
    ]
    result = {}
    for model in models:
        columns = [f.attname for f in model._meta.local_concrete_fields]
        result[model._meta.label] = sorted(model._base_manager.values_list(*columns), key=repr)
    return result


@pytest.mark.django_db(transaction=True)
def test_round_trip_into_an_empty_database(data, media, tmp_path):
    before = snapshot()
    assert len(before["targets.ProgressReport"]) == 4
    assert len(before["targets.HistoricalProgressReport"]) == 5
    assert len(before["targets.HistoricalTarget"]) >= 41
    evidence_name = ProgressReport.objects.get(year=2023).evidence_file.name

    archive = tmp_path / "backup.tar.gz"
    made = backup.backup(output=archive)
    assert made.counts["targets.progressreport"] == 4
    assert made.media_files == 1
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    call_command("flush", interactive=False, verbosity=0)
    (media / evidence_name).unlink()
    assert ProgressReport.objects.count() == Target.objects.count() == 0

    restored = backup.restore(source=archive)
    assert restored.counts == made.counts
    assert snapshot() == before
    assert (media / evidence_name).read_bytes() == EVIDENCE
    # The sequences moved past the restored ids: new rows do not collide.
    report = ProgressReport.objects.get(year=2022)
    report.pk = None
    report.year = 2021
    report.save()
    assert report.pk > max(r[0] for r in before["targets.ProgressReport"])


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_data(data, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    backup.backup(output=archive)
    reports = ProgressReport.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    assert ProgressReport.objects.count() == reports
    # --flush empties it first, then the same rows come back.
    before = snapshot()
    call_command("restore", str(archive), "--flush", "--no-input", verbosity=0)
    assert snapshot() == before


def test_restore_refuses_what_is_not_a_backup(db, tmp_path):
    not_gzip = tmp_path / "notes.tar.gz"
    not_gzip.write_text("hello")
    with pytest.raises(CommandError, match="not a readable"):
        call_command("restore", str(not_gzip))
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as archive:
        archive.add(__file__, arcname="something.py")
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(foreign))
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_new_sqlite_database(data, media, tmp_path):
    """From whatever engine the tests run on (SQLite or PostgreSQL) into a new, table-less SQLite file."""
    archive = tmp_path / "backup.tar.gz"
    made = backup.backup(output=archive)
    fresh = tmp_path / "fresh.sqlite3"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="caugiay.settings",
        DATABASE_URL=f"sqlite:///{fresh}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media2"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(fresh) as connection:
        for table, name in [
            ("targets_target", "targets.target"),
            ("targets_progressreport", "targets.progressreport"),
            ("targets_annualreview", "targets.annualreview"),
            ("targets_historicalprogressreport", "targets.historicalprogressreport"),
            ("targets_historicaltarget", "targets.historicaltarget"),
        ]:
            (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            assert count == made.counts[name] > 0, table
        notes = {row[0] for row in connection.execute("SELECT note FROM targets_progressreport")}
    assert notes == {"Corrected note", "Figure of 2023", "Figure of 2024", "Figure of 2025"}
    evidence = ProgressReport.objects.get(year=2023).evidence_file.name
    assert (tmp_path / "media2" / evidence).read_bytes() == EVIDENCE
