from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from targets import services


class Command(BaseCommand):
    help = "Load or update a programme and its groups, units, targets and milestones from a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "manifest",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "program.json"),
            help="A programme manifest (JSON) with its CSV files beside it. Default: fixtures/program.json.",
        )

    def handle(self, *args, manifest, **options):
        path = Path(manifest)
        if not path.is_file():
            raise CommandError(f"No manifest at {path}.")
        try:
            program, summary = services.program_load_reference(manifest=path)
        except (ValidationError, KeyError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        if not summary.changed_anything:
            self.stdout.write(f"{program}: already up to date.")
        for label, counts in (("created", summary.created), ("updated", summary.updated)):
            for kind, n in sorted(counts.items()):
                self.stdout.write(f"{program}: {kind} {label}: {n}")
