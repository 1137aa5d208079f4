"""Fetching by URL and polling sources: only allowed hosts, never an inside address."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from proposals.ingest import fetch as fetch_module
from proposals.ingest.errors import DocumentTooLarge, IngestError
from proposals.ingest.fetch import FetchRefused, fetch, is_public_address

DOC = b"Document 29-E\nParaguay\nMOD\tPRG/29/1\n5\t1.3\tText.\nReasons:\tWhy.\n"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # the body ends when the connection closes
    hosts: list[str] = []  # the Host header of each request
    routes = {
        "/doc29.txt": (200, {}, DOC),
        "/moved": (302, {"Location": "/doc29.txt"}),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}),
        "/to-elsewhere": (302, {"Location": "http://evil.example/doc.pdf"}),
        "/big": (200, {}, b"x" * 5000),
        "/index.html": (200, {}, b'<a href="doc29.txt">29</a> <a href="/page">not a document</a>'),
        "/cut-short.txt": (200, {"Content-Length": "5000"}, DOC),
        "/accents.html": (
            200,
            {},
            '<a href="Document 33.txt">33</a> <a href="r\u00e9sum\u00e9.txt">34</a>'.encode(),
        ),
        "/Document%2033.txt": (200, {}, DOC.replace(b"29", b"33")),
        "/r%C3%A9sum%C3%A9.txt": (200, {}, DOC.replace(b"29", b"34")),
        "/nul.html": (200, {}, b'<a href="a%00b.txt">35</a> <a href="doc29.txt">29</a>'),
        "/cp1252.html": (
            200,
            {},
            b'<meta charset="windows-1252"><a href="r\xe9sum\xe9.txt">34</a> '
            b'<a href="doc29.txt#page=1">29</a> <a href="doc29.txt#top">29</a>',
        ),
        "/hanging.html": (200, {}, b'<a href="drip-headers.txt">hangs</a> <a href="x.pdf">404</a>'),
        "/a%00b.txt": (200, {}, DOC.replace(b"29", b"35")),
    }

    def do_GET(self):
        self.hosts.append(self.headers["Host"])
        if self.path == "/drip-headers.txt":  # the headers a byte at a time
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            for byte in b"X-Slow: " + b"x" * 100:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
            return
        if self.path == "/drip.txt":  # a byte at a time, each well within a read timeout
            self.send_response(200)
            self.end_headers()
            for byte in DOC:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
            return
        status, headers, *body = self.routes.get(self.path, (404, {}))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(body[0])

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{httpd.server_address[1]}"
    httpd.shutdown()


def polled(**counts) -> dict[str, int]:
    """What a poll reports: these counts, and 0 for the others."""
    return {"received": 0, "queued": 0, "waiting": 0, "skipped": 0, "failed": 0, **counts}


def local(address):
    """This test's server is on loopback, which the real check refuses."""
    return address in ("127.0.0.1", "::1")


def test_fetches_and_follows_redirects_on_allowed_hosts(server):
    fetched = fetch(
        f"{server}/moved", allowed_hosts={"localhost"}, max_bytes=10_000, address_allowed=local
    )
    assert fetched.data == DOC and fetched.url.endswith("/doc29.txt")


@pytest.mark.parametrize(
    ("path", "says"),
    [("/to-metadata", "not on the list"), ("/to-elsewhere", "not on the list")],
)
def test_every_redirect_is_checked_again(server, path, says):
    with pytest.raises(FetchRefused, match=says):
        fetch(
            f"{server}{path}", allowed_hosts={"localhost"}, max_bytes=10_000, address_allowed=local
        )


def test_the_body_is_capped(server):
    with pytest.raises(DocumentTooLarge):
        fetch(f"{server}/big", allowed_hosts={"localhost"}, max_bytes=1000, address_allowed=local)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("file:///etc/passwd", "Only http and https"),
        ("gopher://itu.int/", "Only http and https"),
        ("http://example.org/doc.pdf", "not on the list"),
        ("http://itu.int.evil.example/doc.pdf", "not on the list"),
        ("http://localhost/doc.pdf", "private or reserved"),
    ],
)
def test_refuses_urls_outside_the_allow_list_or_inside_the_network(url, says):
    with pytest.raises(FetchRefused, match=says):
        fetch(url, allowed_hosts={"itu.int", "localhost"}, max_bytes=1000)


