"""Find the proposals in a document's text.

ITU documents open each proposal with an action symbol and a proposal number on one
line ("MOD PRG/29/1", "ADD ACP/67A1/1"), then the provision (a margin number and a
provision number, or an ARTICLE heading, or a resolution), the proposed text, and
"Reasons:". Compilations (DT/1, TD 62) are tables instead: one row per proposal.

Everything here works on strings. Real documents vary: tabs, non-breaking spaces,
numbers wrapped across lines, other languages around the symbols.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Any run of spaces, tabs, non-breaking spaces or line breaks.
GAP = r"[\s\u00a0\u202f]+"
OPTIONAL_GAP = r"[\s\u00a0\u202f]*"
ACTION = r"(?P<action>\(MOD\)|ADD\*?|SUP\*?|MOD|NOC)"
# PREFIX/DOC[A<addendum>][R<revision>]/SEQ, which a line break may split anywhere. An
# addendum may have addenda of its own: EUR/9A21A13/1 is in Addendum 13 to Addendum 21.
NUMBER = (
    rf"(?P<prefix>[A-Z]{{1,5}}){OPTIONAL_GAP}/{OPTIONAL_GAP}"
    rf"(?P<doc>\d+)(?P<addenda>(?:{OPTIONAL_GAP}A\d+)*)(?:{OPTIONAL_GAP}R(?P<revision>\d+))?"
    rf"{OPTIONAL_GAP}/{OPTIONAL_GAP}(?P<sequence>\d+)\b"
)
# A number in running text that happens to wrap to the start of a line ("as in\nADD
# RUS/27/7 below.") is a cross-reference, not a proposal: a real opening line ends after
# the number or goes on with the provision, never with a lowercase word or punctuation.
# A list item is the provision ("ADD USA/9/1 a) Administrations shall"), when a
# sentence starts after it ("ADD RUS/27/7 a) and b)" is a cross-reference). So is an
# aside that the sentence goes on after ("ADD RUS/27/7 (Internet governance), which").
# Lower and upper case in the Latin and Cyrillic scripts of the ITU's languages.
LOWER = r"[a-z\u00df-\u00f6\u00f8-\u00ff\u0430-\u044f\u0451]"
UPPER = r"[A-Z\u00c0-\u00d6\u00d8-\u00de\u0410-\u042f\u0401]"
LIST_ITEM = rf"{LOWER}{{1,4}}\)[ \t\u00a0]+{UPPER}"
ASIDE = rf"[ \u00a0]*\([^()\n]*\)[ \u00a0]*(?:[.,;:]|{LOWER})"
CROSS_REFERENCE_AFTER = rf"(?![ \u00a0]*[.,;:)\]]|[ \u00a0]+(?!{LIST_ITEM}){LOWER}|{ASIDE})"
PROPOSAL_START = re.compile(rf"(?m)^[ \t\u00a0]*{ACTION}{GAP}{NUMBER}{CROSS_REFERENCE_AFTER}")
NUMBER_ALONE = re.compile(NUMBER)
ACTION_ALONE = re.compile(rf"^{OPTIONAL_GAP}{ACTION}{OPTIONAL_GAP}$")

# "Reasons:" in the English texts, "Motifs:" in the French, "Motivos:" in the Spanish,
# "Основания:" in the Russian, "الأسباب:" in the Arabic, "理由：" in the Chinese (whose
# colon is a full-width one).
REASONS_WORD = r"(?:Reasons?|Motifs?|Motivos?|Основания|الأسباب|理由)"
REASONS_COLON = r"[ \t\u00a0]*[:\uff1a][ \t\u00a0]*"
REASONS = re.compile(rf"(?im)^[ \t\u00a0]*{REASONS_WORD}{REASONS_COLON}")
# Headings in English, French, Spanish and Russian ("ARTICLE 3A", "ARTÍCULO 3A",
# "СТАТЬЯ 3A"). An appendix heads its provisions as an article does ("APPENDIX 1",
# "APPENDICE 1", "APÉNDICE 1", "ПРИЛОЖЕНИЕ 1"); the reference data names it "Appendix 1".
ARTICLE_NAMES = ("ARTICLE", "ARTÍCULO", "ARTICULO", "СТАТЬЯ")
APPENDIX_NAMES = ("APPENDIX", "APPENDICE", "APÉNDICE", "APENDICE", "ПРИЛОЖЕНИЕ")
ARTICLE_WORDS = ARTICLE_NAMES + APPENDIX_NAMES
# The title is on the next line, or, after a heading in capitals, after a dash on the
# same one ("ARTICLE 3A – Internet"): in small letters such a line is running text
# ("Article 3 - 5 of these Regulations"). The names are matched in any case otherwise.
ARTICLE = re.compile(
    rf"(?m)^[ \t\u00a0]*(?=(?P<capitals>(?:{'|'.join(ARTICLE_WORDS)})[ \t\u00a0])?)"
    rf"(?i:(?:{'|'.join(ARTICLE_NAMES)})[ \t\u00a0]+(?P<article>\d+[A-Z]?)"
    rf"|(?:{'|'.join(APPENDIX_NAMES)})[ \t\u00a0]+(?P<appendix>\d+))"
    r"(?(capitals)(?:[ \t\u00a0]*[-\u2013\u2014][ \t\u00a0]*(?P<title>[^\n]{1,80}?))?)"
    r"[ \t\u00a0]*$"
)


def mentions(upper: str, words: tuple[str, ...]) -> bool:
    """Whether any of these words occurs in a text already in capitals (upper-cased once,
    not once per word): the cheap test before a heading pattern, which tries every
    position of the text."""
    return any(word in upper for word in words)


def heading_number(heading: re.Match) -> str:
    """The article an ARTICLE heading names, as the reference data numbers it."""
    return heading["article"] or f"Appendix {heading['appendix']}"


def heading_of(heading: re.Match, text: str) -> tuple[str, str]:
    """An ARTICLE heading found in `text`: (number, title), the title on its line or the
    next."""
    title = heading["title"] or heading_title(text[heading.end() :])
    return heading_number(heading), title


# "CHAPTER II" (the Constitution and Convention), above an ARTICLE heading.
CHAPTER_WORDS = ("CHAPTER", "CHAPITRE", "CAPÍTULO", "CAPITULO", "ГЛАВА")
CHAPTER = re.compile(
    r"(?im)^[ \t\u00a0]*(?:CHAPTER|CHAPITRE|CAP[IÍ]TULO|ГЛАВА)[ \t\u00a0]+[IVXLC\d]+[ \t\u00a0]*$"
)
BLANKS = r"[ \t\u00a0]+"
RESOLUTION = re.compile(
    # "DRAFT NEW RESOLUTION [ARB-1]", "DRAFT RESOLUTION [EUR/A25-1]", and the heading
    # repeating the action: "MOD RESOLUTION 130 (Rev. Guadalajara, 2010)"; in French
    # "PROJET DE NOUVELLE RÉSOLUTION", in Spanish "PROYECTO DE NUEVA RESOLUCIÓN", in
    # Russian "ПРОЕКТ НОВОЙ РЕЗОЛЮЦИИ" (and "РЕЗОЛЮЦИЯ 130").
    rf"(?im)^[ \t\u00a0]*(?:(?:\(MOD\)|ADD|SUP|MOD|NOC)\*?{BLANKS})?"
    rf"(?:(?:DRAFT|PROJET{BLANKS}DE|PROYECTO{BLANKS}DE|ПРОЕКТ){BLANKS})?"
    rf"(?:(?:NEW|NOUVELLE|NUEVA|НОВОЙ){BLANKS})?"
    rf"(?:RESOLUTION|RÉSOLUTION|RESOLUCIÓN|RESOLUCION|РЕЗОЛЮЦИИ|РЕЗОЛЮЦИЯ){BLANKS}"
    # "RESOLUTION No. 2", as the 1988 Final Acts number them.
    rf"(?:No\.?[ \t\u00a0]*)?(?P<resolution>\[[^\]\n]+\]|\d+[A-Z]?)(?P<rest>[^\n]*)$"
)
# "5  1.3  These Regulations…", "31A  3A.1  Internet governance…", "1.3  text…"
# A lettered one ("1.1 a)") may have its letter a tab away, as Word sets it.
PROVISION_NUMBER = r"\d+[A-Z]?(?:\.\d+[A-Z]?)+(?:[ \t\u00a0]{0,8}[a-z]\))?"
MARGIN_AND_PROVISION = re.compile(
    rf"^[ \t\u00a0]*(?:(?P<margin>\d+[A-Z]?)[ \t\u00a0]+)?(?P<provision>{PROVISION_NUMBER})"
    rf"(?=[ \t\u00a0\n]|$)"
)
# The Constitution and Convention number their provisions plainly ("165", "1012"), so a
# lone number opening the body is taken as the provision.
PLAIN_NUMBER = re.compile(
    r"^[ \t\u00a0]*(?P<provision>\d{1,4}[A-Z]?)(?=[ \t\u00a0]|$)"
    # not the first digits of a frequency band ("1 300-1 350 MHz")
    r"(?![ \t\u00a0]\d{3}(?!\d))"
)
# A table cell holding a margin number alone ("31A").
MARGIN_ALONE = re.compile(r"^\d+[A-Z]?$")
# What may follow a proposal number in its cell before the text, or instead of it.
NUMBER_NOTE = re.compile(
    r"\s*(?:\*|\([^()]*\)|Rev\.?[ \t\u00a0]*\d+)[ \t\u00a0]*\n?", re.IGNORECASE
)
# In a table cell "Reasons:" may follow the text on the same line.
REASONS_IN_CELL = re.compile(rf"(?i)\b{REASONS_WORD}{REASONS_COLON}")
WHOLE_PROVISION = re.compile(
    # "CS 165", "CV 468" (the Constitution, the Convention), "Art. 5B", "No. 165"
    rf"^(?:(?P<instrument>C[SV]|RR)\.?[ \u00a0]*)?(?:(?:Art(?:icle)?\.?|No\.?)[ \u00a0]*)?"
    rf"(?P<provision>{PROVISION_NUMBER}|\d+[A-Z]?)$",
    re.IGNORECASE,
)

# Below this, a proposal goes to a curator for review instead of being published.
REVIEW_THRESHOLD = 0.7


@dataclass
class ParsedProposal:
    """One proposal as the document states it, before anything is linked."""

    action: str
    number: str
    prefix: str
    document_number: int
    addendum: int | None
    revision: int | None
    sequence: int
    page: int
    provision: str = ""
    # The instrument the provision is in, where the document says: "CS", "CV" or "RR".
    instrument: str = ""
    margin_number: str = ""
    article: str = ""
    article_title: str = ""
    resolution: str = ""
    resolution_title: str = ""
    text: str = ""
    reasons: str = ""
    proposers_as_stated: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        return confidence(self.problems)

    @property
    def needs_review(self) -> bool:
        return self.confidence < REVIEW_THRESHOLD


def confidence(problems: list[str]) -> float:
    """1.0 when everything a proposal should have was found; less for each gap (what the
    parser missed, and what linking later finds missing)."""
    return max(0.0, 1.0 - 0.35 * len(problems))


# Every space of another width (non-breaking, en, em, thin, ideographic) is a space.
WIDE_SPACES = str.maketrans(
    dict.fromkeys(
        "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
        "\u2007\u2008\u2009\u200a\u202f\u205f\u3000",
        " ",
    )
)


def normalise(text: str) -> str:
    """Spaces of every width to spaces, Windows line ends to \\n, trailing blanks off."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(WIDE_SPACES)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def addenda(match: re.Match) -> list[str]:
    return re.findall(r"A(\d+)", match["addenda"])


