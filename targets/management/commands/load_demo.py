from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from targets import demo, services
from targets.models import Program

# The reference data the demo loads, and the programmes it fills with figures and accounts.
DEMO_MANIFESTS = ["program.json", "phuong-cau-giay/program.json"]
DEMO_PROGRAMMES = ["12-ctr-qu", "01-ctr-du-phuong-cau-giay"]


class Command(BaseCommand):
    help = (
        "Load the reference data of 12-CTr/QU and of the Cầu Giấy ward's 2025–2030 programme, demo accounts and "
        "plausible figures. FOR DEMONSTRATIONS ONLY."
    )

    def handle(self, *args, **options):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        users = reports = tasks = 0
        with transaction.atomic():
            for manifest in DEMO_MANIFESTS:
                call_command("load_reference", str(fixtures / manifest), stdout=self.stdout)
            for program in Program.objects.filter(slug__in=DEMO_PROGRAMMES).select_related("organisation"):
                created = demo.demo_load(program=program)
                users += created["users"]
                reports += created["reports"]
                tasks += created.get("tasks", 0)
        if connection.vendor == "postgresql":
            # Fresh planner statistics for what was just loaded, as autovacuum would leave them (a server
            # with autovacuum off, or not yet run, plans every read as if the tables were empty).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Demo: {users} accounts, {reports} reports and {tasks} tasks created.")
        self.stdout.write(
            self.style.WARNING(
                "DEMO ACCOUNTS, for demonstrations only; never use them on a real server.\n"
                f"  password for all: {services.DEMO_PASSWORD}\n"
                "  office          the coordinating office (approves, closes years, admin)\n"
                "  leader          a leader (reads dashboards, exports)\n"
                "  staff-<unit>    staff of each unit, e.g. staff-pvhtt, staff-btcqu, staff-p-dv\n"
                "  office-phuong-cau-giay, leader-phuong-cau-giay, staff-vpdu-pcg …  the Cầu Giấy ward's\n"
                "  leader-ha-noi   the city's leader: reads every ward's programmes and the roll-up /o/ha-noi/"
            )
        )
