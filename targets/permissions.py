"""Who may see or change what: the only place that decides.

Rights hold in an organisation: a ``Membership`` (user, organisation, role ``office`` / ``leader`` /
``unit_staff``) gives its role there; the leaders and the office of an organisation also read every
organisation below it, as leaders (read only: a ward's office approves its own units' figures).
Superusers act as office everywhere. A staff user's units are ``Unit.members``. Views call these helpers
on every request; templates only use them to hide buttons, never as the check itself.

Most questions take ``where``: the organisation they are asked about (an ``Organisation``, a ``Program``,
or an organisation's id). Without it they ask about any of the user's organisations (the menu, the pages
that list across programmes, which then filter by ``visible_organisation_ids``).

Refusals: 403 inside the user's organisations, 404 outside them (as a missing object would be).
"""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import assessment
from .models import Membership, Organisation, Program, ProgressReport, Target, Task, TaskUpdate, Unit, YearClosure

ROLE_LEADER = "leader"
ROLE_UNIT_STAFF = "unit_staff"
ROLE_OFFICE = "office"
_READERS = frozenset({ROLE_LEADER, ROLE_OFFICE})  # whose membership reads the organisations below too
_DEPTH = 3  # levels below an organisation that its readers reach (city > district > ward, and one spare)


@dataclass(frozen=True)
class Rights:
    """A user's memberships, read once a request: ``roles`` by organisation id (their own memberships),
    and ``below``, the organisations they read only through a parent's leader or office membership."""

    superuser: bool
    roles: dict
    below: frozenset

    @property
    def organisation_ids(self) -> frozenset:
        return frozenset(self.roles) | self.below


_NO_RIGHTS = Rights(superuser=False, roles={}, below=frozenset())


def rights(user) -> Rights:
    """The user's rights, cached on the user object for the request: 1 query, and 1 more only for the
    leaders and office of an organisation that has organisations below it (the city's people)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NO_RIGHTS
    if not hasattr(user, "_rights"):
        roles: dict[int, set[str]] = {}
        parents = set()
        rows = Membership.objects.filter(user=user).annotate(
            has_children=Exists(Organisation.objects.filter(parent_id=OuterRef("organisation_id")))
        )
        for organisation_id, role, has_children in rows.values_list("organisation_id", "role", "has_children"):
            roles.setdefault(organisation_id, set()).add(role)
            if has_children and role in _READERS:
                parents.add(organisation_id)
        below = frozenset()
        if parents:
            reach = Q(parent_id__in=parents)
            for level in range(1, _DEPTH):
                reach |= Q(**{"parent__" * level + "parent_id__in": parents})
            below = frozenset(Organisation.objects.filter(reach).values_list("id", flat=True)) - set(roles)
        user._rights = Rights(
            superuser=user.is_superuser, roles={k: frozenset(v) for k, v in roles.items()}, below=below
        )
    return user._rights


def organisation_id_of(where) -> int | None:
    """The organisation id of ``where``: an Organisation, a Program (no query), or an id."""
    if where is None or isinstance(where, int):
        return where
    if isinstance(where, Organisation):
        return where.pk
    if isinstance(where, Program):
        return where.organisation_id
    raise TypeError(f"not an organisation: {where!r}")


def roles_in(user, where=None) -> frozenset[str]:
    """The user's roles in ``where`` (any of their organisations without it); a reader from above is a
    leader there. Superusers are office everywhere."""
    r = rights(user)
    if r.superuser:
        return frozenset({ROLE_OFFICE})
    organisation_id = organisation_id_of(where)
    if organisation_id is None:
        found = set().union(*r.roles.values()) if r.roles else set()
        return frozenset(found | ({ROLE_LEADER} if r.below else set()))
    own = r.roles.get(organisation_id, frozenset())
    return own | {ROLE_LEADER} if organisation_id in r.below else own


def is_office(user, where=None) -> bool:
    return ROLE_OFFICE in roles_in(user, where)


def is_leader(user, where=None) -> bool:
    return ROLE_LEADER in roles_in(user, where)


def is_unit_staff(user, where=None) -> bool:
    return ROLE_UNIT_STAFF in roles_in(user, where)


def has_any_role(user, where=None) -> bool:
    return bool(roles_in(user, where))


def role_of(user, where=None) -> str | None:
    """The user's main role for choosing what a page shows: office wins over staff over leader."""
    roles = roles_in(user, where)
    for role in (ROLE_OFFICE, ROLE_UNIT_STAFF, ROLE_LEADER):
        if role in roles:
            return role
    return None