def proposal_number(match: re.Match) -> str:
    number = f"{match['prefix']}/{match['doc']}"
    number += "".join(f"A{addendum}" for addendum in addenda(match))
    if match["revision"]:
        number += f"R{match['revision']}"
    return f"{number}/{match['sequence']}"


def parsed_from(match: re.Match, action: str, page: int) -> ParsedProposal:
    return ParsedProposal(
        action=action,
        number=proposal_number(match),
        prefix=match["prefix"],
        document_number=int(match["doc"]),
        addendum=int(addenda(match)[0]) if match["addenda"] else None,
        revision=int(match["revision"]) if match["revision"] else None,
        sequence=int(match["sequence"]),
        page=page,
    )


# What ITU documents print at the top or foot of every page after the first: the page
# number ("- 2 -", "– 2 –") and the document's reference ("WCIT12/27-E",
# "PP14/79(Add.1)-E", "WTDC-17/23-E"), on lines of their own or together on one.
FURNITURE_PART = (
    r"(?:[-\u2013\u2014][ \t]*\d+[ \t]*[-\u2013\u2014]"
    r"|[A-Z]+(?:-?\d+)?/\d+(?:\([^\W\d_]+\.?[ \t]*\d+\))*-[A-Z]"
    # the file path footer of a first page ("P:\\ENG\\ITU-T\\…\\029E.DOCX (327589)  08.11.12")
    r"|[A-Z]:\\[^\n]*)"
)
PAGE_FURNITURE = re.compile(rf"^[ \t]*{FURNITURE_PART}(?:[ \t]+{FURNITURE_PART})?[ \t]*$")
# How many lines at each end of a page can hold it.
FURNITURE_LINES = 3


