"""Roles and accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
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


@transaction.atomic
def user_ensure(*, username: str, role: str, password: str, units: list[Unit] = (), full_name: str = "") -> bool:
    """Create a user with a role (and units) unless it exists; returns whether it was created.

    An existing user is left alone, so that a re-run never resets a password someone changed.
    """
    if role not in ROLES:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    if User.objects.filter(username=username).exists():
        return False
    user = User(username=username, first_name=full_name[:150], is_staff=(role == ROLE_OFFICE))
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    for unit in units:
        unit.members.add(user)
    program_version_bump(program_ids=ALL)
    return True
