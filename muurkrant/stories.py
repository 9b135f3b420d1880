"""Grouping posts into stories, on every ingest and every post saved in the admin or the API.

A post joins the story of an earlier post that has

- the same canonical link (scheme and host in lower case, no trailing slash, fragment or
  tracking parameters), the same video (provider and id) or the same text, at any distance
  in time; or
- a similar title and lead (Jaccard similarity of their word sets at least
  ``STORY_SIMILARITY``) within ``STORY_WINDOW_HOURS`` of it.

Similar posts are found by MinHash with locality-sensitive hashing: each post stores a few
integer keys (``StoryKey``), the exact keys and one per band of its MinHash signature, and a new
post finds its candidates with one indexed query on its own keys. Only those candidates are
compared word by word, so the cost per post does not grow with the number of posts.

Written here rather than taken from `datasketch`: that package needs numpy and keeps its LSH
index in memory or in Redis/Cassandra, not in our database next to the posts, so only its MinHash
(the few lines of ``_signature``) would have been of use.
"""

import hashlib
import re
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from wagtail.log_actions import log

from mediahub.sanitize import canonical_link, clean_text
from muurkrant.models import Post, Story, StoryKey
from muurkrant.signals import posts_changed

MERGE = "muurkrant.story_merge"
SPLIT = "muurkrant.story_split"

# The signature: 32 minimum hashes, in 16 bands of 2; two posts become candidates when one band
# is equal, which happens with probability 1 - (1 - J²)¹⁶ (J = 0.5: 99 %, J = 0.4: 93 %,
# J = 0.3: 78 %, J = 0.1: 15 %).
BANDS, ROWS = 16, 2
_MIX = 0x9E3779B97F4A7C15  # an odd constant: each band's keys are its own
# Posts with fewer distinct words than this are only grouped by their links and media: a
# title alone ("Weerbericht", "Column") says too little to call two posts one story.
MIN_WORDS = 6
# What a post is compared by: its title and lead, not the whole article, so that two
# broadcasters' versions of different lengths still compare.
LEAD_CHARACTERS = 600
# At most this many candidates of a post are compared with it word by word.
COMPARED = 10
# Words that say nothing about the event; words are cut to their first letters, which joins
# "woning" and "woningen", "gemeente" and "gemeenteraad" without a stemmer.
STEM = 6
STOPWORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "in",
        "op",
        "te",
        "dat",
        "die",
        "is",
        "met",
        "voor",
        "aan",
        "er",
        "niet",
        "zijn",
        "om",
        "als",
        "bij",
        "ook",
        "door",
        "naar",
        "uit",
        "maar",
        "dan",
        "nog",
        "wel",
        "over",
        "tot",
        "was",
        "werd",
        "wordt",
        "worden",
        "zal",
        "zou",
        "kan",
        "heeft",
        "hebben",
        "had",
        "hij",
        "zij",
        "ze",
        "we",
        "wij",
        "je",
        "u",
        "ik",
        "hun",
        "haar",
        "zich",
        "deze",
        "dit",
        "wat",
        "wie",
        "waar",
        "hoe",
        "al",
        "meer",
        "geen",
        "na",
        "onder",
        "tegen",
        "omdat",
        "toen",
        "nu",
        "of",
        "dus",
        "want",
        "the",
        "a",
        "an",
        "and",
        "of",
        "to",
        "for",
        "on",
        "at",
        "by",
        "with",
        "from",
    ]
)
_WORD = re.compile(r"\w+")


def words(post: Post) -> set[str]:
    """The words of the post's title and lead that say something, cut to their stems."""
    lead = post.summary or clean_text(post.body[: LEAD_CHARACTERS * 4])[:LEAD_CHARACTERS]
    return {
        word[:STEM]
        for word in _WORD.findall(f"{post.title} {lead}".lower())
        if (len(word) > 1 or word.isdigit()) and word not in STOPWORDS
    }


def similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), signed=True)


def _signature(tokens: set[str]) -> tuple[int, ...]:
    """The MinHash signature: for each of BANDS × ROWS hash functions, the least hash of any
    word; one SHAKE digest per word gives all of its hashes at once."""
    count = BANDS * ROWS
    rows = [
        struct.unpack(f"<{count}I", hashlib.shake_128(token.encode()).digest(4 * count))
        for token in tokens
    ]
    return tuple(map(min, zip(*rows, strict=True)))