def without_page_furniture(page: str) -> str:
    """The page without its running head and foot, which would otherwise end up inside
    whatever proposal runs across the page break (or be read as its provision)."""
    # Only the ends are looked at: splitting a whole page into lines costs more than
    # the rest of reading it. Blank lines at the ends would hide them.
    page = page.strip("\n")
    head = page.split("\n", FURNITURE_LINES)
    body = head.pop() if len(head) > FURNITURE_LINES else None
    foot = body.rsplit("\n", FURNITURE_LINES) if body is not None else []
    middle = foot.pop(0) if len(foot) > FURNITURE_LINES else None
    kept = [line for line in head if not PAGE_FURNITURE.match(line)]
    if middle is not None:
        kept.append(middle)
    kept += [line for line in foot if not PAGE_FURNITURE.match(line)]
    return "\n".join(kept)


def parse_text(pages: list[str]) -> list[ParsedProposal]:
    """Proposals in running text. `pages` are the document's pages, in order; a proposal
    may run across a page break and keeps the page it started on."""
    chunks, page_starts, length = [], [], 0
    for page in pages:
        page_starts.append(length)
        chunks.append(without_page_furniture(normalise(page)) + "\n")
        length += len(chunks[-1])
    text = "".join(chunks)

    starts = list(PROPOSAL_START.finditer(text))
    proposals = []
    heading = None
    # An ARTICLE heading above the first proposal heads it, as one after the reasons does.
    intro = text[: starts[0].start()] if starts else ""
    if mentions(intro.upper(), ARTICLE_WORDS) and (found := list(ARTICLE.finditer(intro))):
        heading = heading_of(found[-1], intro)
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        # Pages are numbered from 1: the number of pages starting at or before the match.
        page = bisect_right(page_starts, match.start())
        proposal = parsed_from(match, match["action"], page)
        following = read_body(proposal, text[match.end() : end])
        # An ARTICLE heading between two proposals heads the next one, unless that one
        # is a resolution, which stands outside the articles.
        if heading and not proposal.article and not proposal.resolution:
            proposal.article, proposal.article_title = heading
        heading = following
        proposals.append(proposal)
    return proposals


