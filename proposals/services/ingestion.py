"""Receive documents and ingest them. Every intake channel (the admin, the API, the
`ingest` command, URL fetches, polled sources) calls `document_receive`; the Celery task
calls `document_ingest`. The steps themselves are the pure functions in proposals.ingest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import stat
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urldefrag, urljoin

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import capfirst
from kombu.exceptions import OperationalError as BrokerUnavailable

from delegations.models import MemberState, RegionalGroup

from .. import search
from ..choices import (
    DocumentKind,
    IngestStatus,
    InstrumentKind,
    IntakeChannel,
    Origin,
    ProvisionKind,
    ProvisionStatus,
)
from ..ingest.detect import detect_type, html_encoding
from ..ingest.errors import IngestError, NeedsOCR
from ..ingest.extract import Extracted, Limits, extract
from ..ingest.fetch import FetchRefused, fetch
from ..ingest.header import Header, parse_header
from ..ingest.parse import (
    REVIEW_THRESHOLD,
    ParsedProposal,
    confidence,
    parse_table,
    parse_text,
)
from ..ingest.public_copy import public_copy
from ..models import Conference, Document, DocumentIntake, IngestRun, Proposal, Provision, Topic
from .history import curator_reviews, pipeline_history_write
from .proposals import (
    base_number,
    differs,
    numbered_as_any,
    proposal_apply,
    proposals_create,
    proposals_revise,
    proposer_keys,
    revision_of,
    sponsorship_key,
    version_order,
)

log = logging.getLogger(__name__)


def ingest_limits() -> Limits:
    return Limits(
        max_bytes=settings.INGEST_MAX_BYTES,
        max_pages=settings.INGEST_MAX_PAGES,
        max_unzipped_bytes=settings.INGEST_MAX_UNZIPPED_BYTES,
    )


# --- Receiving ----------------------------------------------------------------------


def document_receive(
    *,
    conference: Conference,
    data: bytes,
    origin: str,
    channel: str,
    filename: str = "",
    source_url: str = "",
    received_by=None,
    enqueue: bool = True,
    skip_known: bool = False,
) -> tuple[Document, IngestRun | None]:
    """Keep the bytes and record how they arrived; queue an ingest run for new bytes.

    Documents are content-addressed by sha256: the same bytes arriving again make one
    Document with a second intake, and no second run. The file is written before the
    rows, under its hash, so a failure leaves at most an orphan file that the next
    arrival of the same bytes reuses, never a row without its file.

    With enqueue=False the caller runs the ingest itself (document_ingest), as the demo
    loader does. With skip_known=True, bytes already known record nothing at all, which
    suits polling and the demo loader, who see the same files again and again.
    """
    digest, name = store_by_hash("documents", data)
    arguments = {
        "conference": conference,
        "digest": digest,
        "name": name,
        "origin": origin,
        "channel": channel,
        "filename": filename,
        "source_url": source_url,
        "received_by": received_by,
        "enqueue": enqueue,
        "skip_known": skip_known,
    }
    try:
        return receive_stored(**arguments)
    except IntegrityError:
        # The same bytes arrived twice at once and the other arrival created the row
        # first: this one is then a second intake of it.
        return receive_stored(**arguments)


def receive_stored(
    *, conference, digest, name, origin, channel, filename, source_url, received_by,
    enqueue: bool, skip_known: bool,
) -> tuple[Document, IngestRun | None]:  # fmt: skip
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(sha256=digest).first()
        if document is not None and skip_known:
            return document, None
        if (
            document is not None
            and channel == IntakeChannel.POLL
            and source_url
            and document.intakes.filter(source_url=source_url).exists()
        ):
            # Two polls' tasks fetched the same link at once; the document's lock made
            # this one wait for the other, which recorded it.
            return document, None
        run = None
        if document is not None and document.ingest_status == IngestStatus.FAILED:
            # A failure may have been ours (a limit, a bug since fixed): try again.
            run = run_queue(document, enqueue=enqueue)
        if document is None:
            document = Document.objects.create(
                conference=conference,
                # Until the header is read (see apply_header); random rather than from
                # the hash, which stays the curators' for a leaked document.
                symbol=f"Received document {secrets.token_hex(4)}",
                kind=DocumentKind.OTHER,
                origin=origin,
                sha256=digest,
                file=name,
                ingest_status=IngestStatus.QUEUED,
                # The file name stays in the intake (curators only): a leaked file's name
                # can point to whoever passed it on.
                source=f"Received via {channel}",
            )
            run = run_queue(document, enqueue=enqueue)
        DocumentIntake.objects.create(
            document=document,
            channel=channel,
            original_filename=readable_name(filename)[:255],
            source_url=source_url,
            received_by=received_by,
        )
    return document, run


def document_fetch(
    *,
    conference: Conference,
    url: str,
    origin: str,
    channel: str = IntakeChannel.URL,
    received_by=None,
) -> tuple[Document, IngestRun | None]:
    """Fetch a document from an allowed host (settings.INGEST_FETCH_HOSTS) and receive it."""
    from urllib.parse import unquote, urlsplit

    limit = DocumentIntake._meta.get_field("source_url").max_length
    if len(url) > limit:
        # Refused before fetching: the intake could not record where the bytes came from.
        raise FetchRefused(f"The address is {len(url)} characters long; the limit is {limit}.")
    fetched = fetch_allowed(url)
    filename = unquote(urlsplit(fetched.url).path.rsplit("/", 1)[-1])
    return document_receive(
        conference=conference,
        data=fetched.data,
        origin=origin,
        channel=channel,
        filename=filename,
        # The address as asked for, which is what polling looks up to skip known links.
        source_url=url,
        received_by=received_by,
    )


DOCUMENT_LINK = re.compile(r"(?i)\.(?:pdf|docx?|html?|txt)(?:$|\?)")


def readable_name(name: str) -> str:
    """A file name as text a database takes. A name that is not UTF-8 (unzipped from a
    Windows archive) reaches Python with its odd bytes escaped as lone surrogates; they
    become replacement characters. A NUL (a link's "%00") goes: PostgreSQL refuses it."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\x00", "")


def sources_poll() -> dict[str, int]:
    """Receive what is new in each configured source (settings.INGEST_POLL_SOURCES): a
    folder's files, or an index page's links to documents, each fetched by a task of its
    own. Bytes already known and links already fetched are skipped without a new intake,
    so polling often is cheap and adds nothing twice. One source failing does not stop
    the others."""
    counts = {"received": 0, "queued": 0, "waiting": 0, "skipped": 0, "failed": 0}
    for source in settings.INGEST_POLL_SOURCES:
        try:
            conference = Conference.objects.get(slug=source["conference"])
            if source.get("origin") not in Origin.values:
                raise ValueError(f"origin must be one of {', '.join(Origin.values)}")
            if "folder" in source:
                poll_folder(Path(source["folder"]), conference, source["origin"], counts)
            else:
                poll_index(source["index"], conference, source["origin"], counts)
        except (IngestError, Conference.DoesNotExist, OSError, KeyError, ValueError) as problem:
            log.warning("Polling %s failed: %s", source, problem)
            counts["failed"] += 1
    return counts


def fetch_allowed(url: str):
    """Fetch `url` within the configured hosts, size limit and time."""
    return fetch(
        url,
        allowed_hosts=set(settings.INGEST_FETCH_HOSTS),
        max_bytes=settings.INGEST_MAX_BYTES,
        timeout=settings.INGEST_FETCH_TIMEOUT_SECONDS,
    )


def document_files(folder: Path) -> list[Path]:
    """The files under `folder`, in a stable order, without hidden ones (.DS_Store) or
    those in hidden folders (.git, .Trash-1000, a sync tool's). A link to a file outside
    the folder is listed too, for file_bytes to refuse with the reason."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def size_refusal(size: int) -> str:
    """Why a file of `size` bytes is refused, or "" when it is not. Every channel asks
    before reading the file, so an oversize one is never loaded into memory."""
    from django.template.defaultfilters import filesizeformat

    limit = settings.INGEST_MAX_BYTES
    if size <= limit:
        return ""
    return f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)}."


def file_bytes(path: Path, folder: Path | None = None) -> bytes:
    """The bytes of a file offered from `folder`, or IngestError saying why not: a link
    to a file outside the folder (whoever can write to a watched folder must not publish
    the server's files through it), not a file (a pipe would block), too large (asked
    before reading, so such a file is never loaded, and checked again while reading:
    /proc's files say they are empty), or unreadable (no permission, removed since the
    folder was listed). Checked on the file opened, not on its name, which a link
    swapped in the meantime would change."""
    limit = settings.INGEST_MAX_BYTES
    try:
        with opened_file(path) as file:
            opened = os.fstat(file.fileno())
            if not stat.S_ISREG(opened.st_mode):
                raise IngestError("It is not a file.")
            if folder is not None and not inside(path, opened, folder):
                raise IngestError("The file is a link to a file outside the folder.")
            if refusal := size_refusal(opened.st_size):
                raise IngestError(refusal)
            data = file.read(limit + 1)
    except OSError as problem:
        raise IngestError(f"The file cannot be read: {problem.strerror or problem}.") from problem
    if len(data) > limit:
        raise IngestError(size_refusal(len(data)).replace("The file is", "The file is over", 1))
    return data


def opened_file(path: Path):
    """`path` opened to read, without waiting on a pipe's writer."""
    return open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NONBLOCK))


