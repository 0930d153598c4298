"""The programme the pages show."""

from django.contrib.auth import get_user_model

from ..models import (
    Program,
)

User = get_user_model()


def program_current() -> Program | None:
    """The programme the pages show: the newest active one. 1 query."""
    return Program.objects.filter(is_active=True).order_by("-issued_on", "-id").first()
