"""/.well-known/security.txt (RFC 9116): how to report a vulnerability, read as a parser would."""

from datetime import UTC, datetime, timedelta

import pytest


def fields(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(": ")
            found.setdefault(name, []).append(value)
    return found


@pytest.mark.django_db
def test_security_txt_names_a_contact_and_an_expiry(client, settings):
    settings.SECURITY_CONTACT = "mailto:cert@gemeente.example.nl"
    settings.SECURITY_TXT_EXPIRES = "2027-06-30T00:00:00Z"

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    found = fields(response.text)
    assert found["Contact"] == ["mailto:cert@gemeente.example.nl"]
    assert found["Expires"] == ["2027-06-30T00:00:00Z"]
    assert found["Canonical"] == [f"{settings.SITE_URL}/.well-known/security.txt"]
    assert found["Preferred-Languages"] == ["nl, en"]


@pytest.mark.django_db
def test_without_a_configured_expiry_it_stays_fresh_but_under_a_year(client):
    found = fields(client.get("/.well-known/security.txt").text)

    expires = datetime.fromisoformat(found["Expires"][0].replace("Z", "+00:00"))
    assert datetime.now(UTC) < expires < datetime.now(UTC) + timedelta(days=366)
    assert found["Contact"][0].startswith(("mailto:", "https://"))
