"""sportevents settings: one module, driven by environment variables (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sportevents.env import env_bool, env_int, env_list, env_str
from sportevents.logs import configured_format

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value in production, "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. List the host names this site answers to, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "axes",
    "sportevents",
    "accounts",
    "catalogue",
    "venues",
    "events",
    "registrations",
    "payments",
    "calendars",
    "surveys",
    "outbox",
]

MIDDLEWARE = [
    # First: every request gets its id and its access record, whatever answers it.
    "sportevents.request_log.RequestLogMiddleware",
    # /healthz and /readyz, answered before the Host check and the HTTPS redirect: load
    # balancers probe each server by its address, over plain HTTP (sportevents/health.py).
    "sportevents.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "sportevents.middleware.RejectNulBytesMiddleware",
    "sportevents.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sportevents.csp.CSPMiddleware",
    # Last: turns a login refused for too many failures into the "try again later" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sportevents.urls"
WSGI_APPLICATION = "sportevents.wsgi.application"

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

# Database: SQLite file by default, PostgreSQL (or any dj-database-url URL) via DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database host that does not answer fails a request (and /readyz) in seconds, not
        # after the operating system's TCP timeout of minutes. A connect_timeout in the URL wins.
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1))
        # Prepared statements: a statement a connection has run five times (a registration's,
        # a scan's) is parsed and planned once, not every time: a third less of PostgreSQL's
        # CPU per registration (README, Figures). Behind PgBouncer in transaction mode set
        # DATABASE_PREPARED_STATEMENTS=0, unless it is 1.21 or later with max_prepared_statements
        # above 0. Values travel apart from the statement then: at most 65,535 in one query.
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            _options.setdefault("server_side_binding", True)
            _options.setdefault("prepare_threshold", 5)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Wait for a writer instead of failing at once when two requests write together.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (and rate limits): Redis when REDIS_URL is set, process memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down, reads find nothing and writes are skipped (logged).
            "BACKEND": "sportevents.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Registration waiting rooms (registrations/waiting_room.py): their lines live in the Redis of
# the cache (in process memory without REDIS_URL: one process only). Once let in, a person has
# this long to send the registration form.
WAITING_ROOM_PASS_MINUTES = env_int("WAITING_ROOM_PASS_MINUTES", 30, minimum=1)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login (form, API token, admin) while its email and address are locked.
    "accounts.backends.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "home"

# Languages: English is complete; the participant-facing pages also in these four.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic puts the files whitenoise serves (on every app server, or in the image).
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (run collectstatic); plain files otherwise.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve files from the source folders too when they were not collected (tests, runserver).
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST", not DEBUG)

MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
MEDIA_URL = "media/"

# Email: printed to the console unless an SMTP server is configured.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sportevents <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # Seconds each step of an SMTP exchange may take: a hung server fails the attempt (and it
    # is retried) instead of holding the email's claim past OUTBOX_CLAIM_TIMEOUT.
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
elif env_str("EMAIL_FILE_PATH"):
    # Each message written to a file in this folder: staging, and deploy/test-cluster.sh.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The outbox (outbox/services.py): an email claimed for sending this many seconds ago, and not
# sent, was left by a worker that died, and is sent again. Longer than any one send can take.
OUTBOX_CLAIM_TIMEOUT = env_int("OUTBOX_CLAIM_TIMEOUT", 600, minimum=1)
# Days the record of sent emails is kept (keys and times only, no addresses).
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 30, minimum=1)

# Celery: workers on Redis in production; in process (eager) when no REDIS_URL is set.
CELERY_BROKER_URL = REDIS_URL or "memory://"
if REDIS_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "sportevents.broker:Transport"  # kombu's, one client kept
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker died is given to another worker (acks_late + this): tasks are idempotent.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis down: give up publishing quickly and run the task in process (sportevents.celery).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# An unacknowledged task goes back on the queue after this long: longer than any task runs.
_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    # Workers look for such tasks every few seconds (kombu's default: every 100 s), so a task
    # whose worker was killed comes back soon after its visibility timeout.
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_TIMEOUT // 3)),
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The queue the web servers fill and the workers empty. Sites that share one Redis database
# need a queue each (deploy/test-cluster.sh runs beside CI this way).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
# Workers and beat log through LOGGING below (JSON lines in production), not Celery's format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
# Scheduled work, run by `celery -A sportevents beat` (one beat process for the whole site).
CELERY_BEAT_SCHEDULE = {
    "forget-accessibility-needs": {
        "task": "registrations.tasks.forget_accessibility_needs",
        "schedule": crontab(hour=3, minute=15),
    },
    "erase-expired-personal-data": {
        "task": "registrations.tasks.erase_expired_personal_data",
        "schedule": crontab(hour=3, minute=45),
    },
    "forget-old-emails": {
        "task": "outbox.tasks.forget_old_emails",
        "schedule": crontab(hour=3, minute=50),
    },
    "release-expired-holds": {
        "task": "payments.tasks.release_expired_holds",
        "schedule": crontab(),  # every minute
    },
    "retry-refunds": {
        "task": "payments.tasks.retry_refunds",
        "schedule": crontab(minute="*/10"),
    },
    # Surveys: waves close (and the identity links go) before the day's invitations and
    # reminders; every task is idempotent, so a repeated or overlapping run sends nothing twice.
    "close-survey-waves": {
        "task": "surveys.tasks.close_survey_waves",
        "schedule": crontab(hour=2, minute=30),
    },
    "send-survey-invitations": {
        "task": "surveys.tasks.send_survey_invitations",
        "schedule": crontab(minute=20),
    },
    "send-survey-reminders": {
        "task": "surveys.tasks.send_survey_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
}

# Personal data of an event's registrations is erased this many months after the event (each
# event may set its own, within these bounds); accessibility needs go the day after the event.
PERSONAL_DATA_RETENTION_MONTHS_RANGE = (1, 120)
PERSONAL_DATA_RETENTION_MONTHS = env_int(
    "PERSONAL_DATA_RETENTION_MONTHS",
    12,
    minimum=PERSONAL_DATA_RETENTION_MONTHS_RANGE[0],
    maximum=PERSONAL_DATA_RETENTION_MONTHS_RANGE[1],
)

# Payments: Stripe Checkout. Without the secret key and a webhook secret the site runs, and paid
# tickets cannot be put on sale (the ticket form says why). Test keys (sk_test_...) take no money.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
# The endpoint's signing secret (whsec_...); while rolling it over, the previous one as well.
STRIPE_WEBHOOK_SECRETS = [
    secret
    for secret in (env_str("STRIPE_WEBHOOK_SECRET"), env_str("STRIPE_WEBHOOK_SECRET_PREVIOUS"))
    if secret
]
if STRIPE_SECRET_KEY and not STRIPE_SECRET_KEY.startswith(("sk_", "rk_")):
    raise ImproperlyConfigured("STRIPE_SECRET_KEY must be a Stripe secret key (sk_... or rk_...).")
if bool(STRIPE_SECRET_KEY) != bool(STRIPE_WEBHOOK_SECRETS):
    raise ImproperlyConfigured(
        "Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET together: payments are confirmed only "
        "by signed webhooks."
    )
# Signed webhooks older than this many seconds are refused (replays).
STRIPE_WEBHOOK_TOLERANCE = env_int("STRIPE_WEBHOOK_TOLERANCE", 300, minimum=1)
# A webhook that waits longer than this for a row lock answers 503, and Stripe retries it.
STRIPE_WEBHOOK_LOCK_TIMEOUT_MS = env_int("STRIPE_WEBHOOK_LOCK_TIMEOUT_MS", 5000, minimum=1)
# Another address for Stripe's API (a local stand-in in tests); empty: Stripe itself.
STRIPE_API_BASE = env_str("STRIPE_API_BASE")

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call then gets 401 with a WWW-Authenticate header.
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "sportevents.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["sportevents.api.ListFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sportevents.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "sportevents.throttles.AnonRateThrottle",
        "sportevents.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/min"),
        "user": env_str("API_THROTTLE_USER", "600/min"),
        # Per client address, for the login form and the token endpoint (failed logins also
        # lock the email and address pair: AXES_* below).
        "login": env_str("API_THROTTLE_LOGIN", "10/min"),
        # Per client address and per email address.
        "registration": env_str("API_THROTTLE_REGISTRATION", "30/min"),
        "checkin": env_str("API_THROTTLE_CHECKIN", "600/min"),
        # Per client address and per email address.
        "password_reset": env_str("API_THROTTLE_PASSWORD_RESET", "5/hour"),
        # Per account: an organisation administrator answering people's data requests.
        "data_request": env_str("API_THROTTLE_DATA_REQUEST", "60/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Behind a load balancer, the client's address is in X-Forwarded-For: rate limits per
    # address need to know how many proxies to skip.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0, minimum=0) or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "sportevents API",
    "DESCRIPTION": "Not-for-profit sport events: the Key Action 2 catalogue, organisations, "
    "events, registrations and impact summaries.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sportevents.api.add_error_responses",
        "sportevents.api_links.add_links",
    ],
    # Fields of the same name with different choices (an organisation's kind and a session's,
    # a member's role and a partner's) need their own enum names in the schema.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": LANGUAGES,
        "OrganisationKindEnum": "events.models.OrganisationKind",
        "SessionKindEnum": "events.models.SessionKind",
        "MemberRoleEnum": "events.models.Role",
        "PartnerRoleEnum": "events.models.PartnerRole",
        "EventStatusEnum": "events.models.EventStatus",
        "RegistrationStatusEnum": "registrations.models.RegistrationStatus",
        "ParticipantRoleEnum": "registrations.models.Role",
    },
}

# Security: strict in production (check --deploy passes), relaxed only with DEBUG.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading HSTS is a commitment for the whole domain that its owner must choose knowingly.
SILENCED_SYSTEM_CHECKS = [] if env_bool("SECURE_HSTS_PRELOAD", False) else ["security.W021"]

# Content Security Policy (django-csp 4: Django 5.2 has none of its own). Scripts and styles only
# from our own files: no inline <script>, no event handler attributes, no style="" attributes, no
# eval. Pages pass data to their scripts in data- attributes. Enforced in production; reported
# only (in the browser console) with DEBUG, where Django's own debug pages use inline code.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # QR codes are shown as data: images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}
if DEBUG:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# Brute force: after AXES_FAILURE_LIMIT failed logins for one email address from one client
# address, that pair is refused for AXES_COOLOFF_MINUTES (the form says so; the API answers 429).
# Counted in the database: the lock holds when the cache is down.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.security.login_email"
AXES_CLIENT_IP_CALLABLE = "sportevents.throttles.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.security.locked_out"
AXES_RESET_ON_SUCCESS = True
# Attempts are kept for the lock-out only: no log of every successful login.
AXES_DISABLE_ACCESS_LOG = True
# No banner on every manage.py command; lock-outs are still logged as warnings.
AXES_VERBOSE = False

# Logs: JSON lines on stdout in production, one object per record (sportevents/logs.py), with
# the request id and, from the access log (sportevents/request_log.py), method, path, status,
# duration and user id; plain text with DEBUG. LOG_FORMAT=text|json overrides.
LOG_FORMAT = configured_format()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "sportevents.logs.JsonFormatter"}},
    "filters": {"redact_secret_paths": {"()": "sportevents.request_log.RedactSecretPaths"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secret_paths"]}
        if LOG_FORMAT == "text"
        else {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
            "filters": ["redact_secret_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # fpdf2's font subsetting reports thirty lines per PDF ticket at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}},
}