def read_body(proposal: ParsedProposal, body: str) -> tuple[str, str] | None:
    """Fill in the provision, text and reasons from what follows the number. Returns the
    article heading (number, title) found after the reasons, which belongs to the next
    proposal, or None."""
    following = None
    reasons = REASONS.search(body)
    if reasons:
        tail = body[reasons.end() :]
        # The cheap tests first: the tail can be pages long.
        upper = tail.upper()
        if mentions(upper, ARTICLE_WORDS) and (after := ARTICLE.search(tail)):
            following = heading_of(after, tail)
            tail = tail[: after.start()]
        if mentions(upper, CHAPTER_WORDS) and (chapter := CHAPTER.search(tail)):
            tail = tail[: chapter.start()]
        proposal.reasons = tidy(tail)
        body = body[: reasons.start()]
    else:
        proposal.problems.append("no Reasons: line")
        # Without reasons to end it, a heading after its text heads the next proposal.
        heading = ARTICLE.search(body) if mentions(body.upper(), ARTICLE_WORDS) else None
        if heading and body[: heading.start()].strip():
            following = heading_of(heading, body)
            body = body[: heading.start()]

    if article := ARTICLE.search(body):
        proposal.article, proposal.article_title = heading_of(article, body)
        rest = body[article.end() :]
        if proposal.article_title and not article["title"]:  # the title's line goes too
            rest = rest.lstrip("\n").split("\n", 1)[1] if "\n" in rest.lstrip("\n") else ""
        body = body[: article.start()] + rest

    resolution = RESOLUTION.search(body)
    if resolution and body[: resolution.start()].strip():
        resolution = None  # "Resolution 130 (…)" wrapped to a line start in the text
    if resolution:
        proposal.resolution = resolution["resolution"]
        proposal.resolution_title = resolution["rest"].strip() or title_below(
            body[resolution.end() :]
        )
        body = body[: resolution.start()] + body[resolution.end() :]
    else:
        lines = body.strip("\n").split("\n")
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is not None and (found := MARGIN_AND_PROVISION.match(lines[first])):
            proposal.provision = one_line(found["provision"])
            proposal.margin_number = found["margin"] or ""
            lines[first] = lines[first][found.end() :]
            body = "\n".join(lines[first:])
        elif first is not None and (found := PLAIN_NUMBER.match(lines[first])):
            proposal.provision = found["provision"]
            lines[first] = lines[first][found.end() :]
            body = "\n".join(lines[first:])

    proposal.text = tidy(body)
    if not (proposal.provision or proposal.article or proposal.resolution):
        proposal.problems.append("no provision, article or resolution found")
    if proposal.action != "NOC" and not proposal.text and not proposal.reasons:
        proposal.problems.append("no text")
    return following


