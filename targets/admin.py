"""The office's administration of programmes, targets, units and users.

The admin writes through the models' own validation (ModelForm calls ``full_clean()``), so the same
rules hold as in the services. Reports are read-only here: their workflow lives in the application.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AnnualReview,
    DomainGroup,
    Milestone,
    Program,
    ProgressReport,
    SolutionGroup,
    Target,
    Unit,
    YearClosure,
)


class DomainGroupInline(admin.TabularInline):
    model = DomainGroup
    extra = 0


class SolutionGroupInline(admin.TabularInline):
    model = SolutionGroup
    extra = 0


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "issued_on", "issuing_body", "first_year", "last_year", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["number", "title", "resolution"]
    inlines = [DomainGroupInline, SolutionGroupInline]


@admin.register(DomainGroup)
class DomainGroupAdmin(admin.ModelAdmin):
    list_display = ["number", "code", "name", "program"]
    list_filter = ["program"]
    search_fields = ["code", "name", "name_en"]


@admin.register(SolutionGroup)
class SolutionGroupAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "program"]
    list_filter = ["program"]
    search_fields = ["name"]


class MembersInline(admin.TabularInline):
    model = Unit.members.through
    extra = 0
    verbose_name = _("member")
    verbose_name_plural = _("members")
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    exclude = ["members"]
    inlines = [MembersInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["year", "min_value", "max_value", "deadline"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "group", "unit_of_measure", "direction", "is_yearly", "lead_unit", "order"]
    list_filter = ["program", "group", "direction", "is_yearly", "lead_unit"]
    search_fields = ["code", "name", "name_en", "search_text"]
    list_select_related = ["group", "lead_unit"]
    autocomplete_fields = ["lead_unit", "supporting_units"]
    inlines = [MilestoneInline]
    fieldsets = [
        (None, {"fields": ["program", "group", "code", "name", "name_en", "order"]}),
        (
            _("Measure"),
            {
                "fields": [
                    "unit_of_measure",
                    "unit_of_measure_en",
                    "direction",
                    "is_yearly",
                    "is_period_average",
                    "baseline_value",
                    "baseline_year",
                ]
            },
        ),
        (_("Responsibility"), {"fields": ["lead_unit", "supporting_units"]}),
        (_("Source"), {"fields": ["source_note"]}),
    ]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["target", "year", "min_value", "max_value", "deadline"]
    list_filter = ["year", "target__group"]
    search_fields = ["target__code", "target__name"]
    list_select_related = ["target"]


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["target", "unit", "year", "quarter", "value", "is_estimate", "status", "author", "updated_at"]
    list_filter = ["status", "year", "is_estimate", "unit"]
    search_fields = ["target__code", "target__name", "unit__code", "note"]
    list_select_related = ["target", "unit", "author"]
    date_hierarchy = "created_at"

    # Reports change only through the workflow (services), so that nothing skips approval or history.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnnualReview)
class AnnualReviewAdmin(SimpleHistoryAdmin):
    list_display = ["target", "year", "figure", "assessment", "is_overridden", "is_frozen"]
    list_filter = ["year", "assessment", "is_frozen"]
    search_fields = ["target__code", "target__name", "comment"]
    list_select_related = ["target"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(YearClosure)
class YearClosureAdmin(SimpleHistoryAdmin):
    list_display = ["program", "year", "is_closed", "changed_by", "changed_at"]
    list_filter = ["is_closed", "year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
