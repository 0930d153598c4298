from django.core.management.base import BaseCommand

from targets import notifications


class Command(BaseCommand):
    help = (
        "Mail each unit's members the targets they lead that have no approved figure for last year, and the "
        "milestone deadlines of their targets in the next TARGETS_REMINDER_DAYS days, and their tasks overdue or "
        "due within those days, in one digest per person. Meant for cron, e.g. every Monday at 7:00."
    )

    def handle(self, *args, **options):
        summary = notifications.send_reminders()
        self.stdout.write(
            f"Reminders: {summary.mails} mail(s) sent to {summary.users} user(s) of {summary.units} unit(s)."
        )