@pytest.mark.parametrize(
    ("address", "public"),
    [("127.0.0.1", False), ("10.1.2.3", False), ("169.254.169.254", False), ("::1", False),
     ("192.168.0.1", False), ("fd00::1", False), ("156.106.192.1", True),
     # IPv6 forms of an inside IPv4 address: NAT64, 6to4, IPv4-compatible, Teredo.
     ("64:ff9b::a9fe:a9fe", False), ("64:ff9b:1::a00:1", False), ("2002:7f00:1::1", False),
     ("::127.0.0.1", False), ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),
     ("::ffff:0:a9fe:a9fe", False),
     ("2002:9c6a:c001::1", True)],
)  # fmt: skip
def test_only_public_addresses_pass(address, public):
    assert is_public_address(address) is public


def test_a_body_cut_short_is_an_error_not_a_document(server):
    with pytest.raises(IngestError, match=f"cut short: {len(DOC)} of 5000 bytes"):
        fetch(
            f"{server}/cut-short.txt",
            allowed_hosts={"localhost"},
            max_bytes=10_000,
            address_allowed=local,
        )


@pytest.mark.parametrize("path", ["/drip.txt", "/drip-headers.txt"])
def test_a_server_sending_a_byte_at_a_time_is_stopped_at_the_deadline(server, path):
    started = time.monotonic()
    with pytest.raises(IngestError, match="took too long"):
        fetch(
            f"{server}{path}",
            allowed_hosts={"localhost"},
            max_bytes=10_000,
            address_allowed=local,
            timeout=1,
        )
    assert time.monotonic() - started < 3


def test_credentials_in_a_url_stay_out_of_the_host_header(server):
    Handler.hosts.clear()
    url = server.replace("//", "//user:secret@") + "/doc29.txt"
    assert fetch(url, allowed_hosts={"localhost"}, max_bytes=10_000, address_allowed=local).data
    assert Handler.hosts == [server.removeprefix("http://")]


