"""The same bytes arriving from several places at once, as when a curator uploads a file
while the poller finds it: one Document, one ingest run, and an intake for each arrival.
Needs PostgreSQL: the race is decided by its row locks and unique index."""

import threading

import pytest
from django.db import connection

from proposals.models import Conference, Document, DocumentIntake, IngestRun
from proposals.services.ingestion import document_receive

ARRIVALS = 8


@pytest.mark.django_db(transaction=True)
def test_simultaneous_arrivals_of_the_same_bytes_make_one_document(postgres, conference_factory):
    conference = conference_factory(slug="wcit-12")
    data = b"Document 29-E\nParaguay\nMOD\tPRG/29/1\n5\t1.3\tText.\nReasons:\tWhy.\n"
    start = threading.Barrier(ARRIVALS)
    results, errors = [], []

    def arrive(n: int) -> None:
        try:
            start.wait()
            document, run = document_receive(
                conference=Conference.objects.get(pk=conference.pk),
                data=data,
                origin="official",
                channel="command",
                filename=f"copy-{n}.txt",
                enqueue=False,
            )
            results.append((document.pk, run.pk if run else None))
        except Exception as error:  # reported below, with the thread's own error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=arrive, args=(n,)) for n in range(ARRIVALS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == ARRIVALS
    assert len({document for document, _ in results}) == 1
    assert Document.objects.count() == 1
    assert IngestRun.objects.count() == 1
    assert sum(1 for _, run in results if run) == 1  # only the first arrival starts a run
    assert sorted(DocumentIntake.objects.values_list("original_filename", flat=True)) == [
        f"copy-{n}.txt" for n in range(ARRIVALS)
    ]
