"""Entries into posts: every fixture feed (and corpus feed), dedupe, moderation, sanitising once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feeds.ingest import ingest_document
from feeds.models import Source
from feeds.parse import ParseError
from muurkrant.models import ModerationSettings, Post
from muurkrant.queries import matching_ids
from tests.factories import SourceFactory, WijkFactory
from tests.feeds.documents import FIXTURES, rss, sweep_params
from tests.html_checks import assert_harmless


@pytest.mark.django_db
@pytest.mark.parametrize("path", sweep_params())
def test_every_feed_ingests_and_a_second_pass_adds_nothing(path, partner):
    source = SourceFactory(partner=partner, url=f"https://feeds.example.org/{path.name}")
    first = ingest_document(source, path.read_bytes())
    stored = Post.objects.filter(source=source)
    assert stored.count() == first.new
    assert first.updated == 0
    second = ingest_document(source, path.read_bytes())
    assert (second.new, second.updated, second.unchanged) == (0, 0, first.new)
    assert stored.count() == first.new
    for post in stored:
        assert post.partner == partner and post.origin == Post.Origin.FEED
        assert post.title and "<" not in post.title
        assert_harmless(post.body)
        assert post.link == "" or post.link.startswith(("http://", "https://"))


@pytest.mark.django_db
def test_youtube_channel_becomes_video_posts(partner):
    source = SourceFactory(
        partner=partner, url="https://www.youtube.com/feeds/videos.xml?channel_id=x"
    )
    ingest_document(source, (FIXTURES / "youtube-channel.xml").read_bytes())
    videos = Post.objects.filter(source=source)
    assert videos.count() == 3
    assert set(videos.values_list("kind", flat=True)) == {"video"}
    assert all(len(p.video_id) == 11 and p.video_provider == "youtube" for p in videos)
    assert all(p.thumbnail_url.startswith("https://") for p in videos)


@pytest.mark.django_db
def test_podcast_becomes_audio_posts_with_duration(partner):
    source = SourceFactory(partner=partner, url="https://podcast.example.org/feed")
    ingest_document(source, (FIXTURES / "podcast.xml").read_bytes())
    episodes = Post.objects.filter(source=source)
    assert episodes.count() == 4
    assert all(p.kind == "audio" and p.enclosure_url for p in episodes)
    assert sorted(p.duration_seconds or 0 for p in episodes) == [0, 605, 2895, 5789]


@pytest.mark.django_db
def test_trusted_sources_publish_and_others_wait_for_moderation(partner):
    trusted = SourceFactory(partner=partner, url="https://a.example.org/feed", trusted=True)
    untrusted = SourceFactory(partner=partner, url="https://b.example.org/feed")
    ingest_document(trusted, rss(("1", "Eerste")))
    ingest_document(untrusted, rss(("1", "Eerste")))
    assert Post.objects.get(source=trusted).status == Post.Status.PUBLISHED
    assert Post.objects.get(source=untrusted).status == Post.Status.PENDING


@pytest.mark.django_db
def test_a_moderation_keyword_holds_back_even_a_trusted_source(partner):
    settings = ModerationSettings.load()
    settings.keywords = "Aanslag\n"
    settings.save()
    source = SourceFactory(partner=partner, url="https://a.example.org/feed", trusted=True)
    ingest_document(source, rss(("1", "Gewoon nieuws"), ("2", "Verijdelde aanslag in haven")))
    statuses = dict(Post.objects.values_list("identity", "status"))
    assert statuses == {"1": Post.Status.PUBLISHED, "2": Post.Status.PENDING}


@pytest.mark.django_db
def test_changed_entries_are_updated_and_keep_their_moderation(partner):
    source = SourceFactory(partner=partner, url="https://a.example.org/feed")
    ingest_document(source, rss(("1", "Oude titel"), ("2", "Blijft")))
    post = Post.objects.get(identity="1")
    post.status = Post.Status.REJECTED
    post.rejection_reason = "Geen lokaal nieuws"
    post.save()
    summary = ingest_document(source, rss(("1", "Nieuwe titel"), ("2", "Blijft")))
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 1)
    post.refresh_from_db()
    assert post.title == "Nieuwe titel"
    assert post.status == Post.Status.REJECTED
    assert post.rejection_reason == "Geen lokaal nieuws"


@pytest.mark.django_db
def test_the_same_guid_twice_in_one_document_makes_one_post(partner):
    source = SourceFactory(partner=partner, url="https://a.example.org/feed")
    summary = ingest_document(source, (FIXTURES / "duplicate-guid.xml").read_bytes())
    assert Post.objects.filter(source=source).count() == summary.new
    identities = list(Post.objects.values_list("identity", flat=True))
    assert len(identities) == len(set(identities))


@pytest.mark.django_db
def test_hostile_fields_are_stored_harmless(partner):
    source = SourceFactory(partner=partner, url="https://a.example.org/feed", trusted=True)
    ingest_document(source, (FIXTURES / "hostile-fields.xml").read_bytes())
    for post in Post.objects.filter(source=source):
        for value in (post.title, post.summary):
            assert not re.search(r"<\s*[a-z/!]", value, re.I), value  # plain text, no tags
        assert_harmless(post.body)
        assert not post.link.startswith("javascript")
        assert not post.enclosure_url.startswith("javascript")
        for tag in post.tags.names():
            assert "<" not in tag and "script" not in tag.lower()


@pytest.mark.django_db
def test_categories_become_tags_and_known_wijken(partner):
    WijkFactory(name="Havenkwartier", slug="havenkwartier")
    source = SourceFactory(partner=partner, url="https://a.example.org/feed")
    extra = ""
    doc = rss(("1", "Kade"), extra=extra).replace(
        b"<title>Kade</title>",
        b"<title>Kade</title><category>Havenkwartier</category>"
        b"<category>Verkeer</category><category>verkeer</category>",
    )
    ingest_document(source, doc)
    post = Post.objects.get(identity="1")
    assert sorted(name.lower() for name in post.tags.names()) == ["havenkwartier", "verkeer"]
    assert list(post.wijken.values_list("slug", flat=True)) == ["havenkwartier"]


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"", b"not a feed at all", b"<html><body>Hi</body></html>"])
def test_a_document_that_yields_nothing_is_an_error_and_touches_nothing(partner, content):
    source = SourceFactory(partner=partner, url="https://a.example.org/feed")
    ingest_document(source, rss(("1", "Bewaard")))
    with pytest.raises(ParseError):
        ingest_document(source, content)
    assert list(Post.objects.values_list("title", flat=True)) == ["Bewaard"]


@pytest.mark.django_db
def test_feed_title_and_site_are_remembered(partner):
    source = SourceFactory(partner=partner, url="https://a.example.org/feed")
    ingest_document(source, rss(("1", "Een"), title="Omroep West Nieuws"))
    source = Source.objects.get(pk=source.pk)
    assert source.title == "Omroep West Nieuws"
    assert source.site_url == "https://omroep.example.nl/"


@pytest.mark.django_db
def test_ingested_posts_are_found_by_search_at_once(partner):
    source = SourceFactory(partner=partner, url="https://a.example.org/feed", trusted=True)
    ingest_document(source, rss(("1", "Fietsbrug geopend"), ("2", "Markt verplaatst")))
    found = Post.objects.filter(pk__in=matching_ids("brug", Post.objects.published()))
    assert [post.identity for post in found] == ["1"]


@pytest.mark.django_db
def test_the_same_bytes_again_are_not_parsed_again(partner, monkeypatch):
    source = SourceFactory(partner=partner, url="https://feeds.example.org/same.xml")
    doc = rss(("1", "Een"), ("2", "Twee"))
    ingest_document(source, doc)

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr("feeds.ingest.parse_feed", no_parsing)
    summary = ingest_document(source, doc)
    assert (summary.new, summary.updated, summary.unchanged) == (0, 0, 2)


@pytest.mark.django_db
def test_the_same_bytes_bring_back_a_deleted_post(partner):
    source = SourceFactory(partner=partner, url="https://feeds.example.org/deleted.xml")
    doc = rss(("1", "Een"), ("2", "Twee"))
    ingest_document(source, doc)
    Post.objects.filter(source=source, identity="1").delete()
    summary = ingest_document(source, doc)
    assert (summary.new, summary.unchanged) == (1, 1)
    assert Post.objects.filter(source=source).count() == 2


@pytest.mark.django_db
def test_ingest_makes_no_query_per_entry(partner):
    # Warm up once: the first ingest also creates one-off rows (the moderation settings).
    ingest_document(
        SourceFactory(partner=partner, url="https://a.example.org/warm"), rss(("w", "Opwarmen"))
    )
    counts = []
    for n in (5, 100):
        source = SourceFactory(partner=partner, url=f"https://a.example.org/{n}", trusted=True)
        with CaptureQueriesContext(connection) as queries:
            # Entries of their own (not the same links again, which would make stories).
            ingest_document(source, rss(*[(f"{n}-{i}", f"Bericht {i}") for i in range(n)]))
        counts.append(len(queries))
    # 95 more entries may cost a few more bulk-insert batches (SQLite's parameter limit), no more.
    assert counts[1] - counts[0] <= 3, counts
