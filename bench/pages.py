"""Analyst page speed: server-side render time of every page on the demo data.

    uv run python bench/pages.py [--repeat 30]

Loads the reference and demo data (as quickstart does) into a fresh SQLite database in a
temporary folder, or into DATABASE_URL when set (give it a database of its own: the
bench migrates and loads into it), then requests every page through Django's test
client, in one process, with DEBUG off (and without setup_test_environment(), which
would instrument template rendering and slow every page down). Prints the median and
the slowest time per page and its query count; asserts nothing. The target is under
150 ms per page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from harness import django_for_bench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    options = parser.parse_args()

    django_for_bench()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from proposals.models import Document, Proposal

    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0, stdout=quiet)
        call_command("load_demo", verbosity=0, stdout=quiet)
        # As a deployment does: with DEBUG off, pages link to the hashed file names.
        call_command("collectstatic", interactive=False, verbosity=0)

    proposal = Proposal.objects.filter(published=True).exclude(number="").first()
    document = Document.objects.filter(proposals__isnull=False).order_by("-pk").first()
    td62 = Document.objects.get(symbol="TD 62")
    pages = {
        "home": "/",
        "proposal list": "/proposals/",
        "search 'spam'": "/proposals/?q=spam",
        "two facets": "/proposals/?topic=spam&proposer=RUS",
        "Atom feed": "/proposals/feed/?q=spam",
        "proposal": proposal.get_absolute_url(),
        "provision (ITR 1)": "/provisions/itr-1988/1/",
        "conference (WCIT-12)": "/conferences/wcit-12/",
        "document (TD 62)": td62.get_absolute_url(),
        "document (ingested)": document.get_absolute_url(),
        "topic matrix": "/topics/",
        "topic (spam)": "/topics/spam/",
        "member states": "/states/",
        "member state (RUS)": "/states/RUS/",
        "regional groups": "/groups/",
        "regional group (CEPT)": "/groups/CEPT/",
    }
    client = Client()
    print(
        f"database: {connection.vendor}; {Proposal.objects.count()} proposals, "
        f"{Document.objects.count()} documents; {options.repeat} requests per page"
    )
    print(f"{'page':28} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    slowest = 0.0
    for name, path in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        query_count = len(queries.captured_queries)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        times = []
        for _ in range(options.repeat):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        slowest = max(slowest, max(times))
        print(f"{name:28} {statistics.median(times):10.1f} {max(times):8.1f} {query_count:8}")
    print(f"slowest single request: {slowest:.1f} ms (target: under 150 ms)")


if __name__ == "__main__":
    main()
