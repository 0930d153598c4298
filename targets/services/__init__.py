"""Every write of the application, one module per capability.

Each service is named ``<entity>_<action>``, takes keyword-only arguments, runs in ``transaction.atomic``,
locks only the rows it changes and calls ``full_clean()`` before saving, so that views, the admin, imports
and commands share one set of rules. Callers import from here: ``from targets import services``.
"""

from ..permissions import ROLE_LEADER, ROLE_OFFICE, ROLE_UNIT_STAFF
from .accounts import (
    DEMO_PASSWORD,
    ROLES,
    membership_check,
    membership_ensure,
    roles_ensure,
    user_ensure,
)
from .imports import (
    import_confirm,
    task_import_confirm,
    task_update_import_confirm,
)
from .programmes import (
    program_copy,
)
from .reference import (
    LoadSummary,
    program_load_reference,
)
from .reporting import (
    REPORT_CORRECTABLE,
    REPORT_EDITABLE,
    REPORT_OPEN,
    REPORT_REVIEWABLE,
    REPORT_SUBMITTABLE,
    REPORT_WITHDRAWABLE,
    ReportConflict,
    report_approve,
    report_bulk_approve,
    report_correct,
    report_create,
    report_return,
    report_submit,
    report_unapprove,
    report_update,
    report_withdraw,
)
from .review_reports import (
    REVIEW_REPORT_FIELDS,
    ReviewReportConflict,
    review_report_save,
)
from .reviews import (
    review_override,
    review_refresh,
    year_close,
    year_not_ended_refusal,
    year_reopen,
)
from .tasks import (
    TaskUpdateConflict,
    task_completion_correct,
    task_remind,
    task_update_approve,
    task_update_correct,
    task_update_create,
    task_update_edit,
    task_update_return,
    task_update_submit,
    task_update_withdraw,
)
from .versions import (
    ALL,
    program_version_bump,
)

__all__ = [
    "REVIEW_REPORT_FIELDS",
    "ReviewReportConflict",
    "review_report_save",
    "ALL",
    "DEMO_PASSWORD",
    "LoadSummary",
    "REPORT_CORRECTABLE",
    "REPORT_EDITABLE",
    "REPORT_OPEN",
    "REPORT_REVIEWABLE",
    "REPORT_SUBMITTABLE",
    "REPORT_WITHDRAWABLE",
    "ROLES",
    "ROLE_LEADER",
    "ROLE_OFFICE",
    "ROLE_UNIT_STAFF",
    "ReportConflict",
    "import_confirm",
    "task_import_confirm",
    "task_update_import_confirm",
    "program_load_reference",
    "program_version_bump",
    "report_approve",
    "report_bulk_approve",
    "report_correct",
    "report_create",
    "report_return",
    "report_submit",
    "report_unapprove",
    "report_update",
    "report_withdraw",
    "review_override",
    "review_refresh",
    "membership_check",
    "membership_ensure",
    "program_copy",
    "roles_ensure",
    "user_ensure",
    "TaskUpdateConflict",
    "task_completion_correct",
    "task_remind",
    "task_update_approve",
    "task_update_correct",
    "task_update_create",
    "task_update_edit",
    "task_update_return",
    "task_update_submit",
    "task_update_withdraw",
    "year_close",
    "year_not_ended_refusal",
    "year_reopen",
]
