"""Settings shared by every environment: safe by default, secrets and services from the environment.

This is the one place where the environment is read (see the README's configuration table).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from mediahub.sanitize import EDITOR_FEATURES

BASE_DIR = Path(__file__).resolve().parents[2]


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Behind a reverse proxy that appends the client's address to X-Forwarded-For.
CLIENT_IP_FROM_PROXY = env_bool("CLIENT_IP_FROM_PROXY")

INSTALLED_APPS = [
    "mediahub",
    "mediahub.accounts",
    "muurkrant",
    "feeds",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_q",
    "ninja",  # serves the API docs' assets itself instead of from a CDN
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django.forms",
]

MIDDLEWARE = [
    "muurkrant.pagecache.StorePageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mediahub.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "muurkrant.pagecache.ServeCachedPageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mediahub.accounts.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mediahub.csp.PathPolicyCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "muurkrant.middleware.OldWallPathMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mediahub.urls"
WSGI_APPLICATION = "mediahub.wsgi.application"
AUTH_USER_MODEL = "mediahub.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "mediahub.identity.identity",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web process read while the queue worker writes; the timeout rides out
    # short write locks instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mediahub",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-q2 delivers at least once: every task is idempotent, the timeout is shorter than
# `retry` so a task is never handed out twice while it still runs, and attempts are finite.
Q_CLUSTER = {
    "name": "mediahub",
    "workers": int(env("Q_WORKERS", "2")),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 3,
    "save_limit": 500,
    "catch_up": False,
    "label": "Wachtrij",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Admin login (everyone who logs in is an admin user: editors, partner users, administrators).
# Two factors: django-otp's TOTP and static ("recovery code") devices, with small views of our own
# in the admin's look (mediahub/accounts/). Chosen over wagtail-2fa 1.8.0, which fails to import
# on Wagtail 8 (wagtail.users.widgets is gone) and has no recovery codes, and over django-allauth's
# MFA, which would replace Wagtail's login. Passkeys (django-otp-webauthn) are left out for now:
# they bring their own admin scripts and need a virtual authenticator to test in the browser.
# MFA_REQUIRED: every admin user must enrol; when off, only those who enrolled are asked a code.
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
MFA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "Mediahub & Muurkrant"
# Brute force: django-axes locks a username from one client address (the same address the abuse
# reports see) after LOGIN_FAILURE_LIMIT wrong passwords, for LOGIN_LOCKOUT_MINUTES;
# `manage.py axes_reset_username NAME` (or axes_reset_ip, axes_reset) unlocks sooner.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "mediahub.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "mediahub/accounts/lockout.html"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An admin session ends when the browser closes (Wagtail's "remember me" keeps it instead) and
# at the latest SESSION_HOURS after it was last saved.
SESSION_COOKIE_AGE = int(env("SESSION_HOURS", "8")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page of ours uses, refused on every response (django-permissions-policy).
# Autoplay, fullscreen and picture-in-picture stay allowed: a video a resident starts plays in
# an embedded player (YouTube, Vimeo or any PeerTube host), which needs them delegated.
PERMISSIONS_POLICY: dict[str, list[str]] = dict.fromkeys(
    [
        "accelerometer", "ambient-light-sensor", "browsing-topics", "camera", "display-capture",
        "geolocation", "gyroscope", "hid", "idle-detection", "interest-cohort", "magnetometer",
        "microphone", "midi", "payment", "serial", "usb",
    ],
    [],
)  # fmt: skip
# No avatars from Gravatar in the admin: they would send editors' e-mail hashes elsewhere.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# /healthz gives its details (database, queue) to staff and to this bearer token; others
# learn only "ok" or "error". Empty: no token is accepted.
HEALTH_TOKEN = env("HEALTH_TOKEN", "")
# /.well-known/security.txt: where to report a vulnerability, and until when that holds (an
# RFC 3339 date; empty: half a year from today).
SECURITY_CONTACT = env("SECURITY_CONTACT", "mailto:security@example.invalid")
SECURITY_TXT_EXPIRES = env("SECURITY_TXT_EXPIRES", "")
# Content-Security-Policy (mediahub.csp): no page loads anything from another host unless a
# resident asks for it. Public pages: a video player (any PeerTube host, so https:) and
# partners' audio only after the resident presses play; the widget relaxes frame-ancestors.
# Files under /documents/ carry Wagtail's own `default-src 'none'`.
CSP_EXTRA_MEDIA_HOSTS = env_list("CSP_EXTRA_MEDIA_HOSTS")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *CSP_EXTRA_MEDIA_HOSTS],
        "media-src": ["'self'", "https:"],
        "frame-src": ["https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Widget templates from TEMPLATES, so that ours replace Wagtail's inline-script ones.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# Policies by path prefix, in place of the public one. The admin calls no one: feed content in
# post previews is shown as links, never loaded. The rich-text editor (Draftail) adds <style>
# elements; nothing needs inline scripts or style attributes. The API docs (Swagger UI, from
# django-ninja's own static files) need no more than 'self' and data: images. A response with
# X-Frame-Options SAMEORIGIN (the admin's page previews) may be framed by the site itself.
CONTENT_SECURITY_POLICY_PATHS: dict[str, dict[str, list[str]]] = {
    "/admin/": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *CSP_EXTRA_MEDIA_HOSTS],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'", "'unsafe-inline'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
    "/api/v1/docs": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "muurkrant@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Wagtail's search indexing runs as immediate django-tasks, one log line per save.
        "django_tasks": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # django-axes announces itself on every start; its lockouts are warnings and still shown.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

WAGTAIL_SITE_NAME = "Mediahub & Muurkrant"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The pages' text comes in both languages through Wagtail's localisation: the Dutch tree routes
# (no language prefix in the addresses) and an English reader is shown its English translation.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "mp3", "aac", "m4a", "ogg", "opus", "wav", "txt"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Images uploaded in the admin are re-encoded without metadata, as every imported image is.
WAGTAILIMAGES_IMAGE_FORM_BASE = "mediahub.images.SafeImageForm"
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
# The editor offers exactly what the sanitiser keeps: one HTML policy, declared beside it.
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": list(EDITOR_FEATURES)},
    }
}

# Retention: how many days each kind of personal or operational record is kept before the
# daily clean-up deletes it (`manage.py retention` shows what is due). The privacy statement
# names these periods.
RETENTION_DAYS: dict[str, int] = {
    "abuse_reports": int(env("RETENTION_ABUSE_REPORTS_DAYS", "90")),
    "fetch_logs": int(env("RETENTION_FETCH_LOGS_DAYS", "30")),
    "idempotency_keys": int(env("RETENTION_IDEMPOTENCY_KEYS_DAYS", "2")),
    "login_failures": int(env("RETENTION_LOGIN_FAILURES_DAYS", "30")),
    "moderation_notes": int(env("RETENTION_MODERATION_NOTES_DAYS", "365")),
}

# Partner API: at most API_RATE_LIMIT requests per token in any API_RATE_WINDOW seconds,
# counted in the shared cache (Redis when several web processes serve the API).
API_RATE_LIMIT = int(env("API_RATE_LIMIT", "60"))
API_RATE_WINDOW = float(env("API_RATE_WINDOW", "60"))
# An audio file posted through the API (checked by mediahub.audio, stored as a document) may be
# at most this many bytes, else 413; files do not count in DATA_UPLOAD_MAX_MEMORY_SIZE.
API_MAX_AUDIO_BYTES = int(env("API_MAX_AUDIO_BYTES", str(100 * 1024 * 1024)))

# Stories (muurkrant.stories): posts about one event are shown as one story. Besides exact
# duplicates (link, video, text), posts published within STORY_WINDOW_HOURS of each other whose
# title and lead share at least STORY_SIMILARITY of their words (Jaccard, 0–1) are grouped.
STORY_WINDOW_HOURS = float(env("STORY_WINDOW_HOURS", "48"))
STORY_SIMILARITY = float(env("STORY_SIMILARITY", "0.3"))

# Feeds in: the safe fetcher's limits (mediahub/fetch/).
FEEDS_ALLOW_PRIVATE_NETWORKS = env_bool("FEEDS_ALLOW_PRIVATE_NETWORKS")
FEEDS_FETCH_TIMEOUT = float(env("FEEDS_FETCH_TIMEOUT", "10"))
FEEDS_FETCH_DEADLINE = float(env("FEEDS_FETCH_DEADLINE", "20"))
# Remote thumbnails are downloaded into our own media by a background task.
FEEDS_FETCH_THUMBNAILS = env_bool("FEEDS_FETCH_THUMBNAILS", True)
FEEDS_MAX_BYTES = int(env("FEEDS_MAX_BYTES", str(10 * 1024 * 1024)))
# How long a worker holds a source it is fetching; a lost worker's sources return after it.
FEEDS_LEASE_SECONDS = int(env("FEEDS_LEASE_SECONDS", "600"))
# Feed health: a source failing for longer than this is reported to its partner and the editors.
FEEDS_HEALTH_FAILING_HOURS = int(env("FEEDS_HEALTH_FAILING_HOURS", "24"))
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def feeds_user_agent(site_url: str) -> str:
    """How the fetcher introduces itself: with a page about us on our own site."""
    return env("FEEDS_USER_AGENT", f"Mediahub/1.0 (+{site_url}/over/; local news feed reader)")


FEEDS_USER_AGENT = feeds_user_agent(SITE_URL)

# Feeds out: rendered feeds stay cached until a post in them changes (and at most this long);
# a WebSub hub, when set, is announced in every feed and pinged on changes.
FEEDS_OUT_CACHE_SECONDS = int(env("FEEDS_OUT_CACHE_SECONDS", "600"))
FEEDS_OUT_MAX_AGE = int(env("FEEDS_OUT_MAX_AGE", "300"))
# Page cache for anonymous visitors (the wall's first page, post pages), made stale at once by any
# change to a post; the expiry bounds relative dates ("5 minuten geleden") and a local memory
# cache in another process, which never hears of a change.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "60"))
# How often an open wall asks its JSON Feed for new posts (0: never).
WALL_LIVE_UPDATE_SECONDS = int(env("WALL_LIVE_UPDATE_SECONDS", "60"))
WEBSUB_HUB = env("WEBSUB_HUB")