def inside(path: Path, opened: os.stat_result, folder: Path) -> bool:
    """Whether the file opened as `path` is the one that `path` names now, in `folder`."""
    real = path.resolve()
    return real.is_relative_to(folder.resolve()) and os.path.samestat(opened, real.stat())


def poll_folder(folder: Path, conference: Conference, origin: str, counts: dict) -> None:
    """Receive the folder's files, but not those changed in the last
    INGEST_POLL_SETTLE_SECONDS: one still being copied in would be received cut short,
    and stay a failed document. The next poll takes it whole. A file dated in the future
    waits too (a file server's clock can run ahead of this one's), but not one dated more
    than a day ahead, which no clock is wrong by: an archive's times set wrong."""
    now, settle = time.time(), settings.INGEST_POLL_SETTLE_SECONDS
    for path in document_files(folder):
        try:
            if now - settle < path.stat().st_mtime <= now + 86400:
                counts["waiting"] += 1
                continue
            data = file_bytes(path, folder)
        except FileNotFoundError:  # gone since the folder was listed
            continue
        except IngestError as problem:
            # One file a poll cannot take does not keep it from the others.
            log.warning("Polling skipped %s: %s", path, problem)
            counts["failed"] += 1
            continue
        _, run = document_receive(
            conference=conference,
            data=data,
            origin=origin,
            channel=IntakeChannel.POLL,
            filename=path.name,
            skip_known=True,
        )
        counts["received" if run else "skipped"] += 1


def poll_index(index_url: str, conference: Conference, origin: str, counts: dict) -> None:
    from selectolax.lexbor import LexborHTMLParser

    page = fetch_allowed(index_url)
    markup = page.data.decode(html_encoding(page.data), "replace")
    # Without the place in the document ("d82.pdf#page=1"): the same file.
    links = {
        urldefrag(urljoin(page.url, node.attributes.get("href") or "")).url
        for node in LexborHTMLParser(markup).css("a[href]")
    }
    links = sorted(link for link in links if DOCUMENT_LINK.search(link))
    # One query for the whole page, not one per link.
    known = set(
        DocumentIntake.objects.filter(source_url__in=links).values_list("source_url", flat=True)
    )
    for link in links:
        if link in known:
            counts["skipped"] += 1
        else:
            link_fetch_queue(url=link, conference=conference, origin=origin)
            counts["queued"] += 1


def link_fetch_queue(*, url: str, conference: Conference, origin: str) -> None:
    """Send the fetch of a link a poll found to the workers once the transaction
    commits. Each link has a task, and so a time limit, of its own: links that hang or
    fail cannot use up the poll's time and keep it from the links and sources after them.
    Without a broker it runs at once, in-process."""
    # Imported here: tasks import this module.
    from ..tasks import fetch_polled_link

    def send():
        try:
            fetch_polled_link.delay(url, conference.slug, origin)
        except BrokerUnavailable as problem:  # the next poll queues it again
            log.warning("Could not queue the fetch of %s: %s", url, problem)

    transaction.on_commit(send)


def polled_link_receive(*, url: str, conference_slug: str, origin: str) -> str:
    """Fetch and receive a link a poll found, unless it was received since it was
    queued (two polls can queue it; see receive_stored for two fetching it at once). Its
    intake records the address even when the bytes are known already, so that the next
    poll skips it. A link that cannot be fetched or is refused is logged, not raised:
    fetching it again gives the same answer, until the next poll."""
    if DocumentIntake.objects.filter(source_url=url).exists():
        return "skipped"
    try:
        conference = Conference.objects.get(slug=conference_slug)
        document_fetch(conference=conference, url=url, origin=origin, channel=IntakeChannel.POLL)
    except (IngestError, Conference.DoesNotExist) as problem:
        log.warning("Polling skipped %s: %s", url, problem)
        return "failed"
    return "received"


def run_ingest_after_commit(run: IngestRun) -> None:
    transaction.on_commit(lambda: run_send(run.pk))


def run_send(run_id: int) -> bool:
    """Send run `run_id` to the workers. With the broker down, the run stays queued and
    runs_resume sends it again: what arrived is kept either way."""
    # Imported here: tasks import this module.
    from ..tasks import ingest_document

    try:
        ingest_document.delay(run_id)
    except BrokerUnavailable:
        log.exception("Ingest run %s could not be sent; it will be sent again", run_id)
        return False
    return True


def runs_resume() -> int:
    """Send again the runs no worker is on, and return how many: queued for longer than
    INGEST_RESUME_AFTER_SECONDS (their message was lost, say the broker was down or
    restarted empty), or running for twice the hard time limit (their worker is gone:
    the limit would have stopped it, and nothing delivered the run again). Sending one
    a worker still has is harmless: the claim and the document's lock let one delivery
    proceed."""
    now = timezone.now()
    queued_before = now - timedelta(seconds=settings.INGEST_RESUME_AFTER_SECONDS)
    started_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)
    stale = IngestRun.objects.filter(
        Q(status=IngestStatus.QUEUED, created_at__lt=queued_before)
        | Q(status=IngestStatus.RUNNING, started_at__lt=started_before)
    ).values_list("pk", flat=True)
    return sum(run_send(run_id) for run_id in stale)


def documents_delete(documents) -> int:
    """Delete these documents with their intakes and runs, and, once that is committed,
    their files: a leaked original a curator deletes (say, to protect a source) must not
    stay on disk. Proposals protect the document they were read from. Returns how many
    went."""
    with transaction.atomic():
        rows = list(
            documents.select_related(None).select_for_update().only("pk", "file", "public_file")
        )
        names = [stored.name for row in rows for stored in (row.file, row.public_file) if stored]
        _, deleted = Document.objects.filter(pk__in=[row.pk for row in rows]).delete()
        stored_files_forget(names)
    return deleted.get(Document._meta.label, 0)


def stored_files_forget(names: list[str]) -> None:
    """Once the transaction is committed, delete the stored files of these names that no
    document names any longer. A public copy is stored under its own hash, so two leaks
    of one document that differ only in what the copy removes share theirs."""

    def delete_unused():
        named = Document.objects.filter(Q(file__in=names) | Q(public_file__in=names))
        used = {name for pair in named.values_list("file", "public_file") for name in pair}
        for name in set(names) - used:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete_unused)


def document_reingest(*, document: Document) -> IngestRun:
    """Queue a new ingest run for a document that has a file (the admin's action)."""
    if not document.file:
        raise ValueError(f"{document} has no file to ingest.")
    with transaction.atomic():
        return run_queue(document, enqueue=True)


def run_queue(document: Document, *, enqueue: bool) -> IngestRun:
    """A new run for `document`, which shows as queued from now on; with `enqueue`, the
    task is sent once the transaction commits. Every new run starts here."""
    run = IngestRun.objects.create(document=document)
    Document.objects.filter(pk=document.pk).update(ingest_status=IngestStatus.QUEUED)
    document.ingest_status = IngestStatus.QUEUED
    if enqueue:
        run_ingest_after_commit(run)
    return run


# --- Ingesting ----------------------------------------------------------------------


# The step a claimed run starts at, recorded by the claim itself.
FIRST_STEP = "read"


