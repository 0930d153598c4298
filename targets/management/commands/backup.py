from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from targets.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Make a consistent backup of the database and the uploaded evidence files into one .tar.gz archive "
        "(restore it with `manage.py restore`)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="The archive to write. Default: backups/caugiay-<date>-<time>.tar.gz (DJANGO_BACKUP_DIR).",
        )
        parser.add_argument("--no-media", action="store_true", help="Leave out the files under MEDIA_ROOT.")

    def handle(self, *args, output, no_media, **options):
        if output is None:
            output = Path(settings.BACKUP_DIR) / f"caugiay-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        try:
            result = backup(output=Path(output), include_media=not no_media)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        size = result.path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {result.path} ({size / 1_048_576:.1f} MB): "
                f"{result.rows} rows in {len(result.counts)} tables, {result.media_files} files."
            )
        )
