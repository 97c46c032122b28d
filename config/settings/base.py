"""Settings shared by every environment. Values come from the environment (django-environ, DJANGO_ prefix)."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    "jiandu.core",
    "jiandu.organizations",
    "jiandu.activities",
    "jiandu.documents",
    "jiandu.problems",
    "jiandu.sampling",
    "jiandu.hotline",
    "jiandu.stats",
    "jiandu.reports",
    "jiandu.notifications",
    "jiandu.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jiandu.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jiandu.core.middleware.RequestContextMiddleware",
    "jiandu.core.middleware.IdleTimeoutMiddleware",
    "jiandu.core.middleware.SecondFactorMiddleware",
    "jiandu.core.middleware.PasswordChangeRequiredMiddleware",
    "jiandu.core.middleware.AppErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jiandu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiandu.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database: DATABASE_URL selects SQLite (embedded default) or PostgreSQL (production). ---
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jiandu.sqlite3'}")}


def _tune_database(db: dict) -> dict:
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on during a write; IMMEDIATE takes the write lock at the start of each
        # transaction, so concurrent writers queue instead of failing half-way (the audit chain relies on it).
        # A page cache of up to 64 MB per connection (SQLite's default is 2 MB): writing 20,000 imported rows
        # into a ledger of a million touches several thousand index pages, which a small cache reads again and
        # again (1.7 s against 1.25 s).
        db.setdefault("OPTIONS", {}).update(
            {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA cache_size=-65536;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    else:
        db.setdefault("CONN_MAX_AGE", 60)
        db.setdefault("CONN_HEALTH_CHECKS", True)
    db["ATOMIC_REQUESTS"] = False
    return db


DATABASES["default"] = _tune_database(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "jiandu.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "jiandu.core.passwords.PasswordHistoryValidator"},
]
# A password expires after N days (0: never); the person is then sent to change it. The last N passwords
# may not be used again (own change and admin reset alike).
JIANDU_PASSWORD_MAX_AGE_DAYS = env.int("JIANDU_PASSWORD_MAX_AGE_DAYS", default=90)
JIANDU_PASSWORD_HISTORY = env.int("JIANDU_PASSWORD_HISTORY", default=5)
# Second factor (TOTP, django-otp): holders of these roles log in with password and 动态验证码.
JIANDU_TOTP_ROLES = env.list(
    "JIANDU_TOTP_ROLES", default=["system_admin", "security_admin", "audit_admin", "group_leader"]
)
OTP_TOTP_ISSUER = "派驻监督工作平台"
# django-otp's own per-device throttling is off: a wrong code counts toward the axes lockout above instead,
# one limit for password and code alike.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# At most N live sessions per account (0: unlimited); a new login ends the oldest beyond the limit.
JIANDU_MAX_SESSIONS_PER_USER = env.int("JIANDU_MAX_SESSIONS_PER_USER", default=0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: the session lives 30 minutes after the last request.
SESSION_COOKIE_AGE = env.int("JIANDU_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False  # sliding expiry by jiandu.core.middleware.IdleTimeoutMiddleware (≤ 1 write/min)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Lockout (django-axes): 5 failures by the same username from the same IP lock that pair for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jiandu.core.views.lockout_response"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Security headers (jiandu.core.headers and Django's SecurityMiddleware); see docs/deployment.md. ---
# Only the app's own origin: no CDN, no external call. data:/blob: images are ECharts' "save as image" and previews
# of chosen photos. Inline <script> and <style> elements are refused (pages use static files and json_script);
# style="" attributes are allowed (style-src-attr) because ECharts tooltips and Swagger UI write markup with
# them — a style attribute cannot run code.
JIANDU_CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# The camera stays allowed for this origin (photos of a check or an activity are taken on a phone).
JIANDU_PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Language and time ---
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jiandu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media: front-end packages come from node_modules (installed by `make setup`). ---
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "jiandu" / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("JIANDU_MEDIA_ROOT", default=VAR_DIR / "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
JIANDU_MAX_IMPORT_BYTES = 20 * 1024 * 1024
JIANDU_MAX_UPLOAD_BYTES = env.int("JIANDU_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

# --- API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["jiandu.api.permissions.IsActiveAccount"],
    "DEFAULT_PAGINATION_CLASS": "jiandu.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jiandu.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": [],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "派驻监督工作平台 API",
    "DESCRIPTION": "jiandu REST API（/api/v1/）。所有接口遵循与页面相同的访问规则：无权查看的记录返回 404。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrgKindEnum": "jiandu.organizations.enums.OrgKind",
        "DocumentKindEnum": "jiandu.documents.enums.DocumentKind",
    },
}

# --- Task queue (Huey): SQLite file on the embedded default, Redis across machines (JIANDU_REDIS_URL). ---
REDIS_URL = env("JIANDU_REDIS_URL", default="")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "jiandu", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "jiandu",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }

# --- Cache of derived figures (jiandu.core.freshness): shared in Redis across processes and machines; per process
# in memory on the embedded default. Either way a write makes cached figures stale at once (database counters).
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # a province's figures are kept per group and module (200 × 4 per period asked, plus the lists' chips)
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 50_000}}
    }
JIANDU_FIGURE_CACHE = env.bool("JIANDU_FIGURE_CACHE", default=True)

# --- Product settings ---
# Lists count at most this many matching rows (jiandu.core.paging): "超过 10000 条" beyond, never a full count.
JIANDU_LIST_COUNT_CAP = env.int("JIANDU_LIST_COUNT_CAP", default=10_000)
# Warning colours (红黄绿灯): yellow when 0–N days remain, red when overdue; days are calendar or working days.
JIANDU_WARNING_DAYS = env.int("JIANDU_WARNING_DAYS", default=3)
JIANDU_WARNING_WORKING_DAYS = env.bool("JIANDU_WARNING_WORKING_DAYS", default=False)
# 屡查屡犯: a new problem at the same site (or org) in the same category within N days after one was closed.
JIANDU_REPEAT_WINDOW_DAYS = env.int("JIANDU_REPEAT_WINDOW_DAYS", default=180)
# Ledger exports: up to this many rows the .xlsx is answered at once; above, it is written in the background
# (progress page, download link in 我的导出). Background files are deleted after N days.
JIANDU_EXPORT_SYNC_ROWS = env.int("JIANDU_EXPORT_SYNC_ROWS", default=5000)
JIANDU_EXPORT_KEEP_DAYS = env.int("JIANDU_EXPORT_KEEP_DAYS", default=7)
# Audit log: events younger than this stay in the live table; older ones are archived (manage.py audit_archive,
# daily job) into var/audit-archive/ with a checkpoint that keeps the chain verifiable. Never below 180 days.
JIANDU_AUDIT_RETENTION_DAYS = env.int("JIANDU_AUDIT_RETENTION_DAYS", default=365)
JIANDU_AUDIT_ARCHIVE_DIR = env.path("JIANDU_AUDIT_ARCHIVE_DIR", default=VAR_DIR / "audit-archive")
# Personal data at rest (hotline callers): SM4 keys {key id: 32 hex digits}, e.g. "k2024=00112233…,k2025=…";
# new values use the active key; `manage.py rotate_personal_data` re-encrypts old ones (docs/security.md).
JIANDU_SM4_KEYS = env.dict("JIANDU_SM4_KEYS", default={})
JIANDU_SM4_ACTIVE_KEY = env("JIANDU_SM4_ACTIVE_KEY", default="")

# Email for notifications: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="jiandu@localhost")
JIANDU_SITE_URL = env("JIANDU_SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
