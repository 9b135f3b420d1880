"""Feeds out: the wall and each partner's posts as RSS 2.0 (a podcast when it is audio) and Atom.

Every URL in a feed is absolute on ``settings.SITE_URL``, never on the host a request came in
by, so it stays the same behind any proxy or alias.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape

from mediahub.models import Partner
from mediahub.sanitize import safe_url
from muurkrant.models import Post
from muurkrant.queries import WallFilters, filter_posts

MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
THUMBNAIL_SPEC = "fill-1200x630"
COVER_SPEC = "fill-1400x1400"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# XML 1.0 cannot carry these at all; a feed with one would not be written.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The date in item ids (RFC 4151 tag URIs): when this naming scheme began. Never change it.
ITEM_ID_DATE = "2026"


def absolute(url: str) -> str:
    """A path on our site made absolute on SITE_URL; absolute URLs pass unchanged."""
    if url.startswith("/") and not url.startswith("//"):
        return settings.SITE_URL + url
    return url


def item_id(post_pk: int) -> str:
    """A post's id in every feed format: ``tag:<site host>,2026:post:<pk>``.

    Readers recognise items they have seen by this id, so it names the post and not where it is
    shown: the permalink changes when an editor renames the wall or a partner edits the title.
    """
    return f"tag:{urlsplit(settings.SITE_URL).hostname},{ITEM_ID_DATE}:post:{post_pk}"


def xml_text(text: str) -> str:
    return CONTROL_CHARS.sub("", text or "")


@dataclass
class Media:
    """A post's playable file: one enclosure in RSS, a link in Atom, an attachment in JSON."""

    url: str
    mime_type: str
    length: int
    medium: str
    duration: int | None


@dataclass
class Via:
    """The post a copy was taken over from: RSS <source>, Atom rel="via", JSON Feed's extension."""

    post_id: int
    url: str
    partner_name: str
    partner_url: str
    partner_feed_url: str


@dataclass
class FeedEntry:
    """One post as every feed format sees it, built once so RSS, Atom and JSON Feed agree."""

    id: str
    url: str
    title: str
    summary: str
    content_html: str
    published: datetime
    updated: datetime
    kind: str
    language: str
    partner_name: str
    partner_url: str
    post_id: int
    tags: list[str] = field(default_factory=list)
    original_url: str = ""
    image: str = ""
    video_url: str = ""
    media: Media | None = None
    via: Via | None = None
    also_from: list[tuple[str, str]] = field(default_factory=list)  # the story's other versions


def via_for(post: Post) -> Via | None:
    original = post.original
    if original is None:
        return None
    slug = original.partner.slug
    return Via(
        post_id=original.pk,
        url=absolute(original.get_absolute_url()),
        partner_name=xml_text(original.partner.name),
        partner_url=absolute(reverse("muurkrant:partner", args=[slug])),
        partner_feed_url=absolute(reverse("feeds:partner", args=[slug, "rss"])),
    )


def post_thumbnail(post: Post) -> str:
    """Our own rendition of the post's image (never the remote original), absolute."""
    if post.image is None:
        return ""
    return absolute(post.image.get_rendition(THUMBNAIL_SPEC).url)


def post_media(post: Post) -> Media | None:
    playable = post.playable()
    if playable is None:
        return None
    medium = "audio" if post.kind == Post.Kind.AUDIO else "video"
    # An enclosure must name a type; the post's kind is the best guess when nothing tells it.
    mime = playable.type or f"{medium}/mpeg"
    if mime.startswith(("audio/", "video/")):
        medium = mime.split("/")[0]
    return Media(absolute(playable.url), mime, playable.length or 0, medium, post.duration_seconds)


