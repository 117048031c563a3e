"""Security headers and log-in throttling."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CSP = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    """Every page may load only the app's own assets: no CDN, no inline scripts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses a user name (from one address) for a while after repeated failed log-ins."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)s menit."),
    }

    def _key(self) -> str:
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        return f"login-fail:{(self.data.get('username') or '').strip().lower()}:{address}"

    def clean(self):
        limit, window = settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW_S
        if cache.get(self._key(), 0) >= limit:
            raise ValidationError(self.error_messages["throttled"], code="throttled", params={"minutes": window // 60})
        try:
            return super().clean()
        except ValidationError:
            key = self._key()
            cache.add(key, 0, window)
            cache.incr(key)
            raise
