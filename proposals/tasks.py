"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from .exports import exports_write


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def regenerate_exports() -> list[str]:
    """Rewrite the dataset dumps that /api/v1/exports/ serves."""
    return [str(path) for path in exports_write()]
