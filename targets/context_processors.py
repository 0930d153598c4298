from . import permissions


def navigation(request):
    """What the navigation bar needs: the user's role, decided by permissions.py (no query when signed out)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_role": None}
    return {
        "nav_role": permissions.role_of(user),
        "nav_can_import": permissions.can_import(user),
    }
