"""The reporting workflow of figures: create, edit, submit, withdraw, approve, return, correct."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .. import assessment, notifications, permissions, selectors
from ..models import (
    ProgressReport,
    Target,
    Unit,
)
from .common import _refuse, _user_label, history_save, version_claim
from .versions import program_version_bump, program_versions_bumped_once

User = get_user_model()


# --- Reporting workflow -----------------------------------------------------------------------------------
#
# draft ──submit──▶ submitted ──approve──▶ approved ──(a correction is approved)──▶ superseded
#   ▲                 │  │  ▲                    │
#   └────withdraw─────┘  │  └──unapprove (within TARGETS_UNDO_MINUTES of the approval)
#                        └──return (comment)──▶ returned ──edit, submit──▶ submitted
#
# A draft is edited in place; withdrawing a draft discards it (its history stays); withdrawing a
# submitted report takes it back to draft. An approved figure is never changed: a correction is a new
# report that supersedes it when approved, so one approved figure per target, unit and period counts.
# Every service re-reads the report under a row lock, refuses a step its status does not allow, a
# closed year and a stale version, and leaves the mail to ``notifications`` once the transaction commits.

ReportStatus = ProgressReport.Status

# The statuses from which each step may start: the services check them, whatever a page shows, and
# ``permissions.report_actions`` offers a step only from them.
REPORT_EDITABLE = permissions.REPORT_EDITABLE
REPORT_SUBMITTABLE = permissions.REPORT_SUBMITTABLE
REPORT_WITHDRAWABLE = permissions.REPORT_WITHDRAWABLE
REPORT_REVIEWABLE = permissions.REPORT_REVIEWABLE
REPORT_CORRECTABLE = permissions.REPORT_CORRECTABLE
REPORT_OPEN = permissions.REPORT_OPEN
REPORT_UNAPPROVABLE = permissions.REPORT_UNAPPROVABLE


# --- The rules on a new figure, as pure functions: the services and the import preview say the same ----------


def closed_year_refusal(year: int) -> str:
    return _("The year %(year)s is closed: its figures can no longer change.") % {"year": year}


def open_duplicate_refusal(*, unit: Unit, other: ProgressReport) -> str:
    """``other`` is a report of ``unit`` in the workflow for the same target and period."""
    return _(
        "%(unit)s already has a report for this period in the workflow (number %(number)s, %(status)s): "
        "edit or withdraw that one first."
    ) % {"unit": unit.name, "number": other.pk, "status": other.get_status_display().lower()}


class ReportConflict(ValidationError):
    """The report changed since the user loaded it: ``changed_by`` changed it at ``changed_at``."""

    def __init__(self, *, report: ProgressReport):
        self.report = report
        self.changed_by, self.changed_at = selectors.report_last_change(report_id=report.pk)
        who = _user_label(self.changed_by) if self.changed_by else _("someone")
        when = (
            formats.date_format(timezone.localtime(self.changed_at), "SHORT_DATETIME_FORMAT")
            if self.changed_at
            else "?"
        )
        super().__init__(
            _(
                "%(who)s changed this report at %(when)s, after you opened it. Nothing of yours was saved: "
                "check the current values and save again if yours are still right."
            )
            % {"who": who, "when": when},
            code="conflict",
        )


def _check_year_open(target: Target, year: int) -> None:
    if selectors.year_is_closed(program=target.program_id, year=year):
        _refuse(closed_year_refusal(year), "year", "closed")


def _check_status(report: ProgressReport, allowed: set, message: str) -> None:
    """Refuse a step the report's status does not allow; ``message`` may name the %(status)s."""
    if report.status not in allowed:
        _refuse(message % {"status": report.get_status_display()}, code="transition")


def _locked(report: ProgressReport, version: int | None) -> ProgressReport:
    """The report as it is now, locked for the transaction; refuses it if ``version`` is no longer current.

    ``select_for_update`` serialises writers on PostgreSQL; SQLite ignores it, so ``_bump`` claims the
    version with a conditional UPDATE as well, which holds on every database.
    """
    current = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("target__program", "target__lead_unit", "unit", "author")
        .filter(pk=report.pk)
        .first()
    )
    if current is None:
        _refuse(_("This report no longer exists."), code="missing")
    if version is not None and current.version != version:
        raise ReportConflict(report=current)
    return current


