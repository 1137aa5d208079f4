"""The proposals app's models, one module per part of the domain:
treaties (conferences, instruments, provisions), documents (and how they arrived and were
ingested), and proposals (with their proposers and topics)."""

from .documents import Document, DocumentIntake, IngestRun
from .proposals import Proposal, Sponsorship, Topic
from .treaties import Conference, Instrument, Provision

__all__ = [
    "Conference",
    "Document",
    "DocumentIntake",
    "IngestRun",
    "Instrument",
    "Proposal",
    "Provision",
    "Sponsorship",
    "Topic",
]
