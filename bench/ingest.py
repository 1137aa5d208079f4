"""Ingestion speed: pages per second for text extraction alone and for the whole pipeline.

    uv run python bench/ingest.py [--pages 200] [--repeat 3]

Generates a text PDF (one proposal per page, shaped like a real contribution), then
times detect + extract on its bytes, and the whole pipeline (receive, extract, header,
parse, link, save, index) into a fresh SQLite database in a temporary folder, or into
DATABASE_URL when that is set. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def build_pdf(pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    header = ["Document 27-E", "13 November 2012", "Original: Russian", "Russian Federation",
              "PROPOSALS FOR THE WORK OF THE CONFERENCE"]  # fmt: skip
    for page in range(1, pages + 1):
        pdf.add_page()
        lines = header if page == 1 else []
        lines = [*lines, f"MOD    RUS/27/{page}",
                 f"{page + 4}    1.{page}    These Regulations are established with a view to "
                 "facilitating global interconnection and interoperability of telecommunication "
                 "networks and the security of international telecommunication services. " * 3,
                 "Reasons:    Greater precision; the ITRs should cover security."]  # fmt: skip
        for line in lines:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="itutracker-bench-")
    os.environ.setdefault("ITUTRACKER_DATA_DIR", folder)
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itutracker.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from proposals.ingest.detect import detect_type
    from proposals.ingest.extract import extract
    from proposals.models import Conference, Document, Proposal
    from proposals.services.ingestion import document_ingest, document_receive

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    conference = Conference.objects.get(slug="wcit-12")

    data = build_pdf(options.pages)
    extraction = timed(lambda: extract(data, detect_type(data)), options.repeat)

    last_run = {}

    def whole_pipeline():
        Proposal.objects.all().delete()
        Document.objects.all().delete()
        _, run = document_receive(
            conference=conference, data=data, origin="official", channel="command", enqueue=False
        )
        run = document_ingest(run=run)
        assert run.proposals_found == options.pages, run.error
        last_run["timings"] = run.timings

    pipeline = timed(whole_pipeline, options.repeat)
    from django.db import connection

    print(f"document: {options.pages} pages, {len(data) / 1024:.0f} KiB, one proposal a page")
    print(f"database: {connection.vendor}; median of {options.repeat} runs; one process")
    for label, seconds in [
        ("extraction (detect + extract)", extraction),
        ("whole pipeline", pipeline),
    ]:
        print(f"{label:30} {seconds:.3f} s = {options.pages / seconds:.0f} pages/s")
    steps = ", ".join(
        f"{step} {seconds * 1000:.0f}" for step, seconds in last_run["timings"].items()
    )
    print(f"steps of the last run (ms): {steps}")
    print(f"pipeline / extraction:         {pipeline / extraction:.2f}x")


if __name__ == "__main__":
    main()
