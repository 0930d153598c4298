"""The programmes' data versions, which the pages' ETags carry (``targets/views/conditional.py``).

Every service that changes what a programme's pages show calls ``program_version_bump`` inside its
transaction; the version moves with one short UPDATE of the programme's row *after* the commit, so no
transaction holds it while it works and a write in one programme never waits on a write in another. A
change to accounts, roles or units (which every page may show: the menu, the units' names) moves every
programme's version: that is rare.

The new value is the larger of the old one plus one and the current time in microseconds, so that it is
never a value used before, even after a backup is restored (or an admin save wrote back the value it had
read): a browser's old ETag can never match a new page.
"""

import contextlib
import contextvars
import time
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from ..models import Program

ALL = None  # every programme

# Inside ``program_versions_bumped_once`` (an import, a bulk approval) the bumps are gathered here and
# registered once at the end, instead of one UPDATE per row after the commit.
_gathered: contextvars.ContextVar[list | None] = contextvars.ContextVar("program_versions_gathered", default=None)


def _bump(program_ids: frozenset[int] | None, using: str) -> None:
    programs = Program.objects.using(using)
    if program_ids is not None:
        programs = programs.filter(pk__in=program_ids)
    now = int(time.time() * 1_000_000)
    programs.update(data_version=Greatest(F("data_version") + 1, Value(now)))


def program_version_bump(*, program_ids: Iterable[int] | None = ALL, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the data version of ``program_ids`` (every programme when ``ALL``) once the current transaction
    commits (at once outside one); nothing moves if it rolls back, since nothing changed."""
    ids = None if program_ids is None else frozenset(program_ids)
    if ids is not None and not ids:
        return
    gathered = _gathered.get()
    if gathered is not None and using == DEFAULT_DB_ALIAS:
        gathered.append(ids)
        return
    transaction.on_commit(lambda: _bump(ids, using), using=using)


@contextlib.contextmanager
def program_versions_bumped_once():
    """Gather the bumps of the block and register them as one (a bump from a savepoint that rolled back
    is kept: one move too many is harmless, one too few is not)."""
    token = _gathered.set([])
    try:
        yield
        gathered = _gathered.get()
    finally:
        _gathered.reset(token)
    if gathered:
        every = any(ids is None for ids in gathered)
        program_version_bump(program_ids=ALL if every else frozenset().union(*gathered))
