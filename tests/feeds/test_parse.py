"""Feed bytes to normalised entries: the fixture feeds, hostile samples, the optional corpus.

Pure tests: no database, no Django settings needed.
"""

from __future__ import annotations

import functools
import re
import resource
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from feeds import jsonfeed
from feeds.parse import Entry, ParsedFeed, ParseError, parse_feed
from mediahub.sanitize import clean_html, clean_text
from tests.feeds.documents import CORPUS, CORPUS_ABSENT, FIXTURES, corpus_feeds, sweep_params

FETCHED_AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FEED_URL = "https://omroep.example.nl/feeds/nieuws.xml"
HTTP_OR_EMPTY = re.compile(r"^(https?://[^\s]+)?$")
TAG_LIKE = re.compile(r"<[A-Za-z/!?]")


@functools.cache
def parsed(path: Path) -> ParsedFeed:
    """Each fixture or corpus file is parsed once per test session."""
    return parse_feed(
        path.read_bytes(), url=f"https://feeds.example.org/{path.name}", fetched_at=FETCHED_AT
    )


def fixture(name: str) -> ParsedFeed:
    return parsed(FIXTURES / name)


def sample(name: str, **kwargs) -> ParsedFeed:
    kwargs.setdefault("url", FEED_URL)
    kwargs.setdefault("fetched_at", FETCHED_AT)
    return parse_feed((FIXTURES / name).read_bytes(), **kwargs)


@functools.cache
def expected_counts() -> dict[Path, int]:
    """Entry counts feedparser found, from the table in the corpus's SOURCES.md."""
    table = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\S+) \| (\S+) \| (\d+) \| \S+ \|", table, re.MULTILINE)
    return {CORPUS / name: int(count) for name, version, count in rows if version != "-"}


def entries_by_id(feed: ParsedFeed) -> dict[str, Entry]:
    return {entry.identity: entry for entry in feed.entries}


# --- every fixture feed, and the corpus when it is there ------------------------------------


def test_the_corpus_is_there_when_present():
    if not CORPUS.is_dir():
        pytest.skip(CORPUS_ABSENT)
    assert len(corpus_feeds()) >= 41, CORPUS


@pytest.mark.parametrize("path", sweep_params())
def test_feed_parses_into_sane_entries(path):
    feed = parsed(path)
    if path.suffix == ".json":
        assert feed.format in ("json10", "json11")
        assert feed.entries
    else:
        expected = expected_counts().get(path) if CORPUS in path.parents else None
        if expected is None:  # a fixture, or a corpus file added after the table was written
            expected = len(feedparser.parse(path.read_bytes()).entries)
        assert len(feed.entries) == expected
    identities = [entry.identity for entry in feed.entries]
    assert len(identities) == len(set(identities))
    assert HTTP_OR_EMPTY.match(feed.info.link)
    assert not TAG_LIKE.search(feed.info.title)
    for entry in feed.entries:
        assert entry.identity and len(entry.identity) <= 500
        assert not TAG_LIKE.search(entry.title), entry.title
        assert clean_text(entry.title) == entry.title
        assert len(entry.title) <= 300
        for url in (entry.link, entry.thumbnail_url, entry.enclosure_url, entry.video_url):
            assert HTTP_OR_EMPTY.match(url), url
        assert entry.published.tzinfo is not None
        assert entry.published.utcoffset() == timedelta(0)
        assert entry.published <= FETCHED_AT + timedelta(days=1)
        assert entry.updated is None or entry.updated.utcoffset() == timedelta(0)
        assert entry.kind in ("article", "video", "audio")
        assert entry.video_provider in ("youtube", "vimeo", "peertube", "")
        assert len(entry.tags) <= 20
        assert len({tag.casefold() for tag in entry.tags}) == len(entry.tags)
        assert all(0 < len(tag) <= 100 and not TAG_LIKE.search(tag) for tag in entry.tags)
        assert re.fullmatch(r"[0-9a-f]{40}", entry.content_hash)
        assert entry.base_url.startswith(("http://", "https://"))


