"""Ingestion speed: pages per second for text extraction alone and for the whole pipeline.

    uv run python bench/ingest.py [--pages 200] [--repeat 3]

For two generated text PDFs (a worst case with a proposal on every sparse page, and a
contribution-like one with full pages and a proposal every second page) it times detect +
extract on the bytes, and the whole pipeline (receive, extract, header, parse, link, save,
index) into a fresh SQLite database in a temporary folder, or into DATABASE_URL when set.
Before each pipeline run, untimed, the last run's documents and proposals are deleted,
so every run ingests the document as new. Then it times reading the last document again,
unchanged, as "Ingest again" does.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from harness import django_for_bench

FILLER = (
    "The Member States recognize the right of the public to correspond by means of the "
    "international service of public correspondence, and shall endeavour to ensure that "
    "telecommunication services are made available to users in accordance with these "
    "Regulations and with the relevant ITU-T Recommendations. "
)


def build_pdf(pages: int, *, every: int, full: bool) -> bytes:
    """A contribution-shaped PDF: the header, then a proposal every `every` pages; with
    `full`, pages are filled with running text as real contributions are."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    header = ["Document 27-E", "13 November 2012", "Original: Russian", "Russian Federation",
              "PROPOSALS FOR THE WORK OF THE CONFERENCE"]  # fmt: skip
    for page in range(1, pages + 1):
        pdf.add_page()
        lines = list(header) if page == 1 else []
        if page % every == 0 or every == 1:
            lines += [f"MOD    RUS/27/{page}",
                      f"{page + 4}    1.{page}    These Regulations are established with a view "
                      "to facilitating global interconnection of telecommunication networks.",
                      "Reasons:    Greater precision; the ITRs should cover security."]  # fmt: skip
        if full:
            lines += [FILLER * 8, FILLER * 8]
        for line in lines:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def timed(function, repeat: int, *, setup=None) -> float:
    """The median duration of `function`; `setup` runs before each call, untimed."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def milliseconds(timings: dict[str, float]) -> str:
    return ", ".join(f"{step} {seconds * 1000:.0f}" for step, seconds in timings.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    django_for_bench()
    from django.core.management import call_command

    from proposals.ingest.detect import detect_type
    from proposals.ingest.extract import extract
    from proposals.models import Conference, Document, Proposal
    from proposals.services.ingestion import document_ingest, document_receive, run_queue

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    conference = Conference.objects.get(slug="wcit-12")

    from django.db import connection

    print(f"database: {connection.vendor}; median of {options.repeat} runs; one process")
    scenarios = [
        ("worst case: a proposal on every page, sparse pages", 1, False),
        ("contribution-like: full pages, a proposal every second page", 2, True),
    ]
    for label, every, full in scenarios:
        data = build_pdf(options.pages, every=every, full=full)
        expected = options.pages if every == 1 else options.pages // every
        extraction = timed(lambda data=data: extract(data, detect_type(data)), options.repeat)
        last_run = {}

        def start_afresh():
            # Each run ingests the document as new; clearing the last run's rows is not
            # part of ingesting, so it is not timed.
            Proposal.objects.all().delete()
            Document.objects.all().delete()

        def whole_pipeline(data=data, expected=expected, last_run=last_run):
            started = time.perf_counter()
            _, run = document_receive(
                conference=conference,
                data=data,
                origin="official",
                channel="command",
                enqueue=False,
            )
            run = document_ingest(run=run)
            assert run.proposals_found == expected, run.error
            last_run["timings"] = run.timings
            last_run["total"] = time.perf_counter() - started

        pipeline = timed(whole_pipeline, options.repeat, setup=start_afresh)

        def same_file_again(last_run=last_run):
            # What a curator's "Ingest again" costs when the file and the readings are
            # unchanged: nothing is written or indexed again.
            run = document_ingest(run=run_queue(Document.objects.get(), enqueue=False))
            assert run.proposals_created == run.proposals_updated == 0, run.error
            last_run["again"] = run.timings

        again = timed(same_file_again, options.repeat)
        print(f"\n{label}: {options.pages} pages, {len(data) / 1024:.0f} KiB, {expected} proposals")
        for name, seconds in [
            ("extraction (detect + extract)", extraction),
            ("whole pipeline", pipeline),
            ("same file again, unchanged", again),
        ]:
            print(f"  {name:30} {seconds:.3f} s = {options.pages / seconds:.0f} pages/s")
        # Receiving, claiming the run, recording each step and ending the run.
        outside = last_run["total"] - sum(last_run["timings"].values())
        print(
            f"  steps of the last run (ms): {milliseconds(last_run['timings'])}; "
            f"outside the steps {outside * 1000:.0f}"
        )
        print(f"  steps of the last reading again (ms): {milliseconds(last_run['again'])}")
        print(f"  pipeline / extraction: {pipeline / extraction:.2f}x")


if __name__ == "__main__":
    main()
