from django.conf import settings

from . import permissions, selectors


def navigation(request):
    """What the navigation bar needs: the user's role, decided by permissions.py (no query when signed out)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_role": None}
    program = getattr(request, "program", None)  # set by permissions.program_required and the report pages
    return {
        "nav_role": permissions.role_of(user, program),
        "nav_can_import": permissions.can_import(user),
        "nav_program": program,
        # The page's programme for templates rendered apart from the view's context (the table's cells).
        "program": program,
        # Lazy (the template calls it only where the menu shows it): the switcher's programmes, a few of all.
        "nav_programs": lambda: selectors.menu_programs(user=user, current=program),
    }


def organisation(request):
    """The organisation's name (the current programme's issuing body) and whom to ask for a password, for
    the sign-in page. Lazy: the template engine calls ``organisation_name`` only where a page shows it, so
    no other page pays its query."""

    def organisation_name():
        program = selectors.program_current()
        return program.issuing_body if program is not None else ""

    return {"organisation_name": organisation_name, "support_contact": settings.TARGETS_SUPPORT_CONTACT}
