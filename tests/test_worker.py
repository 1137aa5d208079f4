"""End to end, as production runs it: documents go in through the service, a real Celery
worker process takes them from Redis, and the proposals land in PostgreSQL."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from itutracker.celery import app as celery_app
from proposals.choices import IngestStatus, IntakeChannel
from proposals.models import Conference, IngestRun, Proposal
from proposals.services.ingestion import document_receive
from tests.proposals.ingest.documents import (
    docx_bytes,
    html_bytes,
    image_only_pdf_bytes,
    pdf_bytes,
    xml_bomb_docx,
    zip_bomb_docx,
)

ROOT = Path(__file__).resolve().parents[1]
FINISHED = {
    IngestStatus.SUCCEEDED,
    IngestStatus.NEEDS_REVIEW,
    IngestStatus.NEEDS_OCR,
    IngestStatus.FAILED,
}


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def start_worker(
    postgres, transactional_db, reference_data, redis_url, settings, tmp_path, monkeypatch
):
    """Starts worker processes on a queue of their own, sharing this test's database and
    files; pass the pool's options."""
    queue = f"itutracker-test-{uuid.uuid4().hex[:12]}"
    settings.MEDIA_ROOT = tmp_path / "media"  # the worker's, from ITUTRACKER_DATA_DIR
    monkeypatch.setattr(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(celery_app.conf, "broker_url", redis_url)
    monkeypatch.setattr(celery_app.conf, "task_default_queue", queue)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "ITUTRACKER_DATA_DIR": str(tmp_path),
        "INGEST_MAX_BYTES": str(1_000_000),  # so that the oversize case stays small
    }
    started = []

    def start(*pool):
        log = open(tmp_path / f"worker-{len(started)}.log", "w+")  # noqa: SIM115 - read on failure
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "itutracker", "worker", *pool,
             "--queues", queue, "--without-heartbeat", "--without-mingle", "--without-gossip",
             "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append((process, log))
        return process, log

    yield start
    for process, log in started:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture
def worker(start_worker):
    return start_worker("--pool=solo")


def wait_for(runs, process, log, timeout=90):
    deadline = time.monotonic() + timeout
    pending = {run.pk for run in runs}
    while pending and time.monotonic() < deadline:
        done = IngestRun.objects.filter(pk__in=pending, status__in=FINISHED)
        pending -= set(done.values_list("pk", flat=True))
        if process.poll() is not None:
            break
        time.sleep(0.25)
    if pending:
        log.seek(0)
        pytest.fail(f"runs {sorted(pending)} did not finish; worker log:\n{log.read()[-4000:]}")
    return [IngestRun.objects.get(pk=run.pk) for run in runs]


def send(data, origin="official"):
    document, run = document_receive(
        conference=Conference.objects.get(slug="wcit-12"),
        data=data,
        origin=origin,
        channel=IntakeChannel.COMMAND,
    )
    return document, run


DOC_27 = [
    "Document 27-E", "13 November 2012", "Original: Russian", "Russian Federation",
    "PROPOSALS FOR THE WORK OF THE CONFERENCE",
    "ADD\tRUS/27/7", "ARTICLE 3A", "Internet",
    "31A\t3A.1\tAn earlier wording of the Internet article.", "Reasons:\tFirst version.",
    "MOD\tRUS/27/8", "7\t1.5\tMutual agreement text.", "Reasons:\tClarity.",
]  # fmt: skip
REV_27 = ["Revision 1 to", *DOC_27[:6], "ARTICLE 3A", "Internet",
          "31A\t3A.1\tInternet governance shall be effected through governments...",
          "Reasons:\tTunis Agenda."]  # fmt: skip
DOC_29_PDF = [["Document 29-E", "Paraguay", "PROPOSALS FOR THE WORK OF THE CONFERENCE",
               "MOD PRG/29/1", "5 1.3 These Regulations are established with a view to "
               "facilitating global interconnection of telecommunication networks.",
               "Reasons: Precision."]]  # fmt: skip
DOC_30_HTML = html_bytes(
    "<p>Document 30-E</p><p>Ghana</p><p>PROPOSALS FOR THE WORK OF THE CONFERENCE</p>"
    "<p>ADD\tGHA/30/1</p><p>DRAFT NEW RESOLUTION [GHA-1]</p>"
    "<p>To review the ITRs more regularly</p><p>Reasons: 24 years passed.</p>"
)


