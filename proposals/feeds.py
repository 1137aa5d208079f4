"""The Atom feed of a proposal search, so that readers can follow new matches."""

from __future__ import annotations

import re

from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from . import disclosure
from .citation import proposal_title, proposers_line
from .filters import ProposalFilterSet

FEED_ENTRIES = 50

# What XML 1.0 cannot hold: control characters other than tab and line breaks (a vertical
# tab is Word's line break in its text exports), and the two non-characters.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return NOT_XML.sub(" ", text)


def proposal_feed(request):
    """The current search as an Atom feed, newest records first, so a reader can follow
    new matches."""
    filters = ProposalFilterSet.for_request(request)
    if not filters.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in filters.errors.items()
        )
        return HttpResponseBadRequest(f"Bad filter: {problems}", content_type="text/plain")
    proposals = filters.qs.order_by("-created_at", "-pk").for_display(user=request.user)[
        :FEED_ENTRIES
    ]
    query = request.GET.urlencode()
    list_url = request.build_absolute_uri(reverse("proposal-list") + (f"?{query}" if query else ""))
    feed = Atom1Feed(
        title=xml_safe("ITU Proposal Tracker: " + (describe_query(request.GET) or "all proposals")),
        link=list_url,
        description="Proposals matching this search, newest first.",
        feed_url=request.build_absolute_uri(),
        language="en",
    )
    for proposal in proposals:
        url = request.build_absolute_uri(proposal.get_absolute_url())
        feed.add_item(
            title=xml_safe(proposal_title(proposal)),
            link=url,
            unique_id=url,
            description=xml_safe(proposal.text or proposal.summary or proposal.reasons),
            pubdate=disclosure.disclosed_time(proposal.created_at, proposal, request.user),
            updateddate=disclosure.disclosed_time(proposal.updated_at, proposal, request.user),
            author_name=xml_safe(proposers_line(proposal)),
            categories=[xml_safe(topic.name) for topic in proposal.topics.all()],
        )
    return HttpResponse(
        feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8"
    )


def describe_query(params) -> str:
    return ", ".join(f"{name}={value}" for name, value in params.items() if name != "page")