@pytest.mark.parametrize("path", sweep_params())
def test_feed_html_sanitises_cleanly_and_idempotently(path):
    inside_tag = re.compile(r"<[a-z][^>]*>", re.I)
    for entry in parsed(path).entries:
        for html in (entry.summary_html, entry.content_html):
            once = clean_html(html, base_url=entry.base_url)
            assert clean_html(once, base_url=entry.base_url) == once
            for tag in inside_tag.findall(once):
                assert not re.search(r"\son\w+=|style=|<(script|iframe|svg|object)", tag, re.I)
                assert not re.search(r'(href|src|cite)="(?!https?://|mailto:)', tag), tag


# --- formats and quirks, from the fixture feeds ---------------------------------------------


def test_parsing_twice_gives_identical_hashes():
    path = FIXTURES / "wordpress-leading-blank-line.xml"
    again = parse_feed(
        path.read_bytes(),
        url=f"https://feeds.example.org/{path.name}",
        fetched_at=FETCHED_AT + timedelta(hours=3),
    )
    assert [e.content_hash for e in again.entries] == [e.content_hash for e in parsed(path).entries]


def test_youtube_entries_are_videos():
    raw = (FIXTURES / "youtube-channel.xml").read_text(encoding="utf-8")
    video_ids = re.findall(r"<yt:videoId>([^<]+)</yt:videoId>", raw)
    thumbnails = re.findall(r'<media:thumbnail url="([^"]+)"', raw)
    feed = fixture("youtube-channel.xml")
    assert len(video_ids) == 3
    assert [e.video_id for e in feed.entries] == video_ids
    assert [e.thumbnail_url for e in feed.entries] == thumbnails
    for entry in feed.entries:
        assert (entry.kind, entry.video_provider) == ("video", "youtube")
        assert entry.video_url == f"https://www.youtube.com/watch?v={entry.video_id}"


def test_peertube_entries_are_videos():
    feed = fixture("peertube-channel.xml")
    assert len(feed.entries) == 2
    for entry in feed.entries:
        assert (entry.kind, entry.video_provider) == ("video", "peertube")
        assert entry.video_id in entry.link
        assert entry.video_url == f"https://video.omroep.example.nl/videos/watch/{entry.video_id}"
        assert entry.thumbnail_url == (
            f"https://video.omroep.example.nl/static/thumbnails/{entry.video_id}.jpg"
        )


def test_vimeo_channel_entries_are_videos():
    feed = fixture("vimeo-channel.xml")
    assert [(e.kind, e.video_provider, e.video_id) for e in feed.entries] == [
        ("video", "vimeo", "884412345"),
        ("video", "vimeo", "884400001"),
    ]
    first = feed.entries[0]
    assert first.video_url == "https://vimeo.com/884412345"
    assert first.thumbnail_url == "https://i.vimeocdn.com/video/1751234567-abc_960"


def test_media_player_entries_are_videos_with_duration():
    first = fixture("mediarss-player.xml").entries[0]
    assert first.kind == "video"
    assert first.video_url == "https://tv.example.org/play/embed/23844400"
    assert first.duration_seconds == 823
    assert first.title == "Het weekoverzicht"  # the newline inside <title> is gone


def test_video_enclosure_beats_image_enclosure():
    first, second = fixture("multi-enclosure.xml").entries
    assert first.kind == "video"
    assert first.enclosure_type == "video/mp4"
    assert first.thumbnail_url.endswith("stadsbus-7e8815.jpg")
    assert (second.kind, second.enclosure_url) == ("article", "")
    assert second.thumbnail_url.endswith("rotonde-1.jpg")


def test_podcast_entries_are_audio_with_duration_and_enclosure():
    raw = (FIXTURES / "podcast.xml").read_bytes()
    unknown = raw.count(b">0</itunes:duration>")  # "0": not known
    entries = fixture("podcast.xml").entries
    assert len(entries) == 4 and unknown == 1
    for entry in entries:
        assert entry.kind == "audio"
        assert entry.enclosure_type.startswith("audio/")
        assert entry.enclosure_url.startswith(("http://", "https://"))
        assert entry.duration_seconds is None or entry.duration_seconds > 0
    assert sum(entry.duration_seconds is None for entry in entries) == unknown


