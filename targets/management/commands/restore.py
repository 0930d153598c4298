from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from targets.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database (create one first, or pass --flush) "
        "and MEDIA_ROOT, then migrate it forward to this version."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz archive written by `manage.py backup`.")
        parser.add_argument(
            "--flush", action="store_true", help="DELETE every row of this database first, then restore."
        )
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Do not ask to confirm.")

    def handle(self, *args, archive, flush, interactive, **options):
        if flush and interactive:
            answer = input("--flush deletes EVERY row of this database before restoring. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            result = restore(source=Path(archive), flush=flush)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.rows} rows in {len(result.counts)} tables and {result.media_files} files "
                f"from {result.path}."
            )
        )
