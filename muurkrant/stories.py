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
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from wagtail.log_actions import log

from mediahub.sanitize import canonical_link, clean_text
from muurkrant.models import Post, Story, StoryKey
from muurkrant.signals import posts_changed

MERGE = "muurkrant.story_merge"
SPLIT = "muurkrant.story_split"

# The signature: 64 minimum hashes, in 32 bands of 2; two posts become candidates when one band
# is equal, which happens with probability 1 - (1 - J²)³² (J = 0.3: 95 %, J = 0.1: 27 %).
BANDS, ROWS = 32, 2
_PERSONS = (b"verhaal0", b"verhaal1", b"verhaal2", b"verhaal3")  # 4 × 16 hashes of 32 bits
# Posts with fewer distinct words than this are only grouped by their links and media: a
# title alone ("Weerbericht", "Column") says too little to call two posts one story.
MIN_WORDS = 6
# What a post is compared by: its title and lead, not the whole article, so that two
# broadcasters' versions of different lengths still compare.
LEAD_CHARACTERS = 600
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
    lead = post.summary or clean_text(post.body)[:LEAD_CHARACTERS]
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
    """The MinHash signature: for each of 64 hash functions, the least hash of any word."""
    rows = [
        struct.unpack(
            "<64I",
            b"".join(
                hashlib.blake2b(token.encode(), digest_size=64, person=person).digest()
                for person in _PERSONS
            ),
        )
        for token in tokens
    ]
    return tuple(map(min, zip(*rows, strict=False)))


def exact_keys(post: Post, tokens: set[str]) -> list[int]:
    keys = []
    if link := canonical_link(post.link):
        keys.append(_key("link " + link))
    if post.video_provider and post.video_id:
        keys.append(_key(f"video {post.video_provider} {post.video_id}"))
    if len(tokens) >= MIN_WORDS:
        text = " ".join(_WORD.findall(f"{post.title} {clean_text(post.body)}".lower()))
        keys.append(_key("text " + text))
    return keys


def band_keys(tokens: set[str]) -> list[int]:
    if len(tokens) < MIN_WORDS:
        return []
    signature = _signature(tokens)
    return [
        _key(f"band {band} " + " ".join(map(str, signature[band * ROWS : (band + 1) * ROWS])))
        for band in range(BANDS)
    ]


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
    StoryKey.objects.bulk_create(
        [
            StoryKey(post_id=post.pk, key=key, exact=exact, published_at=post.published_at)
            for post in posts
            for exact, found in zip((True, False), keys[post.pk], strict=True)
            for key in found
        ],
        batch_size=1000,
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


def _candidates(posts: Sequence[Post], keys: dict) -> dict[int, set[tuple[int, bool]]]:
    """For each post, the other posts sharing one of its keys: (post id, by an exact key)."""
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
    ).values_list("key", "exact", "post_id")
    by_key: dict[tuple[int, bool], set[int]] = {}
    for key, is_exact, post_id in rows:
        by_key.setdefault((key, is_exact), set()).add(post_id)
    found: dict[int, set[tuple[int, bool]]] = {}
    for post in posts:
        own_exact, own_bands = keys[post.pk]
        for is_exact, own in ((True, own_exact), (False, own_bands)):
            for key in own:
                for other in by_key.get((key, is_exact), ()):
                    if other != post.pk:
                        found.setdefault(post.pk, set()).add((other, is_exact))
    return found


def _best_match(post: Post, candidates, known: dict, known_words: dict) -> Post | None:
    """The candidate that is surely the same story: an exact match, else the most similar one
    within the window and above the threshold; never a post an editor split off."""
    best, best_score = None, settings.STORY_SIMILARITY
    span = window()
    for pk, is_exact in candidates:
        other = known.get(pk)
        if other is None or (other.story_fixed and other.story_id is None):
            continue
        if is_exact:
            score = 2.0  # above any similarity
        elif abs(other.published_at - post.published_at) > span:
            continue
        else:
            score = similarity(known_words[post.pk], known_words[pk])
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
