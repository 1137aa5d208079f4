"""Load the sourced reference data in delegations/data/ (see SOURCES.md there).

Every loader here is idempotent: it looks rows up by their natural key, creates what is
missing and updates what the files changed. It never deletes, and it never blanks a field:
where a file has no value (the truth is unknown), whatever a curator filled in stays.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from django.db import models

from proposals.models import Conference

from .choices import MembershipStatus, SignatureStatus
from .models import Delegation, GroupMembership, MemberState, RegionalGroup, SectorMember

DATA_DIR = Path(__file__).resolve().parent / "data"

MEMBER_STATES_SOURCE = (
    "Names and ISO codes: github mledoze/countries countries.json "
    "@5e9f370050f83ad2ba4cb885f75d66114badf72c (UN members, less Palau, plus Vatican City). "
    "ITU code: github datasets/country-codes data/country-codes.csv "
    "@caa72d1e0e5af8876c170bb36a9e4d64a01bba88 (column ITU)."
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [
            {key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(f)
        ]


def upsert(model: type[models.Model], report: Counter, *, lookup: dict, values: dict):
    """Create the row `lookup` names, or bring it up to date with `values`.

    Empty values ("" or None) never overwrite a filled field: they mean "not known to the
    files", not "known to be empty". `report` counts created / updated / unchanged rows.
    """
    label = model._meta.verbose_name_plural
    row = model.objects.filter(**lookup).first()
    if row is None:
        report[(label, "created")] += 1
        return model.objects.create(**lookup, **values)

    changed = []
    for name, value in values.items():
        if value in ("", None):
            continue
        field = model._meta.get_field(name)
        current = getattr(row, field.attname)
        wanted = value.pk if field.is_relation else value
        if current != wanted:
            setattr(row, name, value)
            changed.append(name)
    if changed:
        row.save(update_fields=changed)
        report[(label, "updated")] += 1
    else:
        report[(label, "unchanged")] += 1
    return row


def load_member_states(report: Counter) -> None:
    evidence: dict[str, list[str]] = {}
    for row in read_csv(DATA_DIR / "itu_admin_region_evidence.csv"):
        evidence.setdefault((row["iso2"], row["itu_admin_region"]), []).append(
            f"{row['evidence']}: {row['source']}"
        )
    for row in read_csv(DATA_DIR / "itu_member_states.csv"):
        region = row["itu_admin_region_partial"]
        upsert(
            MemberState,
            report,
            lookup={"iso2": row["iso2"]},
            values={
                "iso3": row["iso3"],
                "itu_code": row["itu_code"],
                "name": row["name_common"],
                "official_name": row["name_official"],
                "region": region,
                "region_source": " ; ".join(evidence.get((row["iso2"], region), [])),
                "source": MEMBER_STATES_SOURCE,
            },
        )


def membership_status(status_in_source: str) -> str:
    """The files say "member", "member state", "LAS member state", "full member ..." or
    "observer administration ..."; all but the observers are full members."""
    if status_in_source.lower().startswith("observer"):
        return MembershipStatus.OBSERVER
    return MembershipStatus.FULL


def load_regional_groups(report: Counter) -> None:
    states = {state.iso2: state for state in MemberState.objects.all()}
    for row in read_csv(DATA_DIR / "regional_groups.csv"):
        group = upsert(
            RegionalGroup,
            report,
            lookup={"code": row["code"]},
            values={
                "name": row["name"],
                "kind": row["kind"],
                "proposal_prefix": row["proposal_prefix"],
                "notes": row["notes"],
                "source": row["source"],
            },
        )
        if not row["members_file"]:
            continue
        for member in read_csv(DATA_DIR / row["members_file"]):
            if member["itu_member_state"] != "yes":
                # Palestine is in the League of Arab States but is not an ITU Member State.
                report[("group members skipped (not ITU Member States)", "skipped")] += 1
                continue
            state = states[member["iso2"]]
            if GroupMembership.objects.filter(group=group, member_state=state).exists():
                # Once a membership exists, curators own it: they may have dated it, split
                # it into periods or corrected its status, and the undated file row must
                # not undo or duplicate that.
                report[(GroupMembership._meta.verbose_name_plural, "unchanged")] += 1
                continue
            GroupMembership.objects.create(
                group=group,
                member_state=state,
                status=membership_status(member["status"]),
                status_in_source=member["status"],
                source=member["source"],
            )
            report[(GroupMembership._meta.verbose_name_plural, "created")] += 1


def load_sector_members(report: Counter) -> None:
    for row in read_csv(DATA_DIR / "sector_members.csv"):
        country = MemberState.objects.get(iso2=row["country_iso2"]) if row["country_iso2"] else None
        upsert(
            SectorMember,
            report,
            lookup={"slug": row["slug"]},
            values={
                "name": row["name"],
                "short_name": row["short_name"],
                "country": country,
                "source": row["source"],
            },
        )


def load_wcit12_signatures(report: Counter) -> None:
    """The named signers and non-signers of the WCIT-12 Final Acts. The full list was
    not found, so every other state's delegation is simply not recorded."""
    facts = json.loads((DATA_DIR / "wcit12_signature_facts.json").read_text(encoding="utf-8"))
    wcit = Conference.objects.get(slug="wcit-12")
    named = [
        (entry, SignatureStatus.NOT_SIGNED)
        for entry in facts["named_non_signatories_at_conference"]
    ]
    named += [(entry, SignatureStatus.SIGNED) for entry in facts["named_signatories"]]
    previous_source = ""
    for entry, status in named:
        # The file writes "same" for a source repeated from the row above.
        source = previous_source if entry["source"] == "same" else entry["source"]
        previous_source = source
        upsert(
            Delegation,
            report,
            lookup={
                "conference": wcit,
                "member_state": MemberState.objects.get(iso2=entry["iso2"]),
            },
            values={"signed_final_acts": status, "source": source},
        )
