from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from delegations import reference as delegations_reference
from proposals import reference as proposals_reference


def print_report(command: BaseCommand, report: Counter) -> None:
    for (what, outcome), count in sorted(report.items()):
        command.stdout.write(f"  {what}: {count} {outcome}")


class Command(BaseCommand):
    help = (
        "Load the sourced reference data: member states, regional groups and memberships, "
        "sector members, conferences, instruments, ITR provisions, topics and the known "
        "WCIT-12 signatures. Safe to run again: it adds and updates, never deletes."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        report: Counter = Counter()
        # Order matters: conferences name a host state; delegations need conferences.
        delegations_reference.load_member_states(report)
        delegations_reference.load_regional_groups(report)
        delegations_reference.load_sector_members(report)
        proposals_reference.load_conferences(report)
        proposals_reference.load_instruments(report)
        proposals_reference.load_itr_articles(report)
        proposals_reference.load_itr_provisions(report)
        proposals_reference.load_topics(report)
        delegations_reference.load_wcit12_signatures(report)
        self.stdout.write("Reference data loaded:")
        print_report(self, report)
