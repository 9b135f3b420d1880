"""Residents report abuse without an account: CSRF, limits per daily fingerprint, no IP kept."""

import pytest
from django.test import Client

from muurkrant.forms import REPORTS_PER_HOUR
from muurkrant.models import AbuseReport

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.9"


def report_url(post) -> str:
    return f"{post.get_absolute_url()}melden/"


def send(client, post, **data):
    return client.post(report_url(post), {"reason": "spam", **data}, REMOTE_ADDR=ADDRESS)


def test_report_needs_the_csrf_token(make_post):
    post = make_post()
    client = Client(enforce_csrf_checks=True)
    assert send(client, post).status_code == 403
    form = client.get(report_url(post), REMOTE_ADDR=ADDRESS)
    token = form.cookies["csrftoken"].value
    response = send(client, post, csrfmiddlewaretoken=token)
    assert response.status_code == 303
    assert AbuseReport.objects.filter(post=post).count() == 1


def test_report_redirects_to_the_post_with_thanks(client, make_post, settings):
    post = make_post()
    response = send(client, post, message="Dit klopt niet.")
    assert response["Location"] == f"{post.get_absolute_url()}?gemeld=1"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Thank you for your report" in client.get(response["Location"]).text


def test_report_stores_a_fingerprint_not_the_address(client, make_post):
    post = make_post()
    send(client, post, message="Onjuist")
    report = AbuseReport.objects.get()
    assert len(report.fingerprint) == 64
    stored = [str(value) for value in AbuseReport.objects.values().get().values()]
    assert not any(ADDRESS in value for value in stored)


def test_one_report_per_post_per_fingerprint(client, make_post):
    post = make_post()
    assert send(client, post).status_code == 303
    again = send(client, post)
    assert again.status_code == 400
    assert again.context["form"].non_field_errors().as_data()[0].code == "duplicate"
    assert 'role="alert"' in again.text
    assert AbuseReport.objects.count() == 1


def test_reports_per_hour_are_limited(client, make_post):
    posts = [make_post(title=f"Bericht {n}") for n in range(REPORTS_PER_HOUR + 1)]
    for post in posts[:-1]:
        assert send(client, post).status_code == 303
    refused = send(client, posts[-1])
    assert refused.status_code == 400
    assert refused.context["form"].non_field_errors().as_data()[0].code == "rate_limited"
    other = client.post(report_url(posts[-1]), {"reason": "spam"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 303


def test_message_is_at_most_1000_characters(client, make_post):
    post = make_post()
    response = send(client, post, message="x" * 1001)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert 'aria-describedby="message-hint message-error"' in response.text
    assert not AbuseReport.objects.exists()
    assert send(client, post, message="x" * 1000).status_code == 303


def test_a_reason_is_required(client, make_post):
    post = make_post()
    response = client.post(report_url(post), {"reason": ""}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 400
    assert 'href="#id_reason_0"' in response.text


def test_unpublished_posts_cannot_be_reported(client, make_post):
    post = make_post(status="pending")
    assert send(client, post).status_code == 404


def test_behind_a_proxy_the_forwarded_address_is_the_resident(rf, settings):
    from muurkrant.views import client_fingerprint

    settings.CLIENT_IP_FROM_PROXY = True
    one = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7")
    two = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert client_fingerprint(one) != client_fingerprint(two)
    settings.CLIENT_IP_FROM_PROXY = False
    assert client_fingerprint(one) == client_fingerprint(two)  # the header is not trusted
