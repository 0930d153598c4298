"""Who may see or change what: the only place that decides.

Roles are the auth groups ``leader``, ``unit_staff`` and ``office``; superusers act as office. A staff
user's units are ``Unit.members``. Views call these helpers on every request; templates only use them
to hide buttons, never as the check itself.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import ProgressReport, Target, Unit

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


def reporting_units_for(user, target: Target) -> QuerySet[Unit]:
    """The units in whose name the user may report on ``target``: the target's lead and supporting units,
    limited to the user's own units for staff."""
    units = Unit.objects.filter(Q(led_targets=target) | Q(supported_targets=target), is_active=True).distinct()
    if is_office(user):
        return units
    if is_unit_staff(user):
        return units.filter(id__in=user_unit_ids(user))
    return Unit.objects.none()


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