def test_documents_go_through_a_real_worker(worker):
    process, log = worker
    doc_27 = docx_bytes(DOC_27)  # built once: Word files carry the time they were saved
    documents = [send(doc_27), send(pdf_bytes(DOC_29_PDF)), send(DOC_30_HTML)]
    runs = wait_for([run for _, run in documents], process, log)
    statuses = [run.status for run in runs]
    assert statuses == [IngestStatus.SUCCEEDED] * 3, [r.error for r in runs]

    rus = Proposal.objects.get(number="RUS/27/7", superseded_by=None)
    assert (rus.action, rus.provision.number, rus.document.symbol) == ("ADD", "3A.1", "Document 27")
    assert [s.itu_code for s in rus.proposing_states.all()] == ["RUS"]
    prg = Proposal.objects.get(number="PRG/29/1")
    assert (prg.action, prg.provision.number, prg.page) == ("MOD", "1.3", 1)
    assert [s.itu_code for s in prg.proposing_states.all()] == ["PRG"]
    gha = Proposal.objects.get(number="GHA/30/1")
    assert (gha.action, gha.provision.number, gha.provision.instrument.slug) == (
        "ADD",
        "[GHA-1]",
        "wcit-res",
    )
    assert [s.itu_code for s in gha.proposing_states.all()] == ["GHA"]

    # The same file again changes nothing: no new run, no proposal touched.
    before = list(Proposal.objects.order_by("pk").values_list("pk", "updated_at"))
    _, again = send(doc_27)
    assert again is None
    assert list(Proposal.objects.order_by("pk").values_list("pk", "updated_at")) == before

    # Revision 1 supersedes the original's RUS/27/7. It leaves RUS/27/8 out: that stays as
    # it was, and a curator is asked whether it was withdrawn.
    _, run = send(docx_bytes(REV_27))
    (run,) = wait_for([run], process, log)
    assert run.status == IngestStatus.NEEDS_REVIEW, run.error
    assert run.error == (
        "RUS/27/8: in wcit-12 Document 27 but not in this revision; a curator decides "
        "whether it was withdrawn"
    )
    current = Proposal.objects.get(number="RUS/27/7", superseded_by=None)
    assert current.document.symbol == "Revision 1 to Document 27"
    assert (
        Proposal.objects.get(number="RUS/27/7", document__symbol="Document 27").superseded_by
        == current
    )
    assert Proposal.objects.get(number="RUS/27/8").superseded_by is None


def test_the_worker_survives_a_bad_input_corpus(worker):
    process, log = worker
    corpus = {
        "empty": b"",
        "truncated pdf": pdf_bytes(DOC_29_PDF)[:300],
        "encrypted pdf": pdf_bytes(DOC_29_PDF, password="x"),
        "image-only pdf": image_only_pdf_bytes(),
        "zip-bomb docx": zip_bomb_docx(20),
        "xml-bomb docx": xml_bomb_docx(),
        "exe renamed pdf": b"MZ\x90\x00" + b"\x00" * 300,
        "oversize": b"MOD PRG/29/1\n" + b"x" * 1_500_000,
    }
    bad = [send(data)[1] for data in corpus.values()]
    good = send(docx_bytes(DOC_27))[1]
    *bad_runs, good_run = wait_for([*bad, good], process, log)
    outcomes = dict(zip(corpus, [(run.status, run.error) for run in bad_runs], strict=True))
    assert outcomes["image-only pdf"][0] == IngestStatus.NEEDS_OCR
    assert "limit is" in outcomes["oversize"][1]
    for name, (status, error) in outcomes.items():
        assert status in {IngestStatus.FAILED, IngestStatus.NEEDS_OCR}, name
        assert error, name
    assert good_run.status == IngestStatus.SUCCEEDED, good_run.error
    assert process.poll() is None  # still serving


def pool_processes(process) -> list[int]:
    """The pids of a prefork worker's pool processes: its children."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The name, in brackets, may hold spaces; the parent's pid is the 2nd field after it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == process.pid:
            children.append(int(stat.parent.name))
    return children


def wait_until(condition, process, log, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline or process.poll() is not None:
            log.seek(0)
            pytest.fail(f"{what} did not happen; worker log:\n{log.read()[-4000:]}")
        time.sleep(0.1)


def backends_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_a_run_whose_worker_is_killed_mid_ingest_is_delivered_again_and_finishes_once(
    start_worker,
):
    """The pool process is killed while it saves the proposals. Celery delivers the task
    again (acks_late, reject_on_worker_lost), and the run ends once, with each proposal
    saved once and nothing from the killed attempt."""
    import psycopg2

    if not Path("/proc").is_dir():
        pytest.skip("needs /proc to find the worker's pool process")
    process, log = start_worker("--pool=prefork", "--concurrency=1")
    # Another session holds the proposals table against writes, so the worker stops at
    # its first write to it, inside "link and save", after the run was claimed.
    db = connection.settings_dict
    holder = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"], port=db["PORT"],
    )  # fmt: skip
    try:
        with holder.cursor() as cursor:
            cursor.execute("LOCK TABLE proposals_proposal IN EXCLUSIVE MODE")
        document, run = send(docx_bytes(DOC_27))

        def saving(attempt):
            run.refresh_from_db()
            return (
                run.attempts == attempt
                and run.step == "link and save"
                and backends_waiting_for_a_lock() == 1
            )

        wait_until(lambda: saving(1), process, log, "the first attempt")
        (pool,) = pool_processes(process)
        os.kill(pool, signal.SIGKILL)
        wait_until(lambda: saving(2), process, log, "a second delivery")
        assert run.status == IngestStatus.RUNNING
        assert not Proposal.objects.exists()
    finally:
        holder.rollback()
        holder.close()

    (run,) = wait_for([run], process, log)
    assert (run.status, run.error, run.attempts) == (IngestStatus.SUCCEEDED, "", 2)
    assert sorted(Proposal.objects.values_list("number", flat=True)) == ["RUS/27/7", "RUS/27/8"]
    assert list(IngestRun.objects.filter(document=document)) == [run]
    assert process.poll() is None  # the worker replaced its pool process
