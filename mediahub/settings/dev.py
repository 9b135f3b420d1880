"""Local development: debug on, console e-mail, private feed addresses allowed for the demo."""

from .base import *  # noqa: F403
from .base import env, env_bool, env_list, feeds_user_agent

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-not-for-production-use-0123456789")  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
FEEDS_ALLOW_PRIVATE_NETWORKS = env_bool("FEEDS_ALLOW_PRIVATE_NETWORKS", True)


def served_url(host: str, port: str) -> str:
    """The address a browser reaches runserver's HOST:PORT on (a wildcard host on loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


# `make run` serves on HOST:PORT: absolute links (feeds, screen mode's images, the demo's feed
# sources, which the site serves itself) and the admin's links follow it.
SITE_URL = env("SITE_URL", served_url(env("HOST", "127.0.0.1"), env("PORT", "8000"))).rstrip("/")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", SITE_URL)
FEEDS_USER_AGENT = feeds_user_agent(SITE_URL)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the app folders here; whitenoise serves the collected ones in production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
