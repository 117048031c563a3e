from django.conf import settings
from django.http import HttpRequest

from . import permissions


def pemda(request: HttpRequest) -> dict:
    """The Pemda profile, for headers on every page."""
    return {"PEMDA": settings.PEMDA}


def perms_for_user(request: HttpRequest) -> dict:
    """What the signed-in user may do, for the templates' menus: templates ask these, never the user's role."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "can_manage_years": permissions.can_manage_years(user),
        "can_set_ceilings": permissions.can_set_ceilings(user),
        "has_inbox": permissions.has_inbox(user),
        "can_use_admin": bool(user.is_active and user.is_staff),
    }
