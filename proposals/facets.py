"""Facets for the proposal search page: how the current results break down by
conference, proposer, regional group, topic, action, article, provision, origin and
outcome, with counts. Every value carries the query string that toggles it, so each
facet is a plain link and the page's URL always holds its whole state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, QuerySet, When
from django.http import QueryDict

from .choices import Action, Origin, Outcome, ProvisionKind
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
    if param == "proposer" and not current:
        params.pop("via_groups", None)
    return params.urlencode()


def proposal_facets(matching: QuerySet, params: QueryDict) -> list[Facet]:
    """Facets of the proposals in `matching` (already filtered), one query per facet, and
    one for proposers and groups together."""
    # A plain queryset of the ids, so that search annotations stay out of the GROUP BY.
    rows = Proposal.objects.filter(pk__in=matching.values("pk"))
    proposers, groups = proposer_facets(rows)
    facets = [
        counted(rows, "conference", "Conference", "conference__slug", "conference__name"),
        proposers,
        groups,
        counted(rows, "topic", "Topic", "topics__slug", "topics__name"),
        counted(rows, "action", "Action", "action", labels=dict(Action.choices)),
        counted(
            rows.annotate(
                article_number=Case(
                    When(provision__kind=ProvisionKind.ARTICLE, then=F("provision__number")),
                    default=F("provision__article__number"),
                    output_field=CharField(),
                )
            ),
            "article",
            "Article",
            "article_number",
            multiple=False,
            label_format="Article {}",
        ),
        counted(rows, "provision", "Provision", "provision__number", multiple=False),
        counted(
            rows,
            "origin",
            "Origin",
            "document__origin",
            multiple=False,
            labels=dict(Origin.choices),
        ),
        counted(rows, "outcome", "Outcome", "outcome", labels=dict(Outcome.choices)),
    ]
    for facet in facets:
        finish(facet, params)
    return facets


def counted(
    rows: QuerySet,
    param: str,
    label: str,
    value_field: str,
    label_field: str | None = None,
    *,
    multiple: bool = True,
    labels: dict[str, str] | None = None,
    label_format: str = "{}",
) -> Facet:
    fields = [value_field] if label_field is None else [value_field, label_field]
    counts = (
        rows.exclude(**{f"{value_field}__isnull": True})
        .exclude(**{value_field: ""})
        .values(*fields)
        .annotate(count=Count("pk", distinct=True))
        .order_by("-count", value_field)
    )
    facet = Facet(param=param, label=label, multiple=multiple)
    for row in counts:
        value = row[value_field]
        name = row[label_field] if label_field else (labels or {}).get(value, value)
        facet.values.append(
            FacetValue(value=value, label=label_format.format(name), count=row["count"])
        )
    return facet


def proposer_facets(rows: QuerySet) -> tuple[Facet, Facet]:
    """Member states and sector members as one facet, regional groups as another: one
    query over the proposals' sponsorships."""
    proposers = Facet(param="proposer", label="Proposer", multiple=False)
    groups = Facet(param="group", label="Regional group", multiple=True)
    for row in Sponsorship.objects.filter(proposal__in=rows).proposer_counts():
        facet = groups if row["kind"] == "regional_group" else proposers
        label = row["code"] if row["kind"] == "regional_group" else row["name"]
        facet.values.append(FacetValue(row["code"], label, row["count"]))
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
