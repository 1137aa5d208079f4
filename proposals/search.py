"""Full-text search over proposals and documents.

On PostgreSQL: a stored, weighted tsvector per row (kept current by `index_proposals` and
`index_documents`, which the services call after every write), a GIN index, websearch
syntax ("quoted phrases", OR, -exclusion), ranking and highlighted snippets.

On SQLite (the laptop default): every plain word must appear in one of the same fields,
a word with a leading "-" must not, and snippets are highlighted in Python. For plain
words that gives the same matches, without stemming.

In proposals, a proposal number (PRG/29/1, or PRG/29 for its document's) is matched on
the number, and OR joins it to the numbers or words beside it ("RUS/27/7 OR PRG/29/1").
"""

from __future__ import annotations

import html
import operator
import re
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import CharField, F, IntegerField, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Coalesce, NullIf

CONFIG = "english"
PROPOSAL_FIELDS = ("number", "text", "summary", "proposers_as_stated", "reasons")
DOCUMENT_FIELDS = ("symbol", "title", "source_line", "extracted_text")
MARK_START, MARK_STOP = "<mark>", "</mark>"
# ts_headline does not escape the text around its marks, so PostgreSQL marks matches with
# two private-use characters and `render_snippet` escapes the text before swapping them
# for <mark> tags.
SENTINEL_START, SENTINEL_STOP = "\ue000", "\ue001"


def postgres() -> bool:
    return connection.vendor == "postgresql"


def proposal_vector() -> SearchVector:
    return (
        SearchVector("number", weight="A", config=CONFIG)
        + SearchVector("text", "summary", "proposers_as_stated", weight="B", config=CONFIG)
        + SearchVector("reasons", weight="C", config=CONFIG)
    )


def document_vector() -> SearchVector:
    return SearchVector("symbol", "title", weight="A", config=CONFIG) + SearchVector(
        "source_line", "extracted_text", weight="B", config=CONFIG
    )


def index_proposals(queryset: QuerySet) -> None:
    """Recompute the search vectors of these proposals (PostgreSQL; no-op elsewhere)."""
    if postgres():
        queryset.update(search_vector=proposal_vector())


def indexed_text(document) -> tuple[str, ...]:
    """What a document's search vector is made of."""
    return tuple(getattr(document, field) for field in DOCUMENT_FIELDS)


def index_documents(queryset: QuerySet) -> None:
    if postgres():
        queryset.update(search_vector=document_vector())


# A proposal number, whole or its start, as typed or as in a URL: PRG/29/1, PRG/29,
# ACP/67A1, RUS-27-7 (or RUS-27-7~12, an earlier version's key). Not inside quotes or
# after "-" (an exclusion). With hyphens only the whole number counts, with parts of at
# most three digits, so that WCIT-12, PP-14, IMT-2020 or ISO-3166-1 stay words.
NUMBER_TERM = re.compile(
    r"(?<![\w\"/-])(?P<prefix>[A-Za-z]{1,5})"
    r"(?:/(?P<doc>\d+(?:[AaRr]\d+)*)(?:/(?P<sequence>\d+))?"
    r"|-(?P<hyphened_doc>\d{1,3}(?:[AaRr]\d{1,3})*)-(?P<hyphened_sequence>\d{1,3})(?:~\d+)?)"
    r"(?![\w/-])"
)


def number_condition(match: re.Match) -> Q:
    """The proposals a number term means. PostgreSQL's text search would not find them:
    it reads PRG/29/1 as one word, so PRG/29 matches nothing, and RUS-27-7 as three. A
    whole number is that proposal; a start is its document's proposals (PRG/29:
    PRG/29/1, PRG/29A1/3, not PRG/290/1)."""
    start = f"{match['prefix']}/{match['doc'] or match['hyphened_doc']}".upper()
    sequence = match["sequence"] or match["hyphened_sequence"]
    if sequence:
        return Q(number__iexact=f"{start}/{sequence}")
    condition = Q(number__istartswith=f"{start}/")
    if not re.search(r"[AR]\d+$", start):
        condition |= Q(number__istartswith=f"{start}A") | Q(number__istartswith=f"{start}R")
    return condition


def alternatives(query: str) -> list[list[str]]:
    """The query's terms ("quoted phrases" whole) in groups that OR joins: every group
    must match, and one term of each does. "a OR b c" is [[a, b], [c]], as PostgreSQL's
    websearch syntax reads it."""
    groups: list[list[str]] = []
    joined = False
    for term in re.findall(r'-?"[^"]*"?|\S+', query):
        if term.upper() == "OR":
            joined = bool(groups)
        elif joined:
            groups[-1].append(term)
            joined = False
        else:
            groups.append([term])
    return groups


def number_groups(query: str) -> tuple[str, list[list[re.Match | str]]]:
    """The query without the groups of alternatives that hold a proposal number, and
    those groups, each term a number (its match) or words ("RUS/27/7 OR PRG/29/1",
    "spam OR RUS/27")."""
    kept, groups = [], []
    for group in alternatives(query):
        numbers = [NUMBER_TERM.fullmatch(term) for term in group]
        if any(numbers):
            groups.append([number or term for term, number in zip(group, numbers, strict=True)])
        else:
            kept.append(" OR ".join(group))
    return " ".join(kept), groups


