"""What every benchmark starts with: the project importable, its data in a temporary
folder, tasks in-process, and Django set up as production runs it (DEBUG off)."""

import atexit
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def django_for_bench() -> None:
    """Set Django up on a fresh temporary data folder (and so a fresh SQLite database),
    removed at exit, or on DATABASE_URL when it is set. Celery runs tasks in-process.

    DEBUG is off, as on a production worker: with it on, Django keeps the SQL of every
    query, and formatting a bulk insert's thousands of parameters doubled the time an
    ingest spends saving."""
    sys.path.insert(0, str(PROJECT))
    if "ITUTRACKER_DATA_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="itutracker-bench-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ["ITUTRACKER_DATA_DIR"] = folder
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itutracker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    # The test client's host, over plain HTTP (no redirect to HTTPS).
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_HTTPS", "false")
    import django

    django.setup()
