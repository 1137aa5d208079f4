from django.db import models


class ConferenceKind(models.TextChoices):
    PLENIPOTENTIARY = "pp", "Plenipotentiary Conference"
    WCIT = "wcit", "World Conference on International Telecommunications"
    WATTC = "wattc", "World Administrative Telegraph and Telephone Conference"
    WTSA = "wtsa", "World Telecommunication Standardization Assembly"
    WTPF = "wtpf", "World Telecommunication/ICT Policy Forum"
    WRC = "wrc", "World Radiocommunication Conference"
    WTDC = "wtdc", "World Telecommunication Development Conference"
    OTHER = "other", "Other meeting"


class InstrumentKind(models.TextChoices):
    REGULATIONS = "regulations", "Administrative regulations"
    CONSTITUTION = "constitution", "Constitution"
    CONVENTION = "convention", "Convention"
    RESOLUTIONS = "resolutions", "Resolutions"


class ProvisionKind(models.TextChoices):
    PREAMBLE = "preamble", "Preamble"
    ARTICLE = "article", "Article"
    PROVISION = "provision", "Provision"
    APPENDIX = "appendix", "Appendix"
    RESOLUTION = "resolution", "Resolution"


class ProvisionStatus(models.TextChoices):
    BASELINE = "baseline", "In the instrument"
    PROPOSED = "proposed", "Proposed new"


class DocumentKind(models.TextChoices):
    CONTRIBUTION = "contribution", "Contribution"
    REVISION = "revision", "Revision"
    ADDENDUM = "addendum", "Addendum"
    CORRIGENDUM = "corrigendum", "Corrigendum"
    TEMPORARY = "temporary", "Temporary document"
    FINAL_ACTS = "final-acts", "Final Acts"
    OTHER = "other", "Other"


class Origin(models.TextChoices):
    OFFICIAL = "official", "Official"
    LEAKED = "leaked", "Leaked"


class IngestStatus(models.TextChoices):
    METADATA_ONLY = "metadata-only", "Metadata only (no file)"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    NEEDS_REVIEW = "needs-review", "Needs review"
    NEEDS_OCR = "needs-ocr", "Needs OCR"
    FAILED = "failed", "Failed"


# What a run can end as, or be at: "metadata only" is a document without a file, never a
# run (offered as one, the admin's filter of runs would list a status none can have).
RUN_STATUSES = [
    choice for choice in IngestStatus.choices if choice[0] != IngestStatus.METADATA_ONLY
]


class Action(models.TextChoices):
    """The action symbols that open a proposal, exactly as ITU documents print them."""

    ADD = "ADD", "ADD (new text)"
    ADD_STAR = "ADD*", "ADD* (new text, see the conference guidelines)"
    MOD = "MOD", "MOD (modify)"
    MOD_EDITORIAL = "(MOD)", "(MOD) (editorial change)"
    SUP = "SUP", "SUP (suppress)"
    SUP_STAR = "SUP*", "SUP* (suppress, see the conference guidelines)"
    NOC = "NOC", "NOC (no change)"
    OTHER = "OTHER", "Other"


class Outcome(models.TextChoices):
    PENDING = "pending", "Pending"
    ADOPTED = "adopted", "Adopted"
    ADOPTED_WITH_CHANGES = "adopted-with-changes", "Adopted with changes"
    NOT_ADOPTED = "not-adopted", "Not adopted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MERGED = "merged", "Merged"
    UNKNOWN = "unknown", "Unknown"


class IntakeChannel(models.TextChoices):
    ADMIN = "admin", "Uploaded in the admin"
    API = "api", "Uploaded through the API"
    COMMAND = "command", "manage.py ingest"
    URL = "url", "Fetched from a URL"
    POLL = "poll", "Found by a polled source"
    DEMO = "demo", "Demo data"
