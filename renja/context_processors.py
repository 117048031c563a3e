from django.conf import settings
from django.http import HttpRequest


def pemda(request: HttpRequest) -> dict:
    """The Pemda profile, for headers on every page."""
    return {"PEMDA": settings.PEMDA}
