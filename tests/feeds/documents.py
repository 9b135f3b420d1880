"""Feed documents for tests: built in code, from tests/fixtures/feeds, or from the optional corpus.

The fixtures in the repository cover every format and quirk the tests rely on. The larger
real-world corpus (`shared/corpus` beside the checkout) is an extra set: tests over it run when
it is there and are skipped, saying so, when it is not.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "feeds"
CORPUS = ROOT.parent / "shared" / "corpus"
FEED_SUFFIXES = (".xml", ".rss", ".rdf", ".atom", ".json")
CORPUS_ABSENT = f"the optional feed corpus {CORPUS} is absent; tests/fixtures/feeds still runs"
# Hand-made hostile documents: their own tests say what must happen, a sweep's checks do not fit.
NOT_SWEPT = {"dates.xml", "duplicate-guid.xml", "hostile-fields.xml"}


def fixture_feeds() -> list[Path]:
    """Every feed fixture a sweep (parse, ingest) runs over."""
    return sorted(
        path
        for path in FIXTURES.iterdir()
        if path.suffix in FEED_SUFFIXES and path.name not in NOT_SWEPT
    )


def corpus_feeds() -> list[Path]:
    """The corpus files, or none when the corpus is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted(path for path in CORPUS.rglob("*") if path.suffix in FEED_SUFFIXES)


def sweep_params() -> list:
    """Parameters for a sweep: every fixture, then every corpus file or one skip naming it."""
    fixtures = [pytest.param(path, id=path.name) for path in fixture_feeds()]
    corpus = [
        pytest.param(path, id=f"corpus/{path.relative_to(CORPUS).as_posix()}")
        for path in corpus_feeds()
    ]
    return fixtures + (
        corpus or [pytest.param(None, id="corpus", marks=pytest.mark.skip(reason=CORPUS_ABSENT))]
    )


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
