from django.urls import include, path, register_converter

from .converters import CodeConverter
from .views import dashboard, exports, general, imports, organisations, reports, reviews, task_imports, tasks

register_converter(CodeConverter, "code")

# The pages of one programme, under /p/<slug>/ (each view gets the programme from permissions.program_required).
program_patterns = [
    path("", dashboard.overview, name="overview"),
    path("changes/", dashboard.changes, name="changes"),
    path("briefing/", dashboard.briefing, name="briefing"),
    path("groups/<code:code>/", dashboard.group_detail, name="group_detail"),
    path("targets/", dashboard.target_list, name="target_list"),
    path("targets/export.xlsx", exports.target_table_export, name="target_export"),
    path("targets/<code:code>/", dashboard.target_detail, name="target_detail"),
    path("targets/<code:code>/reports/new/", reports.report_new, name="report_new"),
    path("units/", dashboard.unit_index, name="unit_index"),
    path("units/<code:code>/", dashboard.unit_detail, name="unit_detail"),
    path("reviews/", reviews.review_index, name="review_index"),
    path("reviews/<int:year>/", reviews.review_year, name="review_year"),
    path("reviews/<int:year>/export.xlsx", reviews.review_export, name="review_export"),
    path("reviews/<int:year>/report/", reviews.review_report, name="review_report"),
    path("reviews/<int:year>/report.docx", reviews.review_report_docx, name="review_report_docx"),
    path("reviews/<int:year>/close/", reviews.review_close, name="review_close"),
    path("reviews/<int:year>/reopen/", reviews.review_reopen, name="review_reopen"),
    path("reviews/<int:year>/targets/<code:code>/", reviews.review_edit, name="review_edit"),
    path("imports/template.xlsx", imports.import_template, name="import_template"),
    # Tasks
    path("solutions/<int:number>/", tasks.solution_group_detail, name="solution_group_detail"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/export.xlsx", tasks.task_export, name="task_export"),
    path("tasks/import/", task_imports.task_import, name="task_import"),
    path("tasks/import/confirm/", task_imports.task_import_confirm, name="task_import_confirm"),
    path("tasks/import/template.xlsx", task_imports.task_import_template, name="task_import_template"),
    path("tasks/updates/import/", task_imports.task_update_import, name="task_update_import"),
    path("tasks/updates/import/confirm/", task_imports.task_update_import_confirm, name="task_update_import_confirm"),
    path(
        "tasks/updates/import/template.xlsx",
        task_imports.task_update_import_template,
        name="task_update_import_template",
    ),
    path("tasks/<code:code>/", tasks.task_detail, name="task_detail"),
    path("tasks/<code:code>/remind/", tasks.task_remind, name="task_remind"),
    path("tasks/<code:code>/updates/new/", tasks.task_update_new, name="task_update_new"),
    path("tasks/<code:code>/updates/<int:pk>/edit/", tasks.task_update_edit, name="task_update_edit"),
    path("tasks/<code:code>/updates/<int:pk>/correct/", tasks.task_update_correct, name="task_update_correct"),
    path("tasks/<code:code>/updates/<int:pk>/submit/", tasks.task_update_submit, name="task_update_submit"),
    path("tasks/<code:code>/updates/<int:pk>/withdraw/", tasks.task_update_withdraw, name="task_update_withdraw"),
    path("tasks/<code:code>/updates/<int:pk>/approve/", tasks.task_update_approve, name="task_update_approve"),
    path("tasks/<code:code>/updates/<int:pk>/return/", tasks.task_update_return, name="task_update_return"),
    path(
        "tasks/<code:code>/updates/<int:pk>/completion/",
        tasks.task_completion_correct,
        name="task_completion_correct",
    ),
    path("tasks/<code:code>/updates/<int:pk>/evidence/", tasks.task_update_evidence, name="task_update_evidence"),
]

urlpatterns = [
    path("", dashboard.program_index, name="home"),
    path("p/<slug:slug>/", include(program_patterns)),
    path("o/<slug:code>/", organisations.organisation_detail, name="organisation_detail"),
    path("o/<slug:code>/rollup.xlsx", organisations.organisation_rollup_export, name="organisation_rollup_export"),
    path("help/", dashboard.help_page, name="help"),
    # Across the user's programmes
    path("reports/", reports.report_list, name="report_list"),
    path("reports/approve/", reports.report_bulk_approve, name="report_bulk_approve"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/correct/", reports.report_correct, name="report_correct"),
    path("reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("reports/<int:pk>/withdraw/", reports.report_withdraw, name="report_withdraw"),
    path("reports/<int:pk>/approve/", reports.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", reports.report_return, name="report_return"),
    path("reports/<int:pk>/unapprove/", reports.report_unapprove, name="report_unapprove"),
    path("reports/<int:pk>/evidence/", reports.report_evidence, name="report_evidence"),
    path("imports/", imports.import_upload, name="import_upload"),
    path("imports/confirm/", imports.import_confirm, name="import_confirm"),
    # The addresses of before /p/<slug>/, kept for bookmarks: the same page of the user's default programme.
    path("imports/template.xlsx", general.to_default_program),
    path("groups/<path:rest>", general.to_default_program),
    path("targets/", general.to_default_program),
    path("targets/<path:rest>", general.to_default_program),
    path("units/", general.to_default_program),
    path("units/<path:rest>", general.to_default_program),
    path("reviews/", general.to_default_program),
    path("reviews/<path:rest>", general.to_default_program),
]
