"""Who may see or change what: the only place that decides.

Roles are the auth groups ``leader``, ``unit_staff`` and ``office``; superusers act as office. A staff
user's units are ``Unit.members``. Views call these helpers on every request; templates only use them
to hide buttons, never as the check itself.
"""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import assessment
from .models import ProgressReport, Target, Unit, YearClosure

ROLE_LEADER = "leader"
ROLE_UNIT_STAFF = "unit_staff"
ROLE_OFFICE = "office"


def _group_names(user) -> frozenset[str]:
    # Cached on the user object for the request, so that a page asking several questions runs one query.
    if not hasattr(user, "_role_names"):
        user._role_names = (
            frozenset(user.groups.values_list("name", flat=True)) if user.is_authenticated else frozenset()
        )
    return user._role_names


def is_office(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or ROLE_OFFICE in _group_names(user))


def is_leader(user) -> bool:
    return user.is_authenticated and user.is_active and ROLE_LEADER in _group_names(user)


def is_unit_staff(user) -> bool:
    return user.is_authenticated and user.is_active and ROLE_UNIT_STAFF in _group_names(user)


def has_any_role(user) -> bool:
    return is_office(user) or is_leader(user) or is_unit_staff(user)


def role_of(user) -> str | None:
    """The user's main role for choosing what a page shows: office wins over staff over leader."""
    if is_office(user):
        return ROLE_OFFICE
    if is_unit_staff(user):
        return ROLE_UNIT_STAFF
    if is_leader(user):
        return ROLE_LEADER
    return None


def office_users(*, exclude=None) -> QuerySet:
    """The people who act as the office and can be mailed: active superusers and members of the office
    group, with an e-mail address, each once, ``exclude`` (a user or an id) left out. 1 query."""
    users = (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=ROLE_OFFICE), is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    if exclude is not None:
        users = users.exclude(pk=getattr(exclude, "pk", exclude))
    return users


def user_unit_ids(user) -> frozenset[int]:
    """The ids of the active units the user reports for (cached for the request)."""
    if not hasattr(user, "_unit_ids"):
        user._unit_ids = (
            frozenset(Unit.objects.filter(members=user, is_active=True).values_list("id", flat=True))
            if user.is_authenticated
            else frozenset()
        )
    return user._unit_ids


# --- Reading ----------------------------------------------------------------------------------------------


def can_view(user) -> bool:
    """Dashboards, targets, reviews and exports: every signed-in user with a role."""
    return has_any_role(user)


