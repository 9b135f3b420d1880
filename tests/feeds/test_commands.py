"""The operator's feed commands, as run from a shell."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.search.models import IndexEntry

from feeds.models import Source
from feeds.opml import read_opml
from muurkrant.models import Post
from muurkrant.queries import matching_ids
from tests.factories import SourceFactory
from tests.feeds.documents import FIXTURES, rss

pytestmark = pytest.mark.django_db


def test_add_source(other_partner, capsys):
    call_command("add_source", "https://omroep.example.nl/rss", "--partner", other_partner.slug)
    source = Source.objects.get()
    assert (source.url, source.partner, source.trusted) == (
        "https://omroep.example.nl/rss",
        other_partner,
        False,
    )
    assert "https://omroep.example.nl/rss" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("flag", "trusted"), [((), True), (("--no-trusted",), False), (("--trusted",), True)]
)
def test_a_trusted_partners_new_feed_is_trusted_unless_told(partner, flag, trusted):
    call_command("add_source", "https://omroep.example.nl/rss", "--partner", partner.slug, *flag)
    assert Source.objects.get().trusted is trusted


def test_opml_feeds_start_as_trusted_as_their_partner(partner, tmp_path):
    path = tmp_path / "feeds.opml"
    path.write_bytes(OPML)
    call_command("import_opml", str(path), "--partner", partner.slug)
    assert set(Source.objects.values_list("trusted", flat=True)) == {True}


@pytest.mark.parametrize(
    "url",
    ["ftp://omroep.example.nl/rss", "javascript:alert(1)", "http://user:pw@omroep.example.nl/",
     "http://127.0.0.1/feed", "http://169.254.169.254/latest/", "http://[::1]/", "/relative"],
)  # fmt: skip
def test_add_source_refuses_unsafe_urls(partner, url, settings):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(CommandError):
        call_command("add_source", url, "--partner", partner.slug)
    assert not Source.objects.exists()


def test_add_source_needs_a_known_partner():
    with pytest.raises(CommandError, match="No partner"):
        call_command("add_source", "https://omroep.example.nl/rss", "--partner", "onbekend")


def test_fetch_feeds_prints_a_summary_line_per_source(http_server, partner, settings, capsys):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True
    http_server.route("/a", body=rss(("1", "Een"), ("2", "Twee")))
    http_server.route("/b", status=500)
    SourceFactory(partner=partner, url=http_server.url("/a"))
    SourceFactory(partner=partner, url=http_server.url("/b"))
    call_command("fetch_feeds")
    captured = capsys.readouterr()
    assert f"{http_server.url('/a')}: new=2 updated=0 unchanged=0" in captured.out
    assert f"{http_server.url('/b')}: new=0 updated=0 unchanged=0 error:" in captured.out
    assert "2/2" in captured.err  # the progress bar
    call_command("fetch_feeds", "--all")
    assert f"{http_server.url('/a')}: new=0 updated=0 unchanged=2" in capsys.readouterr().out


def test_fetch_feeds_for_one_source_by_id(http_server, partner, settings, capsys):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True
    http_server.route("/a", body=rss(("1", "Een")))
    source = SourceFactory(partner=partner, url=http_server.url("/a"))
    call_command("fetch_feeds", "--source", str(source.pk))
    assert "new=1 updated=0 unchanged=0" in capsys.readouterr().out


def test_ingest_file_from_a_fixture(partner, capsys):
    source = SourceFactory(partner=partner, url="https://www.stadsnieuws.example.nl/rss/Algemeen")
    path = FIXTURES / "dutch-news-ttl.xml"
    call_command("ingest_file", str(path), "--source", source.url)
    assert "new=2 updated=0 unchanged=0" in capsys.readouterr().out
    call_command("ingest_file", str(path), "--source", str(source.pk))
    assert "new=0 updated=0 unchanged=2" in capsys.readouterr().out


def test_ingest_file_writes_posts_searchable_once_not_into_a_second_index(partner, tmp_path):
    """The wall, the Pool and the admin search posts by their own search text; Wagtail's search
    index would be a second copy, written for nobody."""
    source = SourceFactory(partner=partner, url="https://omroep.example.nl/rss", trusted=True)
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(("1", "Fietsbrug geopend"), ("2", "Markt verplaatst")))
    call_command("ingest_file", str(path), "--source", source.url)
    post = Post.objects.get(identity="1")
    assert matching_ids("brug", Post.objects.published()) == [post.pk]
    assert not IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(Post))


def test_ingest_file_reports_a_broken_file_and_keeps_posts(partner, tmp_path):
    source = SourceFactory(partner=partner, url="https://omroep.example.nl/rss")
    good, bad = tmp_path / "good.xml", tmp_path / "bad.xml"
    good.write_bytes(rss(("1", "Een")))
    bad.write_bytes(b"\x00\x01 garbage")
    call_command("ingest_file", str(good), "--source", source.url)
    with pytest.raises(CommandError):
        call_command("ingest_file", str(bad), "--source", source.url)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("ingest_file", str(tmp_path / "missing.xml"), "--source", source.url)
    assert Post.objects.count() == 1


OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>Omroepen</title></head><body>
  <outline text="Radio"><outline type="rss" text="Stadsradio" xmlUrl="https://radio.example.nl/feed"
    htmlUrl="https://radio.example.nl/"/></outline>
  <outline type="rss" text="Podcast" xmlUrl="https://podcast.example.nl/rss"/>
  <outline type="rss" text="Kwaad" xmlUrl="javascript:alert(1)"/>
  <outline type="rss" text="Intern" xmlUrl="http://10.0.0.5/feed"/>
</body></opml>"""


def test_opml_round_trip(partner, tmp_path, capsys, settings):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = False
    path = tmp_path / "feeds.opml"
    path.write_bytes(OPML)
    call_command("import_opml", str(path), "--partner", partner.slug)
    assert "added=2 known=0 refused=1" in capsys.readouterr().out
    call_command("import_opml", str(path), "--partner", partner.slug)
    assert "added=0 known=2" in capsys.readouterr().out
    call_command("export_opml")
    exported = read_opml(capsys.readouterr().out.encode())
    assert sorted(o.url for o in exported) == [
        "https://podcast.example.nl/rss",
        "https://radio.example.nl/feed",
    ]


def test_import_opml_refuses_entities(partner, tmp_path):
    path = tmp_path / "evil.opml"
    path.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<opml version="2.0"><body><outline xmlUrl="https://a.example.nl/&x;"/></body></opml>'
    )
    with pytest.raises(CommandError, match="entities"):
        call_command("import_opml", str(path), "--partner", partner.slug)
    assert not Source.objects.exists()
