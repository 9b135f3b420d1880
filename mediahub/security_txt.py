"""/.well-known/security.txt (RFC 9116): where to report a vulnerability, for the city's CERT."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

# Without a configured date the file never looks abandoned, and never claims more than RFC 9116's
# advice of less than a year ahead; operators set SECURITY_TXT_EXPIRES to the date they review it.
DEFAULT_VALIDITY = timedelta(days=180)


@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    expires = settings.SECURITY_TXT_EXPIRES or (
        (datetime.now(UTC) + DEFAULT_VALIDITY).strftime("%Y-%m-%dT00:00:00Z")
    )
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires}",
        "Preferred-Languages: nl, en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "max-age=86400"
    return response
