"""Complete dumps of the published dataset, for people who want everything at once.

A periodic Celery task (proposals.tasks.regenerate_exports) rewrites them; the API serves
the files as they are. Each file is written beside its final name and then moved into
place, so a download never sees half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.conf import settings

from .api.serializers import (
    DOCUMENT_CSV_COLUMNS,
    PROPOSAL_CSV_COLUMNS,
    DocumentSerializer,
    ProposalSerializer,
)
from .models import Document, Proposal

EXPORTS = {
    "proposals.csv": ("proposals", "csv"),
    "proposals.jsonl": ("proposals", "jsonl"),
    "documents.csv": ("documents", "csv"),
    "documents.jsonl": ("documents", "jsonl"),
}


def exports_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def dataset_rows(dataset: str):
    """Serialized rows of a dataset, published records only, read a chunk at a time."""
    if dataset == "proposals":
        queryset = Proposal.objects.published().for_display(user=None)
        serializer = ProposalSerializer
    else:
        queryset = Document.objects.for_display()
        serializer = DocumentSerializer
    for row in queryset.order_by("pk").iterator(chunk_size=500):
        yield serializer(row, context={}).data


def exports_write() -> list[Path]:
    """Write every export. Returns the paths written."""
    from itutracker.rest import csv_lines

    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (dataset, fmt) in EXPORTS.items():
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            rows = dataset_rows(dataset)
            if fmt == "csv":
                columns = PROPOSAL_CSV_COLUMNS if dataset == "proposals" else DOCUMENT_CSV_COLUMNS
                out.writelines(csv_lines(columns, rows))
            else:
                out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        os.replace(temporary, folder / name)
        written.append(folder / name)
    return written
