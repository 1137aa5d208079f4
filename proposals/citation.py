"""How a proposal is named in a line: in feeds, in titles, and in a "cite this" line."""

from __future__ import annotations

from django.utils import timezone

from .models import Proposal


def proposers_line(proposal: Proposal) -> str:
    named = ", ".join(str(sponsorship.proposer) for sponsorship in proposal.sponsorships.all())
    return named or proposal.proposers_as_stated


def provision_label(proposal: Proposal) -> str:
    """ "on ITRs 1988 1.3", or nothing when the provision is not known."""
    provision = proposal.provision
    return f"on {provision.instrument.short_name} {provision.number}" if provision else ""


def proposal_title(proposal: Proposal) -> str:
    proposers = proposers_line(proposal)
    parts = [
        proposal.number or "Unnumbered proposal",
        proposal.action,
        provision_label(proposal),
        f"({proposers})" if proposers else "",
    ]
    return " ".join(part for part in parts if part)


def citation(proposal: Proposal, url: str) -> str:
    """A "cite this" line: who, what, where it was tabled, where we read it, and the link."""
    what = f"Proposal {proposal.number}" if proposal.number else "Proposal"
    if proposal.provision:
        what += " " + provision_label(proposal)
    where = proposal.conference.name
    if proposal.document:
        document = proposal.document
        where += f", {document.symbol} ({document.get_origin_display().lower()}"
        where += f", p. {proposal.page})" if proposal.page else ")"
    who = proposers_line(proposal)
    retrieved = timezone.localdate().isoformat()
    lead = f"{who}, {what}" if who else what
    return f"{lead}, {where}. ITU Proposal Tracker, {url} (retrieved {retrieved})."
