"""Turn fetched feed bytes (RSS, Atom, RDF, JSON Feed) into normalised, unsanitised records.

HTML stays raw here: ingest skips unchanged entries by content_hash first and sanitises the
rest once with mediahub.sanitize, so feedparser's own sanitiser would only be double work.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from urllib.parse import urljoin

from django.utils.translation import gettext_noop

from feeds import jsonfeed
from feeds.errors import ParseError
from feeds.xmlprep import read_xml
from mediahub.sanitize import clean_text, is_tracking_pixel, safe_url, strip_tracking
from muurkrant.video import video_from_url, youtube_watch_url

__all__ = ["Entry", "FeedInfo", "ParseError", "ParsedFeed", "parse_feed"]


@dataclass
class FeedInfo:
    title: str
    link: str
    language: str
    ttl_minutes: int | None  # from <ttl> or sy:updatePeriod/sy:updateFrequency


@dataclass
class Entry:
    identity: str  # guid/id, else link minus tracking parameters, else "sha1:..." of the text
    title: str  # plain text
    summary_html: str  # raw, unsanitised
    content_html: str  # raw, unsanitised
    link: str  # absolute http(s) or ""
    author: str
    published: datetime  # aware UTC; the fetch time when missing or unusable
    updated: datetime | None
    date_flagged: bool  # the feed gave a date we could not use
    tags: list[str]
    language: str  # primary subtag, lower case ("nl")
    kind: str  # "article" | "video" | "audio"
    video_provider: str  # "youtube" | "vimeo" | "peertube" | ""
    video_id: str
    video_url: str
    thumbnail_url: str
    enclosure_url: str
    enclosure_type: str
    enclosure_length: int | None
    duration_seconds: int | None
    content_hash: str  # sha1 of the raw fields, to skip unchanged entries before sanitising
    base_url: str = ""  # relative URLs in the HTML resolve against this: pass it to clean_html


@dataclass
class ParsedFeed:
    info: FeedInfo
    entries: list[Entry]
    warnings: list[str] = field(default_factory=list)
    format: str = ""  # feedparser's version ("rss20", "atom10", ...) or "json10"/"json11"


MAX_IDENTITY, MAX_TITLE, MAX_TAGS, MAX_TAG, MAX_AUTHOR = 500, 300, 20, 100, 200
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)

_get = dict.get  # skips FeedParserDict's key aliasing (and its DeprecationWarnings)
_SY_MINUTES = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}
_LANGUAGE = re.compile(r"\s*([A-Za-z]{2,3})(?![A-Za-z])")
_IMG_TAG = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s"'>]+))[^>]*""", re.I)
_TINY_IMG = re.compile(r"""\b(?:width|height)\s*=\s*["']?[01](?![\d.])""", re.I)
_IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])", re.I)
_DURATION = re.compile(r"^\s*(?:(\d+):)??(?:(\d+):)?(\d+)(?:[.,]\d+)?\s*$")


def parse_feed(
    content: bytes, *, url: str, fetched_at: datetime, content_type: str = ""
) -> ParsedFeed:
    """Parse one fetched document; raise ParseError only when nothing usable is in it."""
    if not isinstance(content, bytes):  # feedparser would open a str as a path or URL
        raise TypeError("parse_feed takes the fetched bytes")
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    fetched_at = fetched_at.astimezone(UTC)
    if not content.strip():
        raise ParseError(gettext_noop("The document is empty."))
    first = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first in (b"{", b"[") or (first != b"<" and "json" in content_type.lower()):
        try:
            result = jsonfeed.parse(content)
        except jsonfeed.JSONFeedError as exc:
            raise ParseError(exc.msgid, exc.params) from exc
        warnings = list(result["warnings"])
    else:
        result, warnings = read_xml(content, content_type)
    feed = result["feed"]
    info = FeedInfo(
        title=clean_text(_get(feed, "title") or "", max_length=MAX_TITLE),
        link=safe_url(_get(feed, "link"), base_url=url),
        language=_language(_get(feed, "language")),
        ttl_minutes=_ttl_minutes(feed),
    )
    entries: list[Entry] = []
    seen: set[str] = set()
    repeated = flagged = 0
    raw_entries = result["entries"]
    raw_entries.reverse()  # each raw entry is let go once read: a long feed is not held twice
    position = 0
    while raw_entries:
        raw = raw_entries.pop()
        position += 1
        try:
            entry = _build_entry(raw, url, info.language, fetched_at)
        except Exception as exc:  # one broken entry must not poison its neighbours
            warnings.append(f"Skipped entry {position}: it could not be read ({exc!r:.120}).")
            continue
        if entry.identity in seen:
            repeated += 1
            continue
        seen.add(entry.identity)
        flagged += entry.date_flagged
        entries.append(entry)
    if repeated:
        warnings.append(f"Skipped {repeated} entries that repeat an earlier entry's id.")
    if flagged:
        warnings.append(
            f"{flagged} entries had an unusable date (unreadable, before 1990 or in the future);"
            " used the fetch time instead."
        )
    return ParsedFeed(info=info, entries=entries, warnings=warnings, format=result["version"])


