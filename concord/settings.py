"""Settings for Concord, read from the environment (see README.md)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def env_bool(name: str, default: bool = False) -> bool:
    """Return a yes/no setting; a value that is neither (a typo such as "ture") is refused."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value (use one of 1, true, yes, on, 0, false, no, off)"
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("CONCORD_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()
DEBUG = env_bool("CONCORD_DEBUG", False)


# Without SECRET_KEY in the environment, the key is a random one kept in the data dir, so a
# fresh machine needs no set-up. Importing the settings writes nothing: the file is made by the
# first `migrate`, `serve` or `worker` (concord.core.datadir, which also makes the data directory
# owner-only); until then a process that has run none of them uses a key of its own that nothing
# stores.
SECRET_KEY_FILE = DATA_DIR / "secret_key"
SECRET_KEY_FROM_ENV = bool(env_str("SECRET_KEY"))


def _secret_key() -> str:
    if SECRET_KEY_FROM_ENV:
        return env_str("SECRET_KEY")
    try:
        return SECRET_KEY_FILE.read_text().strip() or _process_key()
    except FileNotFoundError:
        return _process_key()


def _process_key() -> str:
    import secrets

    return "process-only-" + secrets.token_urlsafe(50)


SECRET_KEY = _secret_key()


def _local_file(path: Path) -> str:
    return path.read_text().strip() if path.exists() else ""


ALLOWED_HOSTS = env_list("CONCORD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CONCORD_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' own static files (no CDN: Concord works offline)
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "concord.core",
    "concord.places",
    "concord.accounts",
    "concord.cases",
    "concord.notifications",
    "concord.channels",
    "concord.triage",
    "concord.warning",
    "concord.wellbeing",
    "concord.participation",
    "concord.residents",
    "concord.assessments",
    "concord.safety",
    "concord.open311",
    "concord.web",
    "concord.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "concord.web.nostore.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "concord.web.views.errors.ErrorPageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "concord.web.input_guard.InputGuardMiddleware",
    "concord.accounts.middleware.StaffSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "concord.accounts.middleware.StaffTwoFactorMiddleware",
    "concord.web.ratelimit.PublicRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its refusal page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "concord.urls"
CSRF_FAILURE_VIEW = "concord.web.views.errors.csrf_failure"
WSGI_APPLICATION = "concord.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'concord.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE avoids upgrading a read
    # lock to a write lock mid-transaction (the usual cause of 'database is locked').
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # Writers queue for the one write lock; under a loaded machine a submission may wait
        # behind the worker's short transactions for longer than a moment (below gunicorn's 60 s).
        "timeout": 45,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["TEST"] = {"NAME": env_str("CONCORD_TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
AUTHENTICATION_BACKENDS = [
    # Login throttling: too many failures for a username from an address lock it out for a while.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env_str("CONCORD_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("CONCORD_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    p for p in [BASE_DIR / "static", BASE_DIR.parent / "build" / "static"] if p.exists()
]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

REDIS_URL = env_str("REDIS_URL")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
# Rate-limit counters must hold across processes and machines: in the database (the table made
# by the web app's migration) unless Redis is configured. The default cache is per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "concord_ratelimit_cache",
        "OPTIONS": {"MAX_ENTRIES": 500_000},
    },
}
if REDIS_URL:
    # Shared cache (rate limits, dashboard aggregates) across workers and machines.
    redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    CACHES = {"default": redis_cache, "ratelimit": redis_cache}
if REDIS_URL:
    # Scale-out: tasks go to Redis and any number of `concord worker` processes run them.
    import importlib.util

    if importlib.util.find_spec("django_tasks_rq") is None:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("REDIS_URL is set: install the Redis extra (concord[redis]).")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS.append("django_rq")

# The ledger's signed checkpoints (core/checkpoints.py). The signing key is a file the database
# does not hold: put it on another volume than the database (readable by the worker only). The
# checkpoint log is kept outside the database; MIRRORS copy each checkpoint to a store on another
# machine: "db:ALIAS" (a second DATABASES entry) or "dir:/path" (another machine's share or an
# object-storage mount). A second file on the same disk is not a second store.
LEDGER = {
    "SIGNING_KEY_FILE": env_str("CONCORD_LEDGER_KEY_FILE")
    or str(DATA_DIR / "keys" / "ledger-signing.pem"),
    "PUBLIC_KEY_FILE": env_str("CONCORD_LEDGER_PUBLIC_KEY_FILE") or None,
    "CHECKPOINT_LOG": env_str("CONCORD_LEDGER_LOG")
    or str(DATA_DIR / "ledger" / "checkpoints.jsonl"),
    "MIRRORS": [m.strip() for m in env_str("CONCORD_LEDGER_MIRRORS").split(",") if m.strip()],
}
if env_str("CONCORD_LEDGER_MIRROR_DATABASE_URL"):
    DATABASES["ledger_mirror"] = dj_database_url.parse(
        env_str("CONCORD_LEDGER_MIRROR_DATABASE_URL")
    )
    if "db:ledger_mirror" not in LEDGER["MIRRORS"]:
        LEDGER["MIRRORS"].append("db:ledger_mirror")

# Periodic jobs run by `concord worker`: (name, every N seconds, task).
CONCORD_SCHEDULE = [
    ("ledger_checkpoint", 300, "concord.core.tasks.ledger_checkpoint_task"),
    ("deadlines_tick", 300, "concord.channels.tasks.deadlines_tick_task"),
    ("surveillance_run", 24 * 3600, "concord.warning.tasks.surveillance_run_task"),
    ("triage_retrain", 7 * 24 * 3600, "concord.triage.tasks.retrain_task"),
    ("triage_sweep", 600, "concord.triage.tasks.triage_sweep_task"),
    ("wellbeing_tick", 300, "concord.wellbeing.tasks.wellbeing_tick_task"),
    ("mitigation_tick", 3600, "concord.assessments.tasks.mitigation_tick"),
    ("deliveries_retry", 60, "concord.notifications.tasks.deliveries_retry"),
    ("inspections_schedule", 3600, "concord.safety.tasks.inspections_schedule"),
    ("suggestion_clocks", 3600, "concord.participation.tasks.suggestion_clocks"),
    ("opendata_snapshot", 600, "concord.participation.tasks.monthly_snapshot"),
]


# Content-Security-Policy: no inline scripts or styles anywhere; map tiles only from the
# configured tile server.
def _csp_directives() -> dict:
    from csp.constants import NONE, SELF

    tiles = env_str("CONCORD_MAP_TILES")
    tile_origin = "/".join(tiles.split("/")[:3]) if tiles.startswith("http") else None
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"] + ([tile_origin] if tile_origin else []),
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }


CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives()}

