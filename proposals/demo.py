"""Load the demo dataset in proposals/data/demo/demo.json.

Two kinds of record, each carrying its source:
- real proposal excerpts (PRG/29/1, RUS/27/7, ACP/12/01 ...) with their documents;
- the WCIT-12 proposals that CDT's analysis of the leaked TD 62 names, one record per
  proposer and topic, with the proposers as CDT words them. That analysis gives no
  proposal numbers, so these records have a source_key (cdt-td62/spam/POR) instead.

Then it ingests the demo documents in data/demo/documents/ through the real pipeline:
reconstructions of some of those excerpts, as a Word, an HTML and a text file.

Needs the reference data (load_reference) first. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path

from delegations.models import MemberState, RegionalGroup, SectorMember
from delegations.reference import upsert

from . import search
from .choices import InstrumentKind, Outcome, ProvisionKind, ProvisionStatus
from .models import Conference, Document, Instrument, Provision, Topic
from .services import Proposer, proposal_upsert

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo" / "demo.json"
DEMO_DOCUMENTS = DEMO_FILE.parent / "documents"


def proposer_from_code(code: str) -> Proposer:
    """ "state:RUS" (an ITU code), "group:CEPT" or "sector:etno"."""
    kind, _, key = code.partition(":")
    if kind == "state":
        return MemberState.objects.get(itu_code=key)
    if kind == "group":
        return RegionalGroup.objects.get(code=key)
    if kind == "sector":
        return SectorMember.objects.get(slug=key)
    raise ValueError(f"Unknown proposer kind in {code!r}.")


def demo_provision(spec: dict | None, source: str, report: Counter) -> Provision | None:
    """The provision a demo proposal is on. Resolutions that the reference data does not
    list are created from the demo record, with its source."""
    if spec is None:
        return None
    instrument = Instrument.objects.get(slug=spec["instrument"])
    is_resolution = instrument.kind == InstrumentKind.RESOLUTIONS
    # Only created, never updated: a provision the reference data or a curator keeps is
    # theirs to describe.
    provision, created = Provision.objects.get_or_create(
        instrument=instrument,
        number=spec["number"],
        defaults={
            "kind": ProvisionKind.RESOLUTION if is_resolution else ProvisionKind.PROVISION,
            "status": spec.get("status", ProvisionStatus.BASELINE),
            "title": spec.get("title", ""),
            "notes": spec.get("notes", ""),
            "source": source,
        },
    )
    if created:
        report[(Provision._meta.verbose_name_plural, "created")] += 1
    return provision


def load_demo(report: Counter) -> None:
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    conferences = {c.slug: c for c in Conference.objects.all()}
    topics = {t.slug: t for t in Topic.objects.all()}

    documents: dict[tuple[str, str], Document] = {}
    for spec in data["documents"]:
        conference = conferences[spec["conference"]]
        base = documents[(spec["conference"], spec["base"])] if spec.get("base") else None
        documents[(spec["conference"], spec["symbol"])] = upsert(
            Document,
            report,
            lookup={"conference": conference, "symbol": spec["symbol"]},
            values={
                "kind": spec["kind"],
                "base_document": base,
                "title": spec["title"],
                "source_line": spec["source_line"],
                "origin": spec["origin"],
                "language": spec["language"],
                "date": datetime.date.fromisoformat(spec["date"]) if spec["date"] else None,
                "url": spec["url"],
                "source": spec["source"],
            },
        )

    search.index_documents(Document.objects.filter(pk__in=[d.pk for d in documents.values()]))

    for spec in data["proposals"]:
        _, changed = proposal_upsert(
            conference=conferences[spec["conference"]],
            number=spec["number"],
            source_key=spec.get("source_key", ""),
            document=documents[(spec["conference"], spec["document"])],
            action=spec["action"],
            provision=demo_provision(spec["provision"], spec["source"], report),
            text=spec.get("text", ""),
            reasons=spec.get("reasons", ""),
            summary=spec.get("summary", ""),
            proposers=[proposer_from_code(code) for code in spec["proposers"]],
            proposers_as_stated=spec["proposers_as_stated"],
            topics=[topics[slug] for slug in spec.get("topics", [])],
            outcome=spec.get("outcome", Outcome.UNKNOWN),
            outcome_source=spec.get("outcome_source", ""),
            published=True,
            source=spec["source"],
        )
        report[("proposals", "created or updated" if changed else "unchanged")] += 1


def ingest_demo_documents(report: Counter) -> None:
    """Ingest each demo document once, in this process, whatever the broker."""
    from .choices import IntakeChannel
    from .services.ingestion import document_ingest, document_receive

    manifest = json.loads((DEMO_DOCUMENTS / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["documents"]:
        _, run = document_receive(
            conference=Conference.objects.get(slug=entry["conference"]),
            data=(DEMO_DOCUMENTS / entry["file"]).read_bytes(),
            origin=entry["origin"],
            channel=IntakeChannel.DEMO,
            filename=entry["file"],
            enqueue=False,
            skip_known=True,
        )
        if run is None:
            report[("demo documents", "already ingested")] += 1
            continue
        run = document_ingest(run=run)
        report[("demo documents", f"ingested: {run.get_status_display().lower()}")] += 1
