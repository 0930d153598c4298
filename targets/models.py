"""The data of the tracker: programmes, their groups, units, targets, milestones, reports and reviews.

Models are data: fields, constraints, choices and small properties that read only their own row.
Writes live in ``services.py``, reads behind pages in ``selectors.py``, judging in ``assessment.py``.

The database refuses what must never happen (duplicate codes, a range whose max is below its min,
a quarter outside 1–4, a year outside any sensible span, two milestones for one year, two approved
figures for one period). A year outside *the programme's* span needs a join, which a CHECK cannot
express, so ``clean()`` enforces it and every write path calls ``full_clean()``.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .text import fold, localised

# Years outside this span are typing mistakes whatever the programme; the programme's own span is
# checked in clean().
YEAR_MIN = 1990
YEAR_MAX = 2100
YEAR_VALIDATORS = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]

# Figures: 14 digits before the point and 4 after cover budgets in đồng as well as rates.
VALUE_DIGITS = 18
VALUE_PLACES = 4


def value_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, **kwargs)


def slugify_code(text: str) -> str:
    """A URL-safe form of a number or name: "12-CTr/QU" -> "12-ctr-qu", "Phường Cầu Giấy" -> "phuong-cau-giay"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


class Organisation(models.Model):
    """A Party organisation (tổ chức đảng: Thành ủy, Quận ủy, Đảng ủy phường) that issues programmes.

    Organisations form a tree: the city above its wards (and above the district they replaced). Its
    people's rights come from ``Membership``; the parent's leaders and office read its programmes."""

    code = models.SlugField(
        _("code"), max_length=60, unique=True, help_text=_("For example phuong-cau-giay: its page is /o/<code>/.")
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("For example Đảng bộ phường Cầu Giấy."))
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    parent_body = models.CharField(
        _("parent body"), max_length=200, help_text=_("The header's upper line, for example ĐẢNG BỘ THÀNH PHỐ HÀ NỘI.")
    )
    issuing_body = models.CharField(
        _("issuing body"), max_length=200, help_text=_("The header's second line, for example ĐẢNG ỦY PHƯỜNG CẦU GIẤY.")
    )
    place_name = models.CharField(
        _("place name for dates"), max_length=100, help_text=_("Written before the date: “Cầu Giấy, ngày …”.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    dissolved_on = models.DateField(
        _("dissolved on"), null=True, blank=True, help_text=_("Its programmes stay readable with their history.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["parent_id", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="organisation_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return localised(self.name, self.name_en)

    def clean(self):
        errors = {}
        if self.code and self.code != slugify_code(self.code):
            errors["code"] = gettext("Use lower-case letters, digits and hyphens only, for example phuong-cau-giay.")
        if self.parent_id and self.pk:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.pk:
                    errors["parent"] = gettext("An organisation cannot be placed under itself or its own children.")
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        if self.dissolved_on and self.is_active:
            errors["is_active"] = gettext("A dissolved organisation cannot be active.")
        if errors:
            raise ValidationError(errors)


class Membership(models.Model):
    """A user's role in one organisation: the source of their rights there (and, for leaders and the office,
    read access to the organisations below it). Unit staff report through ``Unit.members``."""

    class Role(models.TextChoices):
        OFFICE = "office", _("Office")
        LEADER = "leader", _("Leader")
        UNIT_STAFF = "unit_staff", _("Unit staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["office", "leader", "unit_staff"]), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


class Program(models.Model):
    """An action programme (chương trình hành động) implementing a resolution."""

    organisation = models.ForeignKey(
        "Organisation", on_delete=models.PROTECT, related_name="programs", verbose_name=_("organisation")
    )
    number = models.CharField(_("number"), max_length=50, help_text=_("For example 12-CTr/QU."))
    slug = models.SlugField(
        _("address in the URL"),
        max_length=80,
        unique=True,
        help_text=_("For example 12-ctr-qu: the pages live under /p/<slug>/."),
    )
    # The programme this one was copied from across a reorganisation (manage.py program_copy).
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    title = models.CharField(_("title"), max_length=500)
    issued_on = models.DateField(_("date of issue"))
    resolution = models.CharField(
        _("resolution implemented"),
        max_length=300,
        help_text=_("For example Nghị quyết số 15-NQ/TW ngày 05/5/2022 của Bộ Chính trị."),
    )
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    milestone_years = models.JSONField(_("milestone years"), default=list, help_text=_("For example [2025, 2030]."))
    is_active = models.BooleanField(_("active"), default=True)
    # Moves (to a value never used before) after every committed change to what the programme's pages show;
    # the pages' ETags carry it (targets/views/conditional.py). Written only by services.program_version_bump.
    data_version = models.PositiveBigIntegerField(_("data version"), default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["data_version"])

    class Meta:
        verbose_name = _("action programme")
        verbose_name_plural = _("action programmes")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="program_number_unique_in_organisation"),
            models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")), name="program_years_ordered"),
        ]

    def __str__(self):
        return self.number

    # The names a Party document's header uses belong to the organisation that issues the programme.
    @property
    def issuing_body(self) -> str:
        return self.organisation.issuing_body

    @property
    def parent_body(self) -> str:
        return self.organisation.parent_body

    @property
    def place_name(self) -> str:
        return self.organisation.place_name

    def clean(self):
        errors = {}
        if self.slug and self.slug != slugify_code(self.slug):
            errors["slug"] = gettext("Use lower-case letters, digits and hyphens only, for example 12-ctr-qu.")
        if self.first_year and self.last_year and self.last_year < self.first_year:
            errors["last_year"] = gettext("The last year cannot be before the first year.")
        years = self.milestone_years
        if not isinstance(years, list) or not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
            errors["milestone_years"] = gettext("Milestone years must be a list of years, such as [2025, 2030].")
        elif self.first_year and self.last_year:
            outside = [y for y in years if not self.first_year <= y <= self.last_year]
            if outside:
                errors["milestone_years"] = gettext("Milestone years must lie between the first and the last year.")
        if errors:
            raise ValidationError(errors)

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def contains_year(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


class SolutionGroup(models.Model):
    """A group of tasks and solutions of a programme (nhóm nhiệm vụ, giải pháp)."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="solution_groups", verbose_name=_("programme")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.TextField(_("name"))
    source_note = models.CharField(_("source of the wording"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("group of tasks and solutions")
        verbose_name_plural = _("groups of tasks and solutions")
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="solution_group_number_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class DomainGroup(models.Model):
    """A group of targets (nhóm lĩnh vực), numbered in the programme's order."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="groups", verbose_name=_("programme"))
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("The group's order in the programme."))
    code = models.CharField(_("code"), max_length=10, help_text=_("For example XD, KT."))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("domain group")
        verbose_name_plural = _("domain groups")
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="domain_group_number_unique"),
            models.UniqueConstraint(fields=["program", "code"], name="domain_group_code_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def display_name(self) -> str:
        """The name in the page's language (the English name in English, when stored)."""
        return localised(self.name, self.name_en)


class Unit(models.Model):
    """A responsible body (đơn vị, "địa chỉ"): leads or supports targets, and reports their figures."""

    class Kind(models.TextChoices):
        PARTY = "party", _("Party body")
        GOVERNMENT = "government", _("Government body")
        SECURITY = "security", _("Security and defence")
        MASS_ORGANISATION = "mass_organisation", _("Front and mass organisation")
        WARD = "ward", _("Ward")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("Unique within its organisation."))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="units",
        verbose_name=_("members"),
        help_text=_("The users who report figures for this unit."),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unit_code_unique_in_organisation"),
            models.CheckConstraint(
                condition=Q(kind__in=["party", "government", "security", "mass_organisation", "ward"]),
                name="unit_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the page's language (the English name in English, when stored)."""
        return localised(self.name, self.name_en)


class Target(models.Model):
    """A key target (chỉ tiêu) of a programme."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase (higher is better)")
        DECREASE = "decrease", _("Decrease (lower is better)")
        KEEP = "keep", _("Keep (reach and hold)")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="targets", verbose_name=_("programme"))
    group = models.ForeignKey(
        DomainGroup, on_delete=models.PROTECT, related_name="targets", verbose_name=_("domain group")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("English name"), max_length=500, blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=50)
    unit_of_measure_en = models.CharField(_("unit of measure in English"), max_length=50, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    is_yearly = models.BooleanField(
        _("yearly target"), default=False, help_text=_("The same plan applies to every year of its phase.")
    )
    # An average rate over a period (bình quân giai đoạn, such as growth a year on average over 2021–2025):
    # each year's rate is judged against the period's target, never against a line drawn to it.
    is_period_average = models.BooleanField(
        _("average over the period"),
        default=False,
        help_text=_("An average rate over the phase: every year is judged against the phase's milestone."),
    )
    baseline_value = value_field(_("baseline value"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_targets", verbose_name=_("lead unit")
    )
    supporting_units = models.ManyToManyField(
        Unit, blank=True, related_name="supported_targets", verbose_name=_("supporting units")
    )
    source_note = models.CharField(
        _("source of the values"),
        max_length=500,
        blank=True,
        help_text=_("Where the wording and values come from; illustrative values are marked so."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Code and names without diacritics and in lower case, for a search that finds "văn hóa" from
    # "van hoa" on SQLite and PostgreSQL alike (no unaccent extension needed). Kept by save().
    search_text = models.TextField(editable=False, default="")

    history = HistoricalRecords(m2m_fields=[supporting_units])

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["program", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="target_code_unique_in_program"),
            models.CheckConstraint(
                condition=Q(direction__in=["increase", "decrease", "keep"]), name="target_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True) | Q(baseline_year__gte=YEAR_MIN, baseline_year__lte=YEAR_MAX),
                name="target_baseline_year_range",
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_year__isnull=False),
                name="target_baseline_has_year",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def display_name(self) -> str:
        """The name in the page's language (the English name in English, when stored)."""
        return localised(self.name, self.name_en)

    @property
    def display_unit_of_measure(self) -> str:
        return localised(self.unit_of_measure, self.unit_of_measure_en)

    @property
    def is_percentage(self) -> bool:
        """Measured in per cent (%, % of the estimate, %/year): its changes are percentage points."""
        return self.unit_of_measure.startswith("%")

    @property
    def has_illustrative_values(self) -> bool:
        """Whether the reference data's source note marks some of its values as illustrative."""
        return "illustrative" in self.source_note.lower()

    def clean(self):
        errors = {}
        if self.baseline_value is not None and self.baseline_year is None:
            errors["baseline_year"] = gettext("A baseline value needs its year.")
        if self.group_id and self.program_id and self.group.program_id != self.program_id:
            errors["group"] = gettext("The group belongs to another programme.")
        if self.lead_unit_id and self.program_id and self.lead_unit.organisation_id != self.program.organisation_id:
            errors["lead_unit"] = gettext("The lead unit belongs to another organisation than the programme.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.code} {self.name} {self.name_en}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class Milestone(models.Model):
    """The planned value of a target for a year; a range has a min and a max."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("target"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    min_value = value_field(_("planned value (min)"))
    max_value = value_field(_("planned value (max)"), null=True, blank=True, help_text=_("Only for a range."))
    deadline = models.DateField(_("deadline"), blank=True, help_text=_("31/12 of the year unless set otherwise."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["target", "year"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="milestone_one_per_year"),
            models.CheckConstraint(
                condition=Q(max_value__isnull=True) | Q(max_value__gte=models.F("min_value")),
                name="milestone_max_not_below_min",
            ),
            models.CheckConstraint(condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="milestone_year_range"),
        ]

    def __str__(self):
        return f"{self.target.code} {self.year}"

    def clean(self):
        errors = {}
        if self.max_value is not None and self.min_value is not None and self.max_value < self.min_value:
            errors["max_value"] = gettext("The maximum cannot be below the minimum.")
        if self.year and self.target_id and not self.target.program.contains_year(self.year):
            program = self.target.program
            errors["year"] = gettext("The year must lie between %(first)s and %(last)s.") % {
                "first": program.first_year,
                "last": program.last_year,
            }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.deadline is None and self.year:
            self.deadline = datetime.date(self.year, 12, 31)
        super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        if self.deadline is None and self.year:
            self.deadline = datetime.date(self.year, 12, 31)
        return super().full_clean(*args, **kwargs)

    @property
    def is_range(self) -> bool:
        return self.max_value is not None and self.max_value != self.min_value


class ProgressReport(models.Model):
    """A unit's figure for a target and a period, with its place in the approval workflow."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        SUPERSEDED = "superseded", _("Superseded")

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="reports", verbose_name=_("target"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("reporting unit"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    value = value_field(_("value"))
    is_estimate = models.BooleanField(_("estimate"), default=False, help_text=_("An estimate (số ước), not final."))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    evidence_url = models.URLField(_("evidence link"), blank=True, max_length=500)
    evidence_file = models.FileField(_("evidence file"), blank=True, upload_to="evidence/%Y/%m/", max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_reports", verbose_name=_("author")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_reports",
        verbose_name=_("reviewer"),
    )
    review_comment = models.TextField(_("review comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
        help_text=_("The approved report this one corrects."),
    )
    # Incremented by every write; a save that carries an older version is refused (see services).
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-year", "target__order", "quarter"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"
            ),
            models.CheckConstraint(condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="report_year_range"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "approved", "returned", "superseded"]),
                name="report_status_valid",
            ),
            # One approved figure per target, unit and period. The quarter is NULL for a whole year,
            # and NULLs never clash in a unique index, hence the COALESCE.
            models.UniqueConstraint(
                "target",
                "unit",
                "year",
                Coalesce("quarter", 0),
                condition=Q(status="approved"),
                name="report_one_approved_per_period",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="report_status_submitted"),
            models.Index(fields=["target", "year", "status"], name="report_target_year_status"),
            # A programme's approved yearly figures (dashboards, review, exports): its targets first, so that
            # SQLite's planner, without statistics, prefers it to the status index (selectors/scopes.py).
            models.Index(fields=["target", "status", "quarter", "year"], name="report_target_status_quarter"),
        ]

    def __str__(self):
        return f"{self.target.code} · {self.period_label} · {self.unit.code}"

    def clean_own_fields(self) -> None:
        """The model's rules on its own values (digits of the value, length of the note, …), without a
        query: the related rows were just read by the caller, and uniqueness is the services' question
        (the database's constraints stand behind it). Raises ``ValidationError``."""
        self.full_clean(
            exclude=["target", "unit", "author", "reviewer", "supersedes"],
            validate_unique=False,
            validate_constraints=False,
        )

    @property
    def period_label(self) -> str:
        if self.quarter:
            return gettext("Q%(quarter)s/%(year)s") % {"quarter": self.quarter, "year": self.year}
        return str(self.year)

    def clean(self):
        errors = {}
        if self.year and self.target_id and not self.target.program.contains_year(self.year):
            program = self.target.program
            errors["year"] = gettext("The year must lie between %(first)s and %(last)s.") % {
                "first": program.first_year,
                "last": program.last_year,
            }
        if self.value is not None and not self.value.is_finite():
            errors["value"] = gettext("Enter a finite number.")
        if errors:
            raise ValidationError(errors)


class AnnualReview(models.Model):
    """The year's verdict on a target (kiểm điểm, đánh giá): figure, assessment, comment."""

    class Assessment(models.TextChoices):
        EXCEEDED = "exceeded", _("Exceeded")
        ACHIEVED = "achieved", _("Achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        NO_DATA = "no_data", _("No data")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("target"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    figure = value_field(_("figure"), null=True, blank=True)
    assessment = models.CharField(
        _("assessment"), max_length=15, choices=Assessment.choices, default=Assessment.NO_DATA
    )
    computed_assessment = models.CharField(
        _("computed assessment"), max_length=15, choices=Assessment.choices, default=Assessment.NO_DATA
    )
    is_overridden = models.BooleanField(_("assessment overridden"), default=False)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    is_frozen = models.BooleanField(_("frozen"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual review")
        verbose_name_plural = _("annual reviews")
        ordering = ["-year", "target__order"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="review_one_per_target_year"),
            models.CheckConstraint(condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="review_year_range"),
            models.CheckConstraint(
                condition=Q(assessment__in=["exceeded", "achieved", "not_achieved", "no_data"]),
                name="review_assessment_valid",
            ),
        ]

    def __str__(self):
        return f"{self.target.code} {self.year}"

    def clean(self):
        if self.year and self.target_id and not self.target.program.contains_year(self.year):
            raise ValidationError({"year": gettext("The year is outside the programme.")})


class YearClosure(models.Model):
    """Whether a programme's year is closed (chốt số liệu). Closing and reopening are kept in history."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="closures", verbose_name=_("programme"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    is_closed = models.BooleanField(_("closed"), default=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("year closure")
        verbose_name_plural = _("year closures")
        ordering = ["program", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="closure_one_per_program_year"),
        ]

    def __str__(self):
        return f"{self.program} {self.year}"


class ReviewReport(models.Model):
    """The yearly review report (báo cáo kết quả thực hiện chương trình hành động năm …) as the office writes
    it: the document's number, date, signer and recipients, and the narrative parts. Part II (the results)
    is not stored: it is written from the year's review when the document is made. Frozen, like the
    figures, once the year is closed (services.review_report_save refuses)."""

    # The narrative parts, in the order of the document, with the heading each one goes under.
    NARRATIVE_FIELDS = ("leadership", "strengths", "limitations", "causes", "directions", "proposals")
    TEXT_MAX = 20000

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="review_reports", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    number = models.CharField(
        _("document number"),
        max_length=40,
        blank=True,
        help_text=_("As it follows “Số”, for example 45-BC/QU. Left empty, the document keeps a blank to fill in."),
    )
    dated = models.DateField(_("date of the document"), null=True, blank=True)
    signer_on_behalf = models.CharField(
        _("signing on behalf of"), max_length=100, blank=True, default="T/M BAN THƯỜNG VỤ"
    )
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    recipients = models.TextField(
        _("recipients"), blank=True, max_length=2000, help_text=_("One recipient per line (Nơi nhận).")
    )
    leadership = models.TextField(_("I. Leadership and direction"), blank=True, max_length=TEXT_MAX)
    strengths = models.TextField(_("III.1. Strengths"), blank=True, max_length=TEXT_MAX)
    limitations = models.TextField(_("III.2. Limitations and shortcomings"), blank=True, max_length=TEXT_MAX)
    causes = models.TextField(_("III.3. Causes"), blank=True, max_length=TEXT_MAX)
    directions = models.TextField(_("IV. Directions and tasks for next year"), blank=True, max_length=TEXT_MAX)
    proposals = models.TextField(_("V. Proposals"), blank=True, max_length=TEXT_MAX)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        ordering = ["program", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="review_report_one_per_program_year"),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="review_report_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.program} {self.year}"

    def clean(self):
        errors = {}
        if self.year and self.program_id and not self.program.contains_year(self.year):
            errors["year"] = gettext("The year is outside the programme.")
        if self.number and not re.fullmatch(r"[\w.\-/ ]+", self.number):
            errors["number"] = gettext(
                "A document number has letters, digits, hyphens and slashes only, for example 45-BC/QU."
            )
        # A TextField's max_length binds only forms: the model checks it for every other way in.
        for field in (*self.NARRATIVE_FIELDS, "recipients"):
            limit = self._meta.get_field(field).max_length
            if len(getattr(self, field) or "") > limit:
                errors[field] = gettext("At most %(max)s characters, please.") % {"max": limit}
        if self.dated and self.year and not self.year <= self.dated.year <= self.year + 1:
            errors["dated"] = gettext("The report of %(year)s is dated in %(year)s or %(next)s.") % {
                "year": self.year,
                "next": self.year + 1,
            }
        if errors:
            raise ValidationError(errors)


# --- Tasks (nhiệm vụ) of a programme's groups of solutions ------------------------------------------------


class Task(models.Model):
    """A task (nhiệm vụ) of a programme's group of solutions, with its "address" (the lead unit and the
    supporting units), its deadline and the document that assigned it. Its status is judged in
    ``assessment.task_state`` from its approved updates; nothing about it is stored here."""

    class Recurrence(models.TextChoices):
        ONCE = "once", _("Once")
        YEARLY = "yearly", _("Every year")
        ONGOING = "ongoing", _("Ongoing (regular)")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("programme"))
    solution_group = models.ForeignKey(
        SolutionGroup,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("group of tasks and solutions"),
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("Unique in the programme, for example NV-2.03."))
    name = models.TextField(_("content of the task"), max_length=2000)
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="led_tasks", verbose_name=_("lead unit"))
    supporting_units = models.ManyToManyField(
        Unit, blank=True, related_name="supported_tasks", verbose_name=_("supporting units")
    )
    deadline = models.DateField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("For a yearly task, the first deadline: it is due every year on that day and month."),
    )
    recurrence = models.CharField(_("recurrence"), max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE)
    expected_output = models.CharField(
        _("expected output"), max_length=500, blank=True, help_text=_("For example Đề án …, Kế hoạch …, Báo cáo ….")
    )
    # The document that assigned the task, in three fields so that a report can write "Số …, ngày …".
    assigned_by_number = models.CharField(
        _("assigned by (document number)"), max_length=100, blank=True, help_text=_("For example 12-CTr/QU.")
    )
    assigned_by_date = models.DateField(_("assigned by (document date)"), null=True, blank=True)
    assigned_by_summary = models.CharField(_("assigned by (summary)"), max_length=500, blank=True)
    targets = models.ManyToManyField(Target, blank=True, related_name="tasks", verbose_name=_("targets served"))
    source_note = models.CharField(
        _("source of the wording"),
        max_length=300,
        blank=True,
        help_text=_("Where the wording comes from; illustrative tasks are marked so."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # Code and content folded (lower case, no diacritics), for the table's search, as ``Target.search_text``.
    search_text = models.TextField(editable=False, default="")

    history = HistoricalRecords(m2m_fields=[supporting_units, targets])

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["program", "solution_group__number", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="task_code_unique_in_program"),
            models.CheckConstraint(
                condition=Q(recurrence__in=["once", "yearly", "ongoing"]), name="task_recurrence_valid"
            ),
            # An ongoing task (thường xuyên) has no deadline; a task done once or every year has one.
            models.CheckConstraint(
                condition=Q(recurrence="ongoing", deadline__isnull=True)
                | (~Q(recurrence="ongoing") & Q(deadline__isnull=False)),
                name="task_deadline_matches_recurrence",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "is_active", "order"], name="task_program_order"),
            models.Index(fields=["lead_unit", "is_active"], name="task_lead_unit"),
            models.Index(fields=["deadline"], name="task_deadline"),
        ]

    def __str__(self):
        return f"{self.code} {self.name[:80]}"

    def clean(self):
        errors = {}
        program = self.program if self.program_id else None
        if self.solution_group_id and program and self.solution_group.program_id != program.pk:
            errors["solution_group"] = gettext("The group of solutions belongs to another programme.")
        if self.lead_unit_id and program and self.lead_unit.organisation_id != program.organisation_id:
            errors["lead_unit"] = gettext("The lead unit belongs to another organisation than the programme.")
        if self.recurrence == self.Recurrence.ONGOING:
            if self.deadline is not None:
                errors["deadline"] = gettext("An ongoing task has no deadline: leave it empty.")
        elif self.deadline is None:
            errors["deadline"] = gettext("Enter the deadline (a task done once or every year needs one).")
        elif program and not program.contains_year(self.deadline.year):
            errors["deadline"] = gettext("The deadline must lie between %(first)s and %(last)s.") % {
                "first": program.first_year,
                "last": program.last_year,
            }
        if self.assigned_by_date and self.deadline and self.deadline < self.assigned_by_date:
            errors["deadline"] = gettext("The deadline cannot be before the date the task was assigned.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.code} {self.name} {self.expected_output}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def has_illustrative_wording(self) -> bool:
        return "illustrative" in self.source_note.lower()


class TaskUpdate(models.Model):
    """A unit's account of a task's progress (báo cáo tiến độ nhiệm vụ), through the same workflow as
    figures (draft → submitted → approved or returned; a correction supersedes). An approved one with
    ``is_done`` completes the task on ``completed_on``, which the office may correct with a comment."""

    Status = ProgressReport.Status

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="updates", verbose_name=_("task"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="task_updates", verbose_name=_("reporting unit")
    )
    date = models.DateField(_("date of the update"))
    content = models.TextField(_("what was done"), max_length=4000)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    is_done = models.BooleanField(_("done"), default=False, help_text=_("The unit reports the task complete."))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True, max_length=500)
    evidence_file = models.FileField(_("evidence file"), blank=True, upload_to="evidence/tasks/%Y/%m/", max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_task_updates",
        verbose_name=_("author"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_task_updates",
        verbose_name=_("reviewer"),
    )
    review_comment = models.TextField(_("review comment"), blank=True, max_length=2000)
    # The office's correction of the completion date: the unit's own date is kept beside it.
    completed_on_reported = models.DateField(_("completion date reported by the unit"), null=True, blank=True)
    completion_comment = models.TextField(_("comment on the completion date"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
        help_text=_("The approved update this one corrects."),
    )
    # Incremented by every write; a save that carries an older version is refused (see services).
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task update")
        verbose_name_plural = _("task updates")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="task_update_progress_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "approved", "returned", "superseded"]),
                name="task_update_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_done=False) | Q(completed_on__isnull=False), name="task_update_done_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["task", "status", "date"], name="task_update_task_status"),
            models.Index(fields=["status", "submitted_at"], name="task_update_status_submitted"),
            models.Index(fields=["unit", "status"], name="task_update_unit_status"),
        ]

    def __str__(self):
        return f"{self.task.code} · {self.date:%d/%m/%Y} · {self.unit.code}"

    @property
    def year(self) -> int:
        """The year the update belongs to (closing a year refuses its updates): that of its date."""
        return self.date.year

    def clean(self):
        errors = self.value_errors()
        task = self.task if self.task_id else None
        if (
            task
            and self.unit_id
            and self.unit_id != task.lead_unit_id
            and not task.supporting_units.filter(pk=self.unit_id).exists()
        ):
            errors["unit"] = gettext("%(unit)s is neither the lead unit nor a supporting unit of %(code)s.") % {
                "unit": self.unit.name,
                "code": task.code,
            }
        if errors:
            raise ValidationError(errors)

    def value_errors(self) -> dict[str, str]:
        """The rules on the update's own values (its date, progress, "done" and completion date) against its
        task and programme as read, field name -> message: no query, so that the import applies them to
        every row (``task_update_imports``) with the task's programme selected."""
        errors = {}
        today = timezone.localdate()
        task = self.task if self.task_id else None
        if self.date:
            if self.date > today:
                errors["date"] = gettext("The date of the update cannot be in the future.")
            elif task and not task.program.contains_year(self.date.year):
                errors["date"] = gettext("The year must lie between %(first)s and %(last)s.") % {
                    "first": task.program.first_year,
                    "last": task.program.last_year,
                }
        if self.progress is not None and not 0 <= self.progress <= 100:
            errors["progress"] = gettext("The progress is a percentage between 0 and 100.")
        if self.is_done and self.completed_on is None:
            errors["completed_on"] = gettext("Enter the date the task was completed.")
        elif self.completed_on is not None and not self.is_done:
            errors["completed_on"] = gettext("A completion date goes with “done”: tick it or leave the date empty.")
        elif self.completed_on is not None:
            if self.completed_on > today:
                errors["completed_on"] = gettext("The completion date cannot be in the future.")
            elif task and task.assigned_by_date and self.completed_on < task.assigned_by_date:
                errors["completed_on"] = gettext(
                    "The completion date cannot be before the task was assigned (%(date)s)."
                ) % {"date": task.assigned_by_date.strftime("%d/%m/%Y")}
        return errors


class TaskReminder(models.Model):
    """A reminder (đôn đốc) the office sent to a unit about a task: who, when, to whom."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("task"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="task_reminders", verbose_name=_("unit reminded")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sent_task_reminders",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="task_reminders", verbose_name=_("recipients")
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["task", "sent_at"], name="task_reminder_task_sent"),
            models.Index(fields=["unit", "sent_at"], name="task_reminder_unit_sent"),
        ]

    def __str__(self):
        return f"{self.task.code} · {self.unit.code} · {self.sent_at:%d/%m/%Y}"