def _bump(report: ProgressReport) -> None:
    version_claim(report, ReportConflict(report=report))


def _save(report: ProgressReport, *, user, reason: str) -> None:
    history_save(report, user=user, reason=reason, program_id=report.target.program_id)


def _approved_for_period(*, target, unit, year, quarter, exclude_pk=None) -> ProgressReport | None:
    # Only the report's row (``of``): the default ordering joins the target, whose row would be locked too
    # and hold up every other unit reporting on it until this transaction ends.
    reports = ProgressReport.objects.filter(
        target=target, unit=unit, year=year, quarter=quarter, status=ReportStatus.APPROVED
    ).select_for_update(of=("self",))
    if exclude_pk:
        reports = reports.exclude(pk=exclude_pk)
    return reports.first()


def _check_no_open_duplicate(*, target, unit, year, quarter, exclude_pk=None) -> None:
    """One report in the workflow per target, unit and period, so that nobody works on two versions."""
    others = ProgressReport.objects.filter(target=target, unit=unit, year=year, quarter=quarter, status__in=REPORT_OPEN)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is not None:
        _refuse(open_duplicate_refusal(unit=unit, other=other), "year", "duplicate")


def _notify_on_commit(send, report: ProgressReport, actor) -> None:
    """Mail once the change is committed: nothing goes out for a change that is rolled back."""
    report_id, actor_id = report.pk, getattr(actor, "pk", None)
    transaction.on_commit(lambda: send(report_id=report_id, actor_id=actor_id))


@transaction.atomic
def report_create(
    *,
    user,
    target: Target,
    unit: Unit,
    year: int,
    value: Decimal,
    quarter: int | None = None,
    is_estimate: bool = False,
    note: str = "",
    evidence_url: str = "",
    evidence_file=None,
    submit: bool = False,
    supersedes: ProgressReport | None = None,
) -> ProgressReport:
    """A new report by ``user`` for ``unit``, as a draft or submitted at once.

    If the period already has an approved figure, the new report is its correction: it supersedes that
    figure once approved. ``report_correct`` is the same with the approved report named explicitly.
    """
    may_report_on = permissions.can_report_on(user, target)
    units = {u.pk for u in permissions.reporting_units_for(user, target)} if may_report_on else set()
    refusal = permissions.reporting_refusal(target, unit, may_report_on=may_report_on, unit_ids=units)
    if refusal:
        raise PermissionDenied(refusal)
    _check_year_open(target, year)
    _check_no_open_duplicate(target=target, unit=unit, year=year, quarter=quarter)
    if supersedes is None:
        supersedes = _approved_for_period(target=target, unit=unit, year=year, quarter=quarter)
    report = ProgressReport(
        target=target,
        unit=unit,
        year=year,
        quarter=quarter,
        value=value,
        is_estimate=is_estimate,
        note=note,
        evidence_url=evidence_url,
        author=user,
        supersedes=supersedes,
    )
    if evidence_file:
        report.evidence_file = evidence_file
    _save(report, user=user, reason="create")
    if submit:
        report = report_submit(user=user, report=report, version=report.version)
    return report


@transaction.atomic
def report_update(
    *,
    user,
    report: ProgressReport,
    version: int,
    year: int,
    value: Decimal,
    quarter: int | None = None,
    is_estimate: bool = False,
    note: str = "",
    evidence_url: str = "",
    evidence_file=None,
    remove_evidence_file: bool = False,
    submit: bool = False,
) -> ProgressReport:
    """Change a draft or returned report (the form's ``version`` must still be current), and maybe submit it.
    The target and unit stay: a report for another unit is a new report."""
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    report = _locked(report, version)
    _check_status(
        report, REPORT_EDITABLE, _("Only a draft or a returned report can be edited; this one is: %(status)s.")
    )
    _check_year_open(report.target, report.year)
    if year != report.year:
        _check_year_open(report.target, year)
    if (year, quarter) != (report.year, report.quarter):
        _check_no_open_duplicate(
            target=report.target, unit=report.unit, year=year, quarter=quarter, exclude_pk=report.pk
        )
        report.supersedes = _approved_for_period(
            target=report.target, unit=report.unit, year=year, quarter=quarter, exclude_pk=report.pk
        )
    report.year, report.quarter, report.value, report.is_estimate = year, quarter, value, is_estimate
    report.note, report.evidence_url = note, evidence_url
    if evidence_file:
        report.evidence_file = evidence_file
    elif remove_evidence_file:
        report.evidence_file = ""
    _bump(report)
    _save(report, user=user, reason="update")
    if submit:
        report = report_submit(user=user, report=report, version=report.version)
    return report


