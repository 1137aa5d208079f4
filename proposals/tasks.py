"""Celery tasks: thin wrappers around services. Each takes a primary key, re-fetches the
row and calls a service; the retry policy is declared here."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from .choices import IngestStatus
from .exports import exports_write
from .models import IngestRun
from .services.ingestion import (
    document_ingest,
    polled_link_receive,
    run_finish,
    runs_resume,
    sources_poll,
)


class IngestTask(Task):
    """After the last retry, the run is marked FAILED with the reason, so that nothing is
    silently dropped."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = args[0] if args else kwargs.get("run_id")
        runs = IngestRun.objects.filter(pk=run_id).exclude(
            status__in=[IngestStatus.SUCCEEDED, IngestStatus.NEEDS_REVIEW, IngestStatus.NEEDS_OCR]
        )
        for run in runs:
            run_finish(
                run, IngestStatus.FAILED, f"Gave up after {self.request.retries + 1} tries: {exc!r}"
            )


@shared_task(
    bind=True,
    base=IngestTask,
    acks_late=True,
    reject_on_worker_lost=True,
    # Only the database going away is worth retrying; bad input fails the run at once.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def ingest_document(self, run_id: int) -> str:
    """Ingest the document of IngestRun `run_id`. Safe to run twice: the run is claimed
    once, and proposals are keyed by document and number."""
    run = IngestRun.objects.filter(pk=run_id).select_related("document").first()
    if run is None:
        return "missing"
    return document_ingest(run=run, retries=self.request.retries or 0).status


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def regenerate_exports() -> list[str]:
    """Rewrite the dataset dumps that /api/v1/exports/ serves."""
    return [str(path) for path in exports_write()]


@shared_task
def poll_sources() -> dict[str, int]:
    """Receive new documents from the configured folders and index pages."""
    return sources_poll()


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def fetch_polled_link(url: str, conference_slug: str, origin: str) -> str:
    """Fetch and receive a document link that a poll found. Safe to run twice: a link
    already received is skipped."""
    return polled_link_receive(url=url, conference_slug=conference_slug, origin=origin)


@shared_task
def resume_ingest_runs() -> int:
    """Send again the ingest runs that no worker is on."""
    return runs_resume()