def exact_keys(post: Post, tokens: set[str]) -> list[int]:
    keys = []
    if link := canonical_link(post.link):
        keys.append(_key("link " + link))
    if post.video_provider and post.video_id:
        keys.append(_key(f"video {post.video_provider} {post.video_id}"))
    if len(tokens) >= MIN_WORDS:
        # The body as stored (sanitised once, so the same text is the same markup), unparsed.
        text = " ".join(f"{post.title} {post.summary} {post.body}".lower().split())
        keys.append(_key("text " + text))
    return keys


def band_keys(tokens: set[str]) -> list[int]:
    if len(tokens) < MIN_WORDS:
        return []
    signature = _signature(tokens)
    keys = []
    for band in range(BANDS):
        first, second = signature[band * ROWS : (band + 1) * ROWS]
        key = ((first << 32 | second) ^ (band * _MIX)) & (2**64 - 1)
        keys.append(key - 2**64 if key >= 2**63 else key)  # a signed 64-bit column
    return keys


def window() -> timedelta:
    return timedelta(hours=settings.STORY_WINDOW_HOURS)


@transaction.atomic
def group_posts(posts: Sequence[Post]) -> None:
    """Store the posts' keys and give each post the story of its closest earlier match.

    ``posts`` are saved posts with their content (a batch from a feed, or one from the admin or
    the API); a post an editor placed keeps its place, and stories are never merged here.
    """
    posts = [post for post in posts if post.pk]
    if not posts:
        return
    ids = [post.pk for post in posts]
    StoryKey.objects.filter(post_id__in=ids).delete()
    tokens = {post.pk: words(post) for post in posts}
    keys = {
        post.pk: (exact_keys(post, tokens[post.pk]), band_keys(tokens[post.pk])) for post in posts
    }
    _store_keys(
        (post.pk, key, exact, post.published_at)
        for post in posts
        for exact, found in zip((True, False), keys[post.pk], strict=True)
        for key in found
    )
    placed = {
        pk: (story_id, fixed)
        for pk, story_id, fixed in Post.objects.filter(pk__in=ids).values_list(
            "pk", "story_id", "story_fixed"
        )
    }
    matches = _candidates(posts, keys)
    others = {pk for found in matches.values() for pk, _exact in found} - set(ids)
    known = {
        other.pk: other
        for other in Post.objects.filter(pk__in=others).only(
            "title", "summary", "body", "published_at", "story_id", "story_fixed"
        )
    }
    known_words = {pk: words(other) for pk, other in known.items()}
    for post in posts:
        known[post.pk] = post
        known_words[post.pk] = tokens[post.pk]
        post.story_id, post.story_fixed = placed[post.pk]
    assigned: dict[int, Story] = {}  # post id → its story; new stories saved at the end
    for post in sorted(posts, key=lambda p: (p.published_at, p.pk)):
        if post.story_id or post.story_fixed or post.pk in assigned:
            continue
        best = _best_match(post, matches.get(post.pk, ()), known, known_words)
        if best is None:
            continue
        story = assigned.get(best.pk) or (Story(pk=best.story_id) if best.story_id else None)
        if story is None:
            story = assigned[best.pk] = Story()
        assigned[post.pk] = story
    if assigned:
        Story.objects.bulk_create(
            list({id(story): story for story in assigned.values() if story.pk is None}.values())
        )
        Post.objects.bulk_update(
            [Post(pk=pk, story_id=story.pk) for pk, story in assigned.items()],
            ["story"],
            batch_size=500,
        )


def _store_keys(rows: Iterable[tuple[int, int, bool, datetime]]) -> None:
    """Insert key rows with one prepared statement: ~20 plain rows per post, where the ORM's
    bulk_create would build and check a model instance for each (most of the cost of grouping).
    """
    sql = (
        'INSERT INTO "muurkrant_storykey" ("post_id", "key", "exact", "published_at") '
        "VALUES (%s, %s, %s, %s)"
    )
    field = StoryKey._meta.get_field("published_at")
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (post_id, key, exact, field.get_db_prep_value(at, connection))
                for post_id, key, exact, at in rows
            ],
        )


