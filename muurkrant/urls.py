"""The wall's pages outside the Wagtail page tree: partner pages and the language switch."""

from django.urls import path

from muurkrant import views

app_name = "muurkrant"

urlpatterns = [
    path("partners/<slug:slug>/", views.partner_page, name="partner"),
    path("taal/", views.switch_language, name="switch_language"),
]