# Behind HTTPS (production): redirect, HSTS and secure cookies. `concord check --deploy` is
# clean with CONCORD_HTTPS=1, CONCORD_DEBUG unset and a strong SECRET_KEY.
CONCORD_HTTPS = env_bool("CONCORD_HTTPS", False)
if CONCORD_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
# Staff (anyone with a role membership) must confirm a TOTP code after the password before any
# staff page or session-authenticated API call. On by default behind HTTPS (production).
CONCORD_REQUIRE_STAFF_2FA = env_bool("CONCORD_REQUIRE_STAFF_2FA", CONCORD_HTTPS)

SESSION_COOKIE_HTTPONLY = True
# Staff sessions end after this long without a request, and this long after sign-in.
CONCORD_STAFF_SESSION_IDLE_MINUTES = int(env_str("CONCORD_STAFF_SESSION_IDLE_MINUTES", "30"))
CONCORD_STAFF_SESSION_MAX_HOURS = int(env_str("CONCORD_STAFF_SESSION_MAX_HOURS", "12"))
# How long an administrator's second-factor enrolment link stays valid.
CONCORD_ENROLMENT_LINK_HOURS = int(env_str("CONCORD_ENROLMENT_LINK_HOURS", "72"))
SESSION_COOKIE_SECURE = env_bool("CONCORD_SECURE_COOKIES", CONCORD_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CONCORD_LOG_LEVEL", "WARNING")},
}