def _candidates(posts: Sequence[Post], keys: dict) -> dict[int, list[tuple[int, bool]]]:
    """For each post, the other posts sharing one of its keys: (post id, by an exact key).

    Of the similar ones only the COMPARED sharing the most bands (the likeliest to be alike)
    are compared word by word, so that a flood of look-alikes costs no more than a few.
    """
    exact = {key for found, _bands in keys.values() for key in found}
    bands = {key for _found, found in keys.values() for key in found}
    if not exact and not bands:
        return {}
    span = window()
    earliest = min(post.published_at for post in posts) - span
    latest = max(post.published_at for post in posts) + span
    rows = StoryKey.objects.filter(
        Q(exact=True, key__in=exact)
        | Q(exact=False, key__in=bands, published_at__range=(earliest, latest))
    ).values_list("key", "exact", "post_id", "published_at")
    by_key: dict[tuple[int, bool], list[tuple[int, datetime]]] = {}
    for key, is_exact, post_id, published_at in rows:
        by_key.setdefault((key, is_exact), []).append((post_id, published_at))
    found: dict[int, list[tuple[int, bool]]] = {}
    for post in posts:
        own_exact, own_bands = keys[post.pk]
        same = {
            other
            for key in own_exact
            for other, _at in by_key.get((key, True), ())
            if other != post.pk
        }
        hits: Counter[int] = Counter(
            other
            for key in own_bands
            for other, at in by_key.get((key, False), ())
            if other != post.pk and other not in same and abs(at - post.published_at) <= span
        )
        alike = [other for other, _hits in hits.most_common(COMPARED)]
        if same or alike:
            found[post.pk] = [(other, True) for other in sorted(same)[:COMPARED]] + [
                (other, False) for other in alike
            ]
    return found


def _best_match(post: Post, candidates, known: dict, known_words: dict) -> Post | None:
    """The candidate that is surely the same story: an exact match, else the most similar one
    within the window and above the threshold; never a post an editor split off."""
    best, best_score = None, settings.STORY_SIMILARITY
    for pk, is_exact in candidates:
        other = known.get(pk)
        if other is None or (other.story_fixed and other.story_id is None):
            continue
        # An exact match counts above any similarity.
        score = 2.0 if is_exact else similarity(known_words[post.pk], known_words[pk])
        if score >= best_score and (best is None or score > best_score or pk < best.pk):
            best, best_score = other, score
    return best


# A save that writes none of these (a moderation decision, a pin) leaves the keys as they are.
GROUPED_FIELDS = frozenset({"title", "summary", "body", "link", "video_url", "published_at"})


def post_saved(sender, instance: Post, update_fields=None, raw: bool = False, **kwargs) -> None:
    """A post saved one by one (admin, API, takeover) finds its story; bulk writers (ingest)
    call ``group_posts`` themselves."""
    if raw or (update_fields is not None and not GROUPED_FIELDS & set(update_fields)):
        return
    group_posts([instance])


@transaction.atomic
def merge(posts: Sequence[Post], user) -> Story:
    """An editor's decision: these posts are one story (the earliest story among them stays)."""
    stories = sorted({post.story_id for post in posts if post.story_id})
    story = Story.objects.get(pk=stories[0]) if stories else Story.objects.create()
    Post.objects.filter(pk__in=[post.pk for post in posts]).update(story=story, story_fixed=True)
    Story.objects.filter(pk__in=stories[1:], posts__isnull=True).delete()
    for post in posts:
        log(post, MERGE, user=user, data={"story": story.pk})
    posts_changed.send(Post, partner_ids=[post.partner_id for post in posts])
    return story


@transaction.atomic
def split(post: Post, user) -> None:
    """An editor's decision: this post is a story of its own, and stays so."""
    old = post.story_id
    post.story, post.story_fixed = None, True
    post.save(update_fields=["story", "story_fixed", "updated_at"])
    if old:
        Story.objects.filter(pk=old, posts__isnull=True).delete()
    log(post, SPLIT, user=user, data={"story": old})
