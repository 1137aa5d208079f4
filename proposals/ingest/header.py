"""Read an ITU document's header (in English, French, Spanish or Russian): its symbol,
date, original language, source line and conference.

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

# Month names in the ITU's English, French, Spanish and Russian texts ("17 ноября 2012
# года": the genitive).
MONTHS = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    )
    for number, name in enumerate(names.split(), start=1)
}
# The kinds of derived document, as the four languages write them.
KINDS = {
    "revision": "revision", "révision": "revision", "revisión": "revision",
    "пересмотр": "revision",
    "addendum": "addendum", "addéndum": "addendum", "дополнительный документ": "addendum",
    "corrigendum": "corrigendum", "corrigéndum": "corrigendum", "исправление": "corrigendum",
}  # fmt: skip
KIND = "(?:" + "|".join(kind.replace(" ", r"\s+") for kind in KINDS) + ")"
# "Revision 1 to", "Révision 1 au", "Revisión 1 al", "Дополнительный документ 1 к
# Документу 79-R"; and none in "Пересмотр 1 документа 27-R".
TO = r"(?:(?:to|au|al|к)\s+)?"
DOCUMENT_WORD = r"(?:Documento?|Документ[уа]?)"
# "Revision 1 to Addendum 2 to Document 79-E", "Corrigendum 1 to Revision 1 to …".
DERIVED_STEP = rf"(?P<kind>{KIND})\s+(?P<n>\d+)\s+{TO}"
DERIVED = re.compile(
    # At most three steps between: unbounded, a long run of them that never reaches
    # "Document" would be searched again from each of its steps.
    rf"(?i)\b{DERIVED_STEP}(?P<inner>(?:{KIND}\s+\d+\s+{TO}){{0,3}})"
    rf"{DOCUMENT_WORD}[ \t]+(?P<doc>\d+)(?:\(Add\.(?P<add>\d+)\))?(?:-[A-Z])?"
)
DOCUMENT = re.compile(rf"(?i)\b{DOCUMENT_WORD}[ \t]+(?P<doc>\d+)(?:\(Add\.(?P<add>\d+)\))?-[A-Z]\b")
# "17 November 2012", "17 novembre 2012", "17 de noviembre de 2012".
DATE = re.compile(
    r"\b(?P<day>\d{1,2})(?:er)?[ \t]+(?:de[ \t]+)?(?P<month>[^\W\d_]+)[ \t]+(?:de[ \t]+)?"
    r"(?P<year>(?:19|20)\d\d)\b"
)
# Either end of a range of days, the conference's own dates: "Dubai, 3-14 December 2012",
# "Busan, 20 October – 7 November 2014", "28 December 2012 – 7 January 2013".
DATE_RANGE_END = re.compile(r"\d(?:[ \t]+(?:de[ \t]+)?[^\W\d_]+)?[ \t]*[-\u2013\u2014][ \t]*$")
DATE_RANGE_START = re.compile(r"^[ \t]*[-\u2013\u2014]")
# A header laid out as a Word table comes out as cells joined by " | ".
CELL_START = r"(?:^|\|)[ \t]*"
# A web page's table cell may run the date and "Original:" into one line ("17 November
# 2012 Original: Russian"); elsewhere in a line it is running text. The language runs to
# the end of its line or cell (in one pass: no blanks matched twice).
ORIGINAL = re.compile(
    rf"(?im)(?:{CELL_START}|(?<=\d{{4}})[ \t]+)(?:Original|Оригинал)[ \t\u00a0]?:[ \t]*"
    r"(?P<language>[^\n|]*[^\s|])"
)
# The conference's acronym, in English or in the French, Spanish and Russian texts
# ("CMTI-12", "ВКМЭ-12").
CONFERENCE_KINDS = {
    "WCIT": "wcit", "CMTI": "wcit", "PP": "pp", "WRC": "wrc", "CMR": "wrc",
    "WTSA": "wtsa", "AMNT": "wtsa", "WTDC": "wtdc", "CMDT": "wtdc", "WTPF": "wtpf",
    "WATTC": "wattc", "ВКМЭ": "wcit", "ПК": "pp", "ВКР": "wrc", "ВКРЭ": "wtdc",
}  # fmt: skip
CONFERENCE = re.compile(rf"\b(?P<kind>{'|'.join(CONFERENCE_KINDS)})-(?P<year>\d{{2}})\b")
# Some headers name the conference without its acronym: "WORLD RADIOCOMMUNICATION
# CONFERENCE" above "Geneva, 22 October – 16 November 2007". In English, French, Spanish.
CONFERENCE_NAMES = {
    "wcit": r"INTERNATIONAL TELECOMMUNICATIONS|T[ÉE]L[ÉE]COMMUNICATIONS INTERNATIONALES"
    r"|TELECOMUNICACIONES INTERNACIONALES",
    "pp": r"PLENIPOTENTIARY CONFERENCE|CONF[ÉE]RENCE DE PL[ÉE]NIPOTENTIAIRES"
    r"|CONFERENCIA DE PLENIPOTENCIARIOS",
    "wrc": r"WORLD RADIOCOMMUNICATION CONFERENCE|CONF[ÉE]RENCE MONDIALE DES RADIOCOMMUNICATIONS"
    r"|CONFERENCIA MUNDIAL DE RADIOCOMUNICACIONES",
    "wtsa": r"STANDARDIZATION ASSEMBLY|ASSEMBL[ÉE]E MONDIALE DE NORMALISATION"
    r"|ASAMBLEA MUNDIAL DE NORMALIZACI[ÓO]N",
    "wtdc": r"TELECOMMUNICATION DEVELOPMENT CONFERENCE"
    r"|CONF[ÉE]RENCE MONDIALE DE D[ÉE]VELOPPEMENT DES T[ÉE]L[ÉE]COMMUNICATIONS"
    r"|CONFERENCIA MUNDIAL DE DESARROLLO DE LAS TELECOMUNICACIONES",
    "wtpf": r"POLICY FORUM|FORUM MONDIAL DES POLITIQUES|FORO MUNDIAL DE POL[IÍ]TICA",
    "wattc": r"ADMINISTRATIVE TELEGRAPH AND TELEPHONE CONFERENCE",
}
CONFERENCE_NAME = re.compile(
    "(?i)" + "|".join(f"(?P<{kind}>{names})" for kind, names in CONFERENCE_NAMES.items())
)
YEAR = re.compile(r"\b(?:19|20)(\d\d)\b")
# The title under the source line: "PROPOSALS FOR THE WORK OF THE CONFERENCE", "EUROPEAN
# COMMON PROPOSALS…", "INTER-AMERICAN PROPOSALS…", "PROPOSITIONS POUR LES TRAVAUX DE LA
# CONFÉRENCE", "PROPUESTAS PARA LOS TRABAJOS DE LA CONFERENCIA".
LETTERS = r"[^\W\d_]+"
SOURCE_LINE_BEFORE = re.compile(
    rf"(?i)^[ \t]*(?:{LETTERS}[ -]+){{0,8}}(?:PROPOSALS|PROPOSITIONS|PROPUESTAS|ПРЕДЛОЖЕНИЯ)(?:"
    # (A title wrapped before its last words ends its line: "… FOR THE WORK OF THE".)
    r"(?P<work>[ \t]+FOR THE WORK(?:[ \t]+OF(?:[ \t]+THE(?:[ \t]+(?:CONFERENCE|ASSEMBLY))?)?)?"
    r"(?:(?<=CONFERENCE)|(?<=ASSEMBLY)|[ \t]*$)"
    # French and Spanish put the adjectives after: "PROPOSITIONS COMMUNES EUROPÉENNES POUR…"
    rf"|(?:[ \t]+{LETTERS}){{0,2}}?[ \t]+(?:POUR LES TRAVAUX DE (?:LA CONF[ÉE]RENCE|"
    r"L['\u2019]ASSEMBL[ÉE]E)|PARA LOS TRABAJOS DE LA (?:CONFERENCIA|ASAMBLEA)"
    r"|ДЛЯ РАБОТЫ (?:КОНФЕРЕНЦИИ|АССАМБЛЕИ)))"
    # Or the title ends there, in capitals ("EUROPEAN COMMON PROPOSALS"); in small letters
    # such a line is running text ("… containing proposals").
    r"|[ \t]*$)"
)


# The end of a line that a list of names goes on from: a comma, "and", or a word that
# ends no name ("of", "the"; "de", "du", "des", "la", "del", "y", "et" in French and
# Spanish).
WRAPPED_NAME = re.compile(r"(?i)(?:,|\b(?:and|of|the|de|du|des|la|del|y|et))$")


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

    symbol = own_symbol(text)
    if symbol is None:
        pass
    elif symbol.re is DERIVED:
        base = f"Document {symbol['doc']}"
        if symbol["add"]:
            base = f"Addendum {symbol['add']} to {base}"
        # The steps between, innermost last: each is a version of the one after it.
        for step in reversed(list(re.finditer(f"(?i){DERIVED_STEP}", symbol["inner"]))):
            base = f"{KINDS[kind_of(step)].title()} {step['n']} to {base}"
        header.kind = KINDS[kind_of(symbol)]
        header.symbol = f"{header.kind.title()} {symbol['n']} to {base}"
        header.base_symbol = base
    elif symbol["add"]:
        header.symbol = f"Addendum {symbol['add']} to Document {symbol['doc']}"
        header.kind, header.base_symbol = "addendum", f"Document {symbol['doc']}"
    else:
        header.symbol, header.kind = f"Document {symbol['doc']}", "contribution"

    header.date = document_date(text)

    if original := ORIGINAL.search(text):
        header.language = original["language"].strip()

    header.conference_slug = conference_slug(text, symbol)

    header.source_line = source_line(text)
    return header


def conference_slug(text: str, symbol: re.Match | None) -> str:
    """The conference the header names, by its acronym ("(WCIT-12)") or by its name and
    the year of its dates. Only in the header, above the document's symbol (or, without
    one, in the first lines): the text below cites other conferences ("Resolution 803
    (WRC-03)"), which are not this document's. Empty when the header does not say."""
    first_lines = "\n".join(text.split("\n", 10)[:10])
    header = text[: symbol.end()] if symbol is not None else first_lines
    if conference := CONFERENCE.search(header):
        return f"{CONFERENCE_KINDS[conference['kind']]}-{conference['year']}"
    if named := CONFERENCE_NAME.search(header):
        # The year on the name's line or in its dates on the next two ("Geneva, 22
        # October – 16 November 2007"), not further: a later year is a document's date.
        after = header[named.end() :].split("\n", 3)
        if year := YEAR.search("\n".join(after[:3])):
            return f"{named.lastgroup}-{year[1]}"
    return ""


def kind_of(step: re.Match) -> str:
    """The KINDS key of a derived symbol's step, however it was spaced and cased."""
    return " ".join(step["kind"].lower().split())


def source_line(text: str) -> str:
    """Who the document is from: the line above its title. A list of countries may wrap
    over several lines, each but the last ending with a comma or "and", inside a name's
    brackets ("Saudi Arabia (Kingdom" / "of), Bahrain") or after a word no name ends with
    ("United States of" / "America, Uruguay")."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        title = SOURCE_LINE_BEFORE.match(line)
        if not title or (not title["work"] and not line.isupper()):
            continue
        # The lines above, nearest first, read only as far as needed.
        above = (kept for i in range(index - 1, -1, -1) if (kept := filled_cells(lines[i])))
        last = next(above, None)
        if last is None or ORIGINAL.match(last) or DATE.search(last):
            continue  # "European Common Proposals" is the source line, not the title
        taken = [last]
        for previous in above:
            wrapped = taken[0].count(")") > taken[0].count("(")
            if not (wrapped or WRAPPED_NAME.search(previous)):
                break
            taken.insert(0, previous)
        return " ".join(taken)
    return ""


def filled_cells(line: str) -> str:
    """A line without its empty table cells: a cell merged over two columns of a web
    page's table comes out as itself and an empty one ("Paraguay | ")."""
    return " | ".join(cell for part in line.split("|") if (cell := part.strip()))


def own_symbol(text: str) -> re.Match | None:
    """The document's own symbol. The header writes it with a language suffix ("Document
    67-E", "Addendum 1 to Document 67-E"); a cover page may mention another document
    without one ("see Addendum 1 to Document 67"), so a suffixed symbol wins, and of
    those the first. A derived symbol holds a plain one ("Revision 1 to Document 27-E"),
    and being first it wins over it."""
    found = [*DERIVED.finditer(text), *DOCUMENT.finditer(text)]
    if not found:
        return None
    return min(found, key=lambda match: (not re.search(r"-[A-Z]$", match[0]), match.start()))


def document_date(text: str) -> datetime.date | None:
    """The header's date: the first date standing on a line or table cell of its own,
    else the first date that is not an end of a range of days (the conference's dates)."""
    dates = []
    for match in DATE.finditer(text):
        month = MONTHS.get(match["month"].lower())
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        before = text[line_start : match.start()]
        after = text[match.end() : line_end if line_end != -1 else len(text)]
        if month is None or DATE_RANGE_END.search(before) or DATE_RANGE_START.match(after):
            continue
        try:
            date = datetime.date(int(match["year"]), month, int(match["day"]))
        except ValueError:
            continue
        alone = not before.rsplit("|", 1)[-1].strip() and not after.split("|", 1)[0].strip()
        dates.append((not alone, match.start(), date))
    return min(dates)[2] if dates else None
