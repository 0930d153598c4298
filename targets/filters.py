"""The filters of the target table (``/targets/``): group, lead unit, status, direction and a search.

The URL parameters are a contract (``q``, ``group``, ``unit``, ``status``, ``direction``): scripts and the
Excel export of the table use the same names. Groups and units are named by their codes, so a link reads
``/targets/?group=VH&unit=PVHTT``.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import YEAR_MAX, YEAR_MIN, DomainGroup, Program, ProgressReport, SolutionGroup, Target, Unit
from .selectors import PROGRESS_CHOICES, TASK_STATUS_CHOICES
from .text import fold, localised

SEARCH_MAX_LENGTH = 100


class TargetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or name, with or without accents")}),
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Group"), field_name="group", to_field_name="code", empty_label=_("All groups")
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Lead unit"), field_name="lead_unit", to_field_name="code", empty_label=_("All units")
    )
    status = django_filters.ChoiceFilter(
        label=_("Progress status"), choices=PROGRESS_CHOICES, method="filter_status", empty_label=_("All statuses")
    )
    direction = django_filters.ChoiceFilter(
        label=_("Direction"), choices=Target.Direction.choices, empty_label=_("All directions")
    )

    class Meta:
        model = Target
        fields = []  # only the filters declared above

    def __init__(self, data=None, queryset=None, *, program: Program, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["group"].queryset = DomainGroup.objects.filter(program=program).order_by("number")
        self.filters["unit"].queryset = Unit.objects.filter(led_targets__program=program).distinct().order_by("name")
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.form.fields["q"].widget.attrs["class"] = "form-control form-control-sm"

    def filter_search(self, queryset, name, value):
        # search_text holds the code and the names folded the same way (lower case, no diacritics, single
        # spaces), so "van hoa" finds "Văn hóa" on SQLite and PostgreSQL alike. The words are matched as a
        # phrase: matched one by one, "van hoa" would also find "vận chuyển … sinh hoạt".
        phrase = fold(value)
        return queryset.filter(search_text__contains=phrase) if phrase else queryset

    def filter_status(self, queryset, name, value):
        # The progress status is computed by assessment.py, not stored: the selector filters the judged rows.
        return queryset

    @property
    def chosen_status(self) -> str:
        """The chosen status once the form is validated, or ""."""
        return (self.form.cleaned_data.get("status") or "") if self.is_bound and self.form.is_valid() else ""


class ReportFilter(django_filters.FilterSet):
    """The approval queue's filters: the reporting unit, the target's group (by code) and the year.

    Units and groups are chosen by code from plain lists rather than model choices: a group's code is
    unique within a programme only, and a lookup by it must never find two rows.
    """

    unit = django_filters.ChoiceFilter(label=_("Unit"), field_name="unit__code", empty_label=_("All units"))
    group = django_filters.ChoiceFilter(label=_("Group"), field_name="target__group__code", empty_label=_("All groups"))
    year = django_filters.NumberFilter(
        label=_("Year"),
        field_name="year",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"min": YEAR_MIN, "max": YEAR_MAX, "step": 1, "placeholder": _("All years")}),
    )

    class Meta:
        model = ProgressReport
        fields = []

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data, queryset if queryset is not None else ProgressReport.objects.none(), **kwargs)
        # 2 queries, whatever is chosen: the units and the groups to choose from, of the organisations where
        # ``user`` is the office (every one for superusers, or without a user).
        office_ids = permissions.office_organisation_ids(user) if user is not None else None
        units = Unit.objects.all() if office_ids is None else Unit.objects.filter(organisation_id__in=office_ids)
        units = units.order_by("name", "code").values_list("code", "name", "name_en")
        self.filters["unit"].extra["choices"] = [(code, localised(name, en)) for code, name, en in units]
        groups = DomainGroup.objects.all()
        if office_ids is not None:
            groups = groups.filter(program__organisation_id__in=office_ids)
        groups = groups.order_by("number", "code").values_list("code", "number", "name", "name_en")
        seen, group_choices = set(), []
        for code, number, name, en in groups:
            if code not in seen:
                seen.add(code)
                group_choices.append((code, f"{number}. {localised(name, en)}"))
        self.filters["group"].extra["choices"] = group_choices
        for name, field in self.form.fields.items():
            field.widget.attrs.setdefault(
                "class", "form-control form-control-sm" if name == "year" else "form-select form-select-sm"
            )

    @property
    def is_active(self) -> bool:
        """Whether a filter is chosen (and valid)."""
        return self.is_bound and self.is_valid() and any(v not in (None, "") for v in self.form.cleaned_data.values())


class TaskFilterForm(forms.Form):
    """The filters of the task table (``/tasks/``): ``q``, ``group`` (a solution group's number), ``unit`` (the
    lead unit's code), ``status`` (a deadline status) and ``year`` (tasks due in it). The selector
    (``selectors.task_rows``) filters; this form only says which values are valid. A filter with a bad
    value gets a message beside it and is left out, as on the target table. 2 queries (the choices)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or content, with or without accents")}),
    )
    group = forms.TypedChoiceField(label=_("Group of solutions"), coerce=int, required=False, empty_value=None)
    unit = forms.ChoiceField(label=_("Lead unit"), required=False)
    status = forms.ChoiceField(label=_("Deadline status"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, data=None, *, program: Program):
        super().__init__(data)
        groups = SolutionGroup.objects.filter(program=program).order_by("number").values_list("number", "name")
        self.fields["group"].choices = [("", _("All groups"))] + [(n, f"{n}. {name}") for n, name in groups]
        units = (
            Unit.objects.filter(led_tasks__program=program)
            .distinct()
            .order_by("name", "code")
            .values_list("code", "name", "name_en")
        )
        self.fields["unit"].choices = [("", _("All units"))] + [(c, localised(n, en)) for c, n, en in units]
        self.fields["status"].choices = [("", _("All statuses")), *TASK_STATUS_CHOICES]
        self.fields["year"].choices = [("", _("Every year"))] + [(y, str(y)) for y in program.years]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields["q"].widget.attrs["class"] = "form-control form-control-sm"

    def chosen(self) -> dict:
        """The valid filters chosen, under ``selectors.task_rows``'s argument names."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {name: data[name] for name in self.fields if data.get(name) not in (None, "")}

    def described(self) -> list[tuple[str, str]]:
        """(label, what was chosen) for every valid filter in use, as the reader sees them (the export)."""
        described = []
        for name, value in self.chosen().items():
            field = self.fields[name]
            if hasattr(field, "choices"):
                value = {str(k): v for k, v in field.choices}.get(str(value), value)
            described.append((str(field.label), str(value)))
        return described