@transaction.atomic
def report_submit(*, user, report: ProgressReport, version: int | None = None) -> ProgressReport:
    """Draft or returned → submitted; the office is told."""
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    report = _locked(report, version)
    _check_status(
        report, REPORT_SUBMITTABLE, _("Only a draft or a returned report can be submitted; this one is: %(status)s.")
    )
    _check_year_open(report.target, report.year)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    _bump(report)
    _save(report, user=user, reason="submit")
    _notify_on_commit(notifications.report_submitted, report, user)
    return report


@transaction.atomic
def report_withdraw(*, user, report: ProgressReport, version: int | None = None) -> ProgressReport | None:
    """Submitted → draft, back in the unit's hands; a draft is discarded (None). History keeps both."""
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    report = _locked(report, version)
    _check_status(
        report, REPORT_WITHDRAWABLE, _("Only a draft or a submitted report can be withdrawn; this one is: %(status)s.")
    )
    _check_year_open(report.target, report.year)
    if report.status == ReportStatus.DRAFT:
        report._history_user = user
        report._change_reason = "discard"
        report.delete()
        program_version_bump(program_ids=[report.target.program_id])
        return None
    report.status = ReportStatus.DRAFT
    report.submitted_at = None
    _bump(report)
    _save(report, user=user, reason="withdraw")
    return report


@transaction.atomic
def report_approve(*, user, report: ProgressReport, version: int | None = None) -> ProgressReport:
    """Submitted → approved. The period's approved figure until now, if any, becomes superseded, so that
    exactly one approved figure counts; the reporting staff are told."""
    if not permissions.can_review(user, report.target.program):
        raise PermissionDenied
    report = _locked(report, version)
    _check_status(report, REPORT_REVIEWABLE, _("Only a submitted report can be approved; this one is: %(status)s."))
    _check_year_open(report.target, report.year)
    previous = _approved_for_period(
        target=report.target, unit=report.unit, year=report.year, quarter=report.quarter, exclude_pk=report.pk
    )
    if previous is not None:
        previous.status = ReportStatus.SUPERSEDED
        _bump(previous)
        _save(previous, user=user, reason="supersede")
        report.supersedes = previous
    report.status = ReportStatus.APPROVED
    report.reviewer = user
    report.reviewed_at = timezone.now()
    report.review_comment = ""
    _bump(report)
    try:
        # Two approvals of the same period at once: the database's unique index decides, with a message.
        with transaction.atomic():
            _save(report, user=user, reason="approve")
    except IntegrityError:
        _refuse(_("Another figure for this period was approved at the same time. Reload and check."))
    _notify_on_commit(notifications.report_approved, report, user)
    return report


def undo_expired_refusal() -> str:
    return _(
        "The approval can no longer be undone: it was more than %(minutes)s minutes ago. Correct the figure instead."
    ) % {"minutes": settings.TARGETS_UNDO_MINUTES}


