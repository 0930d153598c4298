"""The yearly review report: what the office writes of it in the app (number, date, signer, recipients and
the narrative parts). The document itself is made from it and the year's review by ``targets.documents``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..models import Program, ReviewReport
from ..text import plain_text
from .common import _refuse, history_save, version_claim

# The fields the office edits, in the order of the form.
REVIEW_REPORT_FIELDS = (
    "number",
    "dated",
    "signer_on_behalf",
    "signer_title",
    "signer_name",
    "recipients",
    *ReviewReport.NARRATIVE_FIELDS,
)


_ONE_LINE_FIELDS = ("number", "signer_on_behalf", "signer_title", "signer_name")


class ReviewReportConflict(ValidationError):
    """The report changed since the user loaded it."""

    def __init__(self):
        super().__init__(
            _("Someone saved this report after you opened it. Your text is kept below: reload to see theirs."),
            code="conflict",
        )


@transaction.atomic
def review_report_save(*, program: Program, year: int, user, data: dict, version: int | None = None) -> ReviewReport:
    """Save the office's parts of ``program``'s report of ``year``. ``data`` maps field names of
    ``REVIEW_REPORT_FIELDS`` to values (others are ignored); ``version`` is the one the user loaded (None for a
    report not saved yet). Refused: not the office, a closed year, a year outside the programme, a stale
    version, a value the model refuses (each naming its field)."""
    if not permissions.can_write_review_report(user, program):
        raise PermissionDenied(_("Only the office writes the review report."))
    if not program.contains_year(year):
        _refuse(
            _("The year %(year)s is outside the programme (%(first)s–%(last)s).")
            % {"year": year, "first": program.first_year, "last": program.last_year},
            "year",
            "outside",
        )
    if selectors.year_is_closed(program=program, year=year):
        _refuse(
            _("The year %(year)s is closed: its report is kept as it was closed. Reopen the year to change it.")
            % {"year": year},
            None,
            "closed",
        )
    report = ReviewReport.objects.select_for_update().filter(program=program, year=year).first()
    if report is None:
        if version not in (None, 0):
            raise ReviewReportConflict()
        report = ReviewReport(program=program, year=year)
        reason = _("Written")
    else:
        if version is not None and version != report.version:
            raise ReviewReportConflict()
        version_claim(report, ReviewReportConflict())
        reason = _("Changed")
    for field in REVIEW_REPORT_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field != "dated":
            value = plain_text(str(value or ""))
            value = value.strip() if field in _ONE_LINE_FIELDS else value.rstrip()
        setattr(report, field, value)
    report.program = program
    report.updated_by = user
    history_save(report, user=user, reason=reason, program_id=program.pk)
    return report
