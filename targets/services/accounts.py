"""Roles and accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    Membership,
    Organisation,
    Program,
    Unit,
)
from ..permissions import ROLE_LEADER, ROLE_OFFICE, ROLE_UNIT_STAFF
from .versions import ALL, program_version_bump

User = get_user_model()

ROLES = (ROLE_LEADER, ROLE_UNIT_STAFF, ROLE_OFFICE)

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed by load_demo and flagged demo-only in the README


# --- Roles and accounts -------------------------------------------------------------------------------------


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Create the three role groups; the office may use the admin for everything in this app and users."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    office_perms = Permission.objects.filter(content_type__app_label__in=["targets", "auth", "axes"])
    if groups[ROLE_OFFICE].permissions.count() != office_perms.count():
        groups[ROLE_OFFICE].permissions.set(office_perms)
        program_version_bump(program_ids=ALL)  # roles show on every page (the menu)
    return groups


def _default_organisation(units) -> Organisation | None:
    """The organisation of ``units`` or, without units, the one of the instance's newest active programme."""
    if units:
        return units[0].organisation
    program = Program.objects.filter(is_active=True).select_related("organisation").order_by("-issued_on").first()
    return program.organisation if program is not None else Organisation.objects.order_by("pk").first()


def membership_check(*, organisation: Organisation | None, role: str, units=()) -> None:
    """Refuse a role that names no organisation, or units of another organisation than the role's."""
    if organisation is None:
        raise ValidationError({"organisation": _("Choose the organisation in which the role holds.")})
    others = [unit.code for unit in units if unit.organisation_id != organisation.pk]
    if others:
        raise ValidationError(
            {
                "units": _("%(units)s belong to another organisation than %(organisation)s.")
                % {"units": ", ".join(others), "organisation": organisation.name}
            }
        )


@transaction.atomic
def membership_ensure(*, user, organisation: Organisation, role: str, units=()) -> bool:
    """Give ``user`` ``role`` in ``organisation`` (and make them a member of ``units`` of it); returns whether
    the membership is new. The role's auth group gives the admin's permissions to the office."""
    if role not in ROLES:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    membership_check(organisation=organisation, role=role, units=units)
    _membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    for unit in units:
        unit.members.add(user)
    if created:
        program_version_bump(program_ids=ALL)
    return created


@transaction.atomic
def user_ensure(
    *,
    username: str,
    role: str,
    password: str,
    units: list[Unit] = (),
    full_name: str = "",
    organisation: Organisation | None = None,
) -> bool:
    """Create a user with a role in ``organisation`` (that of ``units`` by default, else the instance's) and
    units unless it exists; returns whether it was created.

    An existing user is left alone, so that a re-run never resets a password someone changed.
    """
    if role not in ROLES:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    if User.objects.filter(username=username).exists():
        return False
    organisation = organisation or _default_organisation(list(units))
    membership_check(organisation=organisation, role=role, units=units)
    user = User(username=username, first_name=full_name[:150], is_staff=(role == ROLE_OFFICE))
    user.set_password(password)
    user.full_clean()
    user.save()
    membership_ensure(user=user, organisation=organisation, role=role, units=units)
    program_version_bump(program_ids=ALL)
    return True
