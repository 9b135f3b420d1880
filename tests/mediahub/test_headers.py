"""The security headers of every kind of response, as a browser receives them.

Each row names a page type, the Content-Security-Policy directives it must carry and its
X-Frame-Options; every response also carries the same Permissions-Policy, nosniff and
Referrer-Policy. The policies are read directive by directive, as a browser does.
"""

import re
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from muurkrant.models import Post, WallPage

pytestmark = pytest.mark.django_db

# Public pages, feeds, the API and plain answers: everything from the site itself; a video
# player and partners' audio (https:) only once a resident presses play; never framed.
PUBLIC = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "media-src": "'self' https:",
    "frame-src": "https:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The widget: the public policy, framed by any site.
WIDGET = {**PUBLIC, "frame-ancestors": "*"}
# The admin calls no one: no https: at all; <style> elements for the rich-text editor only.
ADMIN = {
    "default-src": "'self'",
    "img-src": "'self' data: blob:",
    "style-src": "'self'",
    "style-src-elem": "'self' 'unsafe-inline'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
API_DOCS = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# A served file: Wagtail's own policy, under which no document can run anything.
DOCUMENT = {"default-src": "'none'"}


@dataclass
class Site:
    post: Post
    post_url: str
    document: Document


@dataclass
class Row:
    path: str  # formatted with the Site's objects
    policy: dict[str, str]
    frame_options: str | None = "DENY"
    status: int = 200
    as_editor: bool = False


ROWS = {
    "home": Row("/", PUBLIC),
    "wall": Row("/muurkrant/", PUBLIC),
    "post page": Row("{site.post_url}", PUBLIC),
    "partner page": Row("/partners/{site.post.partner.slug}/", PUBLIC),
    "report form": Row("{site.post_url}melden/", PUBLIC),
    "not found": Row("/bestaat-niet/", PUBLIC, status=404),
    "rss": Row("/feeds/wall.rss", PUBLIC),
    "atom": Row("/feeds/wall.atom", PUBLIC),
    "json feed": Row("/feeds/wall.json", PUBLIC),
    "opml": Row("/feeds/sources.opml", PUBLIC),
    "sitemap": Row("/sitemap.xml", PUBLIC),
    "widget": Row("/embed/wall/", WIDGET, frame_options=None),
    "widget loader": Row("/embed/wall.js", PUBLIC),
    "screen mode": Row("/scherm/", PUBLIC),
    "api without token": Row("/api/v1/pool", PUBLIC, status=401),
    "openapi schema": Row("/api/v1/openapi.json", PUBLIC),
    "api docs": Row("/api/v1/docs", API_DOCS),
    "admin login": Row("/admin/login/", ADMIN),
    "admin dashboard": Row("/admin/", ADMIN, as_editor=True),
    "admin post list": Row("/admin/snippets/muurkrant/post/", ADMIN, as_editor=True),
    "admin review page": Row(
        "/admin/snippets/muurkrant/post/inspect/{site.post.pk}/", ADMIN, as_editor=True
    ),
    "admin post form": Row(
        "/admin/snippets/muurkrant/post/edit/{site.post.pk}/", ADMIN, as_editor=True
    ),
    "healthz": Row("/healthz", PUBLIC),
    "security.txt": Row("/.well-known/security.txt", PUBLIC),
    "document": Row("{site.document.url}", DOCUMENT, as_editor=True),
}


def directives(header: str) -> dict[str, str]:
    """The policy as a browser reads it: directive name -> its sources, in order."""
    found = {}
    for part in header.split(";"):
        name, _, sources = part.strip().partition(" ")
        if name:
            found[name] = " ".join(sources.split())
    return found


@pytest.fixture
def site(make_post) -> Site:
    post = make_post(title="Kop", summary="Samenvatting", body="<p>Tekst</p>")
    document = Document.objects.create(
        title="Verslag", file=ContentFile(b"Verslag van de raad\n", name="verslag.txt")
    )
    return Site(post=post, post_url=post.get_absolute_url(), document=document)


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_each_page_type_carries_its_security_headers(client, site, editor, row: Row):
    if row.as_editor:
        client.force_login(editor)
    path = row.path.format(site=site)

    response = client.get(path)

    assert response.status_code == row.status, path
    assert directives(response["Content-Security-Policy"]) == row.policy
    assert response.get("X-Frame-Options") == row.frame_options
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_a_view_the_site_may_frame_is_framed_by_the_site_only(client, editor):
    """Wagtail's page preview answers X-Frame-Options SAMEORIGIN; a browser obeys frame-ancestors
    over it, so the policy must say the same."""
    wall = WallPage.objects.live().get(locale__language_code="nl")
    client.force_login(editor)

    preview = client.get(f"/admin/pages/{wall.pk}/edit/preview/")

    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(preview["Content-Security-Policy"]) == {**ADMIN, "frame-ancestors": "'self'"}


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>")


def test_admin_forms_hold_no_inline_script_the_policy_refuses(client, editor, make_post):
    """Choosers, date pickers and the moderation forms start from a script file instead."""
    post = make_post()
    wall = WallPage.objects.live().get(locale__language_code="nl")
    client.force_login(editor)
    for path in (
        f"/admin/snippets/muurkrant/post/edit/{post.pk}/",
        f"/admin/snippets/muurkrant/post/inspect/{post.pk}/",
        f"/admin/pages/{wall.pk}/edit/",
    ):
        html = client.get(path).content.decode()
        assert 'data-controller="inline-init"' in html, path
        assert INLINE_SCRIPT.findall(html) == [], path
