"""Writes to proposals. The admin, the demo loader and ingestion all call these."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from delegations.models import MemberState, RegionalGroup, SectorMember

from .. import disclosure, search
from ..choices import Outcome
from ..models import Conference, Document, Proposal, Provision, Sponsorship, Topic

Proposer = MemberState | RegionalGroup | SectorMember


@transaction.atomic
def proposal_upsert(
    *, conference: Conference, number: str = "", source_key: str = "", **facts
) -> tuple[Proposal, bool]:
    """Create or update one proposal from what a source says about it (proposal_row's
    keyword arguments), and return it with whether anything changed.

    The proposal is found by its ITU number within the conference (its current version),
    or, without one, by its `source_key`. What the source says overwrites, but an empty
    value (or an unknown outcome) never blanks what is there: it means the source is
    silent, and a curator may have filled the field in. `published` applies to a new
    proposal only, since publishing is a curator's decision; topics are added, never
    removed; proposers, when given, are exactly these. Running this twice with the same
    arguments changes nothing.
    """
    if not number and not source_key:
        raise ValueError("A proposal needs its ITU number or, without one, a source_key.")
    lookup = {"conference": conference}
    if number:  # the current version: superseded ones keep their number
        lookup.update({"number": number, "superseded_by": None})
    else:
        lookup.update({"number": "", "source_key": source_key})
    proposal = Proposal.objects.select_for_update().filter(**lookup).first()
    return proposal_apply(
        proposal, conference=conference, number=number, source_key=source_key, **facts
    )


def proposal_row(
    *,
    conference: Conference,
    number: str = "",
    source_key: str = "",
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
    parse_confidence: float | None = None,
    review_reasons: str = "",
    reading: str = "",
    published: bool = False,
    source: str,
) -> tuple[dict, list[Proposer], list[Topic]]:
    """What a source says about a proposal, checked, as the column values it gives (empty
    ones left out: they never overwrite), its proposers and its topics."""
    if document is not None and document.conference_id != conference.pk:
        raise ValueError(f"{document} is not a document of {conference.slug}.")
    if len({sponsorship_key(proposer) for proposer in proposers}) < len(proposers):
        raise ValueError(f"{number or source_key}: a proposer is named twice.")
    values = {
        "source_key": source_key,
        "document": document,
        "action": action,
        "provision": provision,
        "text": text,
        "reasons": reasons,
        "summary": summary,
        "proposers_as_stated": proposers_as_stated,
        "outcome": "" if outcome == Outcome.UNKNOWN else outcome,
        "outcome_source": outcome_source,
        "page": page,
        "parse_confidence": parse_confidence,
        "review_reasons": review_reasons,
        "reading": reading,
        "source": source,
    }
    given = {name: value for name, value in values.items() if value not in ("", None)}
    return given, list(proposers), list(topics)


@transaction.atomic
def proposals_create(
    many: Sequence[dict], *, index: bool = True, superseded_by: Sequence[Proposal] = ()
) -> list[Proposal]:
    """Create new proposals, each given as proposal_row's keyword arguments, with one
    query per table however many there are (ingesting a compilation makes hundreds).
    `superseded_by`, when given, pairs each new row with the row it starts out
    superseded by (see proposals_revise)."""
    rows, relations = [], []
    for position, facts in enumerate(many):
        given, proposers, topics = proposal_row(**facts)
        rows.append(
            Proposal(
                conference=facts["conference"],
                number=facts.get("number", ""),
                published=facts.get("published", False),
                superseded_by=superseded_by[position] if superseded_by else None,
                **given,
            )
        )
        relations.append((proposers, topics))
    Proposal.objects.bulk_create(rows)
    Sponsorship.objects.bulk_create(
        Sponsorship(proposal=row, position=position, **proposer_fields(proposer))
        for row, (proposers, _) in zip(rows, relations, strict=True)
        for position, proposer in enumerate(proposers)
    )
    through = Proposal.topics.through
    through.objects.bulk_create(
        through(proposal_id=row.pk, topic_id=topic.pk)
        for row, (_, topics) in zip(rows, relations, strict=True)
        for topic in topics
    )
    if index:
        search.index_proposals(Proposal.objects.filter(pk__in=[row.pk for row in rows]))
    return rows


@transaction.atomic
def proposals_revise(
    revisions: Sequence[tuple[Proposal, dict]], *, index: bool = True
) -> list[Proposal]:
    """New versions of current proposals: for each (current row, proposal_row's keyword
    arguments) a new row with the same number, which supersedes the current one. One
    query per table however many there are.

    The current version of a number is unique, so the swap goes in three steps that
    never leave two current rows: the new rows start out superseded by the old ones, the
    old ones are then marked superseded by the new, and the new are made current.

    An old row's updated_at moves only for a revision the public sees at once and may
    know the time of (published, not leaked). Otherwise the moment would tell the public
    when an unpublished or leaked revision arrived; they learn of the change from the
    new row, which lists what it supersedes, when they may see it.
    """
    if not revisions:
        return []
    olds = [old for old, _ in revisions]
    news = proposals_create([facts for _, facts in revisions], index=False, superseded_by=olds)
    now = timezone.now()
    for old, new in zip(olds, news, strict=True):
        old.superseded_by = new
        if new.published and not disclosure.is_leaked(new):
            old.updated_at = now
    Proposal.objects.bulk_update(olds, ["superseded_by", "updated_at"])
    Proposal.objects.filter(pk__in=[new.pk for new in news]).update(
        superseded_by=None, updated_at=now
    )
    for new in news:
        new.superseded_by = None
    if index:
        search.index_proposals(Proposal.objects.filter(pk__in=[new.pk for new in news]))
    return news


@transaction.atomic
def proposals_delete(proposals: QuerySet) -> int:
    """Delete these proposals, keeping whole every version history they belong to, and
    return how many went.

    The kept versions that deleted ones superseded are lined up again, oldest first, in
    front of the next kept version, or, where none is kept after them (the current
    version went), the newest of them becomes current. Each points to the first later
    one that is published, where there is one. Left to the database, deleting a
    version would set its predecessors' superseded_by to null: each would become current
    beside the current version, which the unique constraint on current numbers refuses.
    So the kept rows are relinked first, and the deleted ones go oldest first, once
    nothing points to them. A fixed number of queries, plus a few per link in the
    longest run of deleted versions.
    """
    doomed = {row.pk: row for row in Proposal.objects.select_for_update().filter(pk__in=proposals)}
    if not doomed:
        return 0
    predecessors = list(
        # of=self: PostgreSQL cannot lock the nullable side of the join to the document.
        Proposal.objects.select_for_update(of=("self",))
        .filter(superseded_by__in=list(doomed))
        .exclude(pk__in=list(doomed))
        .with_document()
    )
    # Whether the public sees a change: a published version goes, or a kept one is now
    # superseded by a published version.
    seen = any(row.published for row in doomed.values())

    def last_doomed(pk: int) -> int:
        visited = {pk}
        while doomed[pk].superseded_by_id in doomed.keys() - visited:
            pk = doomed[pk].superseded_by_id
            visited.add(pk)
        return pk

    by_last: dict[int, list[Proposal]] = {}
    for row in predecessors:
        by_last.setdefault(last_doomed(row.superseded_by_id), []).append(row)
    kept_after = Proposal.objects.in_bulk(
        {doomed[last].superseded_by_id for last in by_last} - doomed.keys() - {None}
    )
    stepping_aside = []
    for last, rows in by_last.items():
        rows.sort(key=version_order)
        successor = kept_after.get(doomed[last].superseded_by_id)
        if successor is None:
            # The deleted current version steps aside for the newest kept one.
            doomed[last].superseded_by_id = rows[-1].pk
            stepping_aside.append(doomed[last])
        for index, row in enumerate(rows):
            later = [*rows[index + 1 :], successor] if successor else rows[index + 1 :]
            # The first later one that is published, so that none awaiting review stands
            # between two published ones (the public would take both as current).
            row.superseded_by = next((p for p in later if p.published), later[0] if later else None)
            seen = seen or bool(row.superseded_by and row.superseded_by.published)
    Proposal.objects.bulk_update(stepping_aside, ["superseded_by"])
    Proposal.objects.bulk_update(predecessors, ["superseded_by"])
    if seen:
        histories = Q()
        for row in doomed.values():
            if row.number:
                histories |= Q(numbered_alike(row.number), conference_id=row.conference_id)
        Proposal.objects.filter(histories, published=True).exclude(pk__in=list(doomed)).update(
            updated_at=timezone.now()
        )

    remaining = dict(doomed)
    while remaining:
        pointed_to = {row.superseded_by_id for row in remaining.values()}
        # (All of them at once should the data hold a loop, which no write here makes.)
        layer = [pk for pk in remaining if pk not in pointed_to] or list(remaining)
        Proposal.objects.filter(pk__in=layer).delete()
        for pk in layer:
            del remaining[pk]
    return len(doomed)


# The revision part of a number (the R1 of RUS/27R1/7).
REVISION_PART = re.compile(r"R\d+(?=/\d+$)")


def base_number(number: str) -> str:
    """The number without its revision part: RUS/27R1/7 and RUS/27/7 are one proposal."""
    return REVISION_PART.sub("", number)


def revision_of(number: str) -> int:
    """The revision a number states: 2 for RUS/93R2/1, 0 for RUS/93/1."""
    part = REVISION_PART.search(number)
    return int(part[0][1:]) if part else 0


def numbered_as_any(rows: QuerySet, bases: set[str]) -> QuerySet:
    """The rows whose number is one of these base numbers, whatever its revision part.
    The numbers with a revision part (few) are read plainly, one query now, then taken by
    key: not a condition per number, which a compilation of hundreds of numbers would
    make past SQLite's expression depth limit (500) and PostgreSQL would test one by one
    on every row of the conference."""
    revised = rows.filter(number__regex=r"R[0-9]+/[0-9]+$").values_list("pk", "number")
    near = [pk for pk, number in revised if base_number(number) in bases]
    return rows.filter(Q(pk__in=near) | Q(number__in=bases))


def numbered_alike(number: str) -> Q:
    """A condition on the numbers of `number`'s versions, whatever their revision part
    (RUS/27/7, RUS/27R1/7, RUS/27R2/7); it may take a few others in, which base_number
    tells apart."""
    base = base_number(number)
    head, slash, sequence = base.rpartition("/")
    if not slash:
        return Q(number=base)
    return Q(number=base) | Q(number__startswith=f"{head}R", number__endswith=f"/{sequence}")


def version_order(proposal: Proposal) -> tuple:
    """Oldest first: by the date of its document, then by when it was recorded."""
    date = proposal.document.date if proposal.document else None
    return (date or datetime.date.min, proposal.created_at, proposal.pk)


@transaction.atomic
def proposals_publish_reviewed(proposals: QuerySet) -> tuple[list[Proposal], list[str]]:
    """Publish these proposals as a curator's review of them: each is published and its
    review reasons cleared, unless publishing it would give its number two current
    versions. Returns those published, and why each of the others was not."""
    published, refused = [], []
    with transaction.atomic():
        # One at a time, in order: publishing one version changes what the next may do.
        for proposal in proposals.select_related(None).select_for_update().order_by("pk"):
            problem = publication_problem(proposal, True)
            if problem:
                refused.append(f"{proposal}: {problem}")
                continue
            Proposal.objects.filter(pk=proposal.pk).update(
                published=True, review_reasons="", updated_at=timezone.now()
            )
            published.append(proposal)
    return published, refused


def publication_problem(
    proposal: Proposal,
    published: bool,
    *,
    conference_id: int | None = None,
    number: str | None = None,
) -> str | None:
    """Why `proposal` may not be made published (or unpublished), or None.

    The public takes as current a published version that nothing published supersedes.
    A change that would give them more than one for a number is refused; one that leaves
    things as they were, or better, is not. `conference_id` and `number` are what a form
    is about to save, when they differ from the saved row's (or it is a new one). The
    versions are locked, so that two curators changing two of them at once cannot
    together do what neither may.
    """
    saved = {"conference_id": None, "number": ""}
    if proposal.pk is not None:
        saved = Proposal.objects.values("conference_id", "number").get(pk=proposal.pk)
    conference_id = conference_id or saved["conference_id"]
    number = saved["number"] if number is None else number
    if not number or conference_id is None:
        return None  # without a number there are no versions
    # The versions under every revision part of the number (RUS/27/7, RUS/27R1/7).
    history = {
        row["pk"]: row
        for row in Proposal.objects.select_for_update()
        .filter(numbered_alike(number), conference_id=conference_id)
        .values("pk", "number", "published", "superseded_by_id")
        if base_number(row["number"]) == base_number(number)
    }
    before = public_current_count(history)
    joins = proposal.pk not in history  # a new row, or one given this number now
    history[proposal.pk] = {
        **history.get(proposal.pk, {"superseded_by_id": None}),
        "published": published,
    }
    if public_current_count(history) <= max(before, 1):
        return None
    if joins:
        return (
            f"The public would read two current versions of {number}: a published one "
            "exists. Save this one unpublished, or correct the published one."
        )
    if published:
        return (
            f"The public would read two current versions of {number}: a version "
            "between this one and another published one awaits review. Publish or delete "
            "it first."
        )
    return (
        f"The public would read two current versions of {number}: published "
        "versions come before and after this one. Delete it instead."
    )


def public_current_count(history: dict[int, dict]) -> int:
    """How many of these versions (pk: published, superseded_by_id) the public takes as
    current: published, and superseded by nothing published. ProposalQuerySet.current_for
    is the same rule over saved rows; this one weighs a change before it is made."""

    def published(pk: int | None) -> bool:
        return pk is not None and pk in history and history[pk]["published"]

    return sum(
        1 for row in history.values() if row["published"] and not published(row["superseded_by_id"])
    )


def proposal_apply(
    proposal: Proposal | None, *, index: bool = True, savepoint: bool = True, **facts
) -> tuple[Proposal, bool]:
    """Apply what a source says (proposal_row's keyword arguments) to `proposal`, or
    create it when None; see proposal_upsert for the rules. Ingestion calls this with the
    row it found by document and number (its proposers and topics prefetched), index=False,
    indexing a document at once, and savepoint=False: it applies hundreds in one
    transaction that any error ends, so a savepoint around each would only cost queries."""
    with transaction.atomic(savepoint=savepoint):
        if proposal is None:
            return proposals_create([facts], index=index)[0], True
        given, proposers, topics = proposal_row(**facts)

        changed_fields = [name for name, value in given.items() if differs(proposal, name, value)]
        for name in changed_fields:
            setattr(proposal, name, given[name])
        # updated_at tells the public (and API clients syncing by updated_since) that what
        # they read changed: not when only what curators see did. It would also tell them
        # when a leaked document was read.
        seen = bool(set(changed_fields) - CURATORS_ONLY)
        if changed_fields:
            proposal.save(update_fields=[*changed_fields, *(["updated_at"] if seen else [])])
        changed = bool(changed_fields)

        related_changed = bool(proposers) and set_proposers(proposal, proposers)
        missing_topics = {topic.pk for topic in topics} - {
            topic.pk for topic in proposal.topics.all()
        }
        if missing_topics:
            proposal.topics.add(*missing_topics)
            related_changed = True
        if related_changed and not seen:  # proposers and topics are seen
            touch(proposal)
        changed |= related_changed
        if changed and index:
            search.index_proposals(Proposal.objects.filter(pk=proposal.pk))
        return proposal, changed


# A proposal's fields that only curators see.
CURATORS_ONLY = {"review_reasons", "parse_confidence", "reading"}


def differs(proposal: Proposal, name: str, value) -> bool:
    field = Proposal._meta.get_field(name)
    if field.is_relation:
        # By id: reading the related row to compare it would be a query.
        return getattr(proposal, field.attname) != (value.pk if value is not None else None)
    return getattr(proposal, name) != value


def sponsorship_key(proposer: Proposer) -> tuple[int | None, int | None, int | None]:
    return (
        proposer.pk if isinstance(proposer, MemberState) else None,
        proposer.pk if isinstance(proposer, RegionalGroup) else None,
        proposer.pk if isinstance(proposer, SectorMember) else None,
    )


SPONSORSHIP_KEY_FIELDS = ("member_state_id", "regional_group_id", "sector_member_id")


def proposer_fields(proposer: Proposer) -> dict:
    return dict(zip(SPONSORSHIP_KEY_FIELDS, sponsorship_key(proposer), strict=True))


@transaction.atomic
def proposal_set_proposers(*, proposal: Proposal, proposers: Sequence[Proposer]) -> bool:
    """Make `proposers`, in this order, exactly the proposal's proposers.

    Returns whether anything changed.
    """
    changed = set_proposers(proposal, proposers)
    if changed:
        touch(proposal)
    return changed


def touch(proposal: Proposal) -> None:
    """Mark the proposal changed when only its proposers or topics did: its updated_at is
    what API clients sync by (updated_since) and what Last-Modified says."""
    proposal.save(update_fields=["updated_at"])


def proposer_keys(proposal: Proposal) -> list[tuple[int | None, int | None, int | None]]:
    """The proposal's proposers as sponsorship keys, in their order (from its prefetched
    sponsorships, when they are)."""
    rows = sorted(proposal.sponsorships.all(), key=lambda row: row.position)
    return [sponsorship_row_key(row) for row in rows]


def sponsorship_row_key(row: Sponsorship) -> tuple[int | None, int | None, int | None]:
    """A saved sponsorship's key, as sponsorship_key gives it for its proposer."""
    return tuple(getattr(row, field) for field in SPONSORSHIP_KEY_FIELDS)


def set_proposers(proposal: Proposal, proposers: Sequence[Proposer]) -> bool:
    # proposal_set_proposers without its own transaction, for proposal_apply's.
    wanted = {sponsorship_key(proposer): position for position, proposer in enumerate(proposers)}
    if len(wanted) < len(proposers):
        raise ValueError(f"{proposal}: a proposer is named twice.")
    changed = False
    for sponsorship in proposal.sponsorships.all():
        position = wanted.pop(sponsorship_row_key(sponsorship), None)
        if position is None:
            sponsorship.delete()
            changed = True
        elif sponsorship.position != position:
            sponsorship.position = position
            sponsorship.save(update_fields=["position"])
            changed = True
    if wanted:
        Sponsorship.objects.bulk_create(
            Sponsorship(
                proposal=proposal,
                position=position,
                **dict(zip(SPONSORSHIP_KEY_FIELDS, key, strict=True)),
            )
            for key, position in wanted.items()
        )
        changed = True
    return changed