def role_required(view):
    """Sign-in required (login page otherwise), and a role (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def office_required(view):
    """Sign-in required (login page otherwise), and the office role (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def targets_visible_to(user) -> QuerySet[Target]:
    """Every user with a role reads every target of active programmes."""
    if not can_view(user):
        return Target.objects.none()
    return Target.objects.filter(program__is_active=True)


# --- Reporting --------------------------------------------------------------------------------------------


def reportable_targets(user) -> QuerySet[Target]:
    """Targets the user may report on: all for the office, their units' (lead or support) for staff."""
    if is_office(user):
        return Target.objects.filter(program__is_active=True)
    if is_unit_staff(user):
        units = user_unit_ids(user)
        return (
            Target.objects.filter(program__is_active=True)
            .filter(Q(lead_unit_id__in=units) | Q(supporting_units__id__in=units))
            .distinct()
        )
    return Target.objects.none()


def can_report_on(user, target: Target) -> bool:
    if is_office(user):
        return True
    if not is_unit_staff(user):
        return False
    units = user_unit_ids(user)
    if target.lead_unit_id in units:
        return True
    return target.supporting_units.filter(id__in=units).exists()


def may_report_for(user, unit: Unit) -> bool:
    """Whether ``user`` may report in the name of ``unit`` (an active unit: any for the office, their own
    for staff). No query once the user's roles and units are read."""
    if unit is None or not unit.is_active:
        return False
    if is_office(user):
        return True
    return is_unit_staff(user) and unit.pk in user_unit_ids(user)


def _by_preference(target: Target, units) -> list[Unit]:
    """The lead unit first (most reports are the lead's), then by code; each unit once."""
    return sorted({unit.pk: unit for unit in units}.values(), key=lambda u: (u.pk != target.lead_unit_id, u.code))


def reporting_units_for(user, target: Target) -> list[Unit]:
    """The units in whose name ``user`` may report on ``target``: those of the target's lead and supporting
    units that ``may_report_for`` allows, the lead first, then by code. 1 query (none without a role)."""
    if not (is_office(user) or is_unit_staff(user)):
        return []
    units = Unit.objects.filter(Q(led_targets=target) | Q(supported_targets=target)).distinct()
    return _by_preference(target, [unit for unit in units if may_report_for(user, unit)])


def reporting_unit_for(user, target: Target) -> Unit | None:
    """The unit in whose name ``user`` reports on ``target`` unless they choose another (the report form's
    default, the import's only choice): the first of ``reporting_units_for``. None if there is none."""
    units = reporting_units_for(user, target)
    return units[0] if units else None


def reporting_unit_by_target(user, targets) -> dict[int, Unit]:
    """``reporting_unit_for`` for many targets (their ``lead_unit`` selected): target id -> unit, targets
    without one left out. The supporting units are read only for targets whose lead unit the user may not
    report for: no query for the office, 1 for staff (with their units read)."""
    chosen = {t.pk: t.lead_unit for t in targets if may_report_for(user, t.lead_unit)}
    rest = [t for t in targets if t.pk not in chosen]
    if rest and (is_office(user) or is_unit_staff(user)):
        links = Target.supporting_units.through.objects.filter(target__in=rest).select_related("unit")
        if not is_office(user):
            links = links.filter(unit_id__in=user_unit_ids(user))
        supporting: dict[int, list[Unit]] = {}
        for link in links:
            if may_report_for(user, link.unit):
                supporting.setdefault(link.target_id, []).append(link.unit)
        for target in rest:
            if units := _by_preference(target, supporting.get(target.pk, [])):
                chosen[target.pk] = units[0]
    return chosen


def report_on_refusal(target: Target) -> str:
    """What a user is told who may not report on ``target`` (the services, the import preview and its
    confirmation say the same)."""
    return _("%(code)s is not a target of your units: you cannot report on it.") % {"code": target.code}


def report_for_refusal(target: Target, unit: Unit) -> str:
    """What a user is told who may report on ``target`` but not in the name of ``unit``."""
    return _("You cannot report on %(code)s in the name of %(unit)s.") % {"code": target.code, "unit": unit.name}


def reporting_refusal(target: Target, unit: Unit | None, *, may_report_on: bool, unit_ids) -> str | None:
    """Why a user may not report on ``target`` in the name of ``unit``, or None when they may.
    ``may_report_on`` is ``can_report_on``'s answer and ``unit_ids`` the ids of ``reporting_units_for``
    (or of ``reporting_unit_by_target``), read by the caller, once for many rows in an import."""
    if not may_report_on or unit is None:
        return report_on_refusal(target)
    if unit.pk not in unit_ids:
        return report_for_refusal(target, unit)
    return None


def get_target_for_report(user, code: str) -> Target:
    """The target with ``code`` if the user may report on it: 404 when it does not exist, 403 when not theirs.

    Codes are unique within a programme; with several active programmes the newest one's target wins,
    as on every page that takes a code.
    """
    target = (
        Target.objects.filter(program__is_active=True, code=code)
        .select_related("program", "group", "lead_unit")
        .order_by("-program__issued_on", "-program_id")
        .first()
    )
    if target is None:
        raise Http404
    if not can_report_on(user, target):
        raise PermissionDenied
    return target


def can_edit_report(user, report: ProgressReport) -> bool:
    """Edit, submit or withdraw: the office, or staff of the report's unit, while it is a draft or returned
    (withdrawal also while submitted; the services check the status)."""
    if is_office(user):
        return True
    return is_unit_staff(user) and report.unit_id in user_unit_ids(user)


def can_review(user) -> bool:
    """Approve or return reports."""
    return is_office(user)


# The statuses from which each step of the workflow may start. The services check them (under a row lock),
# and ``report_actions`` offers a step only from them.
ReportStatus = ProgressReport.Status
REPORT_EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
REPORT_SUBMITTABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
REPORT_WITHDRAWABLE = frozenset({ReportStatus.DRAFT, ReportStatus.SUBMITTED})
REPORT_REVIEWABLE = frozenset({ReportStatus.SUBMITTED})
REPORT_CORRECTABLE = frozenset({ReportStatus.APPROVED})
REPORT_OPEN = frozenset({ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED})
REPORT_UNAPPROVABLE = frozenset({ReportStatus.APPROVED})


@dataclass(frozen=True)
class ReportActions:
    """What a user may do with one report now. ``return_`` is returning it to the unit (``return`` is a
    Python word)."""

    edit: bool = False
    submit: bool = False
    withdraw: bool = False
    approve: bool = False
    return_: bool = False
    correct: bool = False
    unapprove: bool = False  # undo an approval made a moment ago (``TARGETS_UNDO_MINUTES``)
    view_evidence: bool = False

    @property
    def any_step(self) -> bool:
        """Any step of the workflow (the evidence aside): whether a page shows its action bar."""
        steps = (self.edit, self.submit, self.withdraw, self.approve, self.return_, self.correct, self.unapprove)
        return any(steps)


def report_actions(user, report: ProgressReport, *, year_closed: bool | None = None) -> ReportActions:
    """Role, unit, status and closed year in one answer: the buttons a page shows for ``report``, and
    the steps the services will accept (they check the same role and unit rules and the same statuses).

    ``year_closed`` is whether the report's year is closed in its programme; pass it when the page has
    read it already (the closed years of the panel, an annotation of a list), else 1 query.
    """
    if year_closed is None:
        year_closed = YearClosure.objects.filter(
            program_id=report.target.program_id, year=report.year, is_closed=True
        ).exists()
    view_evidence = bool(report.evidence_file) and can_view_report(user, report)
    if year_closed:
        return ReportActions(view_evidence=view_evidence)  # its figures can no longer change
    mine, review, status = can_edit_report(user, report), can_review(user), report.status
    return ReportActions(
        edit=mine and status in REPORT_EDITABLE,
        submit=mine and status in REPORT_SUBMITTABLE,
        withdraw=mine and status in REPORT_WITHDRAWABLE,
        approve=review and status in REPORT_REVIEWABLE,
        return_=review and status in REPORT_REVIEWABLE,
        correct=mine and status in REPORT_CORRECTABLE,
        unapprove=review
        and status in REPORT_UNAPPROVABLE
        and assessment.may_undo_approval(report.reviewed_at, now=timezone.now(), minutes=settings.TARGETS_UNDO_MINUTES),
        view_evidence=view_evidence,
    )


# Reports that everyone with a role may read: the figures that count (or counted, before a correction).
PUBLIC_REPORT_STATUSES = frozenset({ProgressReport.Status.APPROVED, ProgressReport.Status.SUPERSEDED})


@dataclass(frozen=True)
class ReportVisibility:
    """Who may see which reports, decided once by ``report_visibility``: every report (the office), the
    reports of some units in any state (their staff), every unit's approved and superseded ones (leaders)."""

    everything: bool
    unit_ids: frozenset[int]
    public: bool

    def allows(self, *, unit_id, status) -> bool:
        return self.everything or unit_id in self.unit_ids or (self.public and status in PUBLIC_REPORT_STATUSES)

    def q(self) -> Q:
        """The same rule as a filter, for reports or their history records (both have unit and status)."""
        if self.everything:
            return Q()
        rule = Q(pk__in=[])
        if self.unit_ids:
            rule |= Q(unit_id__in=self.unit_ids)
        if self.public:
            rule |= Q(status__in=PUBLIC_REPORT_STATUSES)
        return rule


def report_visibility(user) -> ReportVisibility:
    """The one rule for reports, used by a report's page, the lists, the target page and its history:
    the office sees every report; unit staff see their units' reports in every state; leaders see every
    unit's approved figures and the approvals, not units' drafts. Other units' drafts, submissions and
    returns (their figures, notes, evidence, the office's comments) stay with those units and the office.
    (The dashboards show everyone the approved figures themselves, through the selectors.)"""
    if is_office(user):
        return ReportVisibility(everything=True, unit_ids=frozenset(), public=True)
    units = user_unit_ids(user) if is_unit_staff(user) else frozenset()
    return ReportVisibility(everything=False, unit_ids=units, public=is_leader(user))


def reports_visible_to(user) -> QuerySet[ProgressReport]:
    """The reports ``report_visibility`` lets ``user`` see."""
    return ProgressReport.objects.filter(report_visibility(user).q())


def can_view_report(user, report: ProgressReport) -> bool:
    """A report's page (and its evidence): whoever ``report_visibility`` lets see it."""
    return report_visibility(user).allows(unit_id=report.unit_id, status=report.status)


def _report_or_404(pk) -> ProgressReport:
    report = (
        ProgressReport.objects.filter(pk=pk)
        .select_related("target__program", "target__group", "target__lead_unit", "unit", "author", "reviewer")
        .first()
    )
    if report is None:
        raise Http404
    return report


def get_report_to_view(user, pk) -> ProgressReport:
    """The report ``pk`` with its target, programme, unit and people: 404 when missing, 403 when not theirs."""
    report = _report_or_404(pk)
    if not can_view_report(user, report):
        raise PermissionDenied
    return report


def get_report_to_edit(user, pk) -> ProgressReport:
    """For editing, submitting, withdrawing or correcting: 404 when missing, 403 without the right.
    Whether the report's status allows the step is the service's question."""
    report = _report_or_404(pk)
    if not can_edit_report(user, report):
        raise PermissionDenied
    return report


def get_report_to_review(user, pk) -> ProgressReport:
    """For approving or returning: 404 when missing, 403 for anyone but the office."""
    if not can_review(user):
        raise PermissionDenied
    return _report_or_404(pk)


# --- The annual review, imports, admin ----------------------------------------------------------------------


def can_close_year(user) -> bool:
    return is_office(user)


def can_export(user) -> bool:
    return can_view(user)


def can_import(user) -> bool:
    return is_office(user) or is_unit_staff(user)
