"""Generated data for the measurements: feeds that look like a local broadcaster's, and posts.

Everything is deterministic (seeded), so two runs measure the same bytes and the same rows.
"""

import itertools
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

WORDS = [
    "gemeente", "raad", "wijk", "buurt", "school", "fiets", "brug", "markt", "kerk", "haven",
    "park", "straat", "jeugd", "zorg", "sport", "cultuur", "theater", "muziek", "festival",
    "bibliotheek", "wethouder", "bewoners", "plan", "nieuw", "oud", "centrum", "station", "bus",
    "trein", "water", "dijk", "polder", "storm", "regen", "zon", "winter", "zomer", "club",
]  # fmt: skip
# Text draws from a vocabulary of news size with a Zipf-like frequency (the common words above
# first, then made-up ones), so unrelated posts share few words, as in real news.
_SYLLABLES = [
    "ka", "ver", "hoe", "stra", "bij", "lo", "wen", "ge", "mar", "tin",
    "dok", "ruim", "zee", "vel", "pol", "ster", "gra", "mun", "dijk", "por",
]  # fmt: skip
VOCABULARY = WORDS + [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("", *_SYLLABLES)]
_CUMULATIVE = list(itertools.accumulate(1 / rank for rank in range(1, len(VOCABULARY) + 1)))
TAGS = ["politiek", "sport", "cultuur", "verkeer", "onderwijs", "zorg", "Centrum", "Noord"]
START = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=_CUMULATIVE, k=words)).capitalize()


def rss_item(rng: random.Random, feed: str, number: int) -> str:
    """One <item> shaped like WordPress's, which most local broadcasters run: an excerpt in
    <description>, the article in <content:encoded>, categories, an author and an image."""
    published = START + timedelta(minutes=7 * number)
    link = f"https://omroep.example/{feed}/nieuws/{number}"
    paragraphs = "".join(f"<p>{sentence(rng, rng.randint(20, 40))}.</p>" for _ in range(5))
    body = (
        f'<p><img src="https://omroep.example/img/{number}.jpg" alt="{sentence(rng, 3)}" '
        f'width="800" height="450"></p>{paragraphs}'
        f'<p><a href="/{feed}/meer/{number}">Lees meer</a> over <strong>{rng.choice(WORDS)}'
        "</strong>.</p>"
    )
    categories = "".join(f"<category>{tag}</category>" for tag in rng.sample(TAGS, 2))
    return (
        f"<item><title>{escape(sentence(rng, 8))}</title><link>{link}</link>"
        f"<dc:creator>Redactie</dc:creator>"
        f'<guid isPermaLink="false">{feed}-{number}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate>{categories}"
        f"<description>{escape(sentence(rng, 30))} [&#8230;]</description>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def rss_feed(feed: str, numbers: range, seed: int = 1) -> bytes:
    """An RSS 2.0 document with one item per number, newest first."""
    rng = random.Random(seed)
    items = "".join(rss_item(rng, feed, number) for number in reversed(numbers))
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Omroep {feed}</title><link>https://omroep.example/{feed}/</link>"
        f"<description>Lokaal nieuws</description><language>nl</language>{items}"
        "</channel></rss>"
    ).encode()


def make_posts(count: int, partners: int = 20, batch: int = 5000) -> None:
    """Published posts straight into the table, a few minutes apart, newest last.

    The wall needs no Wagtail search rows, so they are left out: building them would take
    longer than everything measured here. The wall's own search text is set as the ingest sets
    it (``Post.derive``), over a body of a few paragraphs.
    """
    from django.db import transaction

    from mediahub.models import Partner
    from muurkrant.models import Post

    rng = random.Random(2)
    owners = [
        Partner.objects.get_or_create(slug=f"omroep-{n}", defaults={"name": f"Omroep {n}"})[0]
        for n in range(partners)
    ]
    for start in range(0, count, batch):
        posts = [
            Post(
                partner=owners[number % partners],
                origin=Post.Origin.PARTNER,
                title=sentence(rng, 8),
                summary=sentence(rng, 30),
                body="".join(f"<p>{sentence(rng, rng.randint(20, 40))}.</p>" for _ in range(3)),
                status=Post.Status.PUBLISHED,
                published_at=START + timedelta(minutes=3 * number),
            )
            for number in range(start, min(start + batch, count))
        ]
        for post in posts:
            post.derive()
        with transaction.atomic():
            Post.objects.bulk_create(posts)
