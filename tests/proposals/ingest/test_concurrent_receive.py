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


@pytest.mark.django_db(transaction=True)
def test_a_second_delivery_while_the_first_still_runs_leaves_the_run_to_it(
    postgres, reference_data, monkeypatch
):
    """At-least-once: a broker may hand a running task to a second worker. The second
    leaves the run alone instead of claiming it again and colliding on every number."""
    from proposals.choices import IngestStatus
    from proposals.models import Proposal
    from proposals.services import ingestion

    _, run = document_receive(
        conference=Conference.objects.get(slug="wcit-12"),
        data=b"Document 88-E\nMOD\tRUS/88/1\n5\t1.3\tSome text.\nReasons:\tWhy.\n",
        origin="official",
        channel="command",
        enqueue=False,
    )
    first_parsing, second_done = threading.Event(), threading.Event()
    read = ingestion.parse_all

    def parse_all(extracted):
        first_parsing.set()
        second_done.wait(timeout=30)
        return read(extracted)

    monkeypatch.setattr(ingestion, "parse_all", parse_all)
    monkeypatch.setattr(ingestion, "LOCK_WAIT_SECONDS", 0.5)
    outcomes = {}

    def deliver(name: str) -> None:
        try:
            outcomes[name] = ingestion.document_ingest(run=IngestRun.objects.get(pk=run.pk))
        finally:
            connection.close()

    first = threading.Thread(target=deliver, args=("first",))
    first.start()
    assert first_parsing.wait(timeout=30)
    second = threading.Thread(target=deliver, args=("second",))
    second.start()
    second.join(timeout=30)
    second_done.set()
    first.join(timeout=30)

    assert outcomes["second"].status == IngestStatus.RUNNING  # left to the first
    run.refresh_from_db()
    assert (run.status, run.attempts) == (IngestStatus.SUCCEEDED, 1), run.error
    assert Proposal.objects.filter(number="RUS/88/1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_delivery_waits_for_a_document_whose_lock_a_dead_worker_left(postgres, reference_data):
    """A worker killed mid-query leaves its server process holding the document's lock
    until the database notices; Celery delivers the run again at once. The new delivery
    waits for the lock instead of leaving the run to a worker that is gone."""
    import psycopg2

    from proposals.choices import IngestStatus
    from proposals.models import Proposal
    from proposals.services import ingestion

    document, run = document_receive(
        conference=Conference.objects.get(slug="wcit-12"),
        data=b"Document 88-E\nMOD\tRUS/88/1\n5\t1.3\tSome text.\nReasons:\tWhy.\n",
        origin="official",
        channel="command",
        enqueue=False,
    )
    db = connection.settings_dict
    dead = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"], port=db["PORT"],
    )  # fmt: skip
    dead.autocommit = True
    with dead.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_lock(%s, %s)", [ingestion.INGEST_LOCK_SPACE, document.pk]
        )
    threading.Timer(1.0, dead.close).start()  # the database ends the dead session

    run = ingestion.document_ingest(run=run)

    assert (run.status, run.attempts) == (IngestStatus.SUCCEEDED, 1), run.error
    assert Proposal.objects.filter(number="RUS/88/1").count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW client_connection_check_interval")
        assert cursor.fetchone() == (f"{ingestion.CONNECTION_CHECK_MS // 1000}s",)
