"""Normalised feed entries → posts on the wall: dedupe, sanitise once, store in bulk, group
into stories.

Unchanged entries are recognised by their content hash and skipped before any sanitising or
image work, so re-reading an unchanged feed costs one query per batch of identities; a document
identical to the last one is recognised before parsing, which is most of the remaining cost.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from taggit.models import Tag

from feeds.models import Source
from feeds.parse import Entry, ParsedFeed, parse_feed
from mediahub.sanitize import clean_html, clean_text
from muurkrant.models import VISIBLE_FIELDS, Post, PostTag, Wijk
from muurkrant.moderation import apply_change, moderation_keywords, stored_state
from muurkrant.signals import posts_changed
from muurkrant.stories import group_posts

BATCH = 500
SUMMARY_LENGTH = 500
# How long an ingested document is remembered, so that the same bytes are not parsed again.
DOCUMENT_MEMORY = 24 * 60 * 60
# Fields a feed update writes: its content, and the status the moderation rule gives it.
FEED_FIELDS = [
    "title", "summary", "body", "link", "language", "kind", "video_url", "video_provider",
    "video_id", "thumbnail_url", "enclosure_url", "enclosure_type", "enclosure_length",
    "duration_seconds", "published_at", "date_flagged", "content_hash", "updated_at",
    "status", "approved_content", "search_text",
]  # fmt: skip
# What an update leaves as stored (the downloaded thumbnail, an uploaded audio file, the
# content last approved), carried over so the moderation rule compares like with like.
_KEPT_ON_UPDATE = [
    *(name for name in VISIBLE_FIELDS if name not in FEED_FIELDS),
    "approved_content",
]


@dataclass
class IngestSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    ttl_minutes: int | None = None  # how often the feed says it changes
    new_post_ids: list[int] = field(default_factory=list)  # for their thumbnails
    touched_post_ids: list[int] = field(default_factory=list)  # new or changed

    def line(self) -> str:
        return f"new={self.new} updated={self.updated} unchanged={self.unchanged}"


def ingest_document(
    source: Source, content: bytes, *, content_type: str = "", fetched_at: datetime | None = None
) -> IngestSummary:
    """Parse a fetched document and store its entries; ParseError leaves everything as it was.

    The same bytes as last time, with the source's posts all still there, are not parsed again:
    many feeds answer every request in full, and parsing is most of the cost of an unchanged one.
    """
    key = f"feeds:document:{source.pk}:{hashlib.sha256(source.url.encode()).hexdigest()[:16]}"
    digest = hashlib.sha256(content_type.encode() + b"\n" + content).hexdigest()
    seen = cache.get(key)
    if seen and seen["digest"] == digest and seen["posts"] == _post_count(source):
        return IngestSummary(
            unchanged=seen["entries"], warnings=seen["warnings"], ttl_minutes=seen["ttl"]
        )
    parsed = parse_feed(
        content, url=source.url, fetched_at=fetched_at or timezone.now(), content_type=content_type
    )
    entries = len(parsed.entries)
    summary = ingest_entries(source, parsed.entries)
    summary.warnings = parsed.warnings
    summary.ttl_minutes = parsed.info.ttl_minutes
    _remember_feed_info(source, parsed)
    seen = {"digest": digest, "entries": entries, "posts": _post_count(source)}
    cache.set(
        key, {**seen, "warnings": summary.warnings, "ttl": summary.ttl_minutes}, DOCUMENT_MEMORY
    )
    return summary


def _post_count(source: Source) -> int:
    return Post.objects.filter(source=source).count()


def _remember_feed_info(source: Source, parsed: ParsedFeed) -> None:
    changed = {}
    if parsed.info.title and parsed.info.title != source.title:
        changed["title"] = parsed.info.title[:300]
    if parsed.info.link and parsed.info.link != source.site_url:
        changed["site_url"] = parsed.info.link[:2000]
    if changed:
        Source.objects.filter(pk=source.pk).update(**changed)
        for name, value in changed.items():
            setattr(source, name, value)


def ingest_entries(source: Source, entries: list[Entry]) -> IngestSummary:
    """Create new posts, update changed ones (keeping their moderation), skip the rest.

    The list is emptied batch by batch, in order, so that the entries and posts of a batch
    already stored are let go: a long feed is never held whole twice over.
    """
    summary = IngestSummary()
    entries.reverse()
    while entries:
        batch = [entries.pop() for _ in range(min(BATCH, len(entries)))]
        _ingest_batch(source, batch, summary)
    if summary.new or summary.updated:
        posts_changed.send(  # bulk writes send no model signals
            Post, partner_ids=[source.partner_id], post_ids=summary.touched_post_ids
        )
    return summary


def _ingest_batch(source: Source, entries: Sequence[Entry], summary: IngestSummary) -> None:
    known = {
        identity: (pk, content_hash)
        for identity, pk, content_hash in Post.objects.filter(
            source=source, identity__in=[entry.identity for entry in entries]
        ).values_list("identity", "id", "content_hash")
    }
    fresh: list[tuple[Post, Entry]] = []
    changed: list[tuple[Post, Entry]] = []
    for entry in entries:
        pk, content_hash = known.get(entry.identity, (None, None))
        if content_hash == entry.content_hash:
            summary.unchanged += 1
            continue
        post = Post(pk=pk, **_post_fields(source, entry))
        (changed if pk else fresh).append((post, entry))

    if fresh or changed:
        keywords = moderation_keywords()  # once per batch, not once per post
        stored = _stored_posts([post.pk for post, _entry in changed])
        for post, _entry in fresh + changed:
            if old := stored.get(post.pk):
                for name in _KEPT_ON_UPDATE:
                    setattr(post, name, getattr(old, name))  # the row is rebuilt from the entry
            apply_change(
                post,
                stored_state(old) if old else None,
                actor=Post.Origin.FEED,
                trusted=source.trusted,
                keywords=keywords,
            )
    if fresh:
        try:
            with transaction.atomic():
                Post.objects.bulk_create([post for post, _entry in fresh])
        except IntegrityError:
            # Another worker stored some of these in the meantime: fall back to one by one.
            fresh = _create_one_by_one(source, fresh, summary)
        summary.new += len(fresh)
        summary.new_post_ids.extend(post.pk for post, _entry in fresh)
    if changed:
        Post.objects.bulk_update([post for post, _entry in changed], FEED_FIELDS)
        summary.updated += len(changed)
    touched = fresh + changed
    if touched:
        with transaction.atomic():
            _set_tags_and_wijken(touched, replace=bool(changed))
        group_posts([post for post, _entry in touched])
        summary.touched_post_ids.extend(post.pk for post, _entry in touched)


def _stored_posts(pks: list[int]) -> dict[int, Post]:
    """The posts a feed changes, as stored: what the moderation rule compares with."""
    if not pks:
        return {}
    fields = ["status", "approved_content", *VISIBLE_FIELDS]
    return {post.pk: post for post in Post.objects.filter(pk__in=pks).only(*fields)}


def _create_one_by_one(
    source: Source, fresh: list[tuple[Post, Entry]], summary: IngestSummary
) -> list[tuple[Post, Entry]]:
    created = []
    for post, entry in fresh:
        try:
            with transaction.atomic():
                post.save(force_insert=True)
            created.append((post, entry))
        except IntegrityError:
            summary.unchanged += 1
    return created


def _post_fields(source: Source, entry: Entry) -> dict:
    """Sanitise an entry into post fields: the one place feed HTML passes the allowlist."""
    html = entry.content_html or entry.summary_html
    base = entry.base_url or source.url
    title = entry.title or clean_text(html, max_length=120) or "—"
    return {
        "partner_id": source.partner_id,
        "source": source,
        "origin": Post.Origin.FEED,
        "identity": entry.identity,
        "content_hash": entry.content_hash,
        "title": title[:300],
        "summary": clean_text(entry.summary_html or html, max_length=SUMMARY_LENGTH),
        "body": clean_html(html, base_url=base),
        "link": entry.link[:1000],
        "language": (entry.language or "nl")[:10],
        "kind": entry.kind,
        "video_url": entry.video_url[:1000],
        "thumbnail_url": entry.thumbnail_url[:1000],
        "enclosure_url": entry.enclosure_url[:1000],
        "enclosure_type": entry.enclosure_type[:100],
        "enclosure_length": entry.enclosure_length,
        "duration_seconds": entry.duration_seconds,
        "published_at": entry.published,
        "date_flagged": entry.date_flagged,
        "updated_at": timezone.now(),
    }


def _set_tags_and_wijken(touched: Iterable[tuple[Post, Entry]], *, replace: bool) -> None:
    """Categories become tags; a category naming one of the city's wijken files it there too."""
    touched = list(touched)
    post_ids = [post.pk for post, _entry in touched]
    if replace:
        PostTag.objects.filter(content_object_id__in=post_ids).delete()
        Post.wijken.through.objects.filter(post_id__in=post_ids).delete()
    names = {tag for _post, entry in touched for tag in entry.tags}
    if not names:
        return
    tags = _tags_by_lower_name(names)
    wijken = {}
    for wijk in Wijk.objects.all():
        wijken[wijk.name.lower()] = wijk.pk
        wijken[wijk.slug] = wijk.pk
    post_tags, post_wijken = [], set()
    for post, entry in touched:
        seen = set()
        for name in entry.tags:
            tag_id = tags[name.lower()]
            if tag_id not in seen:
                seen.add(tag_id)
                post_tags.append(PostTag(content_object_id=post.pk, tag_id=tag_id))
            if name.lower() in wijken:
                post_wijken.add((post.pk, wijken[name.lower()]))
    PostTag.objects.bulk_create(post_tags, ignore_conflicts=True)
    Post.wijken.through.objects.bulk_create(
        [Post.wijken.through(post_id=p, wijk_id=w) for p, w in post_wijken], ignore_conflicts=True
    )


def _tags_by_lower_name(names: set[str]) -> dict[str, int]:
    """Tag ids by lower-cased name, creating the missing ones (case-insensitive, as taggit)."""
    found: dict[str, int] = {}
    lowered = {name.lower(): name for name in names}
    for tag_id, name in Tag.objects.filter(name__in=list(names)).values_list("id", "name"):
        found.setdefault(name.lower(), tag_id)
    for lower, name in lowered.items():
        if lower not in found:
            existing = Tag.objects.filter(name__iexact=name).first()
            if existing is None:
                try:
                    with transaction.atomic():
                        existing = Tag.objects.create(name=name)
                except IntegrityError:
                    existing = Tag.objects.get(name__iexact=name)
            found[lower] = existing.pk
    return found