@transaction.atomic
def report_unapprove(*, user, report: ProgressReport, version: int | None = None) -> ProgressReport:
    """Undo an approval made a moment ago: approved → submitted, back in the approval queue as it was.

    Allowed to the office within ``TARGETS_UNDO_MINUTES`` of the approval, while the year is open and
    before a correction has been approved over it. The figure the approval superseded, if any, counts
    again. The report keeps its id and the history records both steps ("approve", then "unapprove", who
    and when), which a correction (a new report superseding the approved one) would not say: nothing was
    wrong with the unit's figure, the office pressed the wrong button.
    """
    if not permissions.can_review(user):
        raise PermissionDenied
    report = _locked(report, version)
    _check_status(
        report, REPORT_UNAPPROVABLE, _("Only an approved report can have its approval undone; this one is: %(status)s.")
    )
    _check_year_open(report.target, report.year)
    if not assessment.may_undo_approval(report.reviewed_at, now=timezone.now(), minutes=settings.TARGETS_UNDO_MINUTES):
        _refuse(undo_expired_refusal(), code="expired")
    previous = report.supersedes
    if previous is not None:
        previous = _locked(previous, None)
    report.status = ReportStatus.SUBMITTED
    report.reviewer = None
    report.reviewed_at = None
    _bump(report)
    _save(report, user=user, reason="unapprove")
    if previous is not None and previous.status == ReportStatus.SUPERSEDED:
        # The approval had superseded it: it is the period's figure again until this one is approved.
        previous.status = ReportStatus.APPROVED
        _bump(previous)
        _save(previous, user=user, reason="unapprove")
    return report


@transaction.atomic
def report_return(*, user, report: ProgressReport, comment: str, version: int | None = None) -> ProgressReport:
    """Submitted → returned to the unit with the office's comment (required); the reporting staff are told."""
    if not permissions.can_review(user, report.target.program):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not comment:
        _refuse(_("Say what should change: a comment is required to return a report."), "comment", "required")
    max_length = ProgressReport._meta.get_field("review_comment").max_length
    if len(comment) > max_length:
        _refuse(_("The comment may have at most %(max)s characters.") % {"max": max_length}, "comment", "max_length")
    report = _locked(report, version)
    _check_status(report, REPORT_REVIEWABLE, _("Only a submitted report can be returned; this one is: %(status)s."))
    _check_year_open(report.target, report.year)
    report.status = ReportStatus.RETURNED
    report.reviewer = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    _bump(report)
    _save(report, user=user, reason="return")
    _notify_on_commit(notifications.report_returned, report, user)
    return report


@transaction.atomic
def report_bulk_approve(*, user, reports: list[ProgressReport], versions: dict[int, int] | None = None) -> int:
    """Approve several submitted reports at once: all of them or, if any cannot be approved (no longer
    submitted, changed since the page was loaded, a closed year), none. Returns how many."""
    if not permissions.can_review(user):
        raise PermissionDenied
    if not reports:
        _refuse(_("Choose at least one report to approve."), code="empty")
    office_ids = permissions.office_organisation_ids(user)
    if office_ids is not None:
        others = ProgressReport.objects.filter(pk__in=[r.pk for r in reports]).exclude(
            target__program__organisation_id__in=office_ids
        )
        if others.exists():  # a report of an organisation where the user is not the office
            raise PermissionDenied
    versions = versions or {}
    with program_versions_bumped_once():
        for report in reports:
            try:
                report_approve(user=user, report=report, version=versions.get(report.pk))
            except ValidationError as error:
                _refuse(
                    _("Report number %(number)s (%(report)s): %(reason)s Nothing was approved.")
                    % {"number": report.pk, "report": str(report), "reason": " ".join(error.messages)},
                    code="bulk",
                )
    return len(reports)


@transaction.atomic
def report_correct(
    *,
    user,
    report: ProgressReport,
    value: Decimal,
    is_estimate: bool = False,
    note: str = "",
    evidence_url: str = "",
    evidence_file=None,
    submit: bool = False,
) -> ProgressReport:
    """A correction of an approved figure: a new report for the same target, unit and period that
    supersedes it once approved. The approved figure keeps counting until then."""
    if not permissions.can_edit_report(user, report):
        raise PermissionDenied
    current = _locked(report, None)
    _check_status(current, REPORT_CORRECTABLE, _("Only an approved figure can be corrected; this one is: %(status)s."))
    return report_create(
        user=user,
        target=current.target,
        unit=current.unit,
        year=current.year,
        quarter=current.quarter,
        value=value,
        is_estimate=is_estimate,
        note=note,
        evidence_url=evidence_url,
        evidence_file=evidence_file,
        submit=submit,
        supersedes=current,
    )
