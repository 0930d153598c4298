"""The programmes a user may see, and the one a page shows."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from .. import permissions
from ..models import (
    Organisation,
    Program,
    Target,
    Unit,
)

User = get_user_model()


def program_current() -> Program | None:
    """The newest active programme of the instance (the sign-in page's organisation, the benchmark). 1 query."""
    return Program.objects.filter(is_active=True).select_related("organisation").order_by("-issued_on", "-id").first()


def programs_for(*, user) -> list[Program]:
    """The programmes ``user`` may see with their organisations: those of the organisations they belong to
    first, then those they read from above; active before closed, newest first. 1 query (with the rights),
    once a request: kept on the user object, as the rights are (the menu asks too)."""
    if not hasattr(user, "_programs"):
        own = set(permissions.rights(user).roles)
        programs = list(permissions.programs_visible_to(user).select_related("organisation"))
        programs.sort(key=lambda p: (p.organisation_id not in own, not p.is_active, -p.issued_on.toordinal(), p.pk))
        user._programs = programs
    return list(user._programs)


# The menu's programme switcher lists at most this many; "All programmes" (``/``) lists every one.
MENU_PROGRAMS_LIMIT = 10


@dataclass
class MenuProgrammes:
    """The programme switcher's entries and how many programmes the user may see in all."""

    programs: list[Program]
    total: int


def menu_programs(*, user, current: Program | None = None) -> MenuProgrammes:
    """The switcher's programmes: the first ``MENU_PROGRAMS_LIMIT`` of ``programs_for`` (the user's own
    organisations' first), the current one always among them. A city's leader or a superuser may see every
    ward's programmes; the menu names a few and leaves the rest to the programme list. No query beyond
    ``programs_for``'s."""
    programs = programs_for(user=user)
    shown = programs[:MENU_PROGRAMS_LIMIT]
    if current is not None and all(p.pk != current.pk for p in shown):
        shown = [*shown[: MENU_PROGRAMS_LIMIT - 1], next((p for p in programs if p.pk == current.pk), current)]
    return MenuProgrammes(programs=shown, total=len(programs))


def default_program(*, user) -> Program | None:
    """The programme that the old addresses (``/targets/…`` of before ``/p/<slug>/``) lead to: the first of
    ``programs_for``."""
    programs = programs_for(user=user)
    return programs[0] if programs else None


@dataclass
class OrganisationProgrammes:
    organisation: Organisation
    programs: list[Program]


def by_organisation(programs: list[Program]) -> list[OrganisationProgrammes]:
    """``programs`` (their organisations selected) grouped by organisation, in their order. No query."""
    groups: dict[int, OrganisationProgrammes] = {}
    for program in programs:
        groups.setdefault(program.organisation_id, OrganisationProgrammes(program.organisation, [])).programs.append(
            program
        )
    return list(groups.values())


def unit_by_code(*, program: Program, code: str) -> Unit | None:
    """The unit ``code`` of the programme's organisation. 1 query."""
    return Unit.objects.filter(organisation_id=program.organisation_id, code=code).first()


def program_versions() -> list[tuple[int, int, bool]]:
    """Every programme's id, data version and whether it is active, in the order ``program_current``
    chooses by (the first active one is the current programme), for the pages' ETags. 1 query."""
    return list(Program.objects.order_by("-issued_on", "-id").values_list("id", "data_version", "is_active"))


def period_average_codes() -> list[str]:
    """The codes of the active programmes' targets that are averages over a period (for the help page). 1 query."""
    return list(
        Target.objects.filter(program__is_active=True, is_period_average=True)
        .order_by("program_id", "order", "code")
        .values_list("code", flat=True)
    )
