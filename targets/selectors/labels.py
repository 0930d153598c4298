"""The words of the progress and deadline statuses, shared by pages, charts and exports."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import assessment

PROGRESS_LABELS = {
    # "Đã đạt" on the dashboards, where the annual review says "Đạt": the same English word, two meanings.
    assessment.Progress.ACHIEVED: pgettext_lazy("progress status", "Achieved"),
    assessment.Progress.ON_TRACK: _("On track"),
    assessment.Progress.AT_RISK: _("At risk"),
    assessment.Progress.OFF_TRACK: _("Off track"),
    assessment.Progress.NO_DATA: _("No data"),
}
PROGRESS_CHOICES = [(str(status), PROGRESS_LABELS[status]) for status in assessment.PROGRESS_ORDER]
DEADLINE_LABELS = {
    assessment.Deadline.DONE_ON_TIME: _("Done on time"),
    assessment.Deadline.DONE_LATE: _("Done late"),
    assessment.Deadline.OPEN: _("Not done, within the deadline"),
    assessment.Deadline.OVERDUE: _("Not done, overdue"),
}
DUE_SOON_LABEL = _("Due soon")
