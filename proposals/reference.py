"""Load the sourced reference data in proposals/data/ (see SOURCES.md there):
conferences, instruments, ITR articles and provisions, and topics.

Idempotent in the same way as delegations.reference, whose `upsert` it uses.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from pathlib import Path

from delegations.models import MemberState
from delegations.reference import read_csv, upsert

from .choices import ProvisionKind, ProvisionStatus
from .models import Conference, Instrument, Provision, Topic

DATA_DIR = Path(__file__).resolve().parent / "data"

ITR_BY_VERSION = {"1988": "itr-1988", "2012": "itr-2012"}


def parse_date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def parse_count(value: str) -> int | None:
    return int(value) if value else None


def load_conferences(report: Counter) -> None:
    rows = read_csv(DATA_DIR / "conferences.csv")
    for row in rows:
        upsert(
            Conference,
            report,
            lookup={"slug": row["slug"]},
            values={
                "name": row["name"],
                "kind": row["kind"],
                "city": row["city"],
                "host_country": MemberState.objects.get(iso2=row["host_iso2"]),
                "starts_on": parse_date(row["starts_on"]),
                "ends_on": parse_date(row["ends_on"]),
                "final_acts_signed_count": parse_count(row["final_acts_signed_count"]),
                "final_acts_eligible_count": parse_count(row["final_acts_eligible_count"]),
                "final_acts_source": row["final_acts_source"],
                "source": row["source"],
            },
        )


def load_instruments(report: Counter) -> None:
    for row in read_csv(DATA_DIR / "instruments.csv"):
        adopted_at = Conference.objects.get(slug=row["adopted_at"]) if row["adopted_at"] else None
        upsert(
            Instrument,
            report,
            lookup={"slug": row["slug"]},
            values={
                "short_name": row["short_name"],
                "name": row["name"],
                "kind": row["kind"],
                "adopted_at": adopted_at,
                "source": row["source"],
            },
        )
    # Which instruments each conference revises. Added, never removed: a curator may
    # have linked more.
    for row in read_csv(DATA_DIR / "conferences.csv"):
        slugs = row["instruments"].split()
        if slugs:
            conference = Conference.objects.get(slug=row["slug"])
            conference.instruments.add(*Instrument.objects.filter(slug__in=slugs))


def load_itr_articles(report: Counter) -> None:
    for row in read_csv(DATA_DIR / "itr_articles.csv"):
        verified = row["verification"].startswith("verified")
        upsert(
            Provision,
            report,
            lookup={
                "instrument": Instrument.objects.get(slug=ITR_BY_VERSION[row["itr_version"]]),
                "number": row["article"],
            },
            values={
                "kind": Provision.heading_kind(row["article"]),
                "status": ProvisionStatus.BASELINE,
                # An unverified title stays out: unknown stays empty until a curator
                # checks it against the Final Acts.
                "title": row["title"] if verified else "",
                "notes": f"Title {row['verification']}."
                if verified
                else ("Title not verified in any source; check it against the Final Acts."),
                "source": row["source"],
            },
        )


def load_itr_provisions(report: Counter) -> None:
    itr = Instrument.objects.get(slug="itr-1988")
    articles = {p.number: p for p in itr.provisions.filter(kind=ProvisionKind.ARTICLE)}
    for row in read_csv(DATA_DIR / "itr1988_provisions_partial.csv"):
        upsert(
            Provision,
            report,
            lookup={"instrument": itr, "number": row["provision"]},
            values={
                "kind": ProvisionKind.PROVISION,
                "status": ProvisionStatus.BASELINE,
                "article": articles[row["article"]],
                "margin_number": row["margin_no"],
                "title": row["label_in_source"],
                "source": row["source"],
            },
        )

    # "new 2.13" and "3A.1 (margin 31A)": provisions that exist only as proposals.
    numbered = re.compile(r"^(?:new )?(?P<number>.+?)(?: \(margin (?P<margin>\w+)\))?$")
    # Articles the ITRs do not have: loaded here, once each, on every run (so that a
    # second run reports them unchanged rather than leaving them out of the counts).
    proposed_articles: set[str] = set()
    for row in read_csv(DATA_DIR / "itr_proposed_new_provisions_toc.csv"):
        match = numbered.match(row["provision"])
        article = articles.get(row["article"])
        if row["article"] not in proposed_articles and (
            article is None or article.status == ProvisionStatus.PROPOSED
        ):
            proposed_articles.add(row["article"])
            article = upsert(
                Provision,
                report,
                lookup={"instrument": itr, "number": row["article"]},
                values={
                    "kind": ProvisionKind.ARTICLE,
                    "status": ProvisionStatus.PROPOSED,
                    "notes": "Known only from proposals to add it.",
                    "source": row["source"],
                },
            )
            articles[row["article"]] = article
        upsert(
            Provision,
            report,
            lookup={"instrument": itr, "number": match["number"]},
            values={
                "kind": ProvisionKind.PROVISION,
                "status": ProvisionStatus.PROPOSED,
                "article": article,
                "margin_number": match["margin"] or "",
                "title": row["label_in_source"],
                "source": row["source"],
            },
        )


def load_topics(report: Counter) -> None:
    for row in read_csv(DATA_DIR / "topics.csv"):
        upsert(
            Topic,
            report,
            lookup={"slug": row["slug"]},
            values={
                "name": row["name"],
                "description": row["description"],
                "source": row["source"],
            },
        )