def test_podcast_details():
    first, second, third, fourth = fixture("podcast.xml").entries
    assert first.duration_seconds == 1 * 3600 + 36 * 60 + 29
    assert first.enclosure_length == 105003355
    assert first.thumbnail_url == "https://radio.example.nl/img/stadsraad-207.jpg"
    assert (second.duration_seconds, third.duration_seconds) == (2895, 10 * 60 + 5)
    assert fourth.enclosure_length is None  # length="0" means unknown
    assert fixture("podcast.xml").info.ttl_minutes == 60


def test_image_enclosure_is_the_thumbnail_and_a_non_url_guid_is_kept():
    first = fixture("rss-xmlbase-image-enclosure.xml").entries[0]
    assert first.identity == "87241 at https://www.wijkkrant.example.nl"
    assert first.thumbnail_url == (
        "https://www.wijkkrant.example.nl/sites/default/files/styles/crop/public/"
        "fietsstraat_1.png?itok=zhMUfG6v"
    )
    assert first.enclosure_url == ""
    assert first.kind == "article"
    assert first.language == "nl"
    assert first.tags == ["Politiek", "artikel"]


def test_xml_base_makes_links_and_content_urls_absolute():
    feed = fixture("atom-xmlbase.atom")
    assert feed.format == "atom10"
    assert feed.info.link == "https://blog.omroep.example.nl/"
    studio, jubilee = feed.entries
    assert studio.link == "https://blog.omroep.example.nl/2026/11/studio"
    assert jubilee.link == "https://archief.omroep.example.nl/blog/tien-jaar"  # entry xml:base
    assert studio.base_url == "https://blog.omroep.example.nl/2026/11/"
    assert 'href="/misc/2026/11/studio-plattegrond.png"' in studio.content_html  # raw stays raw
    cleaned = clean_html(studio.content_html, base_url=studio.base_url)
    assert 'href="https://blog.omroep.example.nl/misc/2026/11/studio-plattegrond.png"' in cleaned
    assert studio.thumbnail_url == "https://blog.omroep.example.nl/2026/11/studio.jpg"
    assert jubilee.title == "Tien jaar Stadsjournaal & meer"  # type="html" title, plain now
    assert "terugblik" in jubilee.content_html  # type="xhtml" content


def test_relative_image_in_content_becomes_an_absolute_thumbnail():
    path = FIXTURES / "rss-pi-relative-img.rss"
    feed = parse_feed(
        path.read_bytes(), url="https://www.sportclub.example.nl/rss", fetched_at=FETCHED_AT
    )
    assert feed.entries[0].thumbnail_url == (
        "https://www.sportclub.example.nl/pictures/100/scheids.jpg"
    )
    assert feed.entries[0].author == ""  # only an e-mail address in <author>
    assert feed.entries[0].title == "Scheidsrechter voor de derby bekend"


def test_latin1_without_declaration_reads_accents_and_warns():
    feed = fixture("latin1-no-declaration.xml")
    text = " ".join(e.title for e in feed.entries)
    assert "é" in text and "ç" in text
    assert "Ã" not in text and "\ufffd" not in text
    assert any("read as windows-1252" in w for w in feed.warnings)


def test_declared_legacy_encodings_are_read_correctly():
    assert "ΕΠΙΚΑΙΡΟΤΗΤΑ" in fixture("greek-iso-8859-7.xml").info.title
    assert fixture("cyrillic-windows-1251.xml").info.title == "Городские новости"
    assert fixture("chinese-gb2312.rss").entries[0].title == "周末社区活动"
    assert fixture("chinese-gb2312.rss").warnings == []
    assert fixture("rss10-latin1.rdf").entries[0].title == "Konzert im Rathaus für alle Bürger"


def test_utf8_bytes_declared_as_windows_1252_are_read_as_utf8():
    feed = fixture("utf8-declared-windows-1252.xml")
    assert feed.info.title == "Euro €"
    assert feed.entries == []  # a channel without items is not an error
    assert feed.warnings == ["Declared encoding (windows-1252) was wrong; the bytes are UTF-8."]


