"""The pipeline's entries in the admin's change history, beside the curators' own: a
curator reading a proposal's history sees when a document's reading created or changed
it, and what changed.

Django's LogEntry needs a user, so the pipeline's entries are by an account of its own,
which cannot log in. What asks the history what curators did leaves that account out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max, Model, Q

# Reserved: an account of this name is taken for the pipeline's.
PIPELINE_USERNAME = "ingestion"


def pipeline_user():
    """The pipeline's account, made on first use: inactive, with no usable password.
    An account of that name that can log in is a person's: taken for the pipeline's,
    their edits would stop counting as a curator's, so it is refused."""
    user, _ = get_user_model().objects.get_or_create(
        username=PIPELINE_USERNAME, defaults={"is_active": False, "password": make_password(None)}
    )
    if user.has_usable_password():
        raise ImproperlyConfigured(
            f"The account {PIPELINE_USERNAME!r} can log in, so it is a person's; the "
            "ingestion pipeline writes its history under that name. Rename that account."
        )
    return user


def pipeline_history_write(entries: list[tuple[Model, int, str]]) -> None:
    """Log (row, ADDITION or CHANGE, message) entries as the pipeline's; one query for
    any number, and one for its account."""
    if not entries:
        return
    user = pipeline_user()
    LogEntry.objects.bulk_create(
        LogEntry(
            user=user,
            content_type=ContentType.objects.get_for_model(row),
            object_id=str(row.pk),
            object_repr=str(row)[:200],
            action_flag=flag,
            change_message=message,
        )
        for row, flag, message in entries
    )


@dataclass(frozen=True)
class Reviews:
    """What curators did to some rows, by their ids (see curator_reviews)."""

    edited: set[int]
    reviewed: set[int]
    noted_and_reviewed: set[int]


def curator_reviews(rows: list[Model], *, note: str) -> Reviews:
    """From their change history, in one query: which of these rows curators have added
    or changed; which they have since the pipeline last changed them (the curators have
    the last word on the reading the row holds); and which since the pipeline last
    logged a message ending in `note` on them. Entries are compared by id, the order in
    which they were written."""
    if not rows:
        return Reviews(set(), set(), set())
    pipeline = Q(user__username=PIPELINE_USERNAME)
    last = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(rows[0]),
            # One a curator typed in counts too: it is theirs from the start.
            action_flag__in=(ADDITION, CHANGE),
            object_id__in=[str(row.pk) for row in rows],
        )
        .values("object_id")
        .annotate(
            curators=Max("pk", filter=~pipeline),
            pipeline=Max("pk", filter=pipeline),
            noted=Max("pk", filter=pipeline & Q(change_message__endswith=note)),
        )
        .order_by()
    )
    edited, reviewed, noted_and_reviewed = set(), set(), set()
    for entry in last:
        if entry["curators"] is None:
            continue
        pk = int(entry["object_id"])
        edited.add(pk)
        if entry["pipeline"] is None or entry["curators"] > entry["pipeline"]:
            reviewed.add(pk)
        if entry["noted"] is not None and entry["curators"] > entry["noted"]:
            noted_and_reviewed.add(pk)
    return Reviews(edited, reviewed, noted_and_reviewed)