def _build_entry(raw: dict, url: str, feed_language: str, fetched_at: datetime) -> Entry:
    base = urljoin(url, xml_base) if (xml_base := _detail(raw, "base")) else url
    link = _get(raw, "link")
    if _get(raw, "guidislink") and link == _get(raw, "id"):
        link = safe_url(link)  # feedparser copied a permalink guid: only a full URL will do
    else:
        link = safe_url(link, base_url=base)
    title = _get(raw, "title") or ""
    summary_html = _html(_get(raw, "summary"), _get(raw, "summary_detail"))
    content_html = ""
    for item in _get(raw, "content") or ():
        if _get(item, "value"):
            content_html = _html(item["value"], item)
            if "html" in (_get(item, "type") or ""):
                break
    published, date_flagged = _published(raw, fetched_at)
    updated = _moment(_get(raw, "updated_parsed"))
    if updated and not EARLIEST <= updated <= fetched_at + FUTURE_SLACK:
        updated = None

    media = _media(raw, base)
    kind, provider, video_id, video_url, carrier = _classify(raw, link, media, base)
    carrier = carrier or next((m for m in media if not m.is_image), None)  # e.g. a torrent
    duration = _duration(_get(raw, "itunes_duration")) or (carrier and carrier.duration)
    if not duration:  # media:content may carry only a duration (Rutube does)
        durations = (_duration(_get(item, "duration")) for item in _get(raw, "media_content") or ())
        duration = next((d for d in durations if d), None)
    thumbnail = _thumbnail(raw, media, base, content_html or summary_html)
    tags = _tags(_get(raw, "tags"))
    author = _author(raw)
    enclosure = (carrier.url, carrier.mime, carrier.length) if carrier else ("", "", None)

    identity = (_get(raw, "id") or "").strip() or (strip_tracking(link) if link else "")
    if not identity:
        identity = "sha1:" + _sha1(title + "\n" + (content_html or summary_html))
    if len(identity) > MAX_IDENTITY:
        identity = "sha1:" + _sha1(identity)
    fingerprint = (title, _get(raw, "summary") or "", content_html, link, author, thumbnail,
                   *map(str, enclosure), video_url, str(duration), "\x1e".join(tags),
                   _get(raw, "published") or "", _get(raw, "updated") or "")  # fmt: skip
    return Entry(
        identity=identity,
        title=clean_text(title, max_length=MAX_TITLE),
        summary_html=summary_html,
        content_html=content_html,
        link=link,
        author=author,
        published=published,
        updated=updated,
        date_flagged=date_flagged,
        tags=tags,
        language=_language(_get(raw, "language") or _detail(raw, "language")) or feed_language,
        kind=kind,
        video_provider=provider,
        video_id=video_id,
        video_url=video_url,
        thumbnail_url=thumbnail,
        enclosure_url=enclosure[0],
        enclosure_type=enclosure[1],
        enclosure_length=enclosure[2],
        duration_seconds=duration or None,
        content_hash=_sha1("\x1f".join(fingerprint)),
        base_url=base,
    )


def _detail(raw: dict, key: str) -> str:
    """A property feedparser records on each text field (xml:base, xml:lang)."""
    for detail in (
        _get(raw, "title_detail"),
        _get(raw, "summary_detail"),
        *_get(raw, "content", ()),
    ):
        if detail and _get(detail, key):
            return detail[key]
    return ""


def _html(value: str | None, detail: dict | None) -> str:
    if not value:
        return ""
    if detail and _get(detail, "type") == "text/plain":
        return jsonfeed.text_to_html(value)
    return value.replace("\x00", "") if "\x00" in value else value


class _Media(NamedTuple):  # an enclosure, media:content or JSON attachment
    url: str
    mime: str
    length: int | None
    duration: int | None
    is_image: bool
    medium: str
    width: int


