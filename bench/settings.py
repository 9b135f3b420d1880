"""Settings for measuring: production-like (DEBUG off, no debug toolbar of any kind), but with
loopback feeds allowed and static files served without a collected manifest."""

from mediahub.settings.base import *  # noqa: F403
from mediahub.settings.base import LOGGING

DEBUG = False
SECRET_KEY = "bench-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
FEEDS_ALLOW_PRIVATE_NETWORKS = True  # the generated feeds live on a loopback server
FEEDS_FETCH_THUMBNAILS = False  # thumbnails would only measure the loopback server
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
MFA_REQUIRED = False  # the admin's Pool is measured as a logged-in partner user