class Progress:
    """Records the current step and its duration on the run, so the admin shows where
    a long ingest is. Each record is a commit of its own, so a step that takes
    milliseconds whatever the document is timed without being announced."""

    def __init__(self, run: IngestRun):
        self.run = run

    @contextmanager
    def step(self, name: str, *, announce: bool = True):
        if announce:
            IngestRun.objects.filter(pk=self.run.pk).update(step=name)
        self.run.step = name
        started = time.perf_counter()
        try:
            yield
        finally:
            self.run.timings[name] = round(time.perf_counter() - started, 4)


def document_ingest(*, run: IngestRun, limits: Limits | None = None, retries: int = 0) -> IngestRun:
    """Run the pipeline for one queued run and record the outcome on it.

    Bad input ends the run as FAILED (or NEEDS_OCR) with a message a curator can act on,
    and is never retried. Database trouble propagates, so that the task retries it;
    `retries` is how many times it has (the task's own count, which its policy caps).
    A document that another worker holds is waited for a few seconds (a worker killed
    mid-run holds it until the database notices). If it is still held, the run is left
    as it is: that worker finishes this run, or runs_resume sends a run it leaves queued
    again.
    """
    with document_lock(run.document_id) as locked:
        if not locked:
            log.info("Ingest run %s left: its document is being ingested", run.pk)
            return run
        return ingest_locked(run, limits, retries)


# The first key of the advisory locks on documents being ingested, so that they cannot
# collide with other uses of advisory locks.
INGEST_LOCK_SPACE = 2712
# How often the database checks that a worker is still connected while it runs one of
# its queries (PostgreSQL 14 and later). A worker killed mid-query (out of memory, say)
# leaves its server process running the query, holding the document's lock, until the
# query ends: minutes, for one waiting on a lock. The check ends it within this time.
CONNECTION_CHECK_MS = 2000
# How long a delivery waits for a document another connection holds, polling: enough for
# the check above to end a dead worker's session, whose run Celery delivers again at once.
LOCK_WAIT_SECONDS = 10.0
LOCK_POLL_SECONDS = 0.25


@contextmanager
def document_lock(document_id: int):
    """Yield whether this worker may ingest the document now. On PostgreSQL a session
    advisory lock, which no other worker can take while this one holds it, and which the
    server releases if the worker's connection dies: a claim alone would let a second
    delivery of the same run (at-least-once) start while the first still runs. SQLite
    runs tasks in one process, one at a time."""
    if connection.vendor != "postgresql":
        yield True
        return
    locked = False
    try:
        with connection.cursor() as cursor:
            if connection.pg_version >= 140000:
                cursor.execute(f"SET client_connection_check_interval = {CONNECTION_CHECK_MS}")
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while True:
                cursor.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", [INGEST_LOCK_SPACE, document_id]
                )
                (locked,) = cursor.fetchone()
                if locked or time.monotonic() >= deadline:
                    break
                time.sleep(LOCK_POLL_SECONDS)
        yield locked
    finally:
        if locked:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", [INGEST_LOCK_SPACE, document_id]
                    )
            except DatabaseError:
                pass  # the connection is gone, and its locks with it


def ingest_locked(run: IngestRun, limits: Limits | None, retries: int) -> IngestRun:
    # Claim the run with a conditional update: of two deliveries of the same task (at-
    # least-once), one proceeds. A RUNNING run is claimable too: its worker died. The
    # claim and the document's status are one commit.
    with transaction.atomic():
        claimed = IngestRun.objects.filter(
            pk=run.pk, status__in=[IngestStatus.QUEUED, IngestStatus.RUNNING]
        ).update(
            status=IngestStatus.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            # The count is in the task's message, which runs_resume's re-send starts
            # afresh: the run keeps the highest it has seen.
            retries=Greatest(F("retries"), Value(retries)),
            step=FIRST_STEP,
        )
        run.refresh_from_db()
        if not claimed:
            return run
        # Starts that were not the task's retries followed a worker that died (out of
        # memory, killed): a document that keeps killing workers is given up on instead
        # of looping forever. Retries after database trouble have their own cap.
        if run.attempts - run.retries > settings.INGEST_MAX_ATTEMPTS:
            stopped = run.attempts - run.retries - 1
            error = (
                f"Ingesting this document was started {stopped} times and never finished: "
                "its worker stopped each time."
            )
            return run_finish(run, IngestStatus.FAILED, error)
        Document.objects.filter(pk=run.document_id).update(ingest_status=IngestStatus.RUNNING)

    progress = Progress(run)
    try:
        status, error = pipeline(run, progress, limits or ingest_limits())
    except NeedsOCR as problem:
        status, error = IngestStatus.NEEDS_OCR, str(problem)
    except IngestError as problem:
        status, error = IngestStatus.FAILED, str(problem)
    except SoftTimeLimitExceeded:
        status = IngestStatus.FAILED
        error = f"Took longer than {settings.CELERY_TASK_SOFT_TIME_LIMIT} s at step {run.step}."
    except Exception as problem:  # a bug must not kill the worker or lose the run
        if is_transient(problem):
            raise
        log.exception("Ingest run %s failed unexpectedly", run.pk)
        status, error = IngestStatus.FAILED, f"Unexpected error at step {run.step}: {problem!r}"

    return run_finish(run, status, error, progress=True)


def run_finish(run: IngestRun, status: str, error: str, *, progress: bool = False) -> IngestRun:
    """Record how a run ended, on the run and on its document. With `progress`, also the
    counts and timings the pipeline gathered on the run."""
    run.status, run.error, run.finished_at = status, error, timezone.now()
    fields = ["status", "error", "finished_at"]
    if progress:
        fields += ["timings", "step", "pages", "proposals_found", "proposals_created",
                   "proposals_updated", "proposals_to_review", "document"]  # fmt: skip
    with transaction.atomic():
        run.save(update_fields=fields)
        Document.objects.filter(pk=run.document_id).update(ingest_status=status)
    return run


TRANSIENT_SQLSTATES = ("08", "40001", "40P01", "57P01", "57P02", "57P03")


def is_transient(problem: Exception) -> bool:
    """Connection loss, a serialization failure, a deadlock, a server restarting: worth a
    retry. Anything else the database refuses (a value too large, say) is not."""
    from django.db import InterfaceError, OperationalError

    if isinstance(problem, InterfaceError):
        return True
    if not isinstance(problem, OperationalError):
        return False
    if connection.vendor != "postgresql":  # SQLite: only a busy database is worth waiting for
        return "locked" in str(problem)
    code = getattr(problem.__cause__, "pgcode", None)
    # No SQLSTATE: the error is the client's own, a connection refused or lost.
    return code is None or code.startswith(TRANSIENT_SQLSTATES)


def pipeline(run: IngestRun, progress: Progress, limits: Limits) -> tuple[str, str]:
    document = run.document
    with progress.step(FIRST_STEP, announce=False), document.file.open("rb") as stored:
        data = stored.read()
    with progress.step("detect", announce=False):
        kind = detect_type(data)
    with progress.step("extract"):
        extracted = extract(data, kind, limits)
    run.pages = len(extracted.pages)

    with progress.step("header", announce=False), transaction.atomic():
        header = parse_header(extracted.pages[0] if extracted.pages else "")
        indexed = (document.pk, search.indexed_text(document)) if document.search_vector else None
        document = apply_header(document, header)
        run.document = document
        document.extracted_text = "\f".join(extracted.pages)
        document.file_type, document.page_count = kind, len(extracted.pages)
        reindex = indexed != (document.pk, search.indexed_text(document))
        if reindex:
            # The vector is the old text's until the index step: saved without one, so
            # that a run stopped before that step leaves the next one to index the text.
            document.search_vector = None
        # One write for the header's facts and the text: the text can be megabytes.
        document.save()

    if document.origin == Origin.LEAKED:
        with progress.step("public copy"):
            make_public_copy(document, data, kind)

    with progress.step("parse"):
        parsed = parse_all(extracted)
    if header.conference_slug and header.conference_slug != document.conference.slug:
        elsewhere = f"the header names {header.conference_slug}, not {document.conference.slug}"
        for item in parsed:
            item.problems.append(elsewhere)
    run.proposals_found = len(parsed)

    with progress.step("link and save"), transaction.atomic():
        review, counts = save_proposals(document, parsed, header)
    # Counted only once saved: a rolled-back save must not count writes that never were.
    for name, count in counts.items():
        setattr(run, name, count)

    # Reading the same file again leaves the text as it was: tokenizing megabytes of it
    # again would be the dearest step of an ingest that changes nothing.
    if reindex:
        with progress.step("index"):
            search.index_documents(Document.objects.filter(pk=document.pk))

    if not parsed and extracted.scanned_pages:
        pages = ", ".join(map(str, extracted.scanned_pages))
        return IngestStatus.NEEDS_OCR, (
            f"No proposals were found, and page(s) {pages} are images with next to no "
            "text: they need OCR."
        )
    if not parsed:
        return IngestStatus.NEEDS_REVIEW, "No proposals were found in this document."
    if review:
        return IngestStatus.NEEDS_REVIEW, "\n".join(review)
    return IngestStatus.SUCCEEDED, ""