@pytest.mark.parametrize("name", ["wordpress-leading-blank-line.xml", "youtube-channel.xml"])
def test_blank_lines_before_the_declaration_are_tolerated(name):
    assert fixture(name).warnings == ["Removed blank space before the XML declaration."]


def test_rss_090_091_and_10_are_read():
    assert (fixture("rss090.rdf").format, len(fixture("rss090.rdf").entries)) == ("rss090", 2)
    assert (fixture("rss091.xml").format, fixture("rss091.xml").info.language) == ("rss091n", "nl")
    rdf = fixture("rss10-latin1.rdf")
    assert (rdf.format, rdf.info.language, rdf.entries[0].tags) == ("rss10", "de", ["Konzert"])


def test_feed_info_ttl_and_language():
    assert fixture("dutch-news-ttl.xml").info.ttl_minutes == 60
    assert fixture("rss10-latin1.rdf").info.ttl_minutes == 10  # hourly, 6 times
    assert fixture("wordpress-leading-blank-line.xml").info.ttl_minutes == 60
    assert fixture("mediarss-image-sizes.rss").info.language == "en"


def test_largest_media_content_image_is_the_thumbnail():
    first = fixture("mediarss-image-sizes.rss").entries[0]
    assert "w=460" in first.thumbnail_url


def test_no_guid_feeds_use_the_link():
    feed = fixture("bom-noguid.xml")
    assert [entry.identity for entry in feed.entries] == [entry.link for entry in feed.entries]
    assert feed.info.title == "Kunstkalender"  # the byte order mark is no obstacle


def test_json_feeds_with_feed_level_author_and_escaped_slashes():
    radio = fixture("jsonfeed-v1-podcast.json")
    assert radio.format == "json10"
    assert radio.entries[0].author == "Radio Stad"  # the feed-level author applies
    escaped = fixture("jsonfeed-v11-escaped-slashes.json")
    assert escaped.format == "json11"
    assert escaped.entries[0].link == "https://studio.example.nl/updates/nieuw-lettertype"
    assert escaped.entries[1].author == "Studio Noord"


# --- hand-written samples --------------------------------------------------------------------


def test_no_guid_identity_is_the_link_without_tracking_parameters():
    feed = sample("noguid-tracking.xml")
    first, second, third = feed.entries
    assert first.identity == "https://omroep.example.nl/nieuws/markt?id=7&page=2"
    assert "utm_source=rss" in first.link  # the link itself is left alone
    assert second.identity == "https://omroep.example.nl/nieuws/kermis"
    assert third.identity.startswith("sha1:") and len(third.identity) == 45


def test_identity_is_stable_when_only_tracking_parameters_change():
    xml = (FIXTURES / "noguid-tracking.xml").read_bytes()
    changed = xml.replace(b"utm_source=rss", b"utm_source=newsletter")
    first = parse_feed(xml, url=FEED_URL, fetched_at=FETCHED_AT).entries[0]
    again = parse_feed(changed, url=FEED_URL, fetched_at=FETCHED_AT).entries[0]
    assert first.identity == again.identity
    assert first.content_hash != again.content_hash


def test_long_identities_are_hashed():
    guid = "x" * 800
    xml = f"<rss version='2.0'><channel><title>t</title><item><guid>{guid}</guid></item></channel>"
    entry = parse_feed(xml.encode(), url=FEED_URL, fetched_at=FETCHED_AT).entries[0]
    assert entry.identity.startswith("sha1:") and len(entry.identity) == 45


def test_missing_future_and_nonsense_dates():
    fetched_at = datetime(2026, 3, 2, 12, 30, tzinfo=UTC)
    feed = sample("dates.xml", fetched_at=fetched_at)
    by_id = entries_by_id(feed)
    assert (by_id["d-missing"].published, by_id["d-missing"].date_flagged) == (fetched_at, False)
    for flagged in ("d-future", "d-nonsense", "d-ancient"):
        assert (by_id[flagged].published, by_id[flagged].date_flagged) == (fetched_at, True)
    assert by_id["d-soon"].published == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert by_id["d-good"].published == datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    assert not by_id["d-good"].date_flagged
    assert any(w.startswith("3 entries had an unusable date") for w in feed.warnings)
    assert by_id["d-missing"].link == ""  # a non-URL permalink guid is not a link


