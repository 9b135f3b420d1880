"""A small JSON Feed 1.0/1.1 reader (https://jsonfeed.org/version/1.1).

It returns the same shape feedparser gives for XML (dicts keyed like feedparser's), so one
normaliser in feeds.parse handles both; feedparser itself does not read JSON Feed.
"""

from __future__ import annotations

import html
import json
import time
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_noop

from mediahub.fetch.errors import ReadableError

__all__ = ["JSONFeedError", "parse", "text_to_html"]

_VERSION_PREFIX = "https://jsonfeed.org/version/"
_VERSIONS = {"1": "json10", "1.1": "json11"}


class JSONFeedError(ReadableError, ValueError):
    """The bytes are not a readable JSON Feed; the message is meant for a feed editor."""


def parse(content: bytes) -> dict[str, Any]:
    """Read JSON Feed bytes into feedparser's result shape (feed, entries, version, warnings)."""
    try:
        document = json.loads(
            content.decode("utf-8-sig") if content[:3] == b"\xef\xbb\xbf" else content
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise JSONFeedError(
            gettext_noop("The document is not valid JSON (%(reason)s)."), {"reason": _short(exc)}
        ) from exc
    if not isinstance(document, dict):
        raise JSONFeedError(
            gettext_noop("The document is JSON but not a JSON Feed (it is not an object).")
        )
    version = document.get("version")
    if not isinstance(version, str) or not version.startswith(_VERSION_PREFIX):
        raise JSONFeedError(
            gettext_noop(
                "The document is JSON but not a JSON Feed "
                "(no https://jsonfeed.org/version/ marker)."
            )
        )
    items = document.get("items", [])
    if not isinstance(items, list):
        raise JSONFeedError(gettext_noop("The JSON Feed has no list of items."))
    warnings: list[str] = []
    feed_authors = _authors(document)
    entries = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            warnings.append(f"Skipped item {position}: it is not a JSON object.")
            continue
        try:
            entries.append(_entry(item, feed_authors))
        except Exception as exc:  # one odd item must not cost us the others
            warnings.append(f"Skipped item {position}: it could not be read ({exc!r:.80}).")
    feed = {
        "title": _str(document.get("title")),
        "link": _str(document.get("home_page_url")),
        "language": _str(document.get("language")),
    }
    return {
        "feed": feed,
        "entries": entries,
        "version": _VERSIONS.get(version[len(_VERSION_PREFIX) :].strip("/"), "json"),
        "warnings": warnings,
    }


def text_to_html(text: str) -> str:
    """Escape plain text into paragraphs, so text-only content keeps its line structure."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p)


def _entry(item: dict[str, Any], feed_authors: list[dict[str, str]]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    identity = item.get("id")
    if isinstance(identity, (int, float)) and not isinstance(identity, bool):
        identity = str(identity)  # JSON Feed allows numbers; the spec says treat them as strings
    if identity := _str(identity):
        entry["id"] = identity
    entry["link"] = _str(item.get("url")) or _str(item.get("external_url"))
    title = _str(item.get("title"))
    if title:
        entry["title"] = title
        entry["title_detail"] = {"type": "text/plain", "value": title}
    summary = _str(item.get("summary"))
    if summary:
        entry["summary"] = summary
        entry["summary_detail"] = {"type": "text/plain", "value": summary}
    content_html = _str(item.get("content_html"))
    content_text = _str(item.get("content_text"))
    if content_html:
        entry["content"] = [{"type": "text/html", "value": content_html}]
    elif content_text:
        entry["content"] = [{"type": "text/plain", "value": content_text}]
    for source, target in (("date_published", "published"), ("date_modified", "updated")):
        raw = _str(item.get(source))
        if raw:
            entry[target] = raw
            entry[target + "_parsed"] = _rfc3339(raw)
    authors = _authors(item) or feed_authors
    if authors:
        entry["author_detail"] = authors[0]
    tags = item.get("tags")
    if isinstance(tags, list):
        entry["tags"] = [{"term": tag} for tag in tags if isinstance(tag, str)]
    language = _str(item.get("language"))
    if language:
        entry["language"] = language
    image = _str(item.get("image")) or _str(item.get("banner_image"))
    if image:
        entry["image"] = {"href": image}
    media = []
    attachments = item.get("attachments")
    if isinstance(attachments, list):
        for attachment in attachments:
            if isinstance(attachment, dict) and _str(attachment.get("url")):
                media.append(
                    {
                        "url": _str(attachment.get("url")),
                        "type": _str(attachment.get("mime_type")),
                        "filesize": _number(attachment.get("size_in_bytes")),
                        "duration": _number(attachment.get("duration_in_seconds")),
                    }
                )
    if media:
        entry["media_content"] = media
    return entry


def _authors(obj: dict[str, Any]) -> list[dict[str, str]]:
    """Version 1.1 `authors` list, falling back to version 1.0's single `author` object."""
    raw = obj.get("authors")
    candidates = raw if isinstance(raw, list) else [obj.get("author")]
    found = []
    for author in candidates:
        if isinstance(author, dict) and _str(author.get("name")):
            found.append({"name": _str(author.get("name"))})
    return found


def _rfc3339(value: str) -> time.struct_time | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).timetuple()
    except (OverflowError, ValueError):
        return None


def _str(value: Any) -> str:
    """A clean string from an untrusted JSON value ('' for anything else)."""
    if not isinstance(value, str):
        return ""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from \\ud800-style escapes
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value.strip()


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return str(round(value)) if value == value and abs(value) < 1e15 else ""


def _short(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0][:120]
