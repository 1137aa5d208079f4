"""The pipeline's entries in the admin's change history, beside the curators' own: a
curator reading a proposal's history sees when a document's reading created or changed
it, and what changed.

Django's LogEntry needs a user, so the pipeline's entries are by an account of its own,
which cannot log in. What asks the history what curators did leaves that account out.
"""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

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


def by_curators(entries: QuerySet) -> QuerySet:
    """Of these LogEntry rows, those curators made."""
    return entries.exclude(user__username=PIPELINE_USERNAME)
