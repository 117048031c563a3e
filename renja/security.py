"""Security headers and log-in throttling."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
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


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or with BEHIND_PROXY the address our proxy reports for it."""
    meta = request.META
    if settings.BEHIND_PROXY:
        # Trusted only because nginx overwrites X-Real-IP and appends the peer to X-Forwarded-For (docs/DEPLOY.md);
        # the last hop is the one our proxy added, earlier hops are whatever the client sent.
        real_ip = meta.get("HTTP_X_REAL_IP", "").strip()
        forwarded = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if real_ip or forwarded:
            return real_ip or forwarded[-1]
    return meta.get("REMOTE_ADDR", "")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses a user name (from one address) for a while after repeated failed log-ins."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)s menit."),
    }

    def _key(self) -> str:
        address = client_address(self.request) if self.request else ""
        return f"login-fail:{(self.data.get('username') or '').strip().lower()}:{address}"

    def clean(self):
        limit, window = settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW_S
        key = self._key()
        failures = cache.get(key, 0)
        if failures >= limit:
            raise ValidationError(self.error_messages["throttled"], code="throttled", params={"minutes": window // 60})
        try:
            return super().clean()
        except ValidationError:
            # set, not add + incr: the database cache's incr re-stores the value with the default 300 s timeout.
            # Two failures at the same instant may count once; for a throttle that is acceptable.
            cache.set(key, failures + 1, window)
            raise
