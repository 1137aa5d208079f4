"""Facets for the proposal search page: how the results break down by conference,
proposer, regional group, topic, action, article, provision, origin and outcome, with
counts. Every value carries the query string that toggles it, so each facet is a plain
link and the page's URL always holds its whole state.

Each facet is counted on the results of every filter but its own (disjunctive faceting):
with topic=spam chosen, the topic facet still shows every topic with the count that
choosing it as well would add, and the proposer facet shows who else proposed at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, QuerySet, When
from django.http import QueryDict

from .choices import Action, Origin, Outcome, ProvisionKind
from .filters import ProposalFilterSet
from .models import Proposal, Sponsorship

# Facets longer than this show their largest values; a selected value always shows.
VALUES_SHOWN = 12


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    query: str = ""


@dataclass
class Facet:
    param: str
    label: str
    multiple: bool
    values: list[FacetValue] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetValue]:
        return [value for value in self.values if value.selected]


def toggled(params: QueryDict, param: str, value: str, *, multiple: bool) -> str:
    """The query string of `params` with `value` switched on or off for `param`. Paging
    restarts, since the results change."""
    params = params.copy()
    params.pop("page", None)
    current = params.getlist(param)
    if value in current:
        current.remove(value)
    elif multiple:
        current.append(value)
    else:
        current = [value]
    params.setlist(param, current)
    if param == "proposer":
        # The facet counts proposals that name the proposer; a link that kept
        # via_groups would lead to more results than the count beside it.
        params.pop("via_groups", None)
    return params.urlencode()


class FacetCounter:
    """Counts facets for a valid proposal FilterSet, reusing one base queryset for every
    facet whose own parameters are not in the query. The values are the ones the
    FilterSet already checked: nothing is parsed or looked up twice."""

    def __init__(self, filters: ProposalFilterSet):
        self.filters = filters
        self.bases: dict[tuple[str, ...], QuerySet] = {}

    def rows(self, *own: str) -> QuerySet:
        """The proposals matching every filter except `own`, as a plain queryset of ids,
        so that search annotations stay out of the GROUP BY."""
        present = tuple(param for param in own if param in self.filters.data)
        if present not in self.bases:
            matching = self.filters.qs
            if present:
                matching = self.filters.queryset
                for name, value in self.filters.form.cleaned_data.items():
                    if name not in present:
                        matching = self.filters.filters[name].filter(matching, value)
            self.bases[present] = Proposal.objects.filter(pk__in=matching.values("pk"))
        return self.bases[present]


def proposal_facets(filters: ProposalFilterSet) -> list[Facet]:
    """The facets of a valid proposal FilterSet: one query per facet, and one for
    proposers and regional groups together when neither is chosen."""
    params = filters.data
    counter = FacetCounter(filters)
    proposers, groups = proposer_facets(counter)
    articles = counter.rows("article").annotate(
        article_number=Case(
            When(provision__kind=ProvisionKind.ARTICLE, then=F("provision__number")),
            default=F("provision__article__number"),
            output_field=CharField(),
        )
    )
    facets = [
        counted(
            counter.rows("conference"),
            Facet("conference", "Conference", multiple=True),
            "conference__slug",
            name_field="conference__name",
        ),
        proposers,
        groups,
        counted(
            counter.rows("topic"),
            Facet("topic", "Topic", multiple=True),
            "topics__slug",
            name_field="topics__name",
        ),
        counted(
            counter.rows("action"),
            Facet("action", "Action", multiple=True),
            "action",
            names=dict(Action.choices),
        ),
        counted(
            articles,
            Facet("article", "Article", multiple=False),
            "article_number",
            instrument_field="provision__instrument__short_name",
            name_format="Article {}",
        ),
        counted(
            counter.rows("provision"),
            Facet("provision", "Provision", multiple=False),
            "provision__number",
            instrument_field="provision__instrument__short_name",
        ),
        counted(
            counter.rows("origin"),
            Facet("origin", "Origin", multiple=False),
            "document__origin",
            names=dict(Origin.choices),
        ),
        counted(
            counter.rows("outcome"),
            Facet("outcome", "Outcome", multiple=True),
            "outcome",
            names=dict(Outcome.choices),
        ),
    ]
    for facet in facets:
        finish(facet, params)
    return facets


def counted(
    rows: QuerySet,
    facet: Facet,
    value_field: str,
    *,
    name_field: str | None = None,
    names: dict[str, str] | None = None,
    instrument_field: str | None = None,
    name_format: str = "{}",
) -> Facet:
    """Fill `facet` with the values of `value_field` among `rows` and their counts.

    With `instrument_field`, values are provision or article numbers, which repeat across
    instruments (CS 1, CV 1): the filter takes the bare number, so the rows for one number
    are merged and the label names every instrument that has it.
    """
    extra = [f for f in (name_field, instrument_field) if f]
    counts = (
        rows.values(value_field, *extra)
        .annotate(count=Count("pk", distinct=True))
        .order_by("-count", value_field, *extra)
    )
    merged: dict[str, FacetValue] = {}
    instruments: dict[str, list[str]] = {}
    for row in counts:
        value = row[value_field]
        # Not exclude(value=None) in SQL: across a to-many relation that would drop a
        # proposal that has a value as well as an empty row.
        if value in (None, ""):
            continue
        name = row[name_field] if name_field else (names or {}).get(value, value)
        if value in merged:
            merged[value].count += row["count"]
        else:
            merged[value] = FacetValue(
                value=value, label=name_format.format(name), count=row["count"]
            )
        if instrument_field:
            instruments.setdefault(value, []).append(row[instrument_field])
    for value, shorts in instruments.items():
        merged[value].label += f" ({', '.join(sorted(set(shorts)))})"
    facet.values = sorted(merged.values(), key=lambda v: (-v.count, v.value))
    return facet


def proposer_facets(counter: FacetCounter) -> tuple[Facet, Facet]:
    """Member states and sector members as one facet, regional groups as another, from
    the proposals' sponsorships."""
    proposers = Facet(param="proposer", label="Proposer (named on the proposal)", multiple=False)
    groups = Facet(param="group", label="Regional group", multiple=True)
    proposer_rows, group_rows = counter.rows("proposer", "via_groups"), counter.rows("group")
    if proposer_rows is group_rows:  # neither is chosen: one query serves both
        passes = [(proposer_rows, ("member_state", "sector_member", "regional_group"))]
    else:
        passes = [
            (proposer_rows, ("member_state", "sector_member")),
            (group_rows, ("regional_group",)),
        ]
    for rows, kinds in passes:
        for row in Sponsorship.objects.filter(proposal__in=rows).proposer_counts():
            if row["kind"] not in kinds:
                continue
            if row["kind"] == "regional_group":
                groups.values.append(FacetValue(row["code"], row["code"], row["count"]))
            else:
                proposers.values.append(FacetValue(row["code"], row["name"], row["count"]))
    return proposers, groups


def finish(facet: Facet, params: QueryDict) -> None:
    """Mark the selected values (adding those with no results, so they can be switched
    off), keep the largest few, and give each its toggling link."""
    chosen = {value.upper() for value in params.getlist(facet.param) if value}
    for value in facet.values:
        value.selected = value.value.upper() in chosen
    known = {value.value.upper() for value in facet.values}
    for value in params.getlist(facet.param):
        if value and value.upper() not in known:
            facet.values.append(FacetValue(value=value, label=value, count=0, selected=True))
            known.add(value.upper())
    facet.values = [
        value for index, value in enumerate(facet.values) if index < VALUES_SHOWN or value.selected
    ]
    for value in facet.values:
        # A selected value is switched off with the spelling that is in the URL.
        spelled = next(
            (
                given
                for given in params.getlist(facet.param)
                if given.upper() == value.value.upper()
            ),
            value.value,
        )
        value.query = toggled(params, facet.param, spelled, multiple=facet.multiple)
