"""Who is on the other end of a request: one rule for abuse reports and the login lockout."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: behind a proxy, the last hop it appended to X-Forwarded-For.

    Only trusted when the operator says a proxy sets it (CLIENT_IP_FROM_PROXY), because a
    client can send any X-Forwarded-For it likes.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.CLIENT_IP_FROM_PROXY and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
