"""Which addresses a URL may reach: only public ones, whatever form the host name takes."""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.utils.translation import gettext_noop

from mediahub.fetch.errors import FetchError, UnsafeURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressRule = Callable[[IPAddress], bool]

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_V4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# WHATWG parsers and the C resolver read a host whose last label is numeric as IPv4.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """A vetted URL: the addresses we may connect to and what to send them."""

    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...]
    request_target: str
    host_header: str


def _unwrap(ip: IPAddress) -> IPAddress | None:
    """The IPv4 address carried inside an IPv6 form; None for forms we never reach."""
    if ip.version == 4:
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64 or ip in _V4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    return None if ip in _NAT64_LOCAL else ip


def is_public_address(ip: IPAddress) -> bool:
    """The default address rule: globally routable unicast, looking through IPv6 wrappers.

    "Not private" is not enough: CGNAT, multicast and the IPv6 forms that carry 127.0.0.1
    are not private to `ipaddress`, yet reach places a partner's URL must not.
    """
    inner = _unwrap(ip)
    if inner is None:
        return False
    # is_global already excludes private, loopback, link-local and unspecified addresses.
    special = inner.is_multicast or inner.is_reserved or getattr(inner, "is_site_local", False)
    return inner.is_global and not special


def address_rule(allow_private: bool | None, address_allowed: AddressRule | None) -> AddressRule:
    """The rule for one fetch: a test's own rule, else the argument, else the setting."""
    if address_allowed is not None:
        return address_allowed
    if allow_private is None:
        allow_private = settings.FEEDS_ALLOW_PRIVATE_NETWORKS
    return (lambda ip: True) if allow_private else is_public_address


def _literal_address(host: str) -> IPAddress | None:
    """The IP literal `host` is, or None for a name; disguised numeric forms are refused."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise UnsafeURL(
                gettext_noop("'%(host)s' is not a valid IPv6 address."), {"host": host}
            ) from None
    with contextlib.suppress(ValueError):
        return ipaddress.IPv4Address(host)
    numeric = bool(_NUMERIC_LABEL.match(host.rstrip(".").rsplit(".", 1)[-1]))
    with contextlib.suppress(OSError):
        socket.inet_aton(host)  # what the C resolver would turn into an address
        numeric = True
    if numeric:
        raise UnsafeURL(
            gettext_noop("'%(host)s' is a disguised numeric address; use a normal host name."),
            {"host": host},
        )
    return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    failed = FetchError(
        gettext_noop("Could not find the server '%(host)s' (the name does not resolve)."),
        {"host": host},
    )
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise failed from exc
    found = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not found:
        raise failed
    return list(dict.fromkeys(found))


def vet(url: str, rule: AddressRule) -> Target:
    """Check one URL against the policy and resolve it to the addresses we may connect to."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeURL(gettext_noop("This is not a valid web address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURL(gettext_noop("Only http:// and https:// addresses can be fetched."))
    if "@" in parts.netloc:
        raise UnsafeURL(
            gettext_noop("Addresses with a user name or password in them are not accepted.")
        )
    if not parts.hostname:
        raise UnsafeURL(gettext_noop("The address has no host name."))
    default_port = 443 if scheme == "https" else 80
    port = default_port if port is None else port
    if port == 0:
        raise UnsafeURL(gettext_noop("The address has an invalid port number."))
    literal = _literal_address(parts.hostname)
    if literal is not None:
        host, addresses = str(literal), [literal]
    else:
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError:
            raise UnsafeURL(
                gettext_noop("'%(host)s' is not a valid host name."), {"host": parts.hostname}
            ) from None
        addresses = _resolve(host, port)
        host = host.rstrip(".")  # certificates and Host headers carry no trailing dot
    refused = [ip for ip in addresses if not rule(ip)]
    if refused:
        raise UnsafeURL(
            gettext_noop(
                "'%(host)s' points to a private or reserved network address (%(address)s); "
                "only public internet addresses can be fetched."
            ),
            {"host": host, "address": str(refused[0])},
        )
    name = f"[{host}]" if ":" in host else host
    target = quote(parts.path or "/", safe="/%!$&'()*+,;=:@~")
    if parts.query:
        target += "?" + quote(parts.query, safe="/?%!$&'()*+,;=:@~")
    return Target(
        scheme,
        host,
        port,
        tuple(addresses),
        target,
        name if port == default_port else f"{name}:{port}",
    )


def check_url(url: str, *, allow_private: bool | None = None) -> None:
    """Raise UnsafeURL if `url` may not be fetched (FetchError if its name does not resolve)."""
    vet(url, address_rule(allow_private, None))
