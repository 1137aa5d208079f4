"""Fetch a document from an allowed host without letting a URL reach inside the network
(SSRF): the scheme and host are checked against an allow-list, every address the host
resolves to must be public, the connection goes to the address that was checked (so DNS
cannot change its answer in between), every redirect is checked again, and the body is
capped while it is read.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urljoin, urlsplit

from .errors import DocumentTooLarge, IngestError

REDIRECTS = {301, 302, 303, 307, 308}


class FetchRefused(IngestError):
    """The URL, or where it redirects, is not one the tracker may fetch."""


@dataclass
class Fetched:
    data: bytes
    url: str  # after redirects


# Prefixes whose addresses reach the IPv4 address in their last 32 bits: NAT64's, and
# the IPv4-translated addresses of SIIT (::ffff:0:a.b.c.d).
TRANSLATED = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
)


def is_public_address(address: str) -> bool:
    """A global address, and so is any IPv4 address it carries: where NAT64 or 6to4
    routes, "64:ff9b::a9fe:a9fe" reaches 169.254.169.254."""
    ip = ipaddress.ip_address(address)
    return ip.is_global and all(inside.is_global for inside in carried_ipv4(ip))


def carried_ipv4(ip) -> list[ipaddress.IPv4Address]:
    if ip.version == 4:
        return []
    carried = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
    # Translated, and the old IPv4-compatible form (::127.0.0.1).
    if any(ip in network for network in TRANSLATED) or int(ip) >> 32 == 0:
        carried.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in carried if address is not None]


def host_allowed(host: str, allowed_hosts: set[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == allowed or host.endswith("." + allowed) for allowed in allowed_hosts)


def checked_address(url: str, allowed_hosts: set[str], address_allowed) -> tuple[str, str, int]:
    try:
        return check_address(url, allowed_hosts, address_allowed)
    except (ValueError, UnicodeError) as error:  # a malformed URL, port or host name
        raise FetchRefused(f"{url[:200]} is not a usable URL ({error}).") from None


def check_address(url: str, allowed_hosts: set[str], address_allowed) -> tuple[str, str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(
            f"Only http and https URLs can be fetched, not {parts.scheme or 'none'}."
        )
    host = parts.hostname or ""
    if not host_allowed(host, allowed_hosts):
        raise FetchRefused(
            f"{host or 'That URL'} is not on the list of hosts documents may be fetched from "
            f"({', '.join(sorted(allowed_hosts)) or 'none configured'})."
        )
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except socket.gaierror as error:
        raise FetchRefused(f"{host} does not resolve ({error}).") from None
    refused = sorted(a for a in addresses if not address_allowed(a))
    if refused:
        raise FetchRefused(f"{host} resolves to a private or reserved address ({refused[0]}).")
    return host, sorted(addresses)[0], port


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self.address = address

    def connect(self):
        # Kept apart from self.sock, which http.client drops once the response owns it:
        # cut_off needs it until the end.
        self.socket = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.socket


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.socket = self._context.wrap_socket(sock, server_hostname=self.host)
        self.sock = self.socket


def fetch(
    url: str,
    *,
    allowed_hosts: set[str],
    max_bytes: int,
    max_redirects: int = 5,
    timeout: float = 120,
    address_allowed: Callable[[str], bool] | None = None,
) -> Fetched:
    """`timeout` bounds the whole fetch, redirects included, so a server that sends a
    byte at a time cannot hold a worker. `address_allowed` defaults to
    is_public_address; tests pass one that admits the loopback address their server
    listens on."""
    address_allowed = address_allowed or is_public_address
    deadline = time.monotonic() + timeout
    for _ in range(max_redirects + 1):
        host, address, port = checked_address(url, allowed_hosts, address_allowed)
        parts = urlsplit(url)
        connection_class = (
            PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
        )
        connection = connection_class(host, address, port=port, timeout=left(deadline, url))
        # Each read has its own timeout; this bounds them all, headers included, however
        # slowly a server sends them.
        watchdog = threading.Timer(left(deadline, url), cut_off, args=[connection])
        watchdog.daemon = True
        watchdog.start()
        try:
            connection.request("GET", request_target(parts), headers=request_headers(parts))
            response = connection.getresponse()
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchRefused(f"{url} redirects nowhere.")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise IngestError(f"{url} answered HTTP {response.status}.")
            return Fetched(data=read_body(response, url, max_bytes, deadline), url=url)
        except (OSError, http.client.HTTPException) as error:
            if isinstance(error, TimeoutError) or time.monotonic() >= deadline:
                raise IngestError(f"Fetching {url} took too long; it was stopped.") from None
            raise IngestError(f"Could not fetch {url}: {error}.") from None
        finally:
            watchdog.cancel()
            connection.close()
    raise FetchRefused(f"More than {max_redirects} redirects.")


def cut_off(connection) -> None:
    """Shut the connection's socket, which ends a read waiting on it."""
    sock = getattr(connection, "socket", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


def left(deadline: float, url: str) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise IngestError(f"Fetching {url} took too long; it was stopped.")
    return remaining


# What may stay as it is in a request's path and query; anything else (a space, an
# accented letter, as index pages often have in their links) is percent-encoded.
PATH_SAFE = "/%:@!$&'()*+,;=~"
QUERY_SAFE = PATH_SAFE + "?"


def request_target(parts: SplitResult) -> str:
    path = quote(parts.path or "/", safe=PATH_SAFE)
    return path + (f"?{quote(parts.query, safe=QUERY_SAFE)}" if parts.query else "")


def request_headers(parts: SplitResult) -> dict[str, str]:
    # The host and port only: user:password@ in a URL is not for the Host header.
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return {"User-Agent": "itutracker", "Host": f"{host}:{parts.port}" if parts.port else host}


def read_body(response, url: str, max_bytes: int, deadline: float) -> bytes:
    """The body, read a piece at a time within the size cap (the watchdog keeps the
    deadline)."""
    try:
        declared = int(response.getheader("Content-Length") or 0)
    except ValueError:
        declared = 0  # a bad header is ignored; the read below is capped anyway
    if declared > max_bytes:
        raise DocumentTooLarge(f"{url} is {declared} bytes; the limit is {max_bytes}.")
    body = bytearray()
    while piece := response.read1(64 * 1024):
        body += piece
        if len(body) > max_bytes:
            raise DocumentTooLarge(f"{url} is over the {max_bytes} byte limit.")
    # Cut off at the deadline, headers or a body of no stated length can look whole.
    left(deadline, url)
    if declared and len(body) < declared:
        # The connection closed early: storing this would keep a truncated file.
        raise IngestError(f"{url} was cut short: {len(body)} of {declared} bytes arrived.")
    return bytes(body)
