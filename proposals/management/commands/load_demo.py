from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from proposals.demo import ingest_demo_documents, load_demo

from .load_reference import print_report


class Command(BaseCommand):
    help = (
        "Load the demo documents and proposals (real excerpts and CDT's reading of TD 62), "
        "then ingest the demo document files through the pipeline. Run load_reference "
        "first. Safe to run again."
    )

    def handle(self, *args, **options):
        report: Counter = Counter()
        with transaction.atomic():
            load_demo(report)
        ingest_demo_documents(report)
        self.stdout.write("Demo data loaded:")
        print_report(self, report)
