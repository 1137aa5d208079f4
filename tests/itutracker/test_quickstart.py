import io
import socket
import time
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from delegations.models import GroupMembership, MemberState
from proposals.models import (
    Conference,
    Document,
    DocumentIntake,
    IngestRun,
    Proposal,
    Provision,
)

from .run import clean_environment, manage_popen

COUNTED = [
    MemberState,
    GroupMembership,
    Conference,
    Provision,
    Document,
    Proposal,
    DocumentIntake,
    IngestRun,
]


def test_quickstart_twice_sets_up_once_and_duplicates_nothing(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    first = io.StringIO()
    call_command("quickstart", no_serve=True, stdout=first)
    counts = {model: model.objects.count() for model in COUNTED}
    assert counts[MemberState] == 193 and counts[Proposal] > 0

    # The demo documents went through the ingestion pipeline.
    assert set(IngestRun.objects.values_list("status", flat=True)) == {"succeeded"}
    assert counts[IngestRun] == 3
    assert Proposal.objects.get(number="RUS/27/7").document.file

    second = io.StringIO()
    call_command("quickstart", no_serve=True, stdout=second)
    assert {model: model.objects.count() for model in COUNTED} == counts
    assert " created" not in second.getvalue() and "updated" not in second.getvalue()
    assert get_user_model().objects.filter(username="admin", is_superuser=True).count() == 1
    # The same login is printed both times, and it works.
    login = [line for line in first.getvalue().splitlines() if "password" in line]
    assert login and login[0] in second.getvalue()
    password = login[0].split("password '")[1].rstrip("'")
    assert get_user_model().objects.get(username="admin").check_password(password)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:  # follows the admin's redirect
        return response.status


def test_quickstart_serves_the_site_and_the_admin(tmp_path):
    port = free_port()
    # The embedded default, as a new user gets it: SQLite in a fresh data folder.
    server = manage_popen(
        "quickstart", "--port", str(port), env=clean_environment(ITUTRACKER_DATA_DIR=str(tmp_path))
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                assert get(f"http://127.0.0.1:{port}/") == 200
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"quickstart did not serve:\n{server.stdout.read()}")
                time.sleep(0.5)
        assert get(f"http://127.0.0.1:{port}/admin/") == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_quickstart_says_at_once_when_its_port_is_taken(db):
    from django.core.management import CommandError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"Port {port} is in use.*--port {port + 1}"):
            call_command("quickstart", port=port, stdout=io.StringIO())
    assert not Proposal.objects.exists()  # refused before setting anything up
