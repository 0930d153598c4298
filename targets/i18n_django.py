"""Messages of Django itself that users of this site meet, and that Django's Vietnamese catalogue lacks.

Nothing imports this module: it is here so that ``make messages`` (makemessages) finds these exact
msgids and keeps them in locale/vi/LC_MESSAGES/django.po, whose translations then win over Django's own
(LOCALE_PATHS comes first). Each must stay the same text, character for character, as in Django.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES = [
    # django.core.validators.ProhibitNullCharactersValidator: every form's text field
    gettext_noop("Null characters are not allowed."),
    # django.contrib.auth.password_validation.MinimumLengthValidator
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
]
