"""What every benchmark starts with: the project importable, its data in a temporary
folder, tasks in-process, and Django set up."""

import os
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def django_for_bench() -> None:
    """Set Django up on a fresh temporary data folder (and so a fresh SQLite database),
    or on DATABASE_URL when it is set. Celery runs tasks in-process."""
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("ITUTRACKER_DATA_DIR", tempfile.mkdtemp(prefix="itutracker-bench-"))
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itutracker.settings")
    import django

    django.setup()