def test_naive_fetched_at_is_taken_as_utc():
    feed = sample("dates.xml", fetched_at=datetime(2026, 3, 2, 12, 30))
    assert entries_by_id(feed)["d-missing"].published == datetime(2026, 3, 2, 12, 30, tzinfo=UTC)


def test_duplicate_guid_keeps_the_first_entry():
    feed = sample("duplicate-guid.xml")
    assert [e.identity for e in feed.entries] == ["artikel-42", "artikel-43"]
    assert feed.entries[0].title == "Eerste versie"
    assert "Skipped 1 entries that repeat an earlier entry's id." in feed.warnings


def test_hostile_markup_in_text_fields_becomes_plain_text():
    feed = sample("hostile-fields.xml")
    assert feed.info.title == "Omroep West"
    assert feed.info.link == ""
    hostile = entries_by_id(feed)["hostile-1"]
    assert hostile.title == "Brand in centrum"
    assert hostile.author == "Jan"
    assert hostile.tags == ["Politiek", "Sport", "Cultuur"]
    for text in (hostile.title, hostile.author, *hostile.tags):
        assert "<" not in text and "alert" not in text
    assert hostile.link == "" and hostile.enclosure_url == "" and hostile.kind == "article"
    assert "<script>" in hostile.summary_html  # raw: ingest sanitises it
    assert "<script" not in clean_html(hostile.summary_html, base_url=hostile.base_url)
    friendly = entries_by_id(feed)["hostile-2"]
    assert friendly.title == "Tom & Jerry <3 – “quotes”"
    assert friendly.author == ""  # a bare e-mail address is not shown


def test_relative_urls_are_resolved_against_the_feed_and_xml_base():
    feed = sample("relative-urls.xml")
    first, second = feed.entries
    assert feed.info.link == "https://omroep.example.nl/"
    assert (feed.info.language, feed.info.ttl_minutes) == ("nl", 15)
    assert first.link == "https://omroep.example.nl/nieuws/relatief"
    assert first.enclosure_url == "https://omroep.example.nl/media/uitzending.mp3"
    assert first.thumbnail_url == "https://omroep.example.nl/feeds/img/foto.jpg"
    assert (first.kind, first.duration_seconds, first.enclosure_length) == ("audio", 754, 1234)
    assert second.link == "https://cdn.example.org/archief/stuk.html"
    assert second.thumbnail_url == "https://cdn.example.org/archief/plaatje.png"  # pixel skipped
    assert second.base_url == "https://cdn.example.org/archief/"


def test_kind_detection_from_links_and_enclosures():
    by_id = entries_by_id(sample("video-links.xml"))
    assert (by_id["v-vimeo"].video_provider, by_id["v-vimeo"].video_id) == ("vimeo", "76979871")
    assert by_id["v-vimeo"].video_url == "https://vimeo.com/76979871"
    assert by_id["v-youtu-be"].video_id == "dQw4w9WgXcQ"
    assert by_id["v-youtu-be"].video_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert by_id["v-shorts"].video_id == "abcdefghijk"
    assert (by_id["v-peertube"].video_provider, by_id["v-peertube"].video_id) == (
        "peertube",
        "9c9de5e8Kw3h4YxbcwWDWN",
    )
    assert by_id["v-file"].kind == "video"
    assert by_id["v-file"].video_url == "https://media.omroep.example.nl/tv1.mp4"
    assert (by_id["a-1"].kind, by_id["a-1"].duration_seconds) == ("audio", 3723)
    assert by_id["a-1"].enclosure_length is None  # length="0" means unknown
    assert (by_id["a-2"].kind, by_id["a-2"].duration_seconds) == ("audio", 95)
    assert by_id["a-2"].enclosure_length == 2048
    assert by_id["art-1"].kind == "article"


@pytest.mark.parametrize("name", ["jsonfeed-v1-podcast.json", "jsonfeed-v11-podcast.json"])
def test_json_feed_attachments_are_audio_with_duration(name):
    feed = sample(name)
    first = feed.entries[0]
    assert first.kind == "audio"
    assert first.enclosure_url.startswith("https://cdn.")
    assert first.duration_seconds in (1806, 600)
    assert first.enclosure_length in (30123456, 4200000)


