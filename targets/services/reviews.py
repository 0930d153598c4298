"""The annual review: overrides, closing and reopening a year."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import assessment, permissions, selectors
from ..models import (
    AnnualReview,
    Program,
    Target,
    YearClosure,
)
from .common import _refuse
from .versions import program_version_bump

User = get_user_model()


# --- The annual review: reviews, closing and reopening a year, imports ------------------------------------
#
# A year's review is computed from the approved figures whenever it is read (selectors.review_year). It is
# stored as AnnualReview rows when the office overrides an assessment and, for every target, when the year
# is closed, so that a closed year keeps the figures and verdicts it was closed with however the reports
# or milestones change later. Reopening unfreezes the rows (overrides stay) and needs a reason; the history
# of YearClosure keeps both steps with who took them and why.


def _check_year_in_program(program: Program, year: int) -> None:
    if not program.contains_year(year):
        _refuse(
            _("The year %(year)s is outside the programme (%(first)s–%(last)s).")
            % {"year": year, "first": program.first_year, "last": program.last_year},
            "year",
            "outside",
        )


def year_not_ended_refusal(year: int) -> str:
    return _("The year %(year)s has not ended yet: it can be closed from 1 January %(next)s.") % {
        "year": year,
        "next": year + 1,
    }


def _clean_text(value: str, *, field: str, model, required_message: str | None = None) -> str:
    text = (value or "").strip()
    if required_message and not text:
        _refuse(required_message, field, "required")
    max_length = model._meta.get_field(field).max_length
    if len(text) > max_length:
        _refuse(_("At most %(max)s characters, please.") % {"max": max_length}, field, "max_length")
    return text


def _save_with_history(obj, *, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


def _store_reviews(*, program: Program, year: int, user, freeze: bool | None, reason: str) -> int:
    """Write the year's review line of every target into AnnualReview: figure, computed assessment, and
    the assessment (the computed one unless the office overrode it). Rows already frozen keep their
    figures; ``freeze`` True or False sets ``is_frozen`` on every row. Only changed rows are saved, so the
    history shows real changes. Returns how many rows were written."""
    review = selectors.review_year(program=program, year=year)
    targets = {t.pk: t for t in program.targets.all()}
    for target in targets.values():
        target.program = program  # AnnualReview.clean() reads it: no query per row
    stored = {
        row.target_id: row
        for row in AnnualReview.objects.select_for_update().filter(target__program=program, year=year)
    }
    written = 0
    for line in review.lines:
        row = stored.get(line.target_id) or AnnualReview(year=year)
        row.target = targets[line.target_id]
        values = {}
        if not row.is_frozen:
            values = {
                "figure": line.figure,
                "computed_assessment": line.computed,
                "assessment": line.assessment,
                "is_overridden": line.is_overridden,
            }
        if freeze is not None:
            values["is_frozen"] = freeze
        if row.pk and all(getattr(row, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_by = user
        _save_with_history(row, user=user, reason=reason)
        written += 1
    return written


@transaction.atomic
def review_refresh(*, program: Program, year: int, user=None) -> int:
    """Store the current review of every target of an open year (see ``_store_reviews``)."""
    _check_year_in_program(program, year)
    if selectors.year_is_closed(program=program, year=year):
        _refuse(_("The year %(year)s is closed: its review is frozen.") % {"year": year}, "year", "closed")
    written = _store_reviews(program=program, year=year, user=user, freeze=None, reason="refresh")
    if written:
        program_version_bump(program_ids=[program.pk])
    return written


@transaction.atomic
def review_override(
    *, user, target: Target, year: int, assessment: str, comment: str = "", seen: str = ""
) -> AnnualReview:
    """The office's assessment of ``target`` for ``year``. An assessment that differs from the computed one
    needs a comment saying why; choosing the computed one again ends the override.

    ``seen`` is the ``updated_at`` (ISO format) of the review the office looked at, or "" when there was
    none: if someone changed the review since, nothing is saved and the message says so.
    """
    if not permissions.can_close_year(user, target.program):
        raise PermissionDenied
    program = target.program
    _check_year_in_program(program, year)
    if selectors.year_is_closed(program=program, year=year):
        _refuse(_("The year %(year)s is closed: its review is frozen.") % {"year": year}, "year", "closed")
    if assessment not in AnnualReview.Assessment.values:
        _refuse(_("Choose one of the assessments in the list."), "assessment", "invalid_choice")
    comment = _clean_text(comment, field="comment", model=AnnualReview)
    line = selectors.review_year(program=program, year=year, target=target).lines[0]
    if assessment != line.computed and not comment:
        _refuse(
            _("Say why: an assessment that differs from the computed one (%(computed)s) needs a comment.")
            % {"computed": line.computed_label},
            "comment",
            "required",
        )
    row = AnnualReview.objects.select_for_update().filter(target=target, year=year).first()
    current = row.updated_at.isoformat() if row is not None else ""
    if (seen or "") != current:
        _refuse(
            _("Someone changed this review after you opened it. Nothing of yours was saved: check it and save again."),
            code="conflict",
        )
    row = row or AnnualReview(target=target, year=year)
    row.figure = line.figure
    row.computed_assessment = line.computed
    row.assessment = assessment
    row.is_overridden = assessment != line.computed
    row.comment = comment
    row.updated_by = user
    _save_with_history(row, user=user, reason="override")
    program_version_bump(program_ids=[program.pk])
    return row


@transaction.atomic
def year_close(*, user, program: Program, year: int, reason: str = "") -> YearClosure:
    """Close ``year`` of ``program`` (chốt số liệu): every target's review is stored and frozen, and the
    reporting services refuse any report for that year from now on. A year that has not ended is refused:
    its figures are still estimates (``assessment.year_has_ended``, in the programme's time zone)."""
    if not permissions.can_close_year(user, program):
        raise PermissionDenied
    _check_year_in_program(program, year)
    if not assessment.year_has_ended(year, timezone.localdate()):
        _refuse(year_not_ended_refusal(year), "year", "not_ended")
    reason = _clean_text(reason, field="reason", model=YearClosure)
    # The programme row is locked so that two closings (or a closing and a reopening) run one after the other.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    closure = YearClosure.objects.filter(program=program, year=year).first()
    if closure is not None and closure.is_closed:
        _refuse(_("The year %(year)s is already closed.") % {"year": year}, "year", "closed")
    _store_reviews(program=program, year=year, user=user, freeze=True, reason="close")
    closure = closure or YearClosure(program=program, year=year)
    closure.is_closed = True
    closure.reason = reason
    closure.changed_by = user
    _save_with_history(closure, user=user, reason="close")
    program_version_bump(program_ids=[program.pk])
    return closure


@transaction.atomic
def year_reopen(*, user, program: Program, year: int, reason: str) -> YearClosure:
    """Reopen a closed year: reports for it are possible again and its reviews are no longer frozen (the
    office's overrides stay). A reason is required; it is kept in the closure's history."""
    if not permissions.can_close_year(user, program):
        raise PermissionDenied
    _check_year_in_program(program, year)
    reason = _clean_text(reason, field="reason", model=YearClosure, required_message=_("Say why the year is reopened."))
    Program.objects.select_for_update().filter(pk=program.pk).first()
    closure = YearClosure.objects.filter(program=program, year=year, is_closed=True).first()
    if closure is None:
        _refuse(_("The year %(year)s is not closed.") % {"year": year}, "year", "not_closed")
    _store_reviews(program=program, year=year, user=user, freeze=False, reason="reopen")
    closure.is_closed = False
    closure.reason = reason
    closure.changed_by = user
    _save_with_history(closure, user=user, reason="reopen")
    program_version_bump(program_ids=[program.pk])
    return closure
