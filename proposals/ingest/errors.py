"""What can go wrong with a document. Each error's message is shown to curators as is."""


class IngestError(Exception):
    """A document that cannot be ingested as it is. Retrying will not help."""


class UnsupportedDocument(IngestError):
    """The bytes are not a kind of document the tracker reads."""


class DocumentTooLarge(IngestError):
    """The document, or a part of it, is over a configured limit."""


class MalformedDocument(IngestError):
    """The document claims a format but does not follow it (truncated, corrupt, hostile)."""


class NeedsOCR(IngestError):
    """A PDF with no text layer: it needs optical character recognition first."""
