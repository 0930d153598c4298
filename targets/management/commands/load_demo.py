from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from targets import demo, services
from targets.models import Program


class Command(BaseCommand):
    help = "Load the reference data of 12-CTr/QU, demo accounts and plausible figures. FOR DEMONSTRATIONS ONLY."

    def handle(self, *args, **options):
        with transaction.atomic():
            call_command("load_reference", stdout=self.stdout)
            program = Program.objects.get(number="12-CTr/QU")
            created = demo.demo_load(program=program)
        self.stdout.write(f"Demo: {created['users']} accounts and {created['reports']} reports created.")
        self.stdout.write(
            self.style.WARNING(
                "DEMO ACCOUNTS, for demonstrations only; never use them on a real server.\n"
                f"  password for all: {services.DEMO_PASSWORD}\n"
                "  office          the coordinating office (approves, closes years, admin)\n"
                "  leader          a leader (reads dashboards, exports)\n"
                "  staff-<unit>    staff of each unit, e.g. staff-pvhtt, staff-btcqu, staff-p-dv"
            )
        )
