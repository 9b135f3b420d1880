"""What a failed fetch tells a partner: one exception, with messages in plain words."""

from __future__ import annotations

import email.utils
import ssl
from datetime import UTC, datetime
from http import HTTPStatus

import urllib3
from django.utils.translation import gettext, gettext_noop
from urllib3.exceptions import ConnectTimeoutError, DecodeError, NewConnectionError
from urllib3.util.ssl_match_hostname import CertificateError


class ReadableError(Exception):
    """An error a partner reads: str(exc) is English, and the message's template and parameters
    are kept apart so that it can be stored and shown later in the reader's own language."""

    def __init__(self, msgid: str, params: dict | None = None) -> None:
        self.msgid = msgid
        self.params = params or {}
        super().__init__(msgid % self.params if self.params else msgid)

    @property
    def detail(self) -> dict:
        """What to store beside the English text: enough to translate it when it is shown."""
        return {"msgid": self.msgid, "params": self.params}


def in_words(text: str, detail: dict | None) -> str:
    """A stored error in the active language; text stored without its detail (older rows, or a
    message we do not know) is shown translated when it is a known message, else as it is."""
    if not detail or "msgid" not in detail:
        return gettext(text) if text else text
    params = detail.get("params") or {}
    try:
        return gettext(detail["msgid"]) % params if params else gettext(detail["msgid"])
    except (KeyError, TypeError, ValueError):
        return text or detail["msgid"]


class FetchError(ReadableError):
    """A fetch failed; str(exc) is a plain-words message a partner can read."""

    def __init__(
        self,
        msgid: str,
        params: dict | None = None,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(msgid, params)
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
    params: dict = {"code": code}
    if status == 410:
        return FetchError(
            gettext_noop("The feed is gone (%(code)s): the server says it was removed for good."),
            params,
            status=status,
            gone=True,
        )
    if status in (429, 503):
        wait = _retry_after(retry_after)
        if wait:
            params["minutes"] = -(-wait // 60)
        msgid = {
            (429, True): gettext_noop(
                "The server asks us to slow down (%(code)s); we will try again in %(minutes)s "
                "minutes."
            ),
            (429, False): gettext_noop(
                "The server asks us to slow down (%(code)s); we will try again later."
            ),
            (503, True): gettext_noop(
                "The server is temporarily unavailable (%(code)s); we will try again in "
                "%(minutes)s minutes."
            ),
            (503, False): gettext_noop(
                "The server is temporarily unavailable (%(code)s); we will try again later."
            ),
        }[status, bool(wait)]
        return FetchError(msgid, params, status=status, retry_after=wait)
    if status == 404:
        msgid = gettext_noop("The feed was not found (%(code)s). Please check the address.")
    elif status in (401, 403):
        msgid = gettext_noop("The server refused access to the feed (%(code)s).")
    elif status >= 500:
        msgid = gettext_noop("The server had a problem (%(code)s). We will try again later.")
    else:
        msgid = gettext_noop("The server did not send the feed (%(code)s).")
    return FetchError(msgid, params, status=status)


def network_error(exc: BaseException, host: str, port: int) -> FetchError:
    """The plain-words message for a failed connection, TLS handshake or read."""
    params = {"where": f"{host}:{port}"}
    if isinstance(exc, NewConnectionError):  # before its base class, ConnectTimeoutError
        reason = getattr(exc.__cause__, "strerror", None) or "network error"
        return FetchError(
            gettext_noop("Could not connect to the server %(where)s (%(reason)s)."),
            {**params, "reason": reason.lower()},
        )
    if isinstance(exc, ConnectTimeoutError):
        return FetchError(
            gettext_noop("The server %(where)s did not accept a connection in time."), params
        )
    if isinstance(exc, CertificateError):
        return FetchError(
            gettext_noop("The https certificate of %(where)s is not valid for '%(host)s'."),
            {**params, "host": host},
        )
    if isinstance(exc, urllib3.exceptions.SSLError | ssl.SSLError):
        reason = getattr(exc, "verify_message", None) or getattr(exc, "reason", None)
        return FetchError(
            gettext_noop("The secure (https) connection to %(where)s failed (%(reason)s)."),
            {**params, "reason": str(reason or exc)},
        )
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return FetchError(
            gettext_noop("The server %(where)s stopped answering (timed out)."), params
        )
    if isinstance(exc, DecodeError):
        return FetchError(
            gettext_noop("The server %(where)s sent compressed data that could not be unpacked."),
            params,
        )
    return FetchError(
        gettext_noop("The connection to %(where)s broke off before the answer was complete."),
        params,
    )
