"""Settings for Renja. Everything that differs between deployments comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY wajib diisi bila DEBUG mati (SECRET_KEY is required when DEBUG is off).")
    SECRET_KEY = "dev-only-insecure-key-change-me"  # local development only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_tasks_db",  # the task queue's table (work off the request; see the TASKS setting)
    "core",
    "renja",
    "musrenbang",
    "sinkronisasi",
    "forum",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.reference.RequestScopeMiddleware",  # the reference token read once per request (forms' drop-downs)
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "renja.urls"
WSGI_APPLICATION = "renja.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "renja.context_processors.pemda",
                "renja.context_processors.perms_for_user",
                "musrenbang.context_processors.inbox_counts",
            ],
        },
    }
]

# SQLite file in the project folder by default; DATABASE_URL=postgres://… switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The demo database is shared by the web server and the task worker: a transaction takes the write lock when it
    # begins (waiting up to 20 s for the other), so that neither fails upgrading a read to a write mid-transaction.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
# Through PgBouncer in transaction mode a named cursor (QuerySet.iterator()) does not survive to the next statement.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False)
# A read replica (PostgreSQL hot standby) for the heavy reads that tolerate a few seconds of lag: the CSV/XLSX exports
# and the sync report. Pages, saves and the berita acara always use the primary (see renja/db_router.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the primary's test database
for _db in DATABASES.values():
    if _db["ENGINE"] != "django.db.backends.sqlite3":
        _db["CONN_HEALTH_CHECKS"] = True  # a worker's kept connection that died with a PostgreSQL restart is replaced
DATABASE_ROUTERS = ["core.db_router.PrimaryRouter"]
REPORTS_DATABASE = "replica" if "replica" in DATABASES else "default"

# Shared by every worker and app server (the log-in throttle counts failures here), so by default a table in the
# database: `manage.py createcachetable` creates it (make setup does; the test database gets it automatically).
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "renja_cache"),
    }
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # Past MAX_ENTRIES the table is culled, unexpired rows included: 300 (the default) failed log-ins under
    # throw-away names would wipe the throttle's counts.
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 10_000}

# Work that takes seconds runs off the request, on a queue kept in the app's own database (django-tasks, the API
# Django 6 adopts, with its database backend): `manage.py db_worker` runs it (make run starts one; docs/DEPLOY.md
# runs it under systemd).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Called with a year's id after every committed write to its plan (renja/services/revision.py): the sync view
# queues its recompute, so that findings catch up within seconds of an edit without any page computing them.
PLAN_CHANGED_HOOKS = ["sinkronisasi.services.queue.plan_changed_hook"]
# The recompute a write queues runs this many seconds later: the writes of a busy moment share one.
SYNC_RECOMPUTE_DELAY_S = int(os.environ.get("SYNC_RECOMPUTE_DELAY_S", "5"))
# A failed sync recompute is tried again this many times in all, after 30 s, 60 s, …
SYNC_TASK_ATTEMPTS = int(os.environ.get("SYNC_TASK_ATTEMPTS", "3"))
# A recompute still marked running after this long lost its worker (killed, machine restarted): it is given up and
# queued again. The longest full recompute measured (10x Kukar's size) takes under a minute.
SYNC_TASK_STALE_S = int(os.environ.get("SYNC_TASK_STALE_S", "900"))
# A page view brings the sync findings up to date itself only when at most this many rows changed since the last
# refresh (tens of milliseconds); after a larger change (an import) it queues the recompute and shows the stored ones.
SYNC_INLINE_MAX_ROWS = int(os.environ.get("SYNC_INLINE_MAX_ROWS", "300"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "renja.User"
LOGIN_URL = "login"
# An OPD person's home page ("/"): new and undecided usulan with the forum deadline, and the agency's open overlaps.
# renja sits below musrenbang and sinkronisasi and imports neither, so its home view looks this view up by name.
RENJA_OFFICER_HOME = "sinkronisasi.views.officer_home"
# E-mail of routed usulan (at once or a daily digest, `manage.py usulan_digest`): printed on the console unless a
# deployment sets EMAIL_BACKEND (e.g. django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST …); links in
# mails start with RENJA_SITE_URL.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "renja@localhost")
RENJA_SITE_URL = os.environ.get("RENJA_SITE_URL", "http://127.0.0.1:8000")
LOGIN_REDIRECT_URL = "renja:home"
LOGOUT_REDIRECT_URL = "login"

# Argon2id first (see core.security.TunedArgon2PasswordHasher); a PBKDF2 hash from before still verifies and is
# rewritten as Argon2id at its owner's next log-in.
PASSWORD_HASHERS = [
    "core.security.TunedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"  # WITA
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Manifest storage needs collectstatic, so it is for production (DEBUG off) only.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads (imports) are read into memory up to this size; larger requests are refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
RENJA_IMPORT_MAX_BYTES = int(os.environ.get("RENJA_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
# Every import (web and command line) stops here, so that no file can hold a worker or its memory (renja/tabular.py):
# an XLSX whose parts unpack to more, or compress more than this ratio, is refused before it is parsed; reading stops
# at the row limit; at most IMPORT_MAX_ISSUES problems are listed, with a count of the rest.
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("IMPORT_MAX_COMPRESSION_RATIO", "100"))
RENJA_IMPORT_MAX_ROWS = int(os.environ.get("RENJA_IMPORT_MAX_ROWS", "20000"))
USULAN_IMPORT_MAX_ROWS = int(os.environ.get("USULAN_IMPORT_MAX_ROWS", "50000"))
IMPORT_MAX_ISSUES = int(os.environ.get("IMPORT_MAX_ISSUES", "200"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
X_FRAME_OPTIONS = "DENY"
# Behind TLS (production): HTTPS only, with HSTS. SECURE_HSTS_SECONDS=0 turns HSTS off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Behind our nginx, which overwrites X-Forwarded-Proto and X-Real-IP: trust them for the scheme and the client address.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Log-in throttling: this many failures for one user name from one address lock it out for the window
# (counted from the last failure).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_S = int(os.environ.get("LOGIN_FAILURE_WINDOW_S", "900"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

FORM_RENDERER = "core.form_renderer.FastSelectRenderer"
DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# The Pemda profile: used by page headers and by printed documents.
PEMDA = {
    "nama": os.environ.get("PEMDA_NAMA", "Pemerintah Kabupaten Kutai Kartanegara"),
    "nama_daerah": os.environ.get("PEMDA_NAMA_DAERAH", "Kabupaten Kutai Kartanegara"),
    "nama_singkat": os.environ.get("PEMDA_NAMA_SINGKAT", "Kukar"),
    "kode_wilayah": os.environ.get("PEMDA_KODE_WILAYAH", "64.02"),
    "provinsi": os.environ.get("PEMDA_PROVINSI", "Provinsi Kalimantan Timur"),
    "ibu_kota": os.environ.get("PEMDA_IBU_KOTA", "Tenggarong"),
    "alamat": os.environ.get(
        "PEMDA_ALAMAT", "Jalan Wolter Monginsidi No. 1, Tenggarong, Kutai Kartanegara, Kalimantan Timur 75512"
    ),
    "logo": os.environ.get("PEMDA_LOGO", "img/logo-pemda.svg"),  # a path under static/
    # The planning agency's letterhead (kop surat) and the berita acara's number.
    "badan": os.environ.get("PEMDA_BADAN", "Badan Perencanaan Pembangunan Daerah"),
    "telepon": os.environ.get("PEMDA_TELEPON", "(0541) 661042"),
    "laman": os.environ.get("PEMDA_LAMAN", "bappeda.kukarkab.go.id"),
    "surel": os.environ.get("PEMDA_SUREL", "bappeda@kukarkab.go.id"),
    # Kode klasifikasi arsip (Permendagri 83/2022) / sequence of the year / the issuing unit / month / year. Fields:
    # {seq} (the year's sequence, without gaps; {seq:03d} pads it), {bulan_romawi}, {bulan}, {tahun}.
    "nomor_berita_acara": os.environ.get(
        "PEMDA_NOMOR_BERITA_ACARA", "000.1.2/{seq:03d}/BA-FPD/Bappeda/{bulan_romawi}/{tahun}"
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