def entry_for(post: Post) -> FeedEntry:
    permalink = absolute(post.get_absolute_url())
    return FeedEntry(
        id=item_id(post.pk),
        url=permalink,
        title=xml_text(post.title),
        summary=xml_text(post.summary),
        # Sanitised when it came in; passed on as it is, never as unsanitised text.
        content_html=xml_text(post.body),
        published=post.published_at,
        updated=max(post.updated_at, post.published_at),
        kind=post.kind,
        language=post.language or settings.LANGUAGE_CODE,
        partner_name=xml_text(post.partner.name),
        partner_url=absolute(reverse("muurkrant:partner", args=[post.partner.slug])),
        post_id=post.pk,
        tags=[xml_text(tag.name) for tag in post.tags.all()],
        original_url=safe_url(post.link),
        image=post_thumbnail(post),
        video_url=safe_url(post.video_url) if post.kind == Post.Kind.VIDEO else "",
        media=post_media(post) if post.kind != Post.Kind.ARTICLE else None,
        via=via_for(post),
        also_from=[
            (xml_text(version.partner_name), absolute(version.get_absolute_url()))
            for version in post.story_versions
        ],
    )


@dataclass
class FeedSpec:
    """What one feed shows and where it lives; the same for every format."""

    filters: WallFilters
    limit: int
    feed_url: str
    home_url: str
    title: str
    description: str
    partner: Partner | None = None
    hub: str = ""
    entries: list[FeedEntry] = field(default_factory=list)

    @property
    def is_podcast(self) -> bool:
        """Audio asked for, or nothing but audio in it: podcast apps can subscribe."""
        if self.filters.kind == Post.Kind.AUDIO:
            return True
        return bool(self.entries) and all(e.kind == Post.Kind.AUDIO for e in self.entries)

    @property
    def cover(self) -> str:
        partner = self.partner
        if partner is not None and partner.logo is not None:
            return absolute(partner.logo.get_rendition(COVER_SPEC).url)
        return absolute(static("feeds/podcast-cover.png"))


def load_entries(spec: FeedSpec) -> list[FeedEntry]:
    """The newest posts on the wall for these filters, one per story, in a fixed number of
    queries."""
    posts = (
        filter_posts(Post.objects.on_wall(), spec.filters)
        .one_per_story()
        .with_story_versions()
        .select_related("partner", "image", "audio", "original__partner")
        .prefetch_related("tags", "image__renditions")
        .order_by("-published_at", "-id")[: spec.limit]
    )
    return [entry_for(post) for post in posts]


def add_media_elements(handler, item: dict) -> None:
    """Media RSS: the file with its medium and duration, and our own thumbnail."""
    media: Media | None = item["media"]
    if media is not None:
        attributes = {"url": media.url, "type": media.mime_type, "medium": media.medium}
        if media.length:
            attributes["fileSize"] = str(media.length)
        if media.duration:
            attributes["duration"] = str(media.duration)
        handler.addQuickElement("media:content", None, attributes)
    elif item["video_url"]:
        handler.addQuickElement("media:player", None, {"url": item["video_url"]})
    if item["image"]:
        handler.addQuickElement("media:thumbnail", None, {"url": item["image"]})


class MediaRssFeed(Rss201rev2Feed):
    """RSS 2.0 with full content, Media RSS, the original as a related link, and a hub."""

    def rss_attributes(self) -> dict:
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:media": MEDIA_NS,
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        }

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)
        if self.feed["hub"]:
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": self.feed["hub"]})

    def add_item_elements(self, handler, item: dict) -> None:
        super().add_item_elements(handler, item)
        if item["content_html"]:
            handler.addQuickElement("content:encoded", item["content_html"])
        if item["original_url"]:
            handler.addQuickElement(
                "atom:link", None, {"rel": "related", "href": item["original_url"]}
            )
        if via := item["via"]:
            handler.addQuickElement("source", via.partner_name, {"url": via.partner_feed_url})
            handler.addQuickElement("atom:link", None, {"rel": "via", "href": via.url})
        for name, url in item["also_from"]:
            handler.addQuickElement(
                "atom:link", None, {"rel": "related", "href": url, "title": name}
            )
        add_media_elements(handler, item)


class PodcastRssFeed(MediaRssFeed):
    """The RSS feed with the iTunes tags podcast apps require."""

    def rss_attributes(self) -> dict:
        return {**super().rss_attributes(), "xmlns:itunes": ITUNES_NS}

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)
        handler.addQuickElement("itunes:author", self.feed["author_name"])
        handler.addQuickElement("itunes:summary", self.feed["description"])
        handler.addQuickElement("itunes:image", None, {"href": self.feed["cover"]})
        handler.addQuickElement("itunes:category", None, {"text": "News"})
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:type", "episodic")

    def add_item_elements(self, handler, item: dict) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("itunes:author", item["author_name"])
        if item["media"] is not None and item["media"].duration:
            handler.addQuickElement("itunes:duration", str(item["media"].duration))
        if item["image"]:
            handler.addQuickElement("itunes:image", None, {"href": item["image"]})
        handler.addQuickElement("itunes:explicit", "false")


