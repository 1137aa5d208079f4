"""Forms of the analyst pages that are not filters (those are in filters.py, shared with
the API)."""

from django import forms
from django.db.models import F

from .models import Conference

# Each sort: its label and the ordering. Relevance needs a search (q=). Undated documents
# sort last either way, on SQLite as on PostgreSQL (whose NULLs would otherwise lead).
SORTS = {
    "relevance": ("Best match", ("-rank_score", "pk")),
    "newest": (
        "Newest document first",
        (F("document__date").desc(nulls_last=True), "conference__slug", "number", "pk"),
    ),
    "oldest": (
        "Oldest document first",
        (F("document__date").asc(nulls_last=True), "conference__slug", "number", "pk"),
    ),
    "number": ("Proposal number", ("conference__slug", "number", "pk")),
    "provision": (
        "Provision",
        (
            F("provision__instrument__slug").asc(nulls_last=True),
            F("provision__id").asc(nulls_last=True),
            "number",
            "pk",
        ),
    ),
}
DEFAULT_SORT = "newest"


class SortForm(forms.Form):
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in SORTS.items()], required=False
    )

    def chosen(self, *, searched: bool) -> str:
        """The sort in force: the one asked for, else relevance for a search and newest
        for a list. Relevance without a search has nothing to rank by."""
        chosen = self.cleaned_data.get("sort") or ("relevance" if searched else DEFAULT_SORT)
        return DEFAULT_SORT if chosen == "relevance" and not searched else chosen

    def ordering(self, *, searched: bool) -> tuple:
        return SORTS[self.chosen(searched=searched)][1]

    @staticmethod
    def offered(*, searched: bool) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _) in SORTS.items() if key != "relevance" or searched]


class ConferenceChoiceForm(forms.Form):
    """Narrows a page to one conference (the provision page's selector)."""

    conference = forms.ModelChoiceField(
        queryset=Conference.objects.order_by("-starts_on", "slug"),
        to_field_name="slug",
        required=False,
        empty_label="All conferences",
        error_messages={"invalid_choice": "Unknown conference."},
    )

    def narrow(self, proposals):
        """(proposals, status, conference): the proposals of the chosen conference, or
        all of them; none, with status 400, when the choice is not a conference."""
        if not self.is_valid():
            return proposals.none(), 400, None
        conference = self.cleaned_data["conference"]
        if conference is not None:
            proposals = proposals.filter(conference=conference)
        return proposals, 200, conference
