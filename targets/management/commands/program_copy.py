from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from targets import services
from targets.models import Organisation, Program


class Command(BaseCommand):
    help = (
        "Copy a programme's groups, targets and milestones as a new programme of another organisation (after a "
        "reorganisation), mapping units by code. The source keeps its figures and history."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The slug of the programme to copy, e.g. 12-ctr-qu.")
        parser.add_argument("organisation", help="The code of the organisation it goes to, e.g. phuong-cau-giay.")
        parser.add_argument("--number", help="The new programme's number (default: the source's).")
        parser.add_argument("--slug", help="The new programme's address (default: from the number and organisation).")
        parser.add_argument(
            "--create-units", action="store_true", help="Create the units the organisation lacks, as copies."
        )

    def handle(self, *args, source, organisation, number, slug, create_units, **options):
        program = Program.objects.filter(slug=source).first()
        if program is None:
            raise CommandError(f"No programme at the address {source!r}.")
        target = Organisation.objects.filter(code=organisation).first()
        if target is None:
            raise CommandError(f"No organisation with the code {organisation!r}.")
        try:
            copy = services.program_copy(
                source=program, organisation=target, number=number, slug=slug, create_units=create_units
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        count = copy.targets.count()
        self.stdout.write(
            f"{copy.number} ({copy.slug}) of {target.name}: {count} targets copied from {program.number}."
        )
