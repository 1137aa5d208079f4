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

from itutracker.rest import csv_lines

from .api.serializers import (
    DOCUMENT_CSV_COLUMNS,
    PROPOSAL_CSV_COLUMNS,
    DocumentSerializer,
    ProposalSerializer,
)
from .models import Document, Proposal

# Each dataset: its published rows, its serializer and its CSV columns.
DATASETS = {
    "proposals": (
        lambda: Proposal.objects.published().for_display(user=None),
        ProposalSerializer,
        PROPOSAL_CSV_COLUMNS,
    ),
    "documents": (
        lambda: Document.objects.visible_to(None).for_display().with_base_shown_to(None),
        DocumentSerializer,
        DOCUMENT_CSV_COLUMNS,
    ),
}
FORMATS = ("csv", "jsonl")
EXPORTS = [f"{dataset}.{fmt}" for dataset in DATASETS for fmt in FORMATS]


def exports_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def dataset_rows(dataset: str):
    """Serialized rows of a dataset, published records only, read a chunk at a time."""
    rows, serializer, _ = DATASETS[dataset]
    for row in rows().order_by("pk").iterator(chunk_size=500):
        yield serializer(row, context={}).data


def exports_write() -> list[Path]:
    """Write every export: each dataset is read and serialized once, into its CSV and its
    JSON Lines file together. Returns the paths written."""
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for dataset, (_, _, columns) in DATASETS.items():
        temporary = {
            fmt: tempfile.mkstemp(dir=folder, prefix=f".{dataset}.{fmt}.") for fmt in FORMATS
        }
        with (
            os.fdopen(temporary["csv"][0], "w", encoding="utf-8", newline="") as csv_out,
            os.fdopen(temporary["jsonl"][0], "w", encoding="utf-8", newline="") as jsonl_out,
        ):

            def also_as_json_lines(rows):
                for row in rows:
                    jsonl_out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    yield row

            csv_out.writelines(csv_lines(columns, also_as_json_lines(dataset_rows(dataset))))
        for fmt in FORMATS:
            final = folder / f"{dataset}.{fmt}"
            # mkstemp makes files only their owner may read; these are public datasets,
            # which a web server running as another user may serve.
            os.chmod(temporary[fmt][1], 0o644)
            os.replace(temporary[fmt][1], final)
            written.append(final)
    return written