def doubts_of(proposal: ParsedProposal) -> tuple[int, bool]:
    """How doubtful a reading is, to compare two: its problems, then whether it lacks the
    reasons (a summary table names a proposal as completely as its text, without them)."""
    return len(proposal.problems), not proposal.reasons


def parse_all(extracted: Extracted) -> list[ParsedProposal]:
    """Running text and tables. A Word table's rows are lines of the page text too, so a
    number found in both is read from the table, unless the table only names it (a table
    of supporters, a summary) and the running text reads it with fewer doubts, or as few
    and with the reasons the table lacks. A number the document uses more than once
    (option rows in a compilation, a typing slip, a cross-reference the parser took for a
    start) is saved once, from its most complete occurrence (the first of those), and
    flagged for a curator."""
    from_tables = [p for page, rows in extracted.tables for p in parse_table(rows, page)]
    table_doubts: dict[str, tuple[int, bool]] = {}
    for proposal in from_tables:
        doubts = doubts_of(proposal)
        table_doubts[proposal.number] = min(doubts, table_doubts.get(proposal.number, doubts))
    from_text = parse_text(extracted.pages)
    # Of a number in a table, only a reading of the text that beats the table's: the
    # others are the table's rows read as lines.
    from_text = [
        p
        for p in from_text
        if p.number not in table_doubts or doubts_of(p) < table_doubts[p.number]
    ]
    text_wins = {p.number for p in from_text if p.number in table_doubts}
    from_tables = [p for p in from_tables if p.number not in text_wins]
    occurrences: dict[str, list[ParsedProposal]] = {}
    for proposal in from_text + from_tables:
        occurrences.setdefault(proposal.number, []).append(proposal)
    kept = []
    for found in occurrences.values():
        best = min(found, key=lambda proposal: len(proposal.problems))
        for page in sorted({other.page for other in found if other is not best}):
            best.problems.append(
                f"the number appears again on page {page}; only the one on page {best.page} "
                "was read"
            )
        kept.append(best)
    return kept


def apply_header(document: Document, header: Header) -> Document:
    """Give a received document the symbol its header states. If a record for that symbol
    already exists with no file (from metadata, or named by a revision), the file joins
    that record rather than making a second one. Returns the document to keep, for the
    caller to save."""
    header.symbol = fit(Document, "symbol", header.symbol)
    header.base_symbol = fit(Document, "symbol", header.base_symbol)
    header.source_line = fit(Document, "source_line", header.source_line)
    header.language = fit(Document, "language", header.language)
    # What a curator set in the admin stays as they set it, cleared or corrected.
    curated = changed_by_curators(document)
    if header.symbol and header.symbol != document.symbol and "symbol" not in curated:
        existing = (
            Document.objects.select_for_update()
            .filter(conference=document.conference, symbol=header.symbol)
            .exclude(pk=document.pk)
            .first()
        )
        if existing is not None and existing.sha256 is None:
            existing.sha256, existing.file = document.sha256, document.file.name
            existing.ingest_status = document.ingest_status
            # A file that arrived leaked stays the curators': the record becomes leaked,
            # so that the public only ever gets the metadata-free copy.
            if document.origin == Origin.LEAKED:
                existing.origin = Origin.LEAKED
            DocumentIntake.objects.filter(document=document).update(document=existing)
            IngestRun.objects.filter(document=document).update(document=existing)
            # Before the caller saves the record with the file's hash, which is unique.
            document.delete()
            document = existing
            curated = changed_by_curators(document)
        elif existing is None:
            document.symbol = header.symbol
    if header.kind and document.kind == DocumentKind.OTHER and "kind" not in curated:
        document.kind = header.kind
    if header.base_symbol and document.base_document_id is None and "base_document" not in curated:
        document.base_document, _ = Document.objects.get_or_create(
            conference=document.conference,
            symbol=header.base_symbol,
            defaults={
                "kind": DocumentKind.CONTRIBUTION
                if header.base_symbol.startswith("Document")
                else DocumentKind.ADDENDUM,
                "origin": document.origin,
                "source": f"Named by {document.symbol}",
            },
        )
    for field in ("date", "language", "source_line"):
        if getattr(header, field) and not getattr(document, field) and field not in curated:
            setattr(document, field, getattr(header, field))
    return document


def change_message_parts(message: str) -> list[dict]:
    """The parts of an admin change message, each a dict ({"changed": {"fields": …}}),
    or none: a message the pipeline wrote ("Ingested again") is plain text, and one
    edited by hand may be anything."""
    try:
        parts = json.loads(message)
    except ValueError:
        return []
    return [part for part in parts if isinstance(part, dict)] if isinstance(parts, list) else []


def changed_by_curators(document: Document) -> set[str]:
    """The document's fields that curators changed in the admin, as its change history
    names them (by their labels); one query."""
    if document.pk is None:
        return set()
    labels = {capfirst(field.verbose_name): field.name for field in Document._meta.fields}
    messages = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Document),
        object_id=str(document.pk),
        action_flag=CHANGE,
    ).values_list("change_message", flat=True)
    changed = set()
    for message in messages:
        for part in change_message_parts(message):
            edit = part.get("changed")
            fields = edit.get("fields") if isinstance(edit, dict) else None
            if isinstance(fields, list):
                changed.update(labels[f] for f in fields if isinstance(f, str) and f in labels)
    return changed


def store_by_hash(folder: str, data: bytes) -> tuple[str, str]:
    """Keep `data` under its sha256 in `folder`, once however often it arrives; return
    the hash and the stored name.

    The file appears under its name only once it is whole: it is written to a temporary
    file beside it and renamed into place. A file cut short before that rule (a full
    disk, a killed process) is written again by the next arrival of the same bytes.
    """
    digest = hashlib.sha256(data).hexdigest()
    name = f"{folder}/{digest[:2]}/{digest}"
    # The default storage is the file system (settings.STORAGES); renaming is what makes
    # the write atomic, and Django's storage API has no rename.
    path = Path(default_storage.path(name))
    if not path.is_file() or path.stat().st_size != len(data):
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".partial-", delete=False) as temp:
            try:
                temp.write(data)
                temp.flush()
                os.fsync(temp.fileno())
                if default_storage.file_permissions_mode is not None:
                    os.chmod(temp.name, default_storage.file_permissions_mode)
            except BaseException:
                os.unlink(temp.name)
                raise
        os.replace(temp.name, path)
    return digest, name


# Where make_public_copy stores its copies (store_by_hash); a curator's upload goes to
# public/<its file name>.
MADE_PUBLIC_COPY = re.compile(r"^public/[0-9a-f]{2}/[0-9a-f]{64}$")


def make_public_copy(document: Document, data: bytes, kind: str) -> None:
    """The metadata-free copy the public gets. It is stored under its own hash, not the
    original's: the original's hash could identify the copy, and so who passed it on.
    Made again at every ingest, so that "Ingest again" replaces a copy that an earlier,
    less thorough cleaner made (the same copy changes nothing), and withdraws it when
    the document can no longer be cleaned. A file a curator put there is left alone, and
    so is their decision to withhold one."""
    if document.public_copy_withheld:
        return
    current = document.public_file.name if document.public_file else ""
    if current and not MADE_PUBLIC_COPY.match(current):
        return
    copy = public_copy(data, kind)
    name = store_by_hash("public", copy)[1] if copy is not None else ""
    if name != current:
        Document.objects.filter(pk=document.pk).update(public_file=name)
        document.public_file = name
        # The copy it replaces, which a less thorough cleaner made, or which can no
        # longer be made clean: not kept on disk either.
        stored_files_forget([current] if current else [])


# --- Linking and saving ----------------------------------------------------------------


