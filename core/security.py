"""Security headers, password hashing and log-in throttling."""

from __future__ import annotations

import hashlib
import logging
import unicodedata

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("core.security")

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Every page may load only the app's own assets: no CDN, no inline scripts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response


class TunedArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended floor (m = 19 MiB, t = 2, p = 1), chosen for a 2-core server.

    Measured side by side on the 2-core machine (median of 7 hashes, machine busy): 65 ms, against 576 ms for
    Django's PBKDF2 (1,000,000 iterations) and 521 ms for Django's own Argon2 settings (100 MiB, p = 8), which on
    two cores cost as much CPU as PBKDF2. Memory-hard: a GPU guessing passwords needs 19 MiB per guess. The
    algorithm name stays "argon2", so Django recognises older Argon2 hashes and rewrites them with these parameters
    at the next log-in, as it does PBKDF2 hashes (their hasher stays listed after this one in PASSWORD_HASHERS).
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1


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


def normalise_login_name(username: str) -> str:
    """A user name as the throttle counts it: NFKC-normalised as Django does before authenticating, and case-folded,
    so that "ｄｐ３ａ" and "Dp3a" are "dp3a"."""
    return unicodedata.normalize("NFKC", username or "").casefold().strip()


def login_throttle_key(name: str, address: str) -> str:
    """The one failure counter for a normalised user name from an address, on every log-in path (the app's and the
    admin's). A name too long for a cache key, or with spaces or control characters, is hashed."""
    if len(name) > 150 or any(c.isspace() or not c.isprintable() for c in name):
        name = "sha256-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
    return f"login-fail:{name}:{address}"


class LoginThrottleMixin:
    """Refuses a user name (from one address) for a while after repeated failed log-ins; logs failures and lock-outs.

    Mixed into every authentication form a log-in view uses (ThrottledAuthenticationForm for the app,
    ThrottledAdminAuthenticationForm for /admin/login/), so both paths share one counter."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)s menit."),
    }

    def _throttle_subject(self) -> tuple[str, str]:
        name = normalise_login_name(self.data.get("username") or "")
        address = client_address(self.request) if self.request else ""
        return name, address

    def clean(self):
        limit, window = settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW_S
        name, address = self._throttle_subject()
        key = login_throttle_key(name, address)
        failures = cache.get(key, 0)
        if failures >= limit:
            logger.warning("Log-in refused, locked out: user=%r address=%s failures=%d", name[:150], address, failures)
            raise ValidationError(self.error_messages["throttled"], code="throttled", params={"minutes": window // 60})
        try:
            return super().clean()
        except ValidationError:
            # set, not add + incr: the database cache's incr re-stores the value with the default 300 s timeout.
            # Two failures at the same instant may count once; for a throttle that is acceptable.
            cache.set(key, failures + 1, window)
            logger.warning("Log-in failed: user=%r address=%s failures=%d/%d", name[:150], address, failures + 1, limit)
            if failures + 1 >= limit:
                logger.warning("Log-in locked out for %d s: user=%r address=%s", window, name[:150], address)
            raise


class ThrottledAuthenticationForm(LoginThrottleMixin, AuthenticationForm):
    """The app's log-in form (/akun/masuk/)."""


class ThrottledAdminAuthenticationForm(LoginThrottleMixin, AdminAuthenticationForm):
    """The admin's log-in form (/admin/login/): staff only, and the same throttle as the app's."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": LoginThrottleMixin.error_messages["throttled"],
    }
