"""Template helpers for discovery and sharing: absolute URLs, feed links, and JSON-LD."""

import json
from datetime import timedelta

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from feeds.syndication import absolute, entry_for
from muurkrant.models import Post

register = template.Library()

# As django.utils.html.json_script: no "</script>", "<!--" or "&" can end or bend the element.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def absolute_url(url: str) -> str:
    """A path on our site as an absolute URL on SITE_URL (canonical links, Open Graph)."""
    return absolute(str(url))


def iso_duration(seconds: int | None) -> str | None:
    return f"PT{int(timedelta(seconds=seconds).total_seconds())}S" if seconds else None


def post_graph(post: Post) -> list[dict]:
    """schema.org objects for a post: the article, and its video or audio."""
    entry = entry_for(post)
    publisher = {"@type": "Organization", "name": "Muurkrant", "url": absolute("/")}
    author = {"@type": "Organization", "name": entry.partner_name, "url": entry.partner_url}
    article = {
        "@type": "NewsArticle",
        "@id": entry.id,
        "headline": entry.title[:110],
        "url": entry.url,
        "mainEntityOfPage": entry.url,
        "datePublished": entry.published.isoformat(),
        "dateModified": entry.updated.isoformat(),
        "inLanguage": entry.language,
        "author": author,
        "publisher": publisher,
        "description": entry.summary,
        "keywords": entry.tags,
    }
    if entry.image:
        article["image"] = [entry.image]
    if entry.original_url:
        article["isBasedOn"] = entry.original_url
    graph = [article]
    if entry.kind == Post.Kind.VIDEO:
        video = {
            "@type": "VideoObject",
            "name": entry.title,
            "description": entry.summary or entry.title,
            "uploadDate": entry.published.isoformat(),
            "thumbnailUrl": [entry.image] if entry.image else [],
            "url": entry.video_url or entry.url,
        }
        if entry.media:
            video["contentUrl"] = entry.media.url
            video["encodingFormat"] = entry.media.mime_type
            video["duration"] = iso_duration(entry.media.duration)
        graph.append(video)
    elif entry.kind == Post.Kind.AUDIO and entry.media:
        graph.append(
            {
                "@type": "AudioObject",
                "name": entry.title,
                "description": entry.summary or entry.title,
                "uploadDate": entry.published.isoformat(),
                "contentUrl": entry.media.url,
                "encodingFormat": entry.media.mime_type,
                "duration": iso_duration(entry.media.duration),
            }
        )
    return [{key: value for key, value in obj.items() if value} for obj in graph]


@register.simple_tag
def post_json_ld(post: Post) -> SafeString:
    """The post's JSON-LD in a script element, escaped so no title can close the element."""
    data = {"@context": "https://schema.org", "@graph": post_graph(post)}
    text = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.inclusion_tag("feeds/discovery.html")
def feed_discovery(filters, partner=None, canonical: str = "") -> dict:
    """<link rel="alternate"> to the feeds of what the page shows, its filters carried along,
    and the canonical URL of the page with just those filters (no cursors, no stray params)."""
    if partner is not None:
        name, kwargs, title = "feeds:partner", {"slug": partner.slug}, partner.name
        query = filters.query_with(partner="")
    else:
        name, kwargs, query, title = "feeds:wall", {}, filters.query_with(), "Muurkrant"
    formats = [
        ("rss", "application/rss+xml", "RSS"),
        ("atom", "application/atom+xml", "Atom"),
        ("json", "application/feed+json", "JSON Feed"),
    ]
    return {
        "feeds": [
            (mime, label, absolute(reverse(name, kwargs={**kwargs, "fmt": fmt}) + query))
            for fmt, mime, label in formats
        ],
        "title": title,
        "canonical": absolute(canonical + query) if canonical else "",
    }


@register.inclusion_tag("feeds/embed_snippet.html")
def embed_snippet(partner=None) -> dict:
    """The copy-paste code for putting (a partner's part of) the wall on another site."""
    query = f"?partner={partner.slug}" if partner is not None else ""
    return {
        "iframe_url": absolute(reverse("feeds:embed_wall") + query),
        "script_url": absolute(reverse("feeds:embed_script")),
        "partner": partner,
    }
