"""The programme the pages show."""

from django.contrib.auth import get_user_model

from ..models import (
    Program,
    Target,
)

User = get_user_model()


def program_current() -> Program | None:
    """The programme the pages show: the newest active one. 1 query."""
    return Program.objects.filter(is_active=True).order_by("-issued_on", "-id").first()


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