# What an ARTICLE or APPENDIX heading names; the provisions under it point to it.
HEADINGS = (ProvisionKind.ARTICLE, ProvisionKind.APPENDIX)


# How a document names an instrument before a provision number ("CS 165", "CV 468").
STATED_INSTRUMENTS = {
    "CS": InstrumentKind.CONSTITUTION,
    "CV": InstrumentKind.CONVENTION,
    "RR": InstrumentKind.REGULATIONS,
}


class Linker:
    """What linking needs, read once per document rather than once per proposal. The
    provisions it finds missing are made in memory and written together by
    `save_provisions`, before the proposals that point to them."""

    def __init__(self, document: Document, parsed: list[ParsedProposal]):
        self.document = document
        self.conference = document.conference
        states = list(MemberState.objects.all())
        self.states = {state.itu_code: state for state in states}
        self.states_by_name = {
            name.lower(): state
            for state in states
            for name in (state.name, state.official_name)
            if name
        }
        self.groups = {
            g.proposal_prefix: g for g in RegionalGroup.objects.exclude(proposal_prefix="")
        }
        self.instruments = list(self.conference.instruments.all())
        # Only the provisions this document names, and the articles of those it numbers
        # (3A of 3A.1): an instrument has hundreds. A number alone may be a margin number.
        named = {n for i in parsed for n in (i.resolution, i.provision, i.article) if n}
        named |= {number.split(".")[0] for number in named if "." in number}
        found = Provision.objects.filter(instrument__in=self.instruments).filter(
            Q(number__in=named) | Q(margin_number__in=[n for n in named if "." not in n])
        )
        self.provisions, self.margins = {}, {}
        for provision in found:
            if provision.number in named:
                self.provisions[(provision.instrument_id, provision.number)] = provision
            if provision.margin_number:
                key = (provision.instrument_id, provision.margin_number)
                self.margins.setdefault(key, []).append(provision)
        self.new_provisions: list[Provision] = []
        # Existing provisions that gain their article: {provision pk: article}.
        self.new_articles: dict[int, Provision] = {}
        self.topics = [(topic, keywords(topic)) for topic in Topic.objects.exclude(keywords="")]

    def proposers(self, item: ParsedProposal, header: Header, problems: list[str]):
        """From the number's prefix (a group's common-proposal prefix or a state's ITU
        code), else from the names the document states. An unknown prefix is flagged for
        review, never guessed."""
        stated = item.proposers_as_stated or header.source_line or item.prefix
        if item.prefix in self.groups:
            return [self.groups[item.prefix]], stated
        if item.prefix in self.states:
            return [self.states[item.prefix]], stated
        states = self.states_named(stated)
        if states:
            return states, stated
        problems.append(f"unknown prefix {item.prefix!r}: proposers not linked")
        return [], stated

    def states_named(self, stated: str) -> list:
        """The member states a list of names names ("Algeria, Bahrain and Sudan"), each
        named as the reference data does or in the ITU's order ("Iran (Islamic Republic
        of)"), or [] if any is not one. "and" is inside names too ("Bosnia and
        Herzegovina"), so a part of the list is split at it only when not a name whole."""
        states = []
        for part in filter(None, (part.strip() for part in stated.split(","))):
            found = self.state_named(part)
            if found is None:
                found = [self.state_named(name.strip()) for name in part.split(" and ")]
                if not all(found):
                    return []
                states.extend(found)
            else:
                states.append(found)
        return list(dict.fromkeys(states))

    def state_named(self, name: str):
        """A member state by one of its names; "Korea (Republic of)", as the ITU orders
        names, is the Republic of Korea."""
        if turned := re.fullmatch(r"(.+?)\s*\(([^()]+)\)", name):
            name = f"{turned[2].strip()} {turned[1]}"
        return self.states_by_name.get(" ".join(name.split()).lower())

    def provision(self, item: ParsedProposal, problems: list[str]) -> Provision | None:
        """The provision in the instruments the conference revises; one they do not have
        is made as "proposed new", for save_provisions to write."""
        if item.resolution:
            number, kind = item.resolution, ProvisionKind.RESOLUTION
            kinds = {InstrumentKind.RESOLUTIONS}
        elif item.provision or item.article:
            number = item.provision or item.article
            kind = (
                ProvisionKind.PROVISION if item.provision else Provision.heading_kind(item.article)
            )
            # The ITRs or the Radio Regulations; else the Constitution and Convention,
            # unless the document names one ("CV 468").
            kinds = {InstrumentKind.REGULATIONS}
            if not any(i.kind in kinds for i in self.instruments):
                kinds = {InstrumentKind.CONSTITUTION, InstrumentKind.CONVENTION}
            named = STATED_INSTRUMENTS.get(item.instrument)
            if named and any(i.kind == named for i in self.instruments):
                kinds = {named}
        else:
            return None
        instruments = [i for i in self.instruments if i.kind in kinds]
        if (
            kinds == {InstrumentKind.REGULATIONS}
            and item.provision
            and "." not in item.provision
            and item.provision != item.article
        ):
            # The Regulations number their provisions 1.3, 3A.1: a number alone before the
            # text is a margin number ("3  b)  These Regulations…"), not Article 3.
            return self.by_margin_number(item.provision, instruments, problems)
        found = [
            self.provisions[(i.pk, number)]
            for i in instruments
            if (i.pk, number) in self.provisions
        ]
        if len(instruments) > 1 and len(found) != 1:
            names = " or ".join(instrument.short_name for instrument in instruments)
            problems.append(f"provision {number} could be in {names}")
            return None
        if not instruments:
            problems.append(f"no instrument of {self.conference.slug} to put provision {number} in")
            return None
        if found and item.article and found[0].kind not in HEADINGS and found[0].article_id:
            # Under another heading than the document's ("APPENDIX 1", then 1.1, which
            # the reference data has in Article 1): a curator decides which it is.
            heading = self.provisions.get((found[0].instrument_id, item.article))
            if heading is None or heading.pk != found[0].article_id:
                problems.append(f"provision {number} is not under {item.article} here")
                return None
        instrument = found[0].instrument_id if found else instruments[0].pk
        provision = found[0] if found else self.new_provision(instrument, number, kind, item)
        if (
            item.article
            # A plain number can name the article itself ("ARTICLE 9", then "9 …").
            and provision.kind not in HEADINGS
            and provision.article_id is None
            # Without an id, no query: this sees an unsaved article linked in this run.
            and provision.article is None
        ):
            article = self.provisions.get((instrument, item.article))
            if article is None:
                kind = Provision.heading_kind(item.article)
                article = self.new_provision(instrument, item.article, kind, item)
            provision.article = article
            if provision.pk is not None:
                self.new_articles[provision.pk] = article
        elif (
            "." in number
            and provision.kind == ProvisionKind.PROVISION
            and provision.article_id is None
            and provision.article is None
            and (article := self.provisions.get((instrument, number.split(".")[0])))
            and article.kind in HEADINGS
        ):
            # 3A.2 is in Article 3A, whether or not a heading just before it says so.
            provision.article = article
            if provision.pk is not None:
                self.new_articles[provision.pk] = article
        return provision

    def by_margin_number(self, margin: str, instruments: list, problems: list[str]):
        """The one provision of these instruments with this margin number, or None with
        the reason: which provision it is, a curator says."""
        found = [p for i in instruments for p in self.margins.get((i.pk, margin), [])]
        if len(found) == 1:
            return found[0]
        problems.append(f"margin number {margin} without a provision number: provision unknown")
        return None

    def new_provision(self, instrument: int, number: str, kind: str, item: ParsedProposal):
        provision = Provision(
            instrument_id=instrument,
            number=fit(Provision, "number", number),
            kind=kind,
            status=ProvisionStatus.PROPOSED,
            margin_number=fit(
                Provision,
                "margin_number",
                item.margin_number if kind not in HEADINGS else "",
            ),
            title=fit(
                Provision,
                "title",
                item.article_title if kind in HEADINGS else item.resolution_title,
            ),
            source=f"Named by a proposal in {self.conference.slug} {self.document.symbol}",
        )
        self.provisions[(instrument, number)] = provision
        self.new_provisions.append(provision)
        return provision

    def save_provisions(self) -> None:
        """Write the provisions found missing, articles first since provisions point to
        them, and link existing provisions to their articles: a query per kind of write
        rather than per provision."""
        is_article = [p.kind in HEADINGS for p in self.new_provisions]
        Provision.objects.bulk_create(
            [p for p, a in zip(self.new_provisions, is_article, strict=True) if a]
        )
        Provision.objects.bulk_create(
            [p for p, a in zip(self.new_provisions, is_article, strict=True) if not a]
        )
        by_article: dict[int, list[int]] = {}
        for pk, article in self.new_articles.items():
            by_article.setdefault(article.pk, []).append(pk)
        for article_id, pks in by_article.items():
            Provision.objects.filter(pk__in=pks).update(article_id=article_id)
        self.new_provisions, self.new_articles = [], {}

    def topics_for(self, item: ParsedProposal) -> list[Topic]:
        searchable = f"{item.text}\n{item.reasons}".lower()
        return [topic for topic, words in self.topics if any(w in searchable for w in words)]


