"""Fetch a document from an allowed host without letting a URL reach inside the network
(SSRF): the scheme and host are checked against an allow-list, every address the host
resolves to must be public, the connection goes to the address that was checked (so DNS
cannot change its answer in between), every redirect is checked again, and the body is
capped while it is read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .errors import DocumentTooLarge, IngestError

REDIRECTS = {301, 302, 303, 307, 308}


class FetchRefused(IngestError):
    """The URL, or where it redirects, is not one the tracker may fetch."""


@dataclass
class Fetched:
    data: bytes
    url: str  # after redirects


def is_public_address(address: str) -> bool:
    return ipaddress.ip_address(address).is_global


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
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(
    url: str,
    *,
    allowed_hosts: set[str],
    max_bytes: int,
    max_redirects: int = 5,
    timeout: float = 30,
    address_allowed: Callable[[str], bool] | None = None,
) -> Fetched:
    """`address_allowed` defaults to is_public_address; tests pass one that admits the
    loopback address their server listens on."""
    address_allowed = address_allowed or is_public_address
    for _ in range(max_redirects + 1):
        host, address, port = checked_address(url, allowed_hosts, address_allowed)
        parts = urlsplit(url)
        connection_class = (
            PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
        )
        connection = connection_class(host, address, port=port, timeout=timeout)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request(
                "GET", path, headers={"User-Agent": "itutracker", "Host": parts.netloc}
            )
            response = connection.getresponse()
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchRefused(f"{url} redirects nowhere.")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise IngestError(f"{url} answered HTTP {response.status}.")
            try:
                declared = int(response.getheader("Content-Length") or 0)
            except ValueError:
                declared = 0  # a bad header is ignored; the read below is capped anyway
            if declared > max_bytes:
                raise DocumentTooLarge(f"{url} is {declared} bytes; the limit is {max_bytes}.")
            data = response.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise DocumentTooLarge(f"{url} is over the {max_bytes} byte limit.")
            return Fetched(data=data, url=url)
        except (OSError, http.client.HTTPException) as error:
            raise IngestError(f"Could not fetch {url}: {error}.") from None
        finally:
            connection.close()
    raise FetchRefused(f"More than {max_redirects} redirects.")