def test_json_feed_1_0_details():
    feed = sample("jsonfeed-v1-podcast.json")
    assert feed.format == "json10"
    assert feed.warnings == ["Skipped item 2: it is not a JSON object."]
    first, second = feed.entries
    assert first.identity == "1001"  # numeric ids become strings
    assert first.tags == ["Politiek", "Raad"]
    assert first.content_html == (
        "<p>Eerste alinea.</p><p>Tweede alinea met &lt;tekens&gt; &amp; zo.</p>"
    )
    assert first.author == "Radio Stad"
    assert first.published == datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    assert second.thumbnail_url == "https://omroep.example.nl/plaatjes/1002.jpg"
    assert (second.published, second.date_flagged) == (FETCHED_AT, False)


def test_json_feed_1_1_details():
    feed = sample("jsonfeed-v11-podcast.json")
    assert (feed.format, feed.info.language, feed.info.title) == ("json11", "nl", "Stadsomroep")
    first, second = feed.entries
    assert first.title == "Het Stadsjournaal & meer"
    assert first.author == "Fatima de Vries"
    assert first.thumbnail_url == "https://omroep.example.nl/img/77.jpg"
    assert first.updated == datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
    assert second.link == "https://elders.example.org/artikel"  # external_url when no url
    assert second.author == "Redactie Stadsomroep"
    assert second.date_flagged


def test_json_detected_by_content_type_or_first_byte():
    body = (FIXTURES / "jsonfeed-v11-podcast.json").read_bytes()
    assert parse_feed(b"\n  " + body, url=FEED_URL, fetched_at=FETCHED_AT).format == "json11"
    bom = b"\xef\xbb\xbf" + body
    assert parse_feed(bom, url=FEED_URL, fetched_at=FETCHED_AT).format == "json11"


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "", "The document is empty."),
        (b"  \n\t ", "application/rss+xml", "The document is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\xfd", "", "not a readable feed"),
        (bytes(range(256)) * 4, "application/octet-stream", "not a readable feed"),
        (b"{not json at all", "", "not valid JSON"),
        (b'{"title": "no version"}', "application/json", "not a JSON Feed"),
        (b'[{"version": "https://jsonfeed.org/version/1.1"}]', "", "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "", "no list"),
        (b"Just some text", "text/plain", "not a readable feed"),
        (b"<?xml version='1.0'?><config><a>1</a></config>", "", "not an RSS, Atom, RDF"),
        (b'<?xml version="1.0" encoding="\xe1\xe2"?><rss><channel>', "", "too damaged to parse"),
    ],
)
def test_unusable_documents_raise_parse_error_in_plain_words(body, content_type, message):
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_feed(body, url=FEED_URL, fetched_at=FETCHED_AT, content_type=content_type)


def test_an_html_page_is_not_a_feed():
    with pytest.raises(ParseError, match="HTML web page, not a feed"):
        sample("html-page.html", content_type="text/html; charset=utf-8")


def test_broken_xml_is_recovered_with_a_warning():
    xml = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Kapot</title>'
        b"<item><title>Een</title><guid>1</guid></item>"
        b"<item><title>Twee & drie <b></title><guid>2</guid></item>"
        b"<item><title>Vier</title><guid>4</guid></item>"
    )
    feed = parse_feed(xml, url=FEED_URL, fetched_at=FETCHED_AT)
    assert [e.identity for e in feed.entries] == ["1", "2", "4"]
    assert any(w.startswith("The feed is not well-formed XML (") for w in feed.warnings)
    assert "line 2" in " ".join(feed.warnings)


def test_broken_character_references_are_repaired():
    xml = (
        b'<rss version="2.0"><channel><title>Emoji</title><item><guid>1</guid>'
        b"<title>Feest &#55357;&#56832; half &#xD800; te groot &#x110000; &#99999999999;</title>"
        b"</item><item><guid>2</guid><title>Buurman</title></item></channel></rss>"
    )
    feed = parse_feed(xml, url=FEED_URL, fetched_at=FETCHED_AT)
    assert [e.title for e in feed.entries] == [
        "Feest \U0001f600 half \ufffd te groot \ufffd \ufffd",
        "Buurman",
    ]
    assert feed.warnings == ["Replaced invalid character references (such as halves of an emoji)."]


