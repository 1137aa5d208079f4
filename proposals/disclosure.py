"""When a leaked document arrived is told to the public to the day, not to the second.

The exact time a restricted document reached the curators could point to who passed it
on. Its record, and the proposals read from it, are created when it arrives, so their
timestamps carry that time. Curators see every timestamp; everyone else sees those of
leaked records truncated to midnight UTC of the day, as the document page shows them.
The API fields, Last-Modified, the Atom feed and the updated_since filter follow this
one rule.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from .choices import Origin
from .querysets import sees_unpublished


def withholds_time(user) -> bool:
    """Whether this reader gets leaked records' timestamps to the day only. A missing user
    (the public dataset exports) is the public."""
    return not sees_unpublished(user)


def is_leaked(record) -> bool:
    """A leaked Document, or a Proposal read from one."""
    document = getattr(record, "document", record)
    return document is not None and getattr(document, "origin", None) == Origin.LEAKED


def to_the_day(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def disclosed_time(moment, record, user):
    """`moment`, one of `record`'s timestamps, as much of it as `user` may know."""
    if moment is None or not is_leaked(record) or not withholds_time(user):
        return moment
    return to_the_day(moment)


def changed_since(field: str, since: datetime.datetime, user, *, origin_field: str) -> Q:
    """Rows whose `field` is at or after `since`. For the public, a leaked row matches from
    the start of `since`'s day: asking with ever finer times must not narrow a leak's
    arrival below the day. A client syncing with updated_since then gets a few rows twice
    but never misses one."""
    if not withholds_time(user):
        return Q(**{f"{field}__gte": since})
    leaked = Q(**{origin_field: Origin.LEAKED})
    return (~leaked & Q(**{f"{field}__gte": since})) | (
        leaked & Q(**{f"{field}__gte": to_the_day(since)})
    )