def heading_title(after_heading: str) -> str:
    """The line after "ARTICLE 3A": the article's title when it is short and has no
    provision number of its own."""
    line = after_heading.lstrip("\n").split("\n", 1)[0]
    title = line.strip()
    if title and len(title) <= 80 and not MARGIN_AND_PROVISION.match(line):
        return title
    return ""


def title_below(after_heading: str) -> str:
    """The line below "DRAFT NEW RESOLUTION [ARB-1]": the resolution's title when it
    reads as one (capitalised, short, not ending as a sentence or the preamble does: "The
    Plenipotentiary Conference …,"). Empty when the line after it starts in lower case,
    which may be the title wrapped: half a title would be wrong, and a curator fills it
    in. The title stays in the text, which is the whole resolution."""
    lines = after_heading.lstrip().split("\n", 2)
    title = lines[0].strip()
    below = lines[1].strip() if len(lines) > 1 else ""
    if (
        not title
        or len(title) > 200
        or not title[0].isupper()
        or title[-1] in ",.:;"
        or REASONS.match(title)
        or MARGIN_AND_PROVISION.match(title)
        or below[:1].islower()
    ):
        return ""
    return title


def one_line(provision: str) -> str:
    """A provision number as the reference data writes it: "1.1 a)", however the
    document spaced it (a tab, non-breaking spaces)."""
    return re.sub(r"[ \t\u00a0]+", " ", provision)


# Two spaces then any more: the literal two-space prefix lets the regex engine skip ahead
# between matches instead of stopping at every single space, as [ \t]+ does (20 times
# slower on a full page of running text).
SPACES = re.compile("   *")
END_RULE = re.compile(r"_{5,}")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def tidy(text: str) -> str:
    """Paragraphs kept, runs of blanks inside a line squeezed."""
    paragraphs = [
        SPACES.sub(" ", p.replace("\t", " ")).strip() for p in PARAGRAPH_BREAK.split(text)
    ]
    # "______________" ends every ITU document.
    joined = "\n\n".join(p for p in paragraphs if p and not END_RULE.fullmatch(p))
    # ...also where no blank line sets it apart, as in a Word document's paragraphs.
    lines = [line.strip() for line in joined.split("\n")]
    return "\n".join(line for line in lines if not END_RULE.fullmatch(line)).strip("\n")