def text_condition(query: str, fields: tuple[str, ...], nothing: set[str]) -> Q | None:
    """The condition for rows matching a text query, unranked; None when it has nothing
    to search for (`nothing`), which would match no row on PostgreSQL and every row
    elsewhere: it matches every row."""
    if query in nothing:
        return None
    if postgres():
        return Q(search_vector=SearchQuery(query, search_type="websearch", config=CONFIG))
    include, exclude = plain_words(query)
    condition = Q()
    for word in include:
        condition &= any_field_contains(fields, word)
    for word in exclude:
        condition &= ~any_field_contains(fields, word)
    return condition


def nothing_to_search(queries: list[str]) -> set[str]:
    """Those of these text queries with nothing to search for: only "OR", "-" or quotes,
    or on PostgreSQL only stop words ("the", "IT"), which it ignores. One query for all."""
    nothing = {query for query in queries if plain_words(query) == ([], [])}
    rest = [query for query in queries if query not in nothing]
    if rest and postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT query FROM unnest(%s::text[]) AS query "
                "WHERE numnode(websearch_to_tsquery(%s::regconfig, query)) = 0",
                [rest, CONFIG],
            )
            nothing |= {row[0] for row in cursor.fetchall()}
    return nothing


def search(queryset: QuerySet, query: str, *, fields: tuple[str, ...], snippet_of) -> QuerySet:
    """Filter `queryset` to rows matching `query`, annotated with `rank_score` (an integer,
    higher is better, so cursor pagination can order by it) and what `snippet()` turns
    into HTML: `snippet_raw`, the database's headline on PostgreSQL, or elsewhere
    `snippet_text`, the text to highlight (`snippet_of`, the same text the headline is
    cut from); neither when `snippet_of` is None. In a search of proposals, proposal
    numbers are matched on the number."""
    groups = []
    if "number" in fields:
        query, groups = number_groups(query)
    words = [term for group in groups for term in group if isinstance(term, str)]
    nothing = nothing_to_search([query, *words])
    for group in groups:
        terms = [
            text_condition(term, fields, nothing)
            if isinstance(term, str)
            else number_condition(term)
            for term in group
        ]
        # A term with nothing to search for ("the") matches every row, and so its group.
        if None not in terms:
            queryset = queryset.filter(reduce(operator.or_, terms))
    condition = text_condition(query, fields, nothing)
    if condition is None:
        return unranked(queryset, snippet_of)
    queryset = queryset.filter(condition)
    if not postgres():
        return unranked(queryset, snippet_of)
    parsed = SearchQuery(query, search_type="websearch", config=CONFIG)
    queryset = queryset.annotate(
        rank_score=Cast(SearchRank(F("search_vector"), parsed) * 1_000_000, IntegerField())
    )
    if snippet_of is None:
        return queryset
    return queryset.annotate(
        snippet_raw=SearchHeadline(
            snippet_of,
            parsed,
            config=CONFIG,
            start_sel=SENTINEL_START,
            stop_sel=SENTINEL_STOP,
            max_fragments=2,
        )
    )


def unranked(queryset: QuerySet, snippet_of) -> QuerySet:
    """Search's annotations without a rank: every row scores the same, and the snippet
    (if any) is highlighted in Python."""
    queryset = queryset.annotate(rank_score=Value(0, IntegerField()))
    if snippet_of is None:
        return queryset
    return queryset.annotate(snippet_raw=Value(None, CharField()), snippet_text=snippet_of)


def proposal_snippet_source():
    return Coalesce(NullIf("text", Value("")), "summary", output_field=TextField())


def document_snippet_source():
    return Coalesce(NullIf("extracted_text", Value("")), "title", output_field=TextField())


def plain_words(query: str) -> tuple[list[str], list[str]]:
    include, exclude = [], []
    for token in re.findall(r'-?"[^"]*"|\S+', query):
        negative = token.startswith("-")
        word = token.lstrip("-").strip('"').strip()
        if not word or word.upper() == "OR":
            continue
        (exclude if negative else include).append(word)
    return include, exclude


def any_field_contains(fields: tuple[str, ...], word: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": word})
    return condition


def snippet(row, query: str) -> str:
    """Safe HTML for a row that `search()` found: the database's headline where there is
    one, else ours."""
    raw = getattr(row, "snippet_raw", None)
    if raw:
        return (
            html.escape(raw).replace(SENTINEL_START, MARK_START).replace(SENTINEL_STOP, MARK_STOP)
        )
    return highlight(getattr(row, "snippet_text", None) or "", query)


def highlight(text: str, query: str, *, width: int = 240) -> str:
    """A snippet of `text` around the first matched word, escaped, with the words marked:
    the SQLite counterpart of PostgreSQL's ts_headline."""
    words, _ = plain_words(query)
    if not text or not words:
        return html.escape(text[:width])
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    match = pattern.search(text)
    start = max(0, match.start() - width // 3) if match else 0
    window = text[start : start + width]
    marked = pattern.sub(lambda m: f"\0{m.group(0)}\1", window)
    escaped = html.escape(marked).replace("\0", MARK_START).replace("\1", MARK_STOP)
    return ("…" if start else "") + escaped + ("…" if start + width < len(text) else "")
