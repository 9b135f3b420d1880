"""Small builders for feeds tests: sources on the local test server, feed documents."""

from pathlib import Path

from feeds.models import Source

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SAMPLES = Path(__file__).resolve().parent / "samples"


def rss(*items: tuple[str, str], title: str = "Omroep Test", extra: str = "") -> bytes:
    """An RSS 2.0 document with (guid, title) items."""
    body = "".join(
        f"<item><guid isPermaLink='false'>{guid}</guid><title>{text}</title>"
        f"<link>https://omroep.example.nl/{guid}</link>"
        f"<description>&lt;p&gt;Over {text}&lt;/p&gt;</description>"
        f"<pubDate>Mon, 02 Nov 2026 10:00:00 +0100</pubDate></item>"
        for guid, text in items
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}</title>"
        f"<link>https://omroep.example.nl/</link>{extra}{body}</channel></rss>"
    ).encode()


def make_source(partner, url: str, **fields) -> Source:
    return Source.objects.create(partner=partner, url=url, **fields)
