"""Analyst pages for member states and regional groups: what each proposed, directly and
through its groups, with whom, and what it signed."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from proposals.models import Conference, Proposal, Sponsorship
from proposals.querysets import count_of

from .models import Delegation, GroupMembership, MemberState, RegionalGroup

PROPOSALS_PER_PAGE = 25


def member_state_list(request):
    visible = Proposal.objects.visible_to(request.user)
    states = MemberState.objects.annotate(
        proposal_count=count_of(visible, "proposing_states")
    ).order_by("name")
    return render(request, "delegations/memberstate_list.html", {"states": states})


def redirect_to_canonical(request, view: str, **kwargs):
    """A permanent redirect to the address to cite, with the query kept (?direct=2)."""
    query = request.GET.urlencode()
    return redirect(reverse(view, kwargs=kwargs) + (f"?{query}" if query else ""), permanent=True)


def member_state_detail(request, code: str):
    """A member state: its proposals (direct, and through the groups it belonged to at the
    time), its co-proposers, its group memberships and what it signed. The two lists page
    separately (?direct=2, ?via=2), so a long record stays quick to read and to render."""
    state = MemberState.objects.filter(itu_code=code).first()
    if state is None:
        # ISO codes and other spellings lead to the one URL to cite.
        found = MemberState.objects.one_by_code(code)
        if found is None:
            raise Http404("No member state with that code.")
        return redirect_to_canonical(request, "member-state-detail", code=found.itu_code)

    user = request.user
    visible = Proposal.objects.visible_to(user)
    direct = visible.backed_by(state, via_groups=False)
    via_groups = visible.backed_by(state, via_groups=True).filter(backed_directly=False)
    co_proposers = (
        Sponsorship.objects.filter(proposal__in=direct.values("pk"), member_state__isnull=False)
        .exclude(member_state=state)
        .proposer_counts()
    )
    memberships = state.group_memberships.select_related("group").order_by("group__code", "since")
    return render(
        request,
        "delegations/memberstate_detail.html",
        {
            "state": state,
            "direct": page_of(direct, user, request.GET.get("direct")),
            "via_groups": page_of(via_groups, user, request.GET.get("via")),
            "co_proposers": co_proposers,
            "memberships": memberships,
            "signatures": signatures(state),
        },
    )


def page_of(proposals, user, number):
    return Paginator(
        proposals.newest_conference_first().for_display(user=user), PROPOSALS_PER_PAGE
    ).get_page(number)


def signatures(state: MemberState) -> list[dict]:
    """The state's signature of each conference's Final Acts, for every conference whose
    signatures are recorded at all; where the state is not listed, it is unknown."""
    recorded = {
        delegation.conference_id: delegation
        for delegation in Delegation.objects.filter(member_state=state)
    }
    conferences = (
        Conference.objects.filter(
            Q(delegations__isnull=False) | Q(final_acts_signed_count__isnull=False)
        )
        .distinct()
        .order_by(F("starts_on").desc(nulls_last=True))
    )
    return [
        {"conference": conference, "delegation": recorded.get(conference.pk)}
        for conference in conferences
    ]


def regional_group_list(request):
    visible = Proposal.objects.visible_to(request.user)
    groups = RegionalGroup.objects.annotate(
        # States, not memberships: one that left and joined again counts once.
        member_count=count_of(GroupMembership.objects.all(), "group", distinct="member_state"),
        proposal_count=count_of(visible, "proposing_groups"),
    ).order_by("code")
    return render(request, "delegations/regionalgroup_list.html", {"groups": groups})


def regional_group_detail(request, code: str):
    """A regional group: its members over time and its common proposals."""
    group = get_object_or_404(RegionalGroup, code__iexact=code)
    if group.code != code:
        return redirect_to_canonical(request, "regional-group-detail", code=group.code)
    proposals = Proposal.objects.visible_to(request.user).filter(proposing_groups=group)
    memberships = (
        GroupMembership.objects.filter(group=group)
        .select_related("member_state")
        .order_by("member_state__name", "since")
    )
    return render(
        request,
        "delegations/regionalgroup_detail.html",
        {
            "group": group,
            "memberships": memberships,
            "page": page_of(proposals, request.user, request.GET.get("page")),
        },
    )
