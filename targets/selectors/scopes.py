"""How the reads of one programme name its rows: through the ids of its targets, not a join.

``ProgressReport.objects.filter(target__program=program)`` joins the report to its target; SQLite's
planner, which keeps no statistics unless told to ANALYZE, then walks every approved report of every
programme through the status index and keeps the programme's (the district's dashboard rows went
5 → 512 ms once two programmes of 4,100 targets sat beside it). ``target IN (the programme's target ids)``
makes it start from the programme: its targets through the programme index, their rows through the
(target, status, quarter, year) index (migration 0010). PostgreSQL plans both shapes the same way.
"""

from ..models import Program, Target


def of_program(program: Program, *, field: str = "target") -> dict:
    """Filter arguments for the rows whose ``field`` is a target of ``program``: a subquery, no query."""
    return {f"{field}__in": Target.objects.filter(program=program).values("pk")}