class MediaAtomFeed(Atom1Feed):
    """Atom 1.0 with full content, Media RSS, the original as a related link, and a hub."""

    def root_attributes(self) -> dict:
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)
        if self.feed["hub"]:
            handler.addQuickElement("link", "", {"rel": "hub", "href": self.feed["hub"]})

    def add_item_elements(self, handler, item: dict) -> None:
        super().add_item_elements(handler, item)
        if item["content_html"]:
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        if item["original_url"]:
            handler.addQuickElement("link", "", {"rel": "related", "href": item["original_url"]})
        if via := item["via"]:
            handler.addQuickElement(
                "link", "", {"rel": "via", "href": via.url, "title": via.partner_name}
            )
        for name, url in item["also_from"]:
            handler.addQuickElement("link", "", {"rel": "related", "href": url, "title": name})
        add_media_elements(handler, item)


class EntryFeed(Feed):
    """Django's syndication view over prepared FeedEntry objects for one FeedSpec."""

    feed_type = MediaRssFeed
    language = settings.LANGUAGE_CODE

    def title(self, spec: FeedSpec) -> str:
        return spec.title

    def link(self, spec: FeedSpec) -> str:
        return spec.home_url

    def feed_url(self, spec: FeedSpec) -> str:
        return spec.feed_url

    def feed_guid(self, spec: FeedSpec) -> str:
        return spec.feed_url

    def description(self, spec: FeedSpec) -> str:
        return spec.description

    def subtitle(self, spec: FeedSpec) -> str:
        return spec.description

    def author_name(self, spec: FeedSpec) -> str:
        return spec.partner.name if spec.partner else "Muurkrant"

    def author_link(self, spec: FeedSpec) -> str:
        return spec.home_url

    def feed_extra_kwargs(self, spec: FeedSpec) -> dict:
        return {"hub": spec.hub, "cover": spec.cover if spec.is_podcast else ""}

    def items(self, spec: FeedSpec) -> list[FeedEntry]:
        return spec.entries

    def item_title(self, entry: FeedEntry) -> str:
        return entry.title

    def item_description(self, entry: FeedEntry) -> str:
        # Descriptions are HTML to readers; the plain-text summary is escaped to stay text.
        return escape(entry.summary or entry.title)

    def item_link(self, entry: FeedEntry) -> str:
        return entry.url

    def item_guid(self, entry: FeedEntry) -> str:
        return entry.id

    def item_guid_is_permalink(self, entry: FeedEntry) -> bool:
        return False

    def item_pubdate(self, entry: FeedEntry) -> datetime:
        return entry.published

    def item_updateddate(self, entry: FeedEntry) -> datetime:
        return entry.updated

    def item_author_name(self, entry: FeedEntry) -> str:
        return entry.partner_name

    def item_author_link(self, entry: FeedEntry) -> str:
        return entry.partner_url

    def item_categories(self, entry: FeedEntry) -> list[str]:
        return entry.tags

    def item_enclosures(self, entry: FeedEntry) -> list[Enclosure]:
        media = entry.media
        return [Enclosure(media.url, str(media.length), media.mime_type)] if media else []

    def item_extra_kwargs(self, entry: FeedEntry) -> dict:
        return {
            "content_html": entry.content_html,
            "original_url": entry.original_url,
            "image": entry.image,
            "video_url": entry.video_url,
            "media": entry.media,
            "via": entry.via,
            "also_from": entry.also_from,
        }


def write_xml(spec: FeedSpec, request, fmt: str) -> bytes:
    """RSS or Atom for a spec whose entries are loaded."""
    view = EntryFeed()
    if fmt == "atom":
        view.feed_type = MediaAtomFeed
    elif spec.is_podcast:
        view.feed_type = PodcastRssFeed
    return view.get_feed(spec, request).writeString("utf-8").encode("utf-8")
