"""JSON Feed 1.1 out (https://www.jsonfeed.org/version/1.1/).

Written by hand: the format is one small JSON object, and the Python packages for it are
readers or are unmaintained; a dict and json.dumps say exactly what we send.
"""

import json

from django.conf import settings

from feeds.syndication import FeedEntry, FeedSpec

VERSION = "https://jsonfeed.org/version/1.1"
EXTENSION = "_muurkrant"


def item_object(entry: FeedEntry) -> dict:
    item: dict = {"id": entry.id, "url": entry.url, "title": entry.title}
    if entry.original_url:
        item["external_url"] = entry.original_url
    # Sanitised when it came in; plain text where a post has no body.
    if entry.content_html:
        item["content_html"] = entry.content_html
    else:
        item["content_text"] = entry.summary or entry.title
    if entry.summary:
        item["summary"] = entry.summary
    if entry.image:
        item["image"] = entry.image
    item["date_published"] = entry.published.isoformat()
    item["date_modified"] = entry.updated.isoformat()
    item["authors"] = [{"name": entry.partner_name, "url": entry.partner_url}]
    if entry.tags:
        item["tags"] = entry.tags
    item["language"] = entry.language
    if entry.media is not None:
        attachment = {"url": entry.media.url, "mime_type": entry.media.mime_type}
        if entry.media.length:
            attachment["size_in_bytes"] = entry.media.length
        if entry.media.duration:
            attachment["duration_in_seconds"] = entry.media.duration
        item["attachments"] = [attachment]
    # Our extension (underscore-prefixed, as the spec asks): what screens and widgets need.
    item[EXTENSION] = {
        "post_id": entry.post_id,
        "kind": entry.kind,
        "partner": entry.partner_name,
        "video_url": entry.video_url,
        "also_from": [{"partner": name, "url": url} for name, url in entry.also_from],
    }
    if entry.via is not None:
        item[EXTENSION]["via"] = {
            "post_id": entry.via.post_id,
            "url": entry.via.url,
            "partner": entry.via.partner_name,
            "partner_url": entry.via.partner_url,
        }
    return item


def write_json_feed(spec: FeedSpec) -> bytes:
    """A JSON Feed 1.1 document for a spec whose entries are loaded."""
    document: dict = {
        "version": VERSION,
        "title": spec.title,
        "home_page_url": spec.home_url,
        "feed_url": spec.feed_url,
        "description": spec.description,
        "language": settings.LANGUAGE_CODE,
        "authors": [{"name": spec.partner.name if spec.partner else "Muurkrant"}],
        "items": [item_object(entry) for entry in spec.entries],
    }
    if spec.hub:
        document["hubs"] = [{"type": "WebSub", "url": spec.hub}]
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
