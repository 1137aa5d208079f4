"""Writes to proposals. The admin, the demo loader and (later) ingestion all call these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from delegations.models import MemberState, RegionalGroup, SectorMember

from .choices import Outcome
from .models import Conference, Document, Proposal, Provision, Sponsorship, Topic

Proposer = MemberState | RegionalGroup | SectorMember


@transaction.atomic
def proposal_upsert(
    *,
    conference: Conference,
    number: str = "",
    document: Document | None = None,
    action: str = "",
    provision: Provision | None = None,
    text: str = "",
    reasons: str = "",
    summary: str = "",
    proposers: Sequence[Proposer] = (),
    proposers_as_stated: str = "",
    topics: Iterable[Topic] = (),
    outcome: str = Outcome.UNKNOWN,
    outcome_source: str = "",
    page: int | None = None,
    published: bool = False,
    source: str,
) -> tuple[Proposal, bool]:
    """Create or update one proposal and return it with whether anything changed.

    A proposal is found by its ITU number within the conference. One without a number
    (known only from a secondary source) is found by its document, summary and proposers
    as stated. Running this twice with the same arguments changes nothing, so loaders and
    tasks can be re-run safely.
    """
    if number:
        lookup = {"conference": conference, "number": number}
    else:
        lookup = {
            "conference": conference,
            "number": "",
            "document": document,
            "summary": summary,
            "proposers_as_stated": proposers_as_stated,
        }
    values = {
        "document": document,
        "action": action,
        "provision": provision,
        "text": text,
        "reasons": reasons,
        "summary": summary,
        "proposers_as_stated": proposers_as_stated,
        "outcome": outcome,
        "outcome_source": outcome_source,
        "page": page,
        "published": published,
        "source": source,
    }
    proposal = Proposal.objects.select_for_update().filter(**lookup).first()
    if proposal is None:
        proposal = Proposal.objects.create(**{**values, **lookup})
        changed = True
    else:
        changed_fields = [
            name for name, value in values.items() if getattr(proposal, name) != value
        ]
        for name in changed_fields:
            setattr(proposal, name, values[name])
        if changed_fields:
            proposal.save(update_fields=[*changed_fields, "updated_at"])
        changed = bool(changed_fields)

    changed |= proposal_set_proposers(proposal=proposal, proposers=proposers)
    wanted_topics = {topic.pk for topic in topics}
    if set(proposal.topics.values_list("pk", flat=True)) != wanted_topics:
        proposal.topics.set(wanted_topics)
        changed = True
    return proposal, changed


def sponsorship_key(proposer: Proposer) -> tuple[int | None, int | None, int | None]:
    return (
        proposer.pk if isinstance(proposer, MemberState) else None,
        proposer.pk if isinstance(proposer, RegionalGroup) else None,
        proposer.pk if isinstance(proposer, SectorMember) else None,
    )


@transaction.atomic
def proposal_set_proposers(*, proposal: Proposal, proposers: Sequence[Proposer]) -> bool:
    """Make `proposers`, in this order, exactly the proposal's proposers.

    Returns whether anything changed.
    """
    wanted = {sponsorship_key(proposer): position for position, proposer in enumerate(proposers)}
    if len(wanted) < len(proposers):
        raise ValueError(f"{proposal}: a proposer is named twice.")
    changed = False
    for sponsorship in proposal.sponsorships.all():
        key = (
            sponsorship.member_state_id,
            sponsorship.regional_group_id,
            sponsorship.sector_member_id,
        )
        position = wanted.pop(key, None)
        if position is None:
            sponsorship.delete()
            changed = True
        elif sponsorship.position != position:
            sponsorship.position = position
            sponsorship.save(update_fields=["position"])
            changed = True
    for (state_id, group_id, sector_member_id), position in wanted.items():
        Sponsorship.objects.create(
            proposal=proposal,
            member_state_id=state_id,
            regional_group_id=group_id,
            sector_member_id=sector_member_id,
            position=position,
        )
        changed = True
    return changed
