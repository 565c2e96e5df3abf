"""Django settings, every value read from the environment with an embedded default."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_redis_url,
    env_str,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (DEBUG is off)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
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
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "itsm",
    "clients",
    "sla",
    "tickets",
    "notifications",
    "users_portal",
    "reports",
    "reports.complaints",
    "reports.satisfaction",
    "reports.dashboards",
    "reports.monthly",
    "intake",
    "audit",
    "robots",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "itsm.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "itsm.middleware.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Records each signed-in session so its owner can list and end it (accounts/sessions/).
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "clients.middleware.AccessPolicyMiddleware",
    "audit.context.CurrentRequestMiddleware",
]

ROOT_URLCONF = "itsm.urls"
WSGI_APPLICATION = "itsm.wsgi.application"

CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.i18n",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "notifications.context_processors.bell",
    # Admins see calendars missing official holidays on every page (sla.official).
    "sla.context_processors.official_days_warning",
]
TEMPLATES = [
    {
        # Plain-text templates (emails) only, unescaped: see itsm/text_templates.py.
        "NAME": "plain_text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "autoescape": False,
            # The admin's checks read the first engine's processors.
            "context_processors": CONTEXT_PROCESSORS,
            "loaders": [
                (
                    "itsm.text_templates.PlainTextLoader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite is shared by the web server and the Celery worker in the local demo.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    # Sign-in keeps working while Redis is down (itsm/cache.py says how).
    CACHES = {"default": {"BACKEND": "itsm.cache.FallbackRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "clients.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "clients.passwords.EndApiTokensOnPasswordChange"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: username or email sign-in, no open sign-up (invitations only).
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "clients.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ITSM"
# Agents and admins must enrol TOTP before working; off in the local demo so demo accounts sign in.
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", not DEBUG)

LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "zh-hans", ["zh-hans", "en"])
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_time_zone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP connect/read may block; without it a hung server holds a worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# Group robots (robots/): seconds per webhook request, and whether a robot may post to
# http://127.0.0.1 (a local test server) outside DEBUG. Production robots need the vendor's https.
ROBOTS_HTTP_TIMEOUT = env_int("ROBOTS_HTTP_TIMEOUT", 5)
ROBOTS_ALLOW_LOOPBACK = env_bool("ROBOTS_ALLOW_LOOPBACK", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "itsm@localhost")
# Where EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend writes (the load runs).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# Absolute links in emails (rating link, ticket link) start with this.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Email channel (README "Email channel"). Replies to notifications go to this mailbox.
SERVICE_MAILBOX = env_str("SERVICE_MAILBOX")
# IMAP polling is off unless IMAP_HOST is set; an MTA pipe (manage.py intake_email) needs none.
IMAP_HOST = env_str("IMAP_HOST")
IMAP_PORT = env_int("IMAP_PORT", 993)
IMAP_USER = env_str("IMAP_USER")
IMAP_PASSWORD = env_str("IMAP_PASSWORD")
IMAP_FOLDER = env_str("IMAP_FOLDER", "INBOX")
IMAP_SSL = env_bool("IMAP_SSL", True)
# Where handled messages go (empty: they stay in IMAP_FOLDER, marked \Seen).
IMAP_DONE_FOLDER = env_str("IMAP_DONE_FOLDER")
# Larger messages are kept (truncated to this) for staff but not parsed into tickets.
INTAKE_MAX_BYTES = env_int("INTAKE_MAX_BYTES", 25 * 1024 * 1024)
# Messages per sender and hour beyond which the rest are ignored (loops, floods).
INTAKE_RATE_PER_HOUR = env_int("INTAKE_RATE_PER_HOUR", 20)

if not DEBUG:
    # Production defaults are the strict ones (`check --deploy` is clean); each can be relaxed
    # by env for an installation that terminates TLS differently. `make run` (DEBUG) has none.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # The TLS-terminating proxy in front of gunicorn says the request was HTTPS; only trust
    # this header when such a proxy always sets (overwrites) it.
    if env_bool("SECURE_PROXY_SSL_HEADER", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks probe plain HTTP
    # Start with an hour; raise to 31536000 once every subdomain is known to serve HTTPS.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Reverse proxies in front of gunicorn that append the client's address to X-Forwarded-For
# (one for the TLS proxy of a usual deployment). 0, the default, ignores the header: a client
# could write any address into it. The audit log, allauth's lock-out (clients/adapters.py) and
# the API throttles read the address from itsm/client_ip.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clients.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "itsm.paging.NoCountPagination",
    "DEFAULT_SCHEMA_CLASS": "itsm.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "itsm.exceptions.api_exception_handler",
    # Views opt in with `throttle_scope`; the token endpoint also shares the web login's
    # lock-out counter (clients/api_auth.py).
    "DEFAULT_THROTTLE_CLASSES": ["itsm.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"auth": env_str("API_AUTH_THROTTLE_RATE", "20/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ITSM API",
    "DESCRIPTION": (
        "Outsourced IT service management. Tickets (list, file, edit, status, claim, assign, "
        "timeline with replies and internal notes, attachments, rating), notices, complaints, "
        "satisfaction (CSAT ratings, client surveys, follow-ups of low ratings) and personal API "
        "tokens. Every answer is scoped to what the caller may see: another client's id answers "
        "404. Authenticate with the browser session or `Authorization: Token <key>`. Lists are "
        'paged without a total: `{"next", "previous", "results"}`, 50 rows a page, `?page=N`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Tickets and complaints both have a "status" choice set, complaints and notices a
    # "severity" one: name each once.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.Status",
        "ComplaintStatusEnum": "reports.complaints.models.Status",
        "ComplaintSeverityEnum": "reports.complaints.models.Severity",
        "NoticeSeverityEnum": "reports.models.Severity",
    },
    "PATH_CONVERTER_OVERRIDES": {"id": int},  # itsm.params.IdConverter
}

# Celery: Redis when REDIS_URL is set, else an embedded broker in files under var/.
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost/"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcast (worker control) messages; the transport's default is ./control.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Files per request; with the size above it bounds a request (itsm/middleware.py refuses more
# from the Content-Length header, before reading the body).
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", 5)
DATA_UPLOAD_MAX_NUMBER_FILES = ATTACHMENT_MAX_FILES
# Form fields other than files; uploads above FILE_UPLOAD_MAX_MEMORY_SIZE spool to a temp file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Resolved tickets close after this many days unless the requester reopens them first.
TICKET_AUTO_CLOSE_DAYS = env_int("TICKET_AUTO_CLOSE_DAYS", 5)
HEARTBEAT_MAX_AGE_SECONDS = env_int("HEARTBEAT_MAX_AGE_SECONDS", 180)
# A rating at or below this opens a service-recovery follow-up for the team lead.
CSAT_LOW_SCORE_THRESHOLD = env_int("CSAT_LOW_SCORE_THRESHOLD", 2)
# Emailed one-click rating links stop working after this many days.
CSAT_LINK_MAX_AGE_DAYS = env_int("CSAT_LINK_MAX_AGE_DAYS", 14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