@pytest.mark.usefixtures("reference_data")
class TestIntake:
    @pytest.fixture(autouse=True)
    def allow_the_test_server(self, monkeypatch, settings):
        settings.INGEST_FETCH_HOSTS = ["localhost"]
        monkeypatch.setattr(fetch_module, "is_public_address", local)
        # The files these tests write are whole as soon as they are written.
        settings.INGEST_POLL_SETTLE_SECONDS = 0

    def test_a_file_changed_a_moment_ago_waits_for_the_next_poll(self, settings, tmp_path):
        import os
        import time

        from proposals.models import Document
        from proposals.services.ingestion import sources_poll

        settings.INGEST_POLL_SETTLE_SECONDS = 60
        (tmp_path / "old.txt").write_bytes(DOC)
        an_hour_ago = time.time() - 3600
        os.utime(tmp_path / "old.txt", (an_hour_ago, an_hour_ago))
        (tmp_path / "copying.pdf").write_bytes(b"%PDF-1.7 half of it")
        # Dated a week ahead: unpacked from an archive made by a clock set wrong.
        (tmp_path / "ahead.txt").write_bytes(DOC.replace(b"29", b"31"))
        a_week_ahead = time.time() + 7 * 86400
        os.utime(tmp_path / "ahead.txt", (a_week_ahead, a_week_ahead))
        # Dated ten minutes ahead: a file server's clock ahead of ours, still copying.
        (tmp_path / "server-ahead.pdf").write_bytes(b"%PDF-1.7 half of it")
        ten_minutes_ahead = time.time() + 600
        os.utime(tmp_path / "server-ahead.pdf", (ten_minutes_ahead, ten_minutes_ahead))
        settings.INGEST_POLL_SOURCES = [
            {"conference": "wcit-12", "origin": "official", "folder": str(tmp_path)}
        ]
        counts = sources_poll()
        assert (counts["received"], counts["waiting"], counts["failed"]) == (2, 2, 0)
        assert Document.objects.count() == 2

    def test_the_command_fetches_a_url(self, server, django_capture_on_commit_callbacks):
        from django.core.management import call_command

        from proposals.models import Proposal

        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "ingest", url=[f"{server}/doc29.txt"], conference="wcit-12", origin="official"
            )
        proposal = Proposal.objects.get(number="PRG/29/1")
        intake = proposal.document.intakes.get()
        assert (intake.channel, intake.source_url) == ("url", f"{server}/doc29.txt")

    def test_polling_an_index_page_and_a_folder_adds_nothing_twice(
        self, server, settings, tmp_path, django_capture_on_commit_callbacks
    ):
        from proposals.models import DocumentIntake
        from proposals.services.ingestion import sources_poll

        (tmp_path / "inbox").mkdir()
        (tmp_path / "inbox" / "other.txt").write_bytes(DOC.replace(b"29", b"31"))
        settings.INGEST_POLL_SOURCES = [
            {"conference": "wcit-12", "origin": "official", "index": f"{server}/index.html"},
            {"conference": "wcit-12", "origin": "leaked", "folder": str(tmp_path / "inbox")},
            {"conference": "no-such", "origin": "leaked", "folder": str(tmp_path)},
        ]
        # The folder's file is received, the page's link queued (and fetched in-process).
        with django_capture_on_commit_callbacks(execute=True):
            assert sources_poll() == polled(received=1, queued=1, failed=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert sources_poll() == polled(skipped=2, failed=1)
        assert DocumentIntake.objects.count() == 2

    @pytest.mark.parametrize(
        ("page", "numbers"),
        [
            ("accents.html", {"PRG/33/1", "PRG/34/1"}),
            # In its own encoding, windows-1252; the same file at two places in it once.
            ("cp1252.html", {"PRG/29/1", "PRG/34/1"}),
        ],
        ids=["spaces-and-accents", "encoding-and-fragments"],
    )
    def test_links_are_fetched_as_the_page_writes_them(
        self, server, settings, django_capture_on_commit_callbacks, page, numbers
    ):
        from proposals.models import Proposal
        from proposals.services.ingestion import sources_poll

        settings.INGEST_POLL_SOURCES = [
            {"conference": "wcit-12", "origin": "official", "index": f"{server}/{page}"}
        ]
        with django_capture_on_commit_callbacks(execute=True):
            assert sources_poll() == polled(queued=2)
        assert set(Proposal.objects.values_list("number", flat=True)) == numbers

    def test_a_source_with_a_wrong_origin_fails_alone_and_stores_nothing(self, settings, tmp_path):
        from pathlib import Path

        from proposals.models import Document
        from proposals.services.ingestion import sources_poll

        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            (tmp_path / name / "doc.txt").write_bytes(DOC.replace(b"29", b"5" + name.encode()))
        settings.INGEST_POLL_SOURCES = [
            {"conference": "wcit-12", "origin": "Leaked", "folder": str(tmp_path / "a")},
            {"conference": "wcit-12", "origin": "leaked", "folder": str(tmp_path / "b")},
        ]
        assert sources_poll() == polled(received=1, failed=1)
        assert Document.objects.count() == 1
        assert len(list(Path(settings.MEDIA_ROOT).glob("documents/*/*"))) == 1

    def test_files_in_hidden_folders_are_left_alone(self, settings, tmp_path):
        from proposals.services.ingestion import sources_poll

        (tmp_path / ".git").mkdir()
        (tmp_path / ".git" / "config").write_text("[core]\n")
        (tmp_path / "doc.txt").write_bytes(DOC)
        settings.INGEST_POLL_SOURCES = [
            {"conference": "wcit-12", "origin": "leaked", "folder": str(tmp_path)}
        ]
        assert sources_poll() == polled(received=1)

    def test_a_folder_poll_goes_past_an_unreadable_file_and_takes_a_name_not_in_utf8(
        self, settings, tmp_path, monkeypatch
    ):
        import os

        from proposals.models import DocumentIntake
        from proposals.services.ingestion import sources_poll

        (tmp_path / "a.txt").write_bytes(DOC)
        # A name unzipped from a Windows archive: Résumé.txt in Latin-1.
        (tmp_path / os.fsdecode(b"R\xe9sum\xe9.txt")).write_bytes(DOC.replace(b"29", b"31"))
        from proposals.services import ingestion

        open_path = ingestion.opened_file

        def unreadable_a(path):
            if path.name == "a.txt":  # root, as tests may run, reads past chmod 000
                raise PermissionError(13, "Permission denied", str(path))
            return open_path(path)

        monkeypatch.setattr(ingestion, "opened_file", unreadable_a)
        settings.INGEST_POLL_SOURCES = [
            {"conference": "wcit-12", "origin": "leaked", "folder": str(tmp_path)}
        ]
        assert sources_poll() == polled(received=1, failed=1)
        assert DocumentIntake.objects.get().original_filename == "R\ufffdsum\ufffd.txt"

    def test_a_link_whose_name_holds_a_nul_is_fetched_like_the_others(
        self, server, settings, django_capture_on_commit_callbacks
    ):
        from proposals.models import DocumentIntake
        from proposals.services.ingestion import sources_poll

        settings.INGEST_POLL_SOURCES = [
            {"conference": "wcit-12", "origin": "official", "index": f"{server}/nul.html"}
        ]
        with django_capture_on_commit_callbacks(execute=True):
            assert sources_poll() == polled(queued=2)
        names = DocumentIntake.objects.order_by("original_filename")
        assert list(names.values_list("original_filename", flat=True)) == ["ab.txt", "doc29.txt"]

    def test_a_folder_poll_takes_no_file_from_outside_the_folder(self, settings, tmp_path):
        from proposals.models import DocumentIntake
        from proposals.services.ingestion import sources_poll

        (tmp_path / "outside").mkdir()
        (tmp_path / "outside" / "secret.txt").write_bytes(DOC.replace(b"29", b"36"))
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        (inbox / "doc.txt").write_bytes(DOC)
        (inbox / "report.txt").symlink_to(tmp_path / "outside" / "secret.txt")
        (inbox / "env.txt").symlink_to("/proc/self/environ")
        settings.INGEST_POLL_SOURCES = [
            {"conference": "wcit-12", "origin": "official", "folder": str(inbox)}
        ]
        assert sources_poll() == polled(received=1, failed=2)
        assert DocumentIntake.objects.get().original_filename == "doc.txt"

    def test_a_link_swapped_for_one_outside_the_folder_after_the_check_is_refused(
        self, tmp_path, monkeypatch
    ):
        from proposals.services import ingestion

        (tmp_path / "secret.txt").write_bytes(b"a secret")
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        (inbox / "a.txt").write_bytes(DOC)

        def swapped(path):
            # As if the name were made a link to the secret between a check and the read.
            return (tmp_path / "secret.txt").open("rb")

        monkeypatch.setattr(ingestion, "opened_file", swapped)
        with pytest.raises(IngestError, match="outside the folder"):
            ingestion.file_bytes(inbox / "a.txt", inbox)

    def test_a_link_to_a_pipe_is_refused_not_waited_on(self, tmp_path):
        import os

        from proposals.services.ingestion import file_bytes

        # A name listed as a file, made a link to a pipe before it is read.
        os.mkfifo(tmp_path / "pipe")
        (tmp_path / "late.txt").symlink_to(tmp_path / "pipe")
        with pytest.raises(IngestError, match="not a file"):
            file_bytes(tmp_path / "late.txt", tmp_path)

    def test_a_file_larger_than_its_size_says_is_refused_at_the_limit(self, settings):
        from pathlib import Path

        from proposals.services.ingestion import file_bytes

        # /proc's files say they are empty; reading one would take whatever it holds.
        settings.INGEST_MAX_BYTES = 10
        assert Path("/proc/self/environ").stat().st_size == 0
        with pytest.raises(IngestError, match=r"is over 11\sbytes; the limit is 10\sbytes"):
            file_bytes(Path("/proc/self/environ"))

    def test_a_poll_queues_each_link_and_fetches_none_itself(
        self, server, settings, django_capture_on_commit_callbacks
    ):
        from proposals.models import Conference, DocumentIntake
        from proposals.services.ingestion import document_fetch, polled_link_receive, sources_poll

        settings.INGEST_POLL_SOURCES = [
            {"conference": "wcit-12", "origin": "official", "index": f"{server}/hanging.html"},
            {"conference": "wcit-12", "origin": "official", "index": f"{server}/index.html"},
        ]
        Handler.hosts.clear()
        # A link that never answers is fetched by a task of its own, with its own time
        # limit: the poll reads the pages and goes on to the next source.
        with django_capture_on_commit_callbacks() as sends:
            assert sources_poll() == polled(queued=3)
        assert len(Handler.hosts) == 2 and len(sends) == 3  # the two pages, no link
        settings.INGEST_FETCH_TIMEOUT_SECONDS = 1
        with django_capture_on_commit_callbacks(execute=True):
            for send in sends:
                send()
        assert DocumentIntake.objects.get().source_url == f"{server}/doc29.txt"
        # Queued twice by two polls, a link is received once, even when both tasks fetch
        # it before either has received it.
        again = {"url": f"{server}/doc29.txt", "conference_slug": "wcit-12", "origin": "official"}
        assert polled_link_receive(**again) == "skipped"
        # Two tasks fetching it at once both pass that check: the second, which waits
        # for the first's lock on the document, records nothing.
        document_fetch(
            conference=Conference.objects.get(slug="wcit-12"),
            url=again["url"],
            origin="official",
            channel="poll",
        )
        assert DocumentIntake.objects.count() == 1

    def test_a_polled_link_to_bytes_known_already_is_recorded_once(
        self, server, settings, django_capture_on_commit_callbacks
    ):
        from proposals.models import Conference, DocumentIntake
        from proposals.services.ingestion import document_receive, sources_poll

        # The same file came in by hand before the page listed it.
        with django_capture_on_commit_callbacks(execute=True):
            document_receive(
                conference=Conference.objects.get(slug="wcit-12"),
                data=DOC,
                origin="official",
                channel="upload",
            )
        settings.INGEST_POLL_SOURCES = [
            {"conference": "wcit-12", "origin": "official", "index": f"{server}/index.html"}
        ]
        with django_capture_on_commit_callbacks(execute=True):
            assert sources_poll() == polled(queued=1)
        assert DocumentIntake.objects.filter(source_url=f"{server}/doc29.txt").count() == 1
        # ...so the next poll knows the link.
        with django_capture_on_commit_callbacks(execute=True):
            assert sources_poll() == polled(skipped=1)

    def test_an_address_too_long_to_record_is_refused_before_fetching(self, server):
        from proposals.models import Conference, DocumentIntake
        from proposals.services.ingestion import document_fetch

        with pytest.raises(FetchRefused, match="1111 characters long; the limit is 1000"):
            document_fetch(
                conference=Conference.objects.get(slug="wcit-12"),
                url=f"{server}/{'a' * (1111 - len(server) - 5)}.txt",
                origin="official",
            )
        assert not DocumentIntake.objects.exists()


@pytest.mark.parametrize(
    "url", ["http://itu.int:99999/x.pdf", "http://[::1/x.pdf", "http://xn--a.itu.int\u0080/x"]
)
def test_malformed_urls_are_refused_not_crashed(url):
    with pytest.raises(FetchRefused):
        fetch(url, allowed_hosts={"itu.int"}, max_bytes=1000)