# A header cell's role from its words, the first that matches: "Current text (1988)" is
# the text in force, not the proposal's; "Article/Provision" the provision.
HEADER_WORDS = {
    # Not "Existing text / Proposed text": a header naming the proposal is the proposal's.
    "current": re.compile(
        r"(?i)^(?!.*propos|.*propuest)"
        r".*\b(?:current|existing|present|in force|actuel|vigente)\b"
    ),
    "reasons": re.compile(rf"(?i)\b{REASONS_WORD}\b|justification|rationale"),
    "proposers": re.compile(r"(?i)propos(?:er|ed by|ing)|author|member state|countr|source"),
    "provision": re.compile(r"(?i)\bprovisions?\b|\bdisposition|\bdisposici[oó]n"),
    "article": re.compile(r"(?i)^art\b|\bart[ií]c(?:le|ulo)s?\b"),
    "margin": re.compile(r"(?i)^m\.?n\.?$|\bmargin"),
    "text": re.compile(r"(?i)\btext[eo]?\b|wording|proposal text"),
}
# Columns the proposal's text, provision and proposers are never read from.
NOT_THE_PROPOSALS = ("current", "article", "margin")


def column_roles(header: list[str]) -> dict[str, int]:
    """Which column holds what (the proposers, the text, the provision, the reasons, and
    those to leave alone), from a header row's words."""
    roles = {}
    for index, cell in enumerate(header):
        cell = " ".join(cell.split())  # a header cell of two lines reads as one
        for role, words in HEADER_WORDS.items():
            if role not in roles and words.search(cell):
                roles[role] = index
                break
    return roles


def parse_table(rows: list[list[str]], page: int = 1) -> list[ParsedProposal]:
    """Proposals in a compilation table: one row each, with the number (and usually the
    action) in one cell, the provision in another, the proposed text, and sometimes a
    proposers column. A header row, when there is one, says which column is which;
    without one the longest cell is the text. Rows without a number are skipped."""
    proposals = []
    header_roles: dict[str, int] = {}
    header_width = 0
    for cells in rows:
        cells = [normalise(cell).strip() for cell in cells]
        # The proposal's cell, not one naming a resolution after it ("Draft Resolution
        # [EUR/10A25/2]"), when there is one.
        with_number = [i for i, c in enumerate(cells) if NUMBER_ALONE.search(c)]
        number_at = next(
            (i for i in with_number if not RESOLUTION.match(cells[i])),
            with_number[0] if with_number else None,
        )
        if number_at is None:
            # The header, not a title merged across the table ("ARTICLE 1 – Purpose"),
            # which comes out as one text repeated in every cell.
            if not header_roles and len({cell for cell in cells if cell}) > 1:
                header_roles, header_width = column_roles(cells), len(cells)
            continue
        # A row laid out differently from the header (merged or split cells) is read
        # by its contents alone.
        roles = header_roles if len(cells) == header_width else {}
        # A row may stand for several proposals of the same text ("MOD ARB/25/1
        # MOD ARB/25/2", "USA/9/1, CAN/10/2"): one proposal each, the rest of the row shared.
        numbers = list(NUMBER_ALONE.finditer(cells[number_at]))
        used = {number_at}
        action_at = next(
            (i for i, c in enumerate(cells) if i not in used and ACTION_ALONE.match(c)), None
        )
        if action_at is not None:
            used.add(action_at)
        row_proposals = []
        for index, match in enumerate(numbers):
            since = numbers[index - 1].end() if index else 0
            action_match = re.search(ACTION, cells[number_at][since : match.start()])
            if action_match is None and action_at is not None:
                action_match = ACTION_ALONE.match(cells[action_at])
            action = action_match["action"] if action_match else ""
            if not action and row_proposals:  # "MOD PRG/29/1, B/30/2": one action for all
                action = row_proposals[-1].action
            proposal = parsed_from(match, action, page)
            if not action:
                proposal.problems.append("no action symbol")
            row_proposals.append(proposal)
        after_number = cells[number_at][numbers[-1].end() :]
        for proposal in row_proposals:
            read_cells(proposal, cells, number_at, used, roles, after_number)
        proposals.extend(row_proposals)
    return proposals


