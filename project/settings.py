"""Settings, read from the environment (see README: Configuration)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key"

# Keys that seal the audit history, "id:secret,id:secret" (first = current; keep old ones to
# verify what they sealed). Never stored in the database; see docs/audit.md for rotation.
AUDIT_SEAL_KEYS = env.list("AUDIT_SEAL_KEYS", default=[])
if not AUDIT_SEAL_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("AUDIT_SEAL_KEYS must be set when DEBUG is off.")
    AUDIT_SEAL_KEYS = ["dev:dev-only-audit-seal-key"]
# Where signed checkpoints are e-mailed after each sealing run (the 纪委 mailbox); empty = none.
AUDIT_CHECKPOINT_EMAIL = env.list("AUDIT_CHECKPOINT_EMAIL", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "rules",
    "axes",
    "simple_history",
    "viewflow",
    "viewflow.workflow",
    "workflows",
    "workflows.actions",
    "workflows.materials",
    "workflows.comments",
    "decisions",
    "elections",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "workflows.api_edge.EdgeMiddleware",  # NUL bytes → 400; /api/ errors always JSON
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workflows.accounts.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lock message
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"
ASGI_APPLICATION = "project.asgi.application"

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
                "workflows.context_processors.shell",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Behind pgbouncer in transaction mode a server-side cursor (`.iterator()`, e.g. verify_history) cannot
# outlive its transaction: set DATABASE_DISABLE_SERVER_SIDE_CURSORS=1 there (README: Past one machine).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "workflows.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked accounts before any password is checked
    "workflows.org.permissions.AuditorVetoBackend",  # auditors never write, whatever else they hold
    "rules.permissions.ObjectPermissionBackend",  # the project's rules (add_rule)
    "django.contrib.auth.backends.ModelBackend",
    "workflows.org.permissions.GuardianObjectBackend",  # guardian, for objects of the permission's app
]
# guardian looks for its own backend by name; GuardianObjectBackend above is its subclass.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "name", "email")}},
    {"NAME": "workflows.accounts.ChineseMinimumLengthValidator",
     "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "workflows.accounts.NotOneCharacterValidator"},
]
# Login lockout (django-axes, failures kept in the database so every worker shares them): after
# LOGIN_FAILURE_LIMIT wrong passwords for one account from one address, that pair is locked for
# LOGIN_LOCKOUT_MINUTES (0 = until office staff unlock it in the admin or with
# `manage.py axes_reset_username <username>`). LOGIN_LOCKOUT_BY=username locks the account everywhere.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=6)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30)) or None
AXES_LOCKOUT_PARAMETERS = (["username"] if env.str("LOGIN_LOCKOUT_BY", default="username_ip") == "username"
                           else [["username", "ip_address"]])
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "workflows.accounts.lockout_response"
AXES_IPWARE_PROXY_COUNT = env.int("LOGIN_PROXY_COUNT", default=0) or None  # reverse proxies in front
# Sessions end when the browser closes, or after SESSION_IDLE_MINUTES without a request.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
# API tokens expire after API_TOKEN_IDLE_HOURS without use; POST /api/v1/auth/logout/ revokes one.
API_TOKEN_IDLE_HOURS = env.float("API_TOKEN_IDLE_HOURS", default=12)
CSRF_FAILURE_VIEW = "workflows.api_edge.csrf_failure"
LOGIN_URL = "/accounts/login/"
# A people picker lists at most this many people; past it the page searches by name (workflows/org/people_search.py).
PEOPLE_PICKER_LIST_MAX = env.int("PEOPLE_PICKER_LIST_MAX", default=200)
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Attachments (附件) are private: stored through STORAGES["attachments"], which no URL serves; they are
# only downloaded through the view that checks the subject's visibility. Default: a private folder.
# S3-compatible object storage (django-storages): ATTACHMENT_STORAGE_BACKEND=storages.backends.s3.S3Storage
# and ATTACHMENT_STORAGE_OPTIONS='{"bucket_name": "...", "endpoint_url": "...", "default_acl": "private"}'.
ATTACHMENTS_ROOT = env.path("ATTACHMENTS_ROOT", default=BASE_DIR / "private" / "attachments")
ATTACHMENT_STORAGE_BACKEND = env.str("ATTACHMENT_STORAGE_BACKEND",
                                     default="django.core.files.storage.FileSystemStorage")
_attachment_options = env.json("ATTACHMENT_STORAGE_OPTIONS", default={})
if ATTACHMENT_STORAGE_BACKEND == "django.core.files.storage.FileSystemStorage":
    _attachment_options.setdefault("location", str(ATTACHMENTS_ROOT))
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=20) * 1024 * 1024  # per file
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": {"BACKEND": ATTACHMENT_STORAGE_BACKEND, "OPTIONS": _attachment_options},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="党委办公室 <dangban@localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)  # seconds; a hung mail server must not hold send_outbox
# The outbox (send_outbox): tries per row, backoff base and cap, and the lease of a claimed row (seconds).
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=6 * 3600)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=600)
NOTIFY_WEBHOOK_TIMEOUT = env.int("NOTIFY_WEBHOOK_TIMEOUT", default=10)
NOTIFY_WEBHOOK_ALLOW_HTTP = False  # group-robot webhooks must be https (tests override this for a local server)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")  # base of e-mail links

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "workflows.api_auth.ExpiringTokenAuthentication",
        "workflows.api_auth.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "workflows.api_edge.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "workflows.api_base.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "workflows.api_base.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "医院党委工作流 API",
    "DESCRIPTION": "三重一大决策、党委会、三上三下支部换届、提醒与审计的 REST API（v1）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: hospital intranets often have no internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# One cache shared by every app server when CACHE_URL (or REDIS_URL) is set, e.g. redis://cache:6379/1
# (Django's RedisCache; `pip install .[redis]`). Sessions then read through it (cached_db: still saved in
# the database). Without either variable: local memory, and sessions in the database.
_CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
CACHES = {"default": env.cache_url_config(_CACHE_URL or "locmemcache://")}
SHARED_CACHE = CACHES["default"]["BACKEND"] not in ("django.core.cache.backends.locmem.LocMemCache",
                                                    "django.core.cache.backends.dummy.DummyCache")
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if SHARED_CACHE else "django.contrib.sessions.backends.db"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

# Default due periods (days) of each human step, "<flow>.<step>"; override with STEP_DUE_DAYS.
STEP_DUE_DAYS = {"default": 7, **env.json("STEP_DUE_DAYS", default={})}

VIEWFLOW = {"AUTOCOMPLETE_PAGE_SIZE": 20}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
