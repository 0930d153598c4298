"""The office's administration of programmes, targets, units and users.

The admin writes through the models' own validation (ModelForm calls ``full_clean()``), so the same
rules hold as in the services. Reports are read-only here: their workflow lives in the application.

Every save and delete moves the data version of the programmes it touches (``services.program_version_bump``,
after the commit), so the pages' ETags change and browsers render them afresh; a change to users, roles or
units moves every programme's (the menu and the units' names show everywhere).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import permissions, services
from .models import (
    AnnualReview,
    DomainGroup,
    Membership,
    Milestone,
    Organisation,
    Program,
    ProgressReport,
    SolutionGroup,
    Target,
    Task,
    TaskReminder,
    TaskUpdate,
    Unit,
    YearClosure,
)


class ProgramCopyForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.order_by("name"))
    create_units = forms.BooleanField(
        label=_("Create the units it lacks, as copies of the programme's"), required=False
    )


class ScopedToOrganisation:
    """What the admin shows a ward's office: the rows of the organisations where it is the office (every
    row for superusers), and, in the forms, only their programmes, groups, units and targets to choose from.
    ``organisation_field`` is the path from the model to its organisation's id."""

    organisation_field = "program__organisation_id"
    # The choices of a foreign key or many-to-many field, by the related model: its path to the organisation.
    CHOICES = {
        "Organisation": "pk",
        "Program": "organisation_id",
        "Unit": "organisation_id",
        "DomainGroup": "program__organisation_id",
        "SolutionGroup": "program__organisation_id",
        "Target": "program__organisation_id",
        "Task": "program__organisation_id",
    }

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = permissions.office_organisation_ids(request.user)
        return queryset if ids is None else queryset.filter(**{f"{self.organisation_field}__in": ids})

    def _scoped_choices(self, db_field, request, kwargs):
        ids = permissions.office_organisation_ids(request.user)
        path = self.CHOICES.get(db_field.related_model.__name__)
        if ids is not None and path is not None:
            kwargs["queryset"] = db_field.related_model._default_manager.filter(**{f"{path}__in": ids})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BumpsVersion:
    """Moves the data version of the programmes an object belongs to when the admin saves or deletes it.

    ``programs_of(obj)`` gives their ids (``services.ALL``: every programme). The ids are read before the
    save as well as after it, so that moving a target to another programme moves both.
    """

    def programs_of(self, obj):
        return services.ALL

    def _bump(self, *objects):
        ids = set()
        for obj in objects:
            programs = self.programs_of(obj)
            if programs is services.ALL:
                services.program_version_bump(program_ids=services.ALL)
                return
            ids.update(programs)
        services.program_version_bump(program_ids=ids)

    def save_model(self, request, obj, form, change):
        before = type(obj)._base_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        super().save_model(request, obj, form, change)
        self._bump(*[o for o in (before, obj) if o is not None])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # inlines (milestones, members) and m2m
        self._bump(form.instance)

    def delete_model(self, request, obj):
        self._bump(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._bump(*queryset)
        super().delete_queryset(request, queryset)


class DomainGroupInline(admin.TabularInline):
    model = DomainGroup
    extra = 0


class SolutionGroupInline(admin.TabularInline):
    model = SolutionGroup
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedToOrganisation, BumpsVersion, SimpleHistoryAdmin):
    """Organisations and their people's roles (memberships); a change moves every programme's version (their
    names and rights show in roll-ups and menus)."""

    organisation_field = "pk"

    list_display = ["code", "name", "parent", "is_active", "dissolved_on"]
    list_filter = ["is_active", "parent"]
    search_fields = ["code", "name", "issuing_body"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ScopedToOrganisation, BumpsVersion, SimpleHistoryAdmin):
    organisation_field = "organisation_id"
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user"]


@admin.register(Program)
class ProgramAdmin(ScopedToOrganisation, BumpsVersion, SimpleHistoryAdmin):
    organisation_field = "organisation_id"
    list_display = ["number", "title", "organisation", "slug", "issued_on", "first_year", "last_year", "is_active"]
    list_filter = ["is_active", "organisation"]
    search_fields = ["number", "title", "resolution", "slug"]
    prepopulated_fields = {"slug": ["number"]}
    inlines = [DomainGroupInline, SolutionGroupInline]
    actions = ["copy_to_organisation"]

    @admin.action(description=_("Copy to another organisation (after a reorganisation)"))
    def copy_to_organisation(self, request, queryset):
        """``services.program_copy`` for each chosen programme, after a page that asks for the organisation."""
        form = ProgramCopyForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for source in queryset:
                try:
                    copy = services.program_copy(
                        source=source,
                        organisation=form.cleaned_data["organisation"],
                        create_units=form.cleaned_data["create_units"],
                    )
                except ValidationError as error:
                    self.message_user(request, f"{source.number}: {' '.join(error.messages)}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("%(source)s was copied as %(copy)s of %(organisation)s.")
                        % {"source": source.number, "copy": copy.slug, "organisation": copy.organisation.name},
                        messages.SUCCESS,
                    )
            return None
        return render(
            request,
            "admin/targets/program/copy.html",
            {**self.admin_site.each_context(request), "programs": queryset, "form": form, "opts": self.model._meta},
        )

    def programs_of(self, obj):
        return [obj.pk]


