"""Read an ITU document's header: its symbol, date, original language and source line.

Revision 1 to
Document 27-E
17 November 2012
Original: Russian
Russian Federation
PROPOSALS FOR THE WORK OF THE CONFERENCE
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .parse import normalise

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december",
        ],
        start=1,
    )
}  # fmt: skip

DERIVED = re.compile(
    r"(?i)\b(?P<kind>Revision|Addendum|Corrigendum)\s+(?P<n>\d+)\s+to\s+"
    r"(?:(?P<inner>Addendum)\s+(?P<inner_n>\d+)\s+to\s+)?"
    r"Document[ \t]+(?P<doc>\d+)(?:\(Add\.(?P<add>\d+)\))?(?:-[A-Z])?"
)
DOCUMENT = re.compile(r"(?i)\bDocument[ \t]+(?P<doc>\d+)(?:\(Add\.(?P<add>\d+)\))?-[A-Z]\b")
DATE = re.compile(r"\b(?P<day>\d{1,2})[ \t]+(?P<month>[A-Za-z]+)[ \t]+(?P<year>(?:19|20)\d\d)\b")
ORIGINAL = re.compile(r"(?im)^[ \t]*Original:[ \t]*(?P<language>[^\n]+?)[ \t]*$")
CONFERENCE = re.compile(r"\b(?P<kind>WCIT|PP|WRC|WTSA|WTDC|WTPF|WATTC)-(?P<year>\d{2})\b")
SOURCE_LINE_BEFORE = re.compile(
    r"(?i)^[ \t]*(?:[A-Z -]*COMMON PROPOSALS|PROPOSALS FOR THE WORK OF THE (?:CONFERENCE|ASSEMBLY))"
)


@dataclass
class Header:
    symbol: str = ""
    kind: str = ""  # a DocumentKind value
    base_symbol: str = ""
    date: datetime.date | None = None
    language: str = ""
    source_line: str = ""
    conference_slug: str = ""


def parse_header(first_page: str) -> Header:
    """What the first page says about the document. Missing parts stay empty."""
    text = normalise(first_page)
    header = Header()

    if derived := DERIVED.search(text):
        base = f"Document {derived['doc']}"
        if derived["inner"] or derived["add"]:
            base = f"Addendum {derived['inner_n'] or derived['add']} to {base}"
        header.symbol = f"{derived['kind'].title()} {derived['n']} to {base}"
        header.kind = derived["kind"].lower()
        header.base_symbol = base
    elif document := DOCUMENT.search(text):
        if document["add"]:
            header.symbol = f"Addendum {document['add']} to Document {document['doc']}"
            header.kind, header.base_symbol = "addendum", f"Document {document['doc']}"
        else:
            header.symbol, header.kind = f"Document {document['doc']}", "contribution"

    for date in DATE.finditer(text):
        month = MONTHS.get(date["month"].lower())
        if month:
            try:
                header.date = datetime.date(int(date["year"]), month, int(date["day"]))
                break
            except ValueError:
                continue

    if original := ORIGINAL.search(text):
        header.language = original["language"].strip()

    if conference := CONFERENCE.search(text):
        header.conference_slug = f"{conference['kind'].lower()}-{conference['year']}"

    lines = text.split("\n")
    for index, line in enumerate(lines):
        if SOURCE_LINE_BEFORE.match(line):
            before = [candidate.strip() for candidate in lines[:index] if candidate.strip()]
            if before and not ORIGINAL.match(before[-1]) and not DATE.search(before[-1]):
                header.source_line = before[-1]
            break
    return header
