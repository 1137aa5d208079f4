from django.db import models


class AdministrativeRegion(models.TextChoices):
    """The five administrative regions the ITU uses for Council and RRB elections."""

    A = "A", "A: Americas"
    B = "B", "B: Western Europe"
    C = "C", "C: Eastern Europe and Northern Asia"
    D = "D", "D: Africa"
    E = "E", "E: Asia and Australasia"


class GroupKind(models.TextChoices):
    REGIONAL_ORGANIZATION = "rto", "Regional telecommunication organization"
    STUDY_GROUP_REGIONAL_GROUP = "sg-regional", "ITU-T study group regional group"
    OTHER = "other", "Other group of states"


class MembershipStatus(models.TextChoices):
    FULL = "full", "Full member"
    ASSOCIATE = "associate", "Associate member"
    OBSERVER = "observer", "Observer"


class SignatureStatus(models.TextChoices):
    SIGNED = "signed", "Signed"
    NOT_SIGNED = "not-signed", "Did not sign"
    UNKNOWN = "unknown", "Unknown"
