"""URL checks: safe_url for every outside link, is_tracking_pixel for beacons in feed images;
canonical_link for recognising one article under differently written links."""

from __future__ import annotations

import functools
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

_PIXEL_URL = re.compile(
    r"feeds\.feedburner\.com/~r/|/~ff/|//(?:pixel|stats)\.|/pixel(?:[./?_-]|$)"
    r"|stats\.wordpress\.com|pixel\.wp\.com|(?<![\d.])1x1(?!\d)|doubleclick\.net"
    r"|google-analytics\.com|feedsportal\.com|scorecardresearch\.com|quantserve\.com"
    r"|/(?:piwik|matomo)\.php|[?&]idsite=",
    re.IGNORECASE,
)
_HTTP_PREFIX = re.compile(r"https?://", re.IGNORECASE)
_URL_STRIP = " \t\n\r\f\v\x00"
_URL_NOISE = dict.fromkeys(map(ord, "\t\n\r"))
_LEADING_INT = re.compile(r"\s*(\d+)")


def safe_url(url: str | None, *, base_url: str | None = None) -> str:
    """Return an absolute http(s) URL or "", so callers never emit script, data or local URLs."""
    if not url:
        return ""
    url = url.strip(_URL_STRIP)
    if "\t" in url or "\n" in url or "\r" in url:
        url = url.translate(_URL_NOISE)  # browsers ignore these inside URLs; so do we
    if not _HTTP_PREFIX.match(url):
        base = _absolute_base(base_url) if base_url else ""
        if not base or not url:
            return ""
        try:
            url = urljoin(base, url)
        except ValueError:
            return ""
        if not _HTTP_PREFIX.match(url):
            return ""
    try:
        parts = urlsplit(url)
        if ":" in parts.netloc:
            parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return ""
    if "@" in parts.netloc or not parts.hostname:  # no credentials, no empty host
        return ""
    return url.replace(" ", "%20") if " " in url else url


@functools.lru_cache(maxsize=512)
def _absolute_base(base_url: str) -> str:
    return safe_url(base_url)


def is_tracking_pixel(src: str, width: str | None = None, height: str | None = None) -> bool:
    """Tell whether an image is a tracking beacon (tiny or on a known counter host/path)."""
    for value in (width, height):
        if value:
            match = _LEADING_INT.match(value)
            if match and int(match.group(1)) <= 1:
                return True
    return bool(_PIXEL_URL.search(src))


# Campaign and click-tracking parameters: links that differ only in these are one link.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "ref", "ref_src", "_ga"}
)


def strip_tracking(url: str) -> str:
    """The link without campaign/click-tracking parameters, so re-tagged links stay one."""
    if "?" not in url:
        return url
    parts = urlsplit(url)
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair
        and not (key := pair.split("=", 1)[0].lower()).startswith("utm_")
        and key not in TRACKING_PARAMS
    ]
    return urlunsplit(parts._replace(query="&".join(kept)))


def canonical_link(url: str) -> str:
    """A link as one story's versions share it: no tracking, fragment, case or trailing slash
    differences, http and https alike. A site's front page (no path) is no article: ""."""
    parts = urlsplit(strip_tracking(url.strip()))
    path = parts.path.rstrip("/")
    if not parts.hostname or not path:
        return ""
    host = parts.hostname.lower().removeprefix("www.")
    return urlunsplit(("", host, path, parts.query, ""))
