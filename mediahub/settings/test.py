"""Test run: fast hashing, in-memory e-mail, tasks run in the test process (unless Q_SYNC=false)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, Q_CLUSTER, REDIS_URL, env

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not Django's in-memory database: the live server and the tests' own threads then
    # get connections of their own, and SQLite's locks keep them apart. In memory they would
    # share the test's one connection, and a request still running when a browser test ends
    # breaks the transaction of the test after it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"mediahub-test-{os.getpid()}.sqlite3")
    }

DEBUG = False
SECRET_KEY = "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if REDIS_URL:
    pass  # base.py's Redis cache
elif env("TEST_CACHE_DIR"):
    # A cache that the server processes a test starts share (e.g. for the API's rate limit).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("TEST_CACHE_DIR"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = BASE_DIR / "media" / "test"
FEEDS_FETCH_THUMBNAILS = False  # tests that download thumbnails switch it on with a local server
Q_CLUSTER = {**Q_CLUSTER, "sync": env("Q_SYNC", "true") == "true"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the app folders here; whitenoise serves the collected ones in production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
# Admin tests log in with force_login and test what an editor may do, not the second factor:
# only users who enrolled are asked a code here. tests/mediahub/test_mfa.py turns it on.
MFA_REQUIRED = False