def save_proposals(
    document: Document, parsed: list[ParsedProposal], header: Header
) -> tuple[list[str], dict[str, int]]:
    """Link and save every parsed proposal; return what needs a curator's eye, and the
    run's counts of proposals created, updated and to review."""
    parsed, review = one_version_each(parsed)
    linker = Linker(document, parsed)
    numbers = [item.number for item in parsed]
    # Locked together, so that a second worker on the same document waits.
    # With their proposers and topics, which proposal_apply compares with the parsed ones.
    # In the order of their keys, not the model's (which joins the conference and sorts
    # the rows' texts: most of the time of reading a document again on SQLite).
    own = {
        p.number: p
        for p in Proposal.objects.select_for_update()
        .filter(document=document, number__in=numbers)
        .order_by("pk")
        .prefetch_related("sponsorships", "topics")
    }
    current = {
        p.number: p
        # of=self: PostgreSQL cannot lock the nullable side of the join to the document.
        for p in Proposal.objects.select_for_update(of=("self",))
        .filter(conference=document.conference, number__in=numbers, superseded_by=None)
        .order_by("pk")
        .with_document()
        .prefetch_related("sponsorships", "topics")
    }
    variants = numbered_otherwise(document, numbers)
    # One instance per document, so that following a document's versions (revises)
    # reads each document once, not once per proposal.
    shared: dict[int, Document] = {document.pk: document}
    for row in [*current.values(), *(row for rows in variants.values() for row in rows)]:
        if row.document is not None:
            row.document = shared.setdefault(row.document_id, row.document)
    reviews = curator_reviews([*own.values(), *current.values()], note=LEFT_OUT_LOGGED)
    curated = reviews.edited
    # Less those a curator has already decided on, by removing the note (an edit that
    # leaves it in place decides nothing).
    left_by_later = [
        (number, later)
        for number, later in left_out_by_later_revision(document, numbers)
        if number not in own
        or own[number].pk not in reviews.noted_and_reviewed
        or LEFT_OUT_NOTE in own[number].review_reasons
    ]
    withdrawn = dict(left_by_later)
    noting: dict[str, Document] = {}  # the proposals this reading notes as left out
    deleted = deleted_by_curators(document, numbers)
    renumbered = renumbered_by_curators(document, numbers)
    new, found, revisions, earlier = [], [], [], []
    to_review = updated = 0
    for item in parsed:
        problems = list(item.problems)
        if len(item.number) > Proposal._meta.get_field("number").max_length:
            review.append(f"{item.number[:60]}…: not an ITU proposal number (too long)")
            continue
        proposers, stated = linker.proposers(item, header, problems)
        stated = fit(Proposal, "proposers_as_stated", stated)
        provision = linker.provision(item, problems)
        proposal = own.get(item.number)
        placement = OWN
        if proposal is None and item.number in deleted:
            # A curator deleted this document's proposal: reading the file again does
            # not bring it back.
            review.append(f"{item.number}: a curator deleted it; not created again")
            continue
        if proposal is None and item.number in renumbered:
            review.append(
                f"{item.number}: a curator renumbered it {renumbered[item.number]}; "
                "not created again"
            )
            continue
        if proposal is None:
            latest = current.get(item.number) or variant_for(document, item.number, variants)
            placement, proposal = version_for(document, latest, problems)
        if placement == CONFLICT:
            review.append(f"{item.number}: {'; '.join(problems)}")
            continue
        score = confidence(problems)
        reading = reading_of(item, provision, proposers, stated, problems)
        # Publication waits for a curator whenever anything is in doubt.
        publish = score >= REVIEW_THRESHOLD
        # A later revision leaves it out: not a doubt about the reading, so publication is
        # unchanged, but its record says so, among those waiting for a curator. Not on a
        # version something later replaces already.
        left_out_later = (
            item.number in withdrawn
            and placement != EARLIER
            and not (placement == OWN and proposal.superseded_by_id)
        )
        if placement == REVISED and publish and not proposal.published:
            # A new version stays unpublished like the one it revises: a curator is told,
            # or it would stay hidden with nobody asked to look at it.
            problems.append(f"the version it revises ({proposal.document}) is unpublished")
            publish = False
        facts = {
            "conference": document.conference,
            "number": item.number,
            "document": document,
            "action": item.action,
            "provision": provision,
            "text": item.text,
            "reasons": item.reasons,
            "proposers": proposers,
            "proposers_as_stated": stated,
            "topics": linker.topics_for(item),
            "page": item.page,
            "parse_confidence": score,
            "review_reasons": review_reasons(problems, left_out_later),
            "reading": reading,
            "published": publish,
            # A record that already has a source (typed in, or from metadata) keeps it;
            # its document and page say where this file put it.
            "source": ""
            if proposal
            else f"{document.conference.slug} {document.symbol}, page {item.page}",
        }
        existing = proposal if placement in (OWN, SOURCED) else None
        if left_out_later and not (existing and LEFT_OUT_NOTE in existing.review_reasons):
            noting[item.number] = withdrawn[item.number]
        if (
            placement == OWN
            and proposal.pk in reviews.reviewed
            and proposal.reading == reading
            and item.number not in noting
        ):
            # A curator has looked at the row since the pipeline last changed it, and the
            # file reads as it did then: its doubts were theirs to settle, and are not
            # raised again (whatever they cleared stays cleared).
            found.append((proposal, placement_only(facts, proposal.review_reasons)))
            if proposal.review_reasons:
                to_review += 1
                review.append(f"{item.number}: {proposal.review_reasons}")
            continue
        if placement == REVISED:
            # Published only when the old version was and nothing about the new is in doubt.
            published = proposal.published and publish
            source = f"{document.conference.slug} {document.symbol}"
            revisions.append((proposal, {**facts, "published": published, "source": source}))
        elif placement == EARLIER:
            source = f"{document.conference.slug} {document.symbol}, page {item.page}"
            earlier.append((proposal, {**facts, "source": source}))
        elif proposal is None:
            new.append(facts)
        elif proposal.published and not publish:
            # What the public reads stays as a curator published it until one has looked
            # at this doubtful reading: only where the file puts it and the doubts change.
            problems.append("the published text is kept until this is checked")
            found.append(
                (proposal, placement_only(facts, review_reasons(problems, left_out_later)))
            )
        elif proposal.pk in curated:
            # A curator's work (text, proposers, topics) is not undone by reading the
            # file again: a difference goes to review instead.
            if changed := reads_differently(proposal, facts):
                problems.append(f"a curator edited it; the file reads differently: {changed}")
                publish = False
            found.append(
                (proposal, placement_only(facts, review_reasons(problems, left_out_later)))
            )
        else:
            found.append((proposal, facts))
        if not publish:
            to_review += 1
            review.append(f"{item.number}: {'; '.join(problems)}")
    # Before the proposals, which point to them.
    linker.save_provisions()
    written, history = [], []
    for proposal, facts in found:
        # Before the row takes the facts. A row no reading has set a confidence on was
        # typed in, or came from metadata: this is its first reading from a file.
        changes = reads_differently(proposal, facts)
        first = proposal.parse_confidence is None
        _, changed = proposal_apply(proposal, index=False, savepoint=False, **facts)
        updated += int(changed)
        if changed:
            written.append(proposal.pk)
            history.append((proposal, CHANGE, reading_note(document, facts, changes, first)))
    for row in proposals_create(new, index=False):
        written.append(row.pk)
        history.append((row, ADDITION, f"Read from {document}, page {row.page}."))
    for (old, _), row in zip(revisions, proposals_revise(revisions, index=False), strict=True):
        written.append(row.pk)
        history.append(
            (row, ADDITION, f"Read from {document}: a new version of {old.document.symbol}'s.")
        )
        history.append((old, CHANGE, f"Superseded by the version in {document}."))
    # After what each reading says of the row: a curator who removes the note later has
    # decided (see curator_reviews).
    history += [
        (row, CHANGE, f"{noting[row.number]} {LEFT_OUT_LOGGED}")
        for row, _, _ in history
        if row.number in noting and row.document_id == document.pk
    ]
    # A version superseded now is no longer in question as left out (no query if none was).
    noted = [old for old, _ in revisions if LEFT_OUT_NOTE in old.review_reasons]
    for old in noted:
        old.review_reasons = without_left_out_note(old.review_reasons)
    Proposal.objects.bulk_update(noted, ["review_reasons"])
    if earlier:
        currents = [current for current, _ in earlier]
        later = places_before(document, currents)
        older = proposals_create([facts for _, facts in earlier], index=False, superseded_by=later)
        for row, current in zip(older, currents, strict=True):
            written.append(row.pk)
            message = f"Read from {document}: an earlier version than {current.document.symbol}'s."
            history.append((row, ADDITION, message))
    # Only the rows written: re-ingesting an unchanged document indexes nothing again.
    search.index_proposals(Proposal.objects.filter(pk__in=written))
    left = still_in_question(left_out_of_revision(document))
    history += [
        (proposal, CHANGE, f"{document} {LEFT_OUT_LOGGED}") for proposal in note_left_out(left)
    ]
    pipeline_history_write(history)
    review += left_out(left, left_by_later)
    counts = {
        "proposals_created": len(new) + len(earlier),
        # A new version of a proposal counts as an update of it.
        "proposals_updated": updated + len(revisions),
        "proposals_to_review": to_review,
    }
    return review, counts