# Concord policy settings (defaults from PROCESS_RULES.md; grade C values are configurable).
CONCORD = {
    "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    # Per case, for the files residents attach (at filing and later while tracking).
    "ATTACHMENTS_MAX_COUNT": int(env_str("CONCORD_ATTACHMENTS_MAX_COUNT", "10")),
    "ATTACHMENTS_MAX_TOTAL_BYTES": int(
        env_str("CONCORD_ATTACHMENTS_MAX_TOTAL_BYTES", str(25 * 1024 * 1024))
    ),
    # Any request body other than file uploads (JSON, forms); larger ones get 413.
    "REQUEST_BODY_MAX_BYTES": int(env_str("CONCORD_REQUEST_BODY_MAX_BYTES", str(2 * 1024 * 1024))),
    "PARTIES_MAX": int(env_str("CONCORD_PARTIES_MAX", "20")),
    "TITLE_MAX_CHARS": 200,
    "DESCRIPTION_MAX_CHARS": 10_000,
    "PUBLIC_MIN_CELL": 5,
    "AUTO_ESCALATE_ON_BREACH": env_bool("CONCORD_AUTO_ESCALATE", True),
    "FEEDBACK_NO_ACTION": env_str("CONCORD_FEEDBACK_NO_ACTION", "reopen"),
    "TRANSFER_BOUNCE_LIMIT": 2,
    # Personal data of cases finished this many days ago is erased by `concord retention apply`.
    "RETENTION_DAYS": int(env_str("CONCORD_RETENTION_DAYS", str(3 * 365))),
    # Anonymous submissions and tracking lookups per client address per minute (0: no limit).
    "PUBLIC_RATE_PER_MINUTE": int(env_str("CONCORD_PUBLIC_RATE_PER_MINUTE", "60")),
    # Residents' sign-in codes per hour, per phone number and per client address (0: no limit).
    "SIGN_IN_CODES_PER_NUMBER": int(env_str("CONCORD_SIGN_IN_CODES_PER_NUMBER", "5")),
    "SIGN_IN_CODES_PER_ADDRESS": int(env_str("CONCORD_SIGN_IN_CODES_PER_ADDRESS", "20")),
    # How long a process may reuse places, units and categories it has read (concord.core.refcache).
    "REFERENCE_CACHE_SECONDS": int(env_str("CONCORD_REFERENCE_CACHE_SECONDS", "60")),
    # The front door offers a category only when the classifier is at least this sure.
    "SUGGEST_MIN_CONFIDENCE": float(env_str("CONCORD_SUGGEST_MIN_CONFIDENCE", "0.7")),
}
# Reverse proxies (addresses or networks) whose X-Forwarded-For hop is believed; empty: none.
CONCORD_TRUSTED_PROXIES = env_list("CONCORD_TRUSTED_PROXIES")
# The key of residents' encrypted contact details; `concord restore` writes a backup's key to
# the data directory's `field_key` file. Unset: derived from SECRET_KEY (concord/core/fields.py).
CONCORD_FIELD_KEY = env_str("CONCORD_FIELD_KEY") or _local_file(DATA_DIR / "field_key")
# Map tiles URL template (e.g. an internal tile server); empty: boundaries draw without tiles.
CONCORD_MAP_TILES = env_str("CONCORD_MAP_TILES")
# The address residents reach Concord at: links in text messages and emails start with it.
CONCORD_PUBLIC_URL = env_str("CONCORD_PUBLIC_URL", "http://localhost:8000").rstrip("/")
