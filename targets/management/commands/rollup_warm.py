import time

from django.core.management.base import BaseCommand

from targets.selectors.organisations import rollup_warm


class Command(BaseCommand):
    help = (
        "Compute and keep in the cache today's counts of every programme a roll-up shows, so that the first "
        "view of the city's roll-up reads them instead of judging every ward's targets at once. Programmes "
        "already kept for today under their current version are skipped. Meant for cron just after midnight "
        "(e.g. 00:05) and after the cache (Redis) restarts."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        programs, computed = rollup_warm()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Roll-up counts: {computed} of {programs} programme(s) computed in {elapsed:.1f} s.")
