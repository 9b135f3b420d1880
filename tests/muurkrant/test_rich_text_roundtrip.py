"""Whatever a feed, the API or a partner stores in a post's body, the admin's editor opens it and
saving it unchanged keeps its text and structure: the sanitiser and the editor share one policy."""

import importlib
import random
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.apps import apps as django_apps
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.rich_text import features as feature_registry

from feeds.errors import ParseError
from feeds.ingest import ingest_document
from mediahub.sanitize import ALLOWED_TAGS, EDITOR_FEATURES, clean_html, clean_text
from muurkrant.models import Post
from tests.factories import SourceFactory
from tests.feeds.documents import CORPUS_ABSENT, FIXTURES, corpus_feeds
from tests.muurkrant.test_api import api, token  # noqa: F401 - the API's client, as a fixture

POSTS = "/admin/snippets/muurkrant/post/"
DEMO = Path(__file__).resolve().parents[2] / "feeds" / "static" / "feeds" / "demo"

HOSTILE_BODIES = [
    "<b><p>x</p></b>",
    "<i><b><p>een</p><p>twee</p></b></i>",
    '<a href="https://omroep.example.nl/"><h2>Kop</h2><p>tekst</p></a>',
    "<p>regel<br>regel</p><p>a<img src='https://cdn.example/a.jpg' alt='foto'>b</p>",
    "losse tekst<p>alinea</p>meer <b>losse</b> tekst<hr>slot",
    "<table><tr><th>Wijk</th><th>Stemmen</th></tr><tr><td><p>Noord</p></td><td>12</td></tr></table>",
    "<pre>regel 1\nregel 2\n  ingesprongen</pre><pre><code>x = 1</code></pre>",
    "<ul><li>een<ul><li>diep<ol><li>dieper</li></ol></li></ul>na</li><li><p>twee</p><p>drie</p></li></ul>",
    "<ul><ul><li>zonder ouder</li></ul>losse tekst in lijst<li>b</li></ul>",
    "<blockquote><p>citaat een</p><p>citaat <b>twee</b></p></blockquote>",
    "<figure><img src='https://cdn.example/b.jpg'><figcaption>Onderschrift</figcaption></figure>",
    "<dl><dt>term</dt><dd>uitleg</dd></dl><div><div>diep <span>genest</span></div></div>",
    "<h1>Groot</h1><h5>Klein</h5><h6>Kleinst</h6><p><u>onder</u> <q>citaat</q></p>",
    "<b>vet <i>schuin <s>door</s></i></b> H<sub>2</sub>O x<sup>2</sup> <code>code</code>",
    "<p><b></b><i> </i></p><p>&nbsp;</p><p><br></p><b><ul><li>vet item</li></ul></b>",
    "<li>los item</li><p>na</p><h2><p>alinea in kop</p></h2>",
]


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def shape(html: str) -> tuple[list[str], set[str]]:
    """A body's blocks in order, and the inline markup it uses.

    The editor may nest inline styles in another order, or merge neighbouring lists and equal
    styles, so the exact markup is not compared.
    """
    cleaned = clean_html(html)
    blocks = re.findall(r"<(p|h2|h3|h4|blockquote|li|hr)\b", cleaned)
    return blocks, set(re.findall(r"<(b|i|a|code|sub|sup|s)\b", cleaned))


def save_unchanged(client, post: Post) -> str:
    """Open the post in the admin and post its edit form back as the page rendered it."""
    url = f"{POSTS}edit/{post.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    form = soup.find("input", attrs={"name": "body"}).find_parent("form")
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.get("type") in ("checkbox", "radio") and not field.has_attr("checked"):
            continue
        if field.name == "textarea":
            value = field.string or ""
        elif field.name == "select":
            chosen = field.find_all("option", selected=True)
            value = [option.get("value", "") for option in chosen]
            data.setdefault(name, []).extend(value)
            continue
        else:
            value = field.get("value", "")
        data.setdefault(name, []).append(value)
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    post.refresh_from_db()
    return post.body


def assert_round_trip(client, post: Post) -> None:
    before = post.body
    after = save_unchanged(client, post)
    assert clean_text(after) == clean_text(before)
    assert shape(after) == shape(before)


def fixture_feeds() -> list:
    """Every feed the repository holds (fixtures and the demo's), then the corpus when present."""
    files = [
        p for folder in (FIXTURES, DEMO) for p in sorted(folder.iterdir()) if p.suffix != ".md"
    ]
    params = [pytest.param(p, id=f"{p.parent.name}/{p.name}") for p in files]
    corpus = [pytest.param(p, id=f"corpus/{p.parent.name}/{p.name}") for p in corpus_feeds()]
    return params + (
        corpus or [pytest.param(None, id="corpus", marks=pytest.mark.skip(reason=CORPUS_ABSENT))]
    )


@pytest.mark.parametrize("path", fixture_feeds())
def test_every_ingested_post_survives_an_unchanged_save_in_the_admin(path, partner, editor_client):
    source = SourceFactory(partner=partner, url="https://omroep.example.nl/feed.xml")
    try:
        ingest_document(source, path.read_bytes())
    except ParseError:
        pytest.skip(f"{path.name} yields no posts")
    posts = list(Post.objects.exclude(body=""))
    if not posts:
        pytest.skip(f"{path.name} has no post with a body")
    converter = ContentstateConverter(list(EDITOR_FEATURES))
    one_per_markup = {}
    for post in posts:
        written = converter.to_database_format(converter.from_database_format(post.body))
        assert (clean_text(written), shape(written)) == (clean_text(post.body), shape(post.body))
        one_per_markup.setdefault(frozenset(re.findall(r"<([a-z0-9]+)", post.body)), post)
    for post in one_per_markup.values():  # through the admin: each kind of markup once
        assert_round_trip(editor_client, post)


