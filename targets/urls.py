from django.urls import path, register_converter

from .converters import CodeConverter
from .views import dashboard, exports, imports, reports, reviews

register_converter(CodeConverter, "code")

urlpatterns = [
    # Dashboards (issue 4)
    path("", dashboard.overview, name="home"),
    path("groups/<code:code>/", dashboard.group_detail, name="group_detail"),
    path("targets/", dashboard.target_list, name="target_list"),
    path("targets/<code:code>/", dashboard.target_detail, name="target_detail"),
    path("units/", dashboard.unit_index, name="unit_index"),
    path("units/<code:code>/", dashboard.unit_detail, name="unit_detail"),
    path("help/", dashboard.help_page, name="help"),
    # Reporting workflow (issue 3)
    path("targets/<code:code>/reports/new/", reports.report_new, name="report_new"),
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
    # The annual review and Excel (issue 5)
    path("reviews/", reviews.review_index, name="review_index"),
    path("reviews/<int:year>/", reviews.review_year, name="review_year"),
    path("reviews/<int:year>/export.xlsx", reviews.review_export, name="review_export"),
    path("reviews/<int:year>/close/", reviews.review_close, name="review_close"),
    path("reviews/<int:year>/reopen/", reviews.review_reopen, name="review_reopen"),
    path("reviews/<int:year>/targets/<code:code>/", reviews.review_edit, name="review_edit"),
    path("imports/", imports.import_upload, name="import_upload"),
    path("imports/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/template.xlsx", imports.import_template, name="import_template"),
    path("targets/export.xlsx", exports.target_table_export, name="target_export"),
]
