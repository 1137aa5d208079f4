from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from proposals.demo import load_demo

from .load_reference import print_report


class Command(BaseCommand):
    help = (
        "Load the demo documents and proposals (real excerpts and CDT's reading of TD 62). "
        "Run load_reference first. Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        report: Counter = Counter()
        load_demo(report)
        self.stdout.write("Demo data loaded:")
        print_report(self, report)
