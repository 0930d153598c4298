"""Helpers the services share: refusing a step with a message that names the field."""

from django.core.exceptions import ValidationError


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


def _refuse(message: str, field: str | None = None, code: str = "invalid"):
    raise ValidationError(
        {field: [ValidationError(message, code=code)]} if field else ValidationError(message, code=code)
    )