def reading_note(document: Document, facts: dict, changes: str, first: bool) -> str:
    """What a reading did to a row it found, for the row's history."""
    if first:
        read = f"Read from {document}, page {facts['page']}"
        return f"{read}: changed {changes}." if changes else f"{read}."
    if changes:
        return f"Read again from {document}: changed {changes}."
    return f"Read again from {document}: its page, doubts or topics changed."


def one_version_each(parsed: list[ParsedProposal]) -> tuple[list[ParsedProposal], list[str]]:
    """The parsed proposals with one number for each proposal, and notes on the others.

    A document holds one version of a proposal. Where it has two of its numbers
    (RUS/93R2/1, and RUS/93R1/1 or RUS/93/1 that it quotes in a way the parser reads as
    a proposal), each would become a current version; the one with the latest revision
    part is kept, and a curator is told of the others."""
    latest: dict[str, str] = {}
    for item in parsed:
        base = base_number(item.number)
        if revision_of(item.number) > revision_of(latest.setdefault(base, item.number)):
            latest[base] = item.number
    kept, notes = [], []
    for item in parsed:
        later = latest[base_number(item.number)]
        if later == item.number:
            kept.append(item)
        else:
            notes.append(
                f"{item.number}: {later} of this document is a later number of the same "
                "proposal; not saved"
            )
    return kept, notes


# On a proposal that a revision of its document does not repeat. It names no revision,
# so that it reads the same whichever document is read last: reading a file again leaves
# it as it is. No "; " in it, which joins a proposal's review reasons.
LEFT_OUT_NOTE = (
    "a revision of its document leaves it out: a curator decides whether it was withdrawn"
)


# The end of the pipeline's history entry when it adds LEFT_OUT_NOTE to a proposal.
LEFT_OUT_LOGGED = "leaves it out: noted for a curator."


def still_in_question(left: list[Proposal]) -> list[Proposal]:
    """Of these proposals a revision leaves out, those a curator has not decided on: one
    the note was on and a curator removed it from stays decided. One query, none when
    all still have the note."""
    decided = curator_reviews(
        [proposal for proposal in left if LEFT_OUT_NOTE not in proposal.review_reasons],
        note=LEFT_OUT_LOGGED,
    ).noted_and_reviewed
    return [proposal for proposal in left if proposal.pk not in decided]


def review_reasons(problems: list[str], left_out: bool) -> str:
    """A proposal's review reasons: the reading's doubts, and LEFT_OUT_NOTE last when a
    revision leaves it out, as note_left_out adds it, so that reading either document
    again finds the same text."""
    return "; ".join([*problems, LEFT_OUT_NOTE] if left_out else problems)


def without_left_out_note(reasons: str) -> str:
    return "; ".join(part for part in reasons.split("; ") if part and part != LEFT_OUT_NOTE)


def note_left_out(proposals: list[Proposal]) -> list[Proposal]:
    """Add LEFT_OUT_NOTE to the review reasons of these proposals of documents a revision
    replaces, where it is not there yet: the revision's run names them, and this puts
    them among the proposals waiting for a curator. Published ones stay published, and
    their updated_at stays: it would tell the public when an unpublished or leaked
    revision arrived. Returns those changed; one query."""
    noted = [proposal for proposal in proposals if LEFT_OUT_NOTE not in proposal.review_reasons]
    for proposal in noted:
        doubts = [proposal.review_reasons] if proposal.review_reasons else []
        proposal.review_reasons = review_reasons(doubts, left_out=True)
    Proposal.objects.bulk_update(noted, ["review_reasons"])
    return noted


def left_out(left: list[Proposal], left_by_later: list[tuple[str, Document]]) -> list[str]:
    """For a curator: the proposals that a revision does not repeat of what it replaces,
    whichever of the two was read first (left_out_of_revision and
    left_out_by_later_revision)."""
    decides = "a curator decides whether it was withdrawn"
    return [
        f"{proposal.number}: in {proposal.document} but not in this revision; {decides}"
        for proposal in left
    ] + [
        f"{number}: not in {later}, which replaces this document; {decides}"
        for number, later in left_by_later
    ]


def left_out_of_revision(document: Document) -> list[Proposal]:
    """The current proposals of the documents this revision replaces that it does not
    repeat (by number, whatever its revision part). A revision replaces all of what it
    revises, so each was withdrawn, or misread: they are named for a curator, not
    withdrawn by the parser. Its proposals as saved (what was read, and what curators
    added or deleted), as left_out_by_later_revision reads them: whichever of the two
    documents is read last, the same are left out. Two queries."""
    if document.kind != DocumentKind.REVISION or not document.base_document_id:
        return []
    repeated = {
        base_number(number)
        for number in Proposal.objects.filter(document=document).values_list("number", flat=True)
    }
    if not repeated:  # a reading that found nothing says nothing
        return []
    candidates = (
        Proposal.objects.filter(conference=document.conference_id, superseded_by=None)
        .filter(
            Q(document=document.base_document_id)
            | Q(document__base_document=document.base_document_id)
        )
        .exclude(document=document)
        .with_document()
        .order_by("number")
    )
    return [
        proposal
        for proposal in candidates
        if base_number(proposal.number) not in repeated and revises(document, proposal.document)
    ]


def left_out_by_later_revision(
    document: Document, numbers: list[str]
) -> list[tuple[str, Document]]:
    """This document's numbers that a revision of it, read before it, does not repeat:
    left_out_of_revision for a document that arrives after its revision. Each is
    current (nothing later replaces it), so a curator is asked. Two queries."""
    family = Q(base_document=document.pk)
    if document.base_document_id:
        family |= Q(base_document=document.base_document_id)
    later = [
        other
        for other in Document.objects.filter(family, kind=DocumentKind.REVISION)
        .exclude(pk=document.pk)
        .select_related("base_document")
        if revises(other, document)
    ]
    if not later:
        return []
    repeated: dict[int, set[str]] = {other.pk: set() for other in later}
    for document_id, number in Proposal.objects.filter(document__in=later).values_list(
        "document_id", "number"
    ):
        repeated[document_id].add(base_number(number))
    # The latest revision that has proposals (one whose reading failed says nothing).
    read = [other for other in later if repeated[other.pk]]
    if not read:
        return []
    latest = max(read, key=lambda other: (other.date or date.min, other.pk))
    return [
        (number, latest) for number in numbers if base_number(number) not in repeated[latest.pk]
    ]


# What a proposal says, as against where the file puts it (its document and page).
CONTENT_FIELDS = ("action", "provision", "text", "reasons", "proposers_as_stated")