def read_cells(
    proposal: ParsedProposal,
    cells: list[str],
    number_at: int,
    used: set[int],
    roles: dict[str, int],
    after_number: str,
) -> None:
    """The provision, proposers, text and reasons of a table row; `used` are the cells
    read already (the number and the action), `after_number` what follows the last
    number in its cell."""
    used = set(used) | {roles[role] for role in NOT_THE_PROPOSALS if role in roles}
    by_role = roles.get("provision")
    numbered = [i for i, c in enumerate(cells) if i not in used and WHOLE_PROVISION.match(c)]
    provision_at = (
        by_role
        if by_role is not None and by_role not in used and WHOLE_PROVISION.match(cells[by_role])
        # Without a header, "5 | 1.3 | MOD ARB/25/1": the numbered provision, not the
        # margin number before it.
        else next((i for i in numbered if "." in cells[i]), numbered[0] if numbered else None)
    )
    # A resolution in the provision column, where no provision number is.
    resolution_at = (
        next((i for i, c in enumerate(cells) if i not in used and RESOLUTION.match(c)), None)
        if provision_at is None
        else None
    )
    if provision_at is not None:
        found = WHOLE_PROVISION.match(cells[provision_at])
        proposal.provision = one_line(found["provision"])
        proposal.instrument = (found["instrument"] or "").upper()
        used.add(provision_at)
        # The margin number's column is beside the provision's ("MN | Provision", or
        # after it); one holding the provision's article ("3A | 3A.1") is the article's.
        article = proposal.provision.split(".")[0]
        for beside in (provision_at - 1, provision_at + 1):
            if (
                "." in proposal.provision
                and 0 <= beside < len(cells)
                and beside not in used
                and MARGIN_ALONE.match(cells[beside])
            ):
                used.add(beside)
                if cells[beside] != article:
                    proposal.margin_number = cells[beside]
                    break
    elif resolution_at is not None:
        found = RESOLUTION.match(cells[resolution_at])
        proposal.resolution, proposal.resolution_title = found["resolution"], found["rest"].strip()
        used.add(resolution_at)
    else:
        proposal.problems.append("no provision, article or resolution found")

    reasons_at = roles.get("reasons")
    if reasons_at is not None and reasons_at not in used and cells[reasons_at]:
        proposal.reasons = tidy(cells[reasons_at])
        used.add(reasons_at)
    rest = [(i, c) for i, c in enumerate(cells) if i not in used and c]
    # "MOD ARB/25/1" and the text in one cell, after the number's marks and notes
    # ("*", "Rev.1", "(Russian Federation, Algeria)"), which are not the text.
    while note := NUMBER_NOTE.match(after_number):
        after_number = after_number[note.end() :]
    if after_number.strip():
        rest.append((number_at, after_number.strip()))
    if roles.get("proposers") in dict(rest) and roles.get("proposers") != number_at:
        proposal.proposers_as_stated = cells[roles["proposers"]]
        rest = [(i, c) for i, c in rest if i != roles["proposers"]]
    if rest:
        by_role = roles.get("text")
        text_at, text = (
            (by_role, dict(rest)[by_role])
            if by_role in dict(rest)
            else max(rest, key=lambda item: len(item[1]))
        )
        body = text
        reasons = REASONS_IN_CELL.search(body)
        if reasons and not proposal.reasons:
            proposal.reasons = tidy(body[reasons.end() :])
            body = body[: reasons.start()]
        proposal.text = tidy(body)
        # Without a header row, the cells left are the proposers (TD 62 named them so).
        # Under a header that names no proposers column, they are its other columns
        # (the subject, the outcome, comments), and nobody is named.
        if not proposal.proposers_as_stated and not roles:
            proposal.proposers_as_stated = "; ".join(c for i, c in rest if i != text_at)
    elif proposal.action != "NOC":
        proposal.problems.append("no text")
