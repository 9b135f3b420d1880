"""Feeds out, the sitemap, the widget and screen mode."""

from django.urls import path, re_path

from feeds import embed, sitemaps, views

app_name = "feeds"

FORMAT = r"(?P<fmt>rss|atom|json)"

urlpatterns = [
    re_path(rf"^feeds/wall\.{FORMAT}$", views.wall_feed, name="wall"),
    re_path(rf"^feeds/partners/(?P<slug>[-\w]+)\.{FORMAT}$", views.partner_feed, name="partner"),
    path("feeds/sources.opml", views.sources_opml, name="sources_opml"),
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("embed/wall/", embed.embed_wall, name="embed_wall"),
    path("embed/wall.js", embed.embed_script, name="embed_script"),
    path("scherm/", embed.screen, name="screen"),
    path("scherm/qr/<int:pk>.svg", embed.post_qr, name="post_qr"),
]
