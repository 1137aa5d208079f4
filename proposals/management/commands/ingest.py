from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from proposals.choices import IngestStatus, IntakeChannel, Origin
from proposals.ingest.errors import IngestError
from proposals.models import Conference, IngestRun
from proposals.services.ingestion import (
    document_fetch,
    document_files,
    document_receive,
    file_bytes,
)


class Command(BaseCommand):
    help = (
        "Ingest documents (PDF, Word, HTML, text) from files and folders. With a Celery "
        "broker configured the runs are queued for the workers; without one they run here."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Files, or folders to walk.")
        parser.add_argument(
            "--url", action="append", default=[], help="Fetch from an allowed host (repeatable)."
        )
        parser.add_argument("--conference", required=True, help="Conference slug, e.g. wcit-12.")
        parser.add_argument("--origin", required=True, choices=Origin.values)

    def handle(self, *args, paths, conference, origin, url, **options):
        found = Conference.objects.filter(slug=conference).first()
        if found is None:
            known = ", ".join(Conference.objects.values_list("slug", flat=True))
            raise CommandError(f"Unknown conference {conference!r}. Known: {known}.")
        # A file named twice (a folder and a file in it) is one arrival.
        files = list({path.resolve(): path for path in self.files(paths)}.values())
        if not files and not url:
            raise CommandError("No files found at the paths given, and no --url.")
        failures = 0
        for address in url:
            try:
                document, run = document_fetch(conference=found, url=address, origin=origin)
            except IngestError as problem:
                self.stderr.write(f"{address}: {problem}")
                failures += 1
                continue
            failures += self.report(address, document, run)
        for path in files:
            try:
                data = file_bytes(path)
            except IngestError as problem:
                self.stderr.write(f"{path}: {problem} Skipped.")
                failures += 1
                continue
            document, run = document_receive(
                conference=found,
                data=data,
                origin=origin,
                channel=IntakeChannel.COMMAND,
                filename=path.name,
            )
            failures += self.report(path, document, run)
        if failures:
            raise CommandError(f"{failures} of {len(files) + len(url)} document(s) failed.")

    def report(self, where, document, run) -> bool:
        if run is None:
            self.stdout.write(f"{where}: already known as {document}, intake recorded")
            return False
        run.refresh_from_db()
        self.stdout.write(f"{where}: {self.describe(run)}")
        return run.status == IngestStatus.FAILED

    def files(self, paths):
        for path in paths:
            if path.is_dir():
                yield from document_files(path)
            elif path.is_file():
                yield path
            else:
                raise CommandError(f"{path}: no such file or folder.")

    def describe(self, run: IngestRun) -> str:
        if run.status == IngestStatus.QUEUED:
            return f"queued as ingest run {run.pk}"
        summary = (
            f"{run.get_status_display()}: {run.document}, {run.pages or 0} page(s), "
            f"{run.proposals_found} proposal(s) found, {run.proposals_created} created, "
            f"{run.proposals_updated} updated, {run.proposals_to_review} to review"
        )
        return summary + (f"\n  {run.error}" if run.error else "")
