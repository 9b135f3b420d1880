"""What a failed fetch tells a partner: one exception, with messages in plain words."""

from __future__ import annotations

import email.utils
import ssl
from datetime import UTC, datetime
from http import HTTPStatus

import urllib3
from urllib3.exceptions import ConnectTimeoutError, DecodeError, NewConnectionError
from urllib3.util.ssl_match_hostname import CertificateError


class FetchError(Exception):
    """A fetch failed; str(exc) is a plain-words message a partner can read."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.gone = gone


class UnsafeURL(FetchError):
    """Refused by the URL/address policy; no request was sent."""


def _retry_after(value: str | None) -> int | None:
    """Retry-After (seconds or HTTP-date) clamped, so we neither hammer nor give up for days."""
    value = (value or "").strip()
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        seconds = int((when - datetime.now(UTC)).total_seconds() + 0.999)
    return min(max(seconds, 60), 86400)


def status_error(status: int, reason: str, retry_after: str | None) -> FetchError:
    """The plain-words message for an answer that is not a feed, with when to try again."""
    known = status in HTTPStatus._value2member_map_
    code = f"HTTP {status} {reason or (HTTPStatus(status).phrase if known else '')}".strip()
    if status == 410:
        return FetchError(
            f"The feed is gone ({code}): the server says it was removed for good.",
            status=status,
            gone=True,
        )
    if status in (429, 503):
        wait = _retry_after(retry_after)
        when = f"in {-(-wait // 60)} minutes" if wait else "later"
        what = "asks us to slow down" if status == 429 else "is temporarily unavailable"
        return FetchError(
            f"The server {what} ({code}); we will try again {when}.",
            status=status,
            retry_after=wait,
        )
    if status == 404:
        msg = f"The feed was not found ({code}). Please check the address."
    elif status in (401, 403):
        msg = f"The server refused access to the feed ({code})."
    elif status >= 500:
        msg = f"The server had a problem ({code}). We will try again later."
    else:
        msg = f"The server did not send the feed ({code})."
    return FetchError(msg, status=status)


def network_error(exc: BaseException, host: str, port: int) -> FetchError:
    """The plain-words message for a failed connection, TLS handshake or read."""
    where = f"{host}:{port}"
    if isinstance(exc, NewConnectionError):  # before its base class, ConnectTimeoutError
        reason = getattr(exc.__cause__, "strerror", None) or "network error"
        return FetchError(f"Could not connect to the server {where} ({reason.lower()}).")
    if isinstance(exc, ConnectTimeoutError):
        return FetchError(f"The server {where} did not accept a connection in time.")
    if isinstance(exc, CertificateError):
        return FetchError(f"The https certificate of {where} is not valid for '{host}'.")
    if isinstance(exc, urllib3.exceptions.SSLError | ssl.SSLError):
        reason = getattr(exc, "verify_message", None) or getattr(exc, "reason", None)
        return FetchError(f"The secure (https) connection to {where} failed ({reason or exc}).")
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return FetchError(f"The server {where} stopped answering (timed out).")
    if isinstance(exc, DecodeError):
        return FetchError(f"The server {where} sent compressed data that could not be unpacked.")
    return FetchError(f"The connection to {where} broke off before the answer was complete.")