def _media(raw: dict, base: str) -> list[_Media]:
    found: list[_Media] = []
    seen: set[str] = set()
    sources = [
        (link, "href") for link in _get(raw, "links") or () if _get(link, "rel") == "enclosure"
    ]
    sources += [(item, "url") for item in _get(raw, "media_content") or ()]
    for item, key in sources:
        url = safe_url(_get(item, key), base_url=base)
        if not url or url in seen:
            continue
        seen.add(url)
        mime = (_get(item, "type") or "").strip().lower()
        medium = (_get(item, "medium") or "").strip().lower()
        is_image = mime.startswith("image/") or medium == "image"
        if not mime and not medium:
            is_image = bool(_IMAGE_PATH.search(url))
        length = _positive_int(_get(item, "length") or _get(item, "filesize"))
        duration, width = _duration(_get(item, "duration")), _positive_int(_get(item, "width")) or 0
        found.append(_Media(url, mime, length, duration, is_image, medium, width))
    return found


def _classify(raw: dict, link: str, media: list[_Media], base: str):
    """Kind, provider, video id, watch URL, and the enclosure that carries the media."""
    player = safe_url(_get(_get(raw, "media_player") or {}, "url"), base_url=base)
    video = next((m for m in media if m.mime.startswith("video/") or m.medium == "video"), None)
    audio = next((m for m in media if m.mime.startswith("audio/") or m.medium == "audio"), None)
    if youtube_id := (_get(raw, "yt_videoid") or "").strip():
        return "video", "youtube", youtube_id, youtube_watch_url(youtube_id), video
    for candidate in (link, *(m.url for m in media), player):
        if not candidate:
            continue
        if found := video_from_url(candidate):
            return "video", *found, video
    if video or player:  # a video file, or a media:player page (e.g. Rutube)
        return "video", "", "", video.url if video else player, video
    if audio:
        return "audio", "", "", "", audio
    return "article", "", "", "", None


def _thumbnail(raw: dict, media: list[_Media], base: str, html_text: str) -> str:
    for item in _get(raw, "media_thumbnail") or ():
        url = safe_url(_get(item, "url"), base_url=base)
        if url and not is_tracking_pixel(url, _get(item, "width"), _get(item, "height")):
            return url
    images = [m for m in media if m.is_image and not is_tracking_pixel(m.url)]
    if images:
        return max(images, key=lambda m: m.width).url  # the largest of several sizes
    if url := safe_url(_get(_get(raw, "image") or {}, "href"), base_url=base):
        return url
    if html_text and "<img" in html_text.lower():
        for match in _IMG_TAG.finditer(html_text):
            src = (match[1] or match[2] or match[3]).replace("&amp;", "&")
            url = safe_url(src, base_url=base)
            if url and not is_tracking_pixel(url) and not _TINY_IMG.search(match[0]):
                return url
    return ""


def _published(raw: dict, fetched_at: datetime) -> tuple[datetime, bool]:
    """Publication time, or the fetch time (flagged when the feed's date was unusable)."""
    moment = _moment(_get(raw, "published_parsed")) or _moment(_get(raw, "updated_parsed"))
    if moment is None:
        return fetched_at, any(_get(raw, key) for key in ("published", "updated", "created"))
    if EARLIEST <= moment <= fetched_at + FUTURE_SLACK:
        return moment, False
    return fetched_at, True


def _moment(parsed) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:5], min(parsed[5], 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _tags(raw_tags) -> list[str]:
    tags: list[str] = []
    seen: set[str] = set()
    for tag in raw_tags or ():
        text = clean_text(_get(tag, "term") or _get(tag, "label") or "", max_length=MAX_TAG)
        if text and (key := text.casefold()) not in seen:
            seen.add(key)
            tags.append(text)
            if len(tags) == MAX_TAGS:
                break
    return tags


def _author(raw: dict) -> str:
    """The author's name; a bare e-mail address is not shown on a public wall."""
    name = _get(_get(raw, "author_detail") or {}, "name") or ""
    if not name:
        name = _get(raw, "author") or ""
        if "@" in name and " " not in name.strip():
            name = ""
    return clean_text(name, max_length=MAX_AUTHOR)


def _language(value: str | None) -> str:
    match = _LANGUAGE.match(value or "")
    return match[1].lower() if match else ""


def _ttl_minutes(feed: dict) -> int | None:
    if ttl := _positive_int(_get(feed, "ttl")):
        return ttl
    period = _SY_MINUTES.get((_get(feed, "sy_updateperiod") or "").strip().lower())
    frequency = _positive_int(_get(feed, "sy_updatefrequency")) or 1
    return max(1, period // frequency) if period else None


def _duration(value) -> int | None:
    """Seconds from itunes:duration ("1:02:03", "62:03", "3723") or a number."""
    match = _DURATION.match(str(value)) if value not in (None, "") else None
    if not match:
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    return total if 0 < total < 10 * 86400 else None


def _positive_int(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