def visible_organisation_ids(user) -> frozenset[int] | None:
    """The organisations whose programmes the user reads; None for every one (superusers)."""
    r = rights(user)
    return None if r.superuser else r.organisation_ids


def office_organisation_ids(user) -> frozenset[int] | None:
    """The organisations where the user acts as the office; None for every one (superusers)."""
    r = rights(user)
    return None if r.superuser else frozenset(k for k, v in r.roles.items() if ROLE_OFFICE in v)


def _in_organisations(queryset: QuerySet, field: str, ids: frozenset[int] | None) -> QuerySet:
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def programs_visible_to(user) -> QuerySet[Program]:
    """The programmes of the organisations the user reads, newest first."""
    if not has_any_role(user):
        return Program.objects.none()
    return _in_organisations(Program.objects.all(), "organisation_id", visible_organisation_ids(user))


def organisations_visible_to(user) -> QuerySet[Organisation]:
    if not has_any_role(user):
        return Organisation.objects.none()
    return _in_organisations(Organisation.objects.all(), "id", visible_organisation_ids(user))


def office_users(*, exclude=None, where=None) -> QuerySet:
    """The people who act as the office of ``where`` (of any organisation without it) and can be mailed:
    active superusers and the office's members, with an e-mail address, each once, ``exclude`` (a user or an
    id) left out. 1 query."""
    membership = Q(memberships__role=ROLE_OFFICE)
    if where is not None:
        membership &= Q(memberships__organisation_id=organisation_id_of(where))
    users = (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | membership, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    if exclude is not None:
        users = users.exclude(pk=getattr(exclude, "pk", exclude))
    return users


def user_unit_ids(user) -> frozenset[int]:
    """The ids of the active units the user reports for, in every organisation (cached for the request)."""
    if not hasattr(user, "_unit_ids"):
        user._unit_ids = (
            frozenset(Unit.objects.filter(members=user, is_active=True).values_list("id", flat=True))
            if user.is_authenticated
            else frozenset()
        )
    return user._unit_ids


# --- Reading ----------------------------------------------------------------------------------------------


def can_view(user, where=None) -> bool:
    """Dashboards, targets, reviews and exports of ``where``: every signed-in user with a role there (or
    above it)."""
    return has_any_role(user, where)


def role_required(view):
    """Sign-in required (login page otherwise), and a role somewhere (403 otherwise): for the pages that
    list across programmes, which then show only what the user's organisations hold."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def office_required(view):
    """Sign-in required (login page otherwise), and the office role somewhere (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_program_to_view(user, slug: str) -> Program:
    """The programme at ``slug`` with its organisation: 404 when missing or outside the user's
    organisations, 403 for a user with no role anywhere."""
    if not has_any_role(user):
        raise PermissionDenied
    program = Program.objects.filter(slug=slug).select_related("organisation").first()
    if program is None or not can_view(user, program):
        raise Http404
    return program


def program_required(view=None, *, office=False):
    """For the pages of one programme (``/p/<slug>/…``): sign-in required, the programme resolved from the
    URL's ``slug`` (404 outside the user's organisations) and passed to the view as ``program``; with
    ``office=True`` the office of its organisation only (403 otherwise)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            program = get_program_to_view(request.user, slug)
            if office and not is_office(request.user, program):
                raise PermissionDenied
            request.program = program
            return view(request, program, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def targets_visible_to(user, where=None) -> QuerySet[Target]:
    """The targets of active programmes the user reads (of ``where``'s organisation when given)."""
    if not can_view(user, where):
        return Target.objects.none()
    targets = Target.objects.filter(program__is_active=True)
    if where is not None:
        return targets.filter(program__organisation_id=organisation_id_of(where))
    return _in_organisations(targets, "program__organisation_id", visible_organisation_ids(user))


# --- Reporting --------------------------------------------------------------------------------------------


def reportable_targets(user, where=None) -> QuerySet[Target]:
    """Targets of active programmes the user may report on: all of the organisations where they are the
    office, their units' (lead or support) where they are staff; of ``where``'s organisation when given."""
    targets = Target.objects.filter(program__is_active=True)
    if where is not None:
        targets = targets.filter(program__organisation_id=organisation_id_of(where))
    rule = Q(pk__in=[])
    office_ids = office_organisation_ids(user)
    if office_ids is None:
        return targets
    if office_ids:
        rule |= Q(program__organisation_id__in=office_ids)
    if is_unit_staff(user, where):
        units = user_unit_ids(user)
        staff_ids = [k for k, v in rights(user).roles.items() if ROLE_UNIT_STAFF in v]
        rule |= Q(program__organisation_id__in=staff_ids) & (
            Q(lead_unit_id__in=units) | Q(supporting_units__id__in=units)
        )
        return targets.filter(rule).distinct()
    return targets.filter(rule)


def can_report_on(user, target: Target) -> bool:
    """Its programme (``target.program``) is read: select it with the target."""
    program = target.program
    if is_office(user, program):
        return True
    if not is_unit_staff(user, program):
        return False
    units = user_unit_ids(user)
    if target.lead_unit_id in units:
        return True
    return target.supporting_units.filter(id__in=units).exists()


def may_report_for(user, unit: Unit) -> bool:
    """Whether ``user`` may report in the name of ``unit`` (an active unit: any of their organisation for
    the office, their own for staff). No query once the user's roles and units are read."""
    if unit is None or not unit.is_active:
        return False
    if is_office(user, unit.organisation_id):
        return True
    return is_unit_staff(user, unit.organisation_id) and unit.pk in user_unit_ids(user)


def _by_preference(target: Target, units) -> list[Unit]:
    """The lead unit first (most reports are the lead's), then by code; each unit once."""
    return sorted({unit.pk: unit for unit in units}.values(), key=lambda u: (u.pk != target.lead_unit_id, u.code))


def reporting_units_for(user, target: Target) -> list[Unit]:
    """The units in whose name ``user`` may report on ``target``: those of the target's lead and supporting
    units that ``may_report_for`` allows, the lead first, then by code. 1 query (none without a role)."""
    if not (is_office(user, target.program) or is_unit_staff(user, target.program)):
        return []
    # By the target's own rows (its lead unit, its supporting links), not by joining every unit to the
    # targets it leads or supports: that join read every unit of the instance with all their targets.
    supporting = Target.supporting_units.through.objects.filter(target_id=target.pk).values("unit_id")
    units = Unit.objects.filter(Q(pk=target.lead_unit_id) | Q(pk__in=supporting))
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
    if rest and has_any_role(user):
        links = Target.supporting_units.through.objects.filter(target__in=rest).select_related("unit")
        if office_organisation_ids(user) == frozenset():  # the office nowhere: only their own units' links
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


def get_target_for_report(user, program: Program, code: str) -> Target:
    """The target ``code`` of ``program`` if the user may report on it: 404 when it does not exist (or its
    programme is closed), 403 when not theirs."""
    target = (
        Target.objects.filter(program=program, program__is_active=True, code=code)
        .select_related("program__organisation", "group", "lead_unit")
        .first()
    )
    if target is None:
        raise Http404
    if not can_report_on(user, target):
        raise PermissionDenied
    return target


def can_edit_report(user, report: ProgressReport) -> bool:
    """Edit, submit or withdraw: the office of its organisation, or staff of the report's unit, while it is a
    draft or returned (withdrawal also while submitted; the services check the status). Reads
    ``report.target.program``: select it."""
    program = report.target.program
    if is_office(user, program):
        return True
    return is_unit_staff(user, program) and report.unit_id in user_unit_ids(user)


def can_review(user, where=None) -> bool:
    """Approve or return reports (and task updates) of ``where``: its office."""
    return is_office(user, where)


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
    mine, review, status = can_edit_report(user, report), can_review(user, report.target.program), report.status
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
    """Who may see which reports, decided once by ``report_visibility``: every report of some organisations
    (their office; every organisation for superusers), the reports of some units in any state (their staff),
    every unit's approved and superseded ones of some organisations (their leaders and those above).

    Asked about one organisation (``where``), ``everything`` and ``public`` say it for that one and ``q()``
    needs no join; asked across programmes, the organisation ids say it and ``q()`` joins the programme."""

    everything: bool = False
    unit_ids: frozenset = frozenset()
    public: bool = False
    office_org_ids: frozenset = frozenset()
    public_org_ids: frozenset = frozenset()

    def allows(self, *, unit_id, status, organisation_id=None) -> bool:
        if self.everything or unit_id in self.unit_ids:
            return True
        if organisation_id in self.office_org_ids:
            return True
        if status in PUBLIC_REPORT_STATUSES:
            return self.public or organisation_id in self.public_org_ids
        return False

    def q(self, organisation_field: str = "target__program__organisation_id") -> Q:
        """The same rule as a filter, for reports or their history records (both have unit, status and
        target)."""
        if self.everything:
            return Q()
        rule = Q(pk__in=[])
        if self.unit_ids:
            rule |= Q(unit_id__in=self.unit_ids)
        if self.public:
            rule |= Q(status__in=PUBLIC_REPORT_STATUSES)
        if self.office_org_ids:
            rule |= Q(**{f"{organisation_field}__in": self.office_org_ids})
        if self.public_org_ids:
            rule |= Q(status__in=PUBLIC_REPORT_STATUSES, **{f"{organisation_field}__in": self.public_org_ids})
        return rule


def report_visibility(user, where=None) -> ReportVisibility:
    """The one rule for reports, used by a report's page, the lists, the target page and its history:
    the office sees every report of its organisation; unit staff see their units' reports in every state;
    leaders (and readers from above) see every unit's approved figures and the approvals, not units'
    drafts. Other units' drafts, submissions and returns (their figures, notes, evidence, the office's
    comments) stay with those units and the office. (The dashboards show everyone the approved figures
    themselves, through the selectors.) ``where`` narrows the question to one organisation."""
    units = user_unit_ids(user) if is_unit_staff(user, where) else frozenset()
    if where is not None:
        if is_office(user, where):
            return ReportVisibility(everything=True)
        return ReportVisibility(unit_ids=units, public=is_leader(user, where))
    r = rights(user)
    if r.superuser:
        return ReportVisibility(everything=True)
    return ReportVisibility(
        unit_ids=units,
        office_org_ids=frozenset(k for k, v in r.roles.items() if ROLE_OFFICE in v),
        public_org_ids=frozenset(k for k, v in r.roles.items() if ROLE_LEADER in v) | r.below,
    )


def reports_visible_to(user, where=None) -> QuerySet[ProgressReport]:
    """The reports ``report_visibility`` lets ``user`` see (of ``where``'s programmes when given)."""
    reports = ProgressReport.objects.filter(report_visibility(user, where).q())
    if where is not None:
        reports = reports.filter(target__program__organisation_id=organisation_id_of(where))
    return reports


def can_view_report(user, report: ProgressReport) -> bool:
    """A report's page (and its evidence): whoever ``report_visibility`` lets see it. Reads
    ``report.target.program``."""
    program = report.target.program
    return report_visibility(user, program).allows(unit_id=report.unit_id, status=report.status)


def _report_or_404(pk) -> ProgressReport:
    report = (
        ProgressReport.objects.filter(pk=pk)
        .select_related(
            "target__program__organisation", "target__group", "target__lead_unit", "unit", "author", "reviewer"
        )
        .first()
    )
    if report is None:
        raise Http404
    return report


def _outside_404(user, report: ProgressReport) -> None:
    """A report of a programme outside the user's organisations is missing for them (a user with no role at
    all is refused, 403, as everywhere)."""
    if has_any_role(user) and not can_view(user, report.target.program):
        raise Http404


def get_report_to_view(user, pk) -> ProgressReport:
    """The report ``pk`` with its target, programme, unit and people: 404 when missing or outside the user's
    organisations, 403 when not theirs."""
    report = _report_or_404(pk)
    _outside_404(user, report)
    if not can_view_report(user, report):
        raise PermissionDenied
    return report


def get_report_to_edit(user, pk) -> ProgressReport:
    """For editing, submitting, withdrawing or correcting: 404 when missing, 403 without the right.
    Whether the report's status allows the step is the service's question."""
    report = _report_or_404(pk)
    _outside_404(user, report)
    if not can_edit_report(user, report):
        raise PermissionDenied
    return report


def get_report_to_review(user, pk) -> ProgressReport:
    """For approving or returning: 404 when missing, 403 for anyone but the office of its organisation."""
    if not can_review(user):
        raise PermissionDenied
    report = _report_or_404(pk)
    _outside_404(user, report)
    if not can_review(user, report.target.program):
        raise PermissionDenied
    return report


# --- Tasks ------------------------------------------------------------------------------------------------------
#
# The same rules as figures: the office of the task's organisation, or staff of its lead or a supporting unit,
# create, edit, submit and withdraw updates; the office approves, returns, corrects the completion date and
# sends reminders; who sees which update is ``report_visibility``'s rule.


def _task_unit_ids(task: Task) -> set[int]:
    """The lead and supporting units' ids of ``task``: reads ``task.supporting_units`` (prefetch it)."""
    return {task.lead_unit_id, *(u.pk for u in task.supporting_units.all())}


def can_update_task(user, task: Task) -> bool:
    """Whether ``user`` may write updates on ``task``: the office of its organisation, or staff of its lead
    or a supporting unit. Reads ``task.program`` and, for staff, its supporting units."""
    program = task.program
    if is_office(user, program):
        return True
    if not is_unit_staff(user, program):
        return False
    return bool(_task_unit_ids(task) & user_unit_ids(user))


def task_update_units_for(user, task: Task) -> list[Unit]:
    """The units in whose name ``user`` may write an update on ``task`` (lead first, then by code). 1 query
    (none without a role there)."""
    if not (is_office(user, task.program) or is_unit_staff(user, task.program)):
        return []
    units = Unit.objects.filter(Q(led_tasks=task) | Q(supported_tasks=task)).distinct()
    chosen = {u.pk: u for u in units if may_report_for(user, u)}
    return sorted(chosen.values(), key=lambda u: (u.pk != task.lead_unit_id, u.code))


def task_update_refusal(task: Task, unit: Unit | None) -> str:
    """What a user is told who may not write an update on ``task`` in the name of ``unit``."""
    if unit is None:
        return _("%(code)s is not a task of your units: you cannot report on it.") % {"code": task.code}
    return _("You cannot report on %(code)s in the name of %(unit)s.") % {"code": task.code, "unit": unit.name}


def can_edit_task_update(user, update: TaskUpdate) -> bool:
    """Edit, submit, withdraw or correct: the office of its organisation, or staff of the update's unit
    (the services check the status). Reads ``update.task.program``: select it."""
    program = update.task.program
    if is_office(user, program):
        return True
    return is_unit_staff(user, program) and update.unit_id in user_unit_ids(user)


def can_remind(user, where=None) -> bool:
    """Send a reminder (đôn đốc) about a task of ``where``: its office."""
    return is_office(user, where)


@dataclass(frozen=True)
class TaskUpdateActions(ReportActions):
    """What a user may do with one task update now: the steps of a report, and the office's correction of
    the completion date of an approved update that reports the task done."""

    correct_completion: bool = False

    @property
    def any_step(self) -> bool:
        return super().any_step or self.correct_completion


def task_update_actions(user, update: TaskUpdate, *, year_closed: bool | None = None) -> TaskUpdateActions:
    """``report_actions`` for a task update: the buttons a page shows, the steps the services accept.
    ``year_closed`` is whether the update's year (that of its date) is closed; else 1 query."""
    program = update.task.program
    if year_closed is None:
        year_closed = YearClosure.objects.filter(program_id=program.pk, year=update.year, is_closed=True).exists()
    view_evidence = bool(update.evidence_file) and can_view_task_update(user, update)
    if year_closed:
        return TaskUpdateActions(view_evidence=view_evidence)
    mine, review, status = can_edit_task_update(user, update), can_review(user, program), update.status
    return TaskUpdateActions(
        edit=mine and status in REPORT_EDITABLE,
        submit=mine and status in REPORT_SUBMITTABLE,
        withdraw=mine and status in REPORT_WITHDRAWABLE,
        approve=review and status in REPORT_REVIEWABLE,
        return_=review and status in REPORT_REVIEWABLE,
        correct=mine and status in REPORT_CORRECTABLE,
        correct_completion=review and status in REPORT_CORRECTABLE and update.is_done,
        view_evidence=view_evidence,
    )


# Who sees which task update is the rule of figures: the office all of its organisation's, staff their units'
# in every state, leaders the approved and superseded ones. ``q("task__program__organisation_id")`` filters.
task_update_visibility = report_visibility
TASK_UPDATE_ORGANISATION_FIELD = "task__program__organisation_id"


def task_updates_visible_to(user, where=None) -> QuerySet[TaskUpdate]:
    """The task updates ``task_update_visibility`` lets ``user`` see (of ``where``'s programmes when given)."""
    updates = TaskUpdate.objects.filter(task_update_visibility(user, where).q(TASK_UPDATE_ORGANISATION_FIELD))
    if where is not None:
        updates = updates.filter(task__program__organisation_id=organisation_id_of(where))
    return updates


def can_view_task_update(user, update: TaskUpdate) -> bool:
    """A task update's page (and its evidence). Reads ``update.task.program``."""
    return task_update_visibility(user, update.task.program).allows(unit_id=update.unit_id, status=update.status)


def get_task_for_update(user, program: Program, code: str) -> Task:
    """The active task ``code`` of ``program`` if the user may write updates on it: 404 when it does not
    exist (or is inactive, or its programme is), 403 when not theirs."""
    task = (
        Task.objects.filter(program=program, program__is_active=True, is_active=True, code=code)
        .select_related("program__organisation", "solution_group", "lead_unit")
        .prefetch_related("supporting_units")
        .first()
    )
    if task is None:
        raise Http404
    if not can_update_task(user, task):
        raise PermissionDenied
    return task


def _task_update_or_404(program: Program, code: str, pk) -> TaskUpdate:
    """The update ``pk`` of the task ``code`` of ``program`` (the URL's programme: the decorator has checked
    it), with its task, programme, unit and people; 404 when it is not that task's."""
    update = (
        TaskUpdate.objects.filter(pk=pk, task__program=program, task__code=code)
        .select_related("task__program__organisation", "task__solution_group", "task__lead_unit", "unit", "author")
        .first()
    )
    if update is None:
        raise Http404
    return update


def get_task_update_to_view(user, program: Program, code: str, pk) -> TaskUpdate:
    """For an update's evidence: 404 when it is not the task's, 403 when ``task_update_visibility`` hides it."""
    update = _task_update_or_404(program, code, pk)
    if not can_view_task_update(user, update):
        raise PermissionDenied
    return update


def get_task_update_to_edit(user, program: Program, code: str, pk) -> TaskUpdate:
    """For editing, submitting, withdrawing or correcting: 404 when it is not the task's, 403 without the
    right. Whether the status allows the step is the service's question."""
    update = _task_update_or_404(program, code, pk)
    if not can_edit_task_update(user, update):
        raise PermissionDenied
    return update


def get_task_update_to_review(user, program: Program, code: str, pk) -> TaskUpdate:
    """For approving, returning or correcting the completion date: the office of the programme only."""
    if not can_review(user, program):
        raise PermissionDenied
    return _task_update_or_404(program, code, pk)


def get_task_to_remind(user, program: Program, code: str) -> Task:
    """The active task ``code`` of ``program`` for a reminder: 404 when missing, 403 for anyone but its office."""
    if not can_remind(user, program):
        raise PermissionDenied
    task = (
        Task.objects.filter(program=program, is_active=True, code=code).select_related("program", "lead_unit").first()
    )
    if task is None:
        raise Http404
    return task


# --- The annual review, imports, admin ----------------------------------------------------------------------


def can_close_year(user, where=None) -> bool:
    return is_office(user, where)


def can_export(user, where=None) -> bool:
    return can_view(user, where)


def can_read_review_report(user, where=None) -> bool:
    """Read the yearly review report (its page's preview and its document): the office and the leaders. It
    is the Standing Committee's report in the making, not a page of the units (403 for their staff)."""
    return is_office(user, where) or is_leader(user, where)


def can_write_review_report(user, where=None) -> bool:
    """Write the yearly review report's number, date, signer and narrative parts: the office."""
    return is_office(user, where)


def can_import(user, where=None) -> bool:
    return is_office(user, where) or is_unit_staff(user, where)


def can_import_tasks(user, where=None) -> bool:
    """Load a programme's task list from a workbook (``tasks/import/``): its office."""
    return is_office(user, where)


def can_import_task_updates(user, where=None) -> bool:
    """Upload a workbook of task updates (``tasks/updates/import/``): its office, and staff for the tasks of
    their units (each row is checked as the update form would be)."""
    return is_office(user, where) or is_unit_staff(user, where)