@admin.register(DomainGroup)
class DomainGroupAdmin(ScopedToOrganisation, BumpsVersion, admin.ModelAdmin):
    organisation_field = "program__organisation_id"
    list_display = ["number", "code", "name", "program"]
    list_filter = ["program"]
    search_fields = ["code", "name", "name_en"]

    def programs_of(self, obj):
        return [obj.program_id]


@admin.register(SolutionGroup)
class SolutionGroupAdmin(ScopedToOrganisation, BumpsVersion, admin.ModelAdmin):
    organisation_field = "program__organisation_id"
    list_display = ["number", "name", "program"]
    list_filter = ["program"]
    search_fields = ["name"]

    def programs_of(self, obj):
        return [obj.program_id]


class MembersInline(admin.TabularInline):
    model = Unit.members.through
    extra = 0
    verbose_name = _("member")
    verbose_name_plural = _("members")
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(ScopedToOrganisation, BumpsVersion, admin.ModelAdmin):
    organisation_field = "organisation_id"
    list_display = ["code", "name", "organisation", "kind", "is_active"]
    list_filter = ["organisation", "kind", "is_active"]
    search_fields = ["code", "name"]
    exclude = ["members"]
    inlines = [MembersInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["year", "min_value", "max_value", "deadline"]


@admin.register(Target)
class TargetAdmin(ScopedToOrganisation, BumpsVersion, SimpleHistoryAdmin):
    organisation_field = "program__organisation_id"
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

    def programs_of(self, obj):
        return [obj.program_id]


@admin.register(Milestone)
class MilestoneAdmin(ScopedToOrganisation, BumpsVersion, SimpleHistoryAdmin):
    organisation_field = "target__program__organisation_id"
    list_display = ["target", "year", "min_value", "max_value", "deadline"]
    list_filter = ["year", "target__group"]
    search_fields = ["target__code", "target__name"]
    list_select_related = ["target"]

    def programs_of(self, obj):
        return [obj.target.program_id]


@admin.register(ProgressReport)
class ProgressReportAdmin(ScopedToOrganisation, SimpleHistoryAdmin):
    organisation_field = "target__program__organisation_id"
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


@admin.register(Task)
class TaskAdmin(ScopedToOrganisation, BumpsVersion, SimpleHistoryAdmin):
    organisation_field = "program__organisation_id"
    """The office keeps a programme's tasks here (until the task list's import); updates and reminders go
    through the application's workflow."""

    list_display = ["code", "short_name", "solution_group", "lead_unit", "deadline", "recurrence", "is_active"]
    list_filter = ["program", "solution_group", "recurrence", "is_active", "lead_unit"]
    search_fields = ["code", "name", "search_text", "expected_output", "assigned_by_number"]
    list_select_related = ["solution_group", "lead_unit"]
    autocomplete_fields = ["lead_unit", "supporting_units", "targets"]
    fieldsets = [
        (None, {"fields": ["program", "solution_group", "code", "name", "order", "is_active"]}),
        (_("Responsibility"), {"fields": ["lead_unit", "supporting_units"]}),
        (_("Deadline and output"), {"fields": ["recurrence", "deadline", "expected_output", "targets"]}),
        (_("Assigned by"), {"fields": ["assigned_by_number", "assigned_by_date", "assigned_by_summary"]}),
        (_("Source"), {"fields": ["source_note"]}),
    ]

    @admin.display(description=_("content of the task"))
    def short_name(self, obj):
        return obj.name if len(obj.name) <= 80 else obj.name[:79] + "…"

    def programs_of(self, obj):
        return [obj.program_id]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Rows that change only through the services (their workflow and history), shown for reading."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaskUpdate)
class TaskUpdateAdmin(ScopedToOrganisation, ReadOnlyAdmin):
    organisation_field = "task__program__organisation_id"
    list_display = ["task", "unit", "date", "progress", "is_done", "completed_on", "status", "author"]
    list_filter = ["status", "is_done", "unit"]
    search_fields = ["task__code", "task__name", "unit__code", "content"]
    list_select_related = ["task", "unit", "author"]
    date_hierarchy = "date"


@admin.register(TaskReminder)
class TaskReminderAdmin(ScopedToOrganisation, admin.ModelAdmin):
    organisation_field = "task__program__organisation_id"
    list_display = ["task", "unit", "sent_by", "sent_at"]
    list_filter = ["unit"]
    search_fields = ["task__code", "task__name", "unit__code", "note"]
    list_select_related = ["task", "unit", "sent_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnnualReview)
class AnnualReviewAdmin(ScopedToOrganisation, SimpleHistoryAdmin):
    organisation_field = "target__program__organisation_id"
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
class YearClosureAdmin(ScopedToOrganisation, SimpleHistoryAdmin):
    organisation_field = "program__organisation_id"
    list_display = ["program", "year", "is_closed", "changed_by", "changed_at"]
    list_filter = ["is_closed", "year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Users and roles: Django's own admin pages, moving every programme's data version on a change (a role or a
# unit decides what a page shows to whom).
User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class TrackedUserAdmin(BumpsVersion, UserAdmin):
    """A ward's office keeps the people of its organisations (and new accounts not yet given a role); only a
    superuser makes superusers or grants permissions one by one."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = permissions.office_organisation_ids(request.user)
        if ids is None:
            return queryset
        return queryset.filter(
            Q(memberships__organisation_id__in=ids) | Q(memberships__isnull=True), is_superuser=False
        ).distinct()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions", "groups"]
        return fields


@admin.register(Group)
class TrackedGroupAdmin(BumpsVersion, GroupAdmin):
    pass
