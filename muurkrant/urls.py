"""The wall's pages outside the page tree: the partners, live streams, the language switch."""

from django.urls import path

from muurkrant import views

app_name = "muurkrant"

urlpatterns = [
    path("partners/", views.partner_directory, name="partners"),
    path("live/", views.live, name="live"),
    path("partners/<slug:slug>/", views.partner_page, name="partner"),
    path("taal/", views.switch_language, name="switch_language"),
]
