"""Helpers the services share: refusing a step with a message that names the field, and the steps of a
workflow row (a figure report, a task update): claiming its version, saving it with its history."""

from django.core.exceptions import ValidationError
from django.db.models import F

from .versions import program_version_bump


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


def _refuse(message: str, field: str | None = None, code: str = "invalid"):
    raise ValidationError(
        {field: [ValidationError(message, code=code)]} if field else ValidationError(message, code=code)
    )


def version_claim(row, conflict: Exception) -> None:
    """Move ``row``'s version on with a conditional UPDATE, or raise ``conflict`` if someone moved it first.
    ``select_for_update`` serialises writers on PostgreSQL; SQLite ignores it, and this holds on both."""
    claimed = type(row).objects.filter(pk=row.pk, version=row.version).update(version=F("version") + 1)
    if not claimed:
        raise conflict
    row.version += 1


def history_save(row, *, user, reason: str, program_id: int) -> None:
    """Validate and save ``row``, recording who did it and which step it was in the history, and move its
    programme's data version after the commit."""
    row._history_user = user
    row._change_reason = reason
    row.full_clean()
    row.save()
    program_version_bump(program_ids=[program_id])
