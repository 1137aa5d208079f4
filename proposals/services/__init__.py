"""Writes. Every channel (admin, API, commands, Celery tasks) calls these, never the ORM's
save() with business rules of its own."""

from .proposals import (
    Proposer,
    proposal_apply,
    proposal_set_proposers,
    proposal_upsert,
    proposals_create,
    proposals_delete,
    proposals_publish_reviewed,
    publication_problem,
)

__all__ = [
    "Proposer",
    "proposal_apply",
    "proposal_set_proposers",
    "proposal_upsert",
    "proposals_create",
    "proposals_delete",
    "proposals_publish_reviewed",
    "publication_problem",
]