@pytest.mark.django_db
@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_an_api_body_survives_an_unchanged_save_in_the_admin(body, api, editor_client):  # noqa: F811
    response = api("post", "/posts", {"title": "Geneste opmaak", "body": body})

    assert response.status_code == 201
    post = Post.objects.get()
    assert re.sub(r"[\s|]", "", clean_text(post.body)) == re.sub(r"[\s|]", "", clean_text(body))
    assert_round_trip(editor_client, post)


# A small grammar of the HTML that turns up in feeds, for generated bodies.
_INLINE = ["b", "strong", "i", "em", "u", "s", "sub", "sup", "code", "span", "q", "abbr", "a"]
_BLOCK = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "figure"]
_WORDS = ["Rivierstad", "brug", "raad", "markt", "wijk", "fiets", "school", "haven", "feest"]


def _fragment(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        return " ".join(rng.sample(_WORDS, rng.randint(1, 3)))
    children = "".join(_fragment(rng, depth - 1) for _ in range(rng.randint(1, 3)))
    roll = rng.random()
    if roll < 0.35:
        tag = rng.choice(_INLINE)
        attrs = ' href="https://omroep.example.nl/x"' if tag == "a" else ""
        return f"<{tag}{attrs}>{children}</{tag}>"
    if roll < 0.65:
        tag = rng.choice(_BLOCK)
        return f"<{tag}>{children}</{tag}>"
    if roll < 0.8:
        tag = rng.choice(["ul", "ol"])
        items = "".join(f"<li>{_fragment(rng, depth - 1)}</li>" for _ in range(rng.randint(1, 3)))
        return f"<{tag}>{items}{children if rng.random() < 0.3 else ''}</{tag}>"
    if roll < 0.9:
        cells = "".join(f"<td>{_fragment(rng, depth - 1)}</td>" for _ in range(rng.randint(1, 3)))
        return f"<table><tr>{cells}</tr><tr><th>{children}</th></tr></table>"
    if roll < 0.95:
        return f"{children}<br>{rng.choice(['<hr>', '<img src=x.jpg>', ''])}"
    return rng.choice(["<b>", "<i>", "</p>", "<li>", "<td>", "</b>"]) + children  # unbalanced


GENERATED = [_fragment(random.Random(seed), 5) for seed in range(400)]


@pytest.fixture(scope="module")
def converter():
    return ContentstateConverter(list(EDITOR_FEATURES))


@pytest.mark.parametrize("html", HOSTILE_BODIES + GENERATED)
def test_the_editor_reads_and_writes_back_whatever_the_sanitiser_keeps(html, converter):
    cleaned = clean_html(html)

    written = converter.to_database_format(converter.from_database_format(cleaned))

    assert clean_html(cleaned) == cleaned
    assert re.sub(r"[\s|]", "", clean_text(cleaned)) == re.sub(r"[\s|]", "", clean_text(html))
    assert clean_text(written) == clean_text(cleaned)
    assert shape(written) == shape(cleaned)


@pytest.mark.parametrize(("feature", "tags"), EDITOR_FEATURES.items())
def test_each_declared_feature_stores_exactly_its_declared_tags(feature, tags):
    """Wagtail's converter for the feature writes the tags we declared for it, and nothing more."""
    converter = ContentstateConverter([feature])
    sample = {
        "ol": "<ol><li>x</li></ol>",
        "ul": "<ul><li>x</li></ul>",
        "link": '<p><a href="https://x.example/">x</a></p>',
        "hr": "<p>x</p><hr/>",
    }.get(feature, f"<p><{tags[0]}>x</{tags[0]}></p>")
    if tags[0] in ("h2", "h3", "h4", "blockquote"):
        sample = f"<{tags[0]}>x</{tags[0]}>"

    written = converter.to_database_format(converter.from_database_format(sample))

    assert feature_registry.get_editor_plugin("draftail", feature) is not None
    assert set(re.findall(r"<([a-z][a-z0-9]*)", written)) - {"p"} == set(tags)
    assert set(tags) <= ALLOWED_TAGS


def test_the_migration_makes_bodies_stored_before_the_policy_editable(make_post, editor_client):
    migration = importlib.import_module("muurkrant.migrations.0007_body_editor_html")
    old = make_post(body="<p>regel<br>regel</p><b><p>vet</p></b><table><tr><td>a</td></tr></table>")
    by_editor = '<p data-block-key="k1">Zie <a linktype="page" id="3">de muurkrant</a></p>'
    written = make_post(body=by_editor)

    migration.reclean_bodies(django_apps, None)

    old.refresh_from_db()
    assert old.body == "<p>regel<br />regel</p><p><b>vet</b></p><p>a</p>"
    written.refresh_from_db()
    assert written.body == by_editor  # the editor's own internal link has no href to keep
    assert_round_trip(editor_client, old)