def test_one_unreadable_entry_does_not_poison_its_neighbours(monkeypatch):
    import feeds.parse

    real_tags = feeds.parse._tags

    def exploding_tags(raw_tags):
        if any(tag.get("term") == "boem" for tag in raw_tags or ()):
            raise ValueError("kapot")
        return real_tags(raw_tags)

    monkeypatch.setattr(feeds.parse, "_tags", exploding_tags)
    xml = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><guid>1</guid><category>ok</category></item>"
        b"<item><guid>2</guid><category>boem</category></item>"
        b"<item><guid>3</guid></item></channel></rss>"
    )
    feed = parse_feed(xml, url=FEED_URL, fetched_at=FETCHED_AT)
    assert [e.identity for e in feed.entries] == ["1", "3"]
    assert feed.warnings[0].startswith("Skipped entry 2: it could not be read (ValueError(")


@pytest.mark.parametrize("name", ["billion-laughs.xml", "billion-laughs-oneline.xml"])
def test_billion_laughs_is_never_expanded(name, monkeypatch):
    handed_over = []
    real_parse = feedparser.parse
    monkeypatch.setattr(
        feedparser, "parse", lambda doc, **kw: handed_over.append(doc) or real_parse(doc, **kw)
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    feed = sample(name)
    assert b"<!ENTITY" not in handed_over[0]  # the declarations never reach expat
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 20_000  # KiB
    assert feed.info.title == "Lachsalvo"
    assert [e.identity for e in feed.entries] == ["laugh-1", "laugh-2"]
    assert "lollol" not in feed.entries[0].title + feed.entries[0].summary_html
    assert feed.warnings[0] == (
        "Ignored entity declarations in the DOCTYPE; XML entities are never expanded."
    )


@pytest.mark.parametrize("name", ["xxe-file.xml", "xxe-parameter-entity.xml"])
def test_external_entities_are_never_loaded(name):
    feed = sample(name)
    text = feed.info.title + "".join(e.title + e.summary_html for e in feed.entries)
    assert "root:" not in text and "/bin/" not in text
    assert feed.entries
    assert "Ignored entity declarations" in feed.warnings[0]


def test_entity_declarations_in_utf16_are_refused():
    xml = (FIXTURES / "xxe-file.xml").read_text(encoding="utf-8")
    body = xml.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    with pytest.raises(ParseError, match="declares its own XML entities"):
        parse_feed(body, url=FEED_URL, fetched_at=FETCHED_AT)


def test_harmless_doctypes_are_left_alone():
    xml = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91'
        b'//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91">'
        b"<channel><title>Oud</title><item><title>Een</title><link>https://x.example/1</link></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(xml, url=FEED_URL, fetched_at=FETCHED_AT)
    assert (feed.info.title, len(feed.entries), feed.warnings) == ("Oud", 1, [])


def test_feedparser_only_ever_gets_bytes(monkeypatch):
    seen = []
    real_parse = feedparser.parse

    def spy(document, *args, **kwargs):
        seen.append(type(document))
        return real_parse(document, *args, **kwargs)

    monkeypatch.setattr(feedparser, "parse", spy)
    sample("video-links.xml", content_type="text/xml")
    assert seen == [bytes]
    with pytest.raises(TypeError):
        parse_feed("/etc/passwd", url=FEED_URL, fetched_at=FETCHED_AT)  # type: ignore[arg-type]


def test_http_charset_is_honoured():
    xml = '<rss version="2.0"><channel><title>Café</title></channel></rss>'.encode("latin-1")
    feed = parse_feed(
        xml, url=FEED_URL, fetched_at=FETCHED_AT, content_type="text/xml; charset=ISO-8859-1"
    )
    assert (feed.info.title, feed.warnings) == ("Café", [])


def test_jsonfeed_reader_errors_directly():
    with pytest.raises(jsonfeed.JSONFeedError):
        jsonfeed.parse(b'{"version": "https://example.org/not-jsonfeed"}')
