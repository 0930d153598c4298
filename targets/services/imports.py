"""Confirming an import of figures from Excel."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import notifications, permissions
from ..models import (
    ProgressReport,
)
from .common import _refuse
from .reporting import _collected_notices, report_approve, report_create
from .versions import program_versions_bumped_once

User = get_user_model()


@transaction.atomic
def import_confirm(*, user, rows: list, approve: bool = False) -> list[ProgressReport]:
    """Create a submitted report for every checked import row (``imports.ImportRow`` with its target and
    unit), or approve them at once when the office imports and asks for it. All or nothing: the first row
    the reporting services refuse undoes the whole import, and the message names that row."""
    if not permissions.can_import(user):
        raise PermissionDenied
    if approve and not permissions.can_review(user):
        raise PermissionDenied
    if not rows:
        _refuse(_("The file has no figures to import."), code="empty")
    created = []
    token = _collected_notices.set([])
    try:
        with program_versions_bumped_once():
            _import_rows(user=user, rows=rows, approve=approve, created=created)
    finally:
        _collected_notices.reset(token)
    report_ids, actor_id = [report.pk for report in created], user.pk
    transaction.on_commit(lambda: notifications.import_done(report_ids=report_ids, actor_id=actor_id))
    return created


def _import_rows(*, user, rows: list, approve: bool, created: list) -> None:
    for row in rows:
        try:
            report = report_create(
                user=user,
                target=row.target,
                unit=row.unit,
                year=row.year,
                quarter=row.quarter,
                value=row.value,
                is_estimate=row.is_estimate,
                note=row.note,
                submit=True,
            )
            if approve:
                report = report_approve(user=user, report=report, version=report.version)
        except PermissionDenied:
            _refuse(
                _("Row %(row)s: you may not report on %(code)s. Nothing was imported.")
                % {"row": row.number, "code": row.target.code},
                code="import",
            )
        except ValidationError as error:
            _refuse(
                _("Row %(row)s: %(reason)s Nothing was imported.")
                % {"row": row.number, "reason": " ".join(error.messages)},
                code="import",
            )
        created.append(report)