def reading_of(
    item: ParsedProposal,
    provision: Provision | None,
    proposers: list,
    stated: str,
    problems: list[str],
) -> str:
    """A fingerprint of what the file says of a proposal, as linked, and of what in it is
    in doubt: the same whenever the same file is read the same way."""
    said = [
        item.number,
        item.action,
        item.text,
        item.reasons,
        item.page,
        # By number: a provision first proposed here is saved after the reading.
        [provision.instrument_id, provision.number] if provision else None,
        [sponsorship_key(proposer) for proposer in proposers],
        stated,
        problems,
    ]
    return hashlib.sha256(json.dumps(said).encode()).hexdigest()


def placement_only(facts: dict, reasons: str) -> dict:
    """Of what a reading says about a row, only where the file puts it, how sure the
    reading is and what is in doubt (`reasons`): the row's content stays as it is."""
    kept = ("conference", "number", "document", "page", "parse_confidence", "reading", "source")
    return {**{name: facts[name] for name in kept}, "review_reasons": reasons}


def reads_differently(proposal: Proposal, facts: dict) -> str:
    """The content fields in which this reading differs from the row, and its proposers
    (prefetched), named, or "". Not its topics: keyword rules give those, not the file.
    Facts without content (placement_only) differ in none."""
    names = [
        name.replace("_", " ")
        for name in CONTENT_FIELDS
        if facts.get(name) not in ("", None) and differs(proposal, name, facts[name])
    ]
    proposers = facts.get("proposers")
    if proposers and [sponsorship_key(p) for p in proposers] != proposer_keys(proposal):
        names.append("proposers")
    return ", ".join(names)


def deletion_note(document_id: int | None) -> str:
    """The change message the admin logs with a deleted proposal: its document's id
    (with no added, changed or deleted part, the history shows nothing of it)."""
    return json.dumps([{"document": document_id}])


def renumbering_note(document_id: int | None, old: str, new: str) -> dict:
    """The part the admin adds to a proposal's change message when a curator corrects its
    number: which number of which document it replaces (the history shows nothing of
    it; Django's message names the field, not its old value)."""
    return {"renumbered": {"document": document_id, "from": old, "to": new}}


def renumbered_by_curators(document: Document, numbers: list[str]) -> dict[str, str]:
    """Of these numbers, those a curator corrected on a proposal of this document, each
    with the number it was given (its change history says; one query)."""
    if not numbers:
        return {}
    messages = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Proposal),
        action_flag=CHANGE,
        action_time__gte=document.created_at,
        # The note's start as json.dumps writes it: this document's notes only.
        change_message__contains=f'{{"renumbered": {{"document": {document.pk}, ',
    ).order_by("action_time", "pk")
    renumbered = {}
    for message in messages.values_list("change_message", flat=True):
        for part in change_message_parts(message):
            note = part.get("renumbered")
            if isinstance(note, dict) and note.get("document") == document.pk:
                renumbered[note.get("from")] = note.get("to")
    return {number: renumbered[number] for number in numbers if number in renumbered}


def deleted_by_curators(document: Document, numbers: list[str]) -> set[str]:
    """Of these numbers, those whose proposal of this document a curator deleted in the
    admin (its change history names them; one query)."""
    if not numbers:
        return set()
    return set(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Proposal),
            action_flag=DELETION,
            object_repr__in=numbers,
            # Not by its runs, which could be gone: since the record was made.
            action_time__gte=document.created_at,
            # The same number in another conference, or in another version of the
            # document, is another proposal.
            change_message=deletion_note(document.pk),
        ).values_list("object_repr", flat=True)
    )


def numbered_otherwise(document: Document, numbers: list[str]) -> dict[str, list[Proposal]]:
    """The current proposals of the conference whose number is one of these but for its
    revision part (RUS/27R1/7 for RUS/27/7, and the other way), by base number; two
    queries (numbered_as_any)."""
    bases = {base_number(number) for number in numbers}
    if not bases:
        return {}
    current = (
        Proposal.objects.filter(conference=document.conference, superseded_by=None)
        .exclude(number__in=numbers)
        .order_by("pk")
    )
    variants: dict[str, list[Proposal]] = {}
    for row in (
        numbered_as_any(current, bases)
        .select_for_update(of=("self",))
        .exclude(document=document)
        .with_document()
    ):
        variants.setdefault(base_number(row.number), []).append(row)
    return variants


def variant_for(document: Document, number: str, variants: dict) -> Proposal | None:
    """The current version, under another revision part of `number`, of a document that
    this one revises or is revised by; else None (the number is a new one)."""
    for row in variants.get(base_number(number), []):
        if row.document is not None and (
            revises(document, row.document) or revises(row.document, document)
        ):
            return row
    return None


def fit(model, field: str, value: str) -> str:
    """A parsed value cut to its column's length (PostgreSQL refuses longer ones)."""
    limit = model._meta.get_field(field).max_length
    return value if limit is None or len(value) <= limit else value[: limit - 1] + "…"


def keywords(topic: Topic) -> list[str]:
    return [line.strip().lower() for line in topic.keywords.splitlines() if line.strip()]


# Where a parsed proposal goes (see version_for).
OWN, NEW, SOURCED, REVISED, EARLIER, CONFLICT = (
    "own", "new", "sourced", "revised", "earlier", "conflict"
)  # fmt: skip


def version_for(
    document: Document, current: Proposal | None, problems: list[str]
) -> tuple[str, Proposal | None]:
    """Where this document's proposal goes when the document has no row for it yet:
    NEW, a new row; SOURCED, the current row, a record from metadata that this file now
    sources; REVISED, a new version of the current row, when this document revises the
    current one's (proposals_revise makes it); EARLIER, a new row superseded from the
    start by a later version (see places_before), when the current one's document
    revises this one (an original that arrives after its revision); CONFLICT, when the
    number belongs to another document and neither document revises the other.
    """
    if current is None:
        return NEW, None
    if current.document is not None and revises(current.document, document):
        # Also when the later document is known from metadata only.
        return EARLIER, current
    if current.document is not None and revises(document, current.document):
        # Also when the earlier document is known from metadata only: its record stays
        # its own version, and this document's proposal (perhaps numbered with R) is new.
        return REVISED, current
    if current.document is None or current.document.sha256 is None:
        return SOURCED, current
    problems.append(f"the number is already used by {current.document}")
    return CONFLICT, None


def places_before(document: Document, currents: list[Proposal]) -> list[Proposal]:
    """For each current version, the version that this document's proposal of the same
    number, read after a later version of it, is superseded by: the oldest published
    version whose document revises this one, so that nothing awaiting review stands
    between it and a published one (the public would take both as current), else the
    current version, whatever their revision parts. Two queries (numbered_as_any), and
    one check per later document, however many."""
    bases = {base_number(current.number) for current in currents}
    published = Proposal.objects.filter(conference=document.conference_id, published=True)
    revising: dict[int, bool] = {}
    oldest: dict[str, Proposal] = {}
    for version in sorted(numbered_as_any(published, bases).with_document(), key=version_order):
        base = base_number(version.number)
        if base in oldest or version.document is None:
            continue
        if version.document_id not in revising:
            revising[version.document_id] = revises(version.document, document)
        if revising[version.document_id]:
            oldest[base] = version
    return [oldest.get(base_number(current.number), current) for current in currents]


VERSION_NUMBER = re.compile(r"^(?:Revision|Corrigendum) (\d+) to ")


def revises(document: Document, other: Document) -> bool:
    """Whether `document` is a later version of `other`: a revision or corrigendum of it
    (or of something that revises it), or a later revision of the same document
    (Revision 2 after Revision 1, or after a corrigendum)."""
    later_kinds = (DocumentKind.REVISION, DocumentKind.CORRIGENDUM)
    if document.kind not in later_kinds:
        return False
    seen = set()
    current = document
    while current.base_document_id and current.pk not in seen:
        seen.add(current.pk)
        if current.kind in later_kinds and current.base_document_id == other.pk:
            return True
        current = current.base_document
    if other.kind not in later_kinds or other.base_document_id != document.base_document_id:
        return False
    if document.kind == DocumentKind.REVISION and other.kind == DocumentKind.CORRIGENDUM:
        return True
    mine, theirs = VERSION_NUMBER.match(document.symbol), VERSION_NUMBER.match(other.symbol)
    return bool(mine and theirs and document.kind == other.kind and int(mine[1]) > int(theirs[1]))
