"""Words of the libraries we use that their own catalogues leave in English (or in awkward Vietnamese).

Never imported: the marks below only put these msgids into locale/*/django.po, and our catalogue
(LOCALE_PATHS) is read before the libraries' own, so its translations win. Each msgid and context is
exactly the library's.
"""

from django.utils.translation import gettext_noop

WORDS = [
    # django-tables2's pagination (bootstrap5.html: {% trans 'previous' %}, {% trans 'next' %}); it has
    # no Vietnamese catalogue.
    gettext_noop("previous"),
    gettext_noop("next"),
    # The admin's facet switch (Django 5), missing from Django's Vietnamese catalogue.
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    # Django's Vietnamese catalogue says "Thêm vào" ("add into") for the admin's "Add" buttons.
    gettext_noop("Add"),
    gettext_noop("Add %(name)s"),
    # django-axes' models and admin, which have no Vietnamese catalogue.
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
]
