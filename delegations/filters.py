"""FilterSets for the delegations models, shared by the REST API and the analyst pages.

Codes are checked in form fields, so an unknown one is a 400 with a message saying what
would have been accepted, never an empty list.
"""

import datetime

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from proposals.models import Conference

from .choices import AdministrativeRegion, GroupKind, SignatureStatus
from .models import Delegation, MemberState, RegionalGroup, SectorMember


class MemberStateCodeField(forms.CharField):
    """A member state by its ITU code or ISO code, any case (RUS, G, RU, rus)."""

    accepted = "a member state's ITU or ISO code (RUS, G, RU)"

    def clean(self, value):
        code = (super().clean(value) or "").strip()
        if not code:
            return None
        found = self.resolve(code)
        if found is None:
            raise forms.ValidationError(
                "Unknown code %(code)r: give " + self.accepted + ".",
                code="unknown_code",
                params={"code": code},
            )
        return found

    def resolve(self, code: str):
        return MemberState.objects.one_by_code(code)


class ProposerField(MemberStateCodeField):
    """Any proposer: a member state, a regional group (CEPT) or a sector member (etno)."""

    accepted = (
        "a member state's ITU or ISO code (RUS, G, RU), a regional group code (CEPT) "
        "or a sector member (etno)"
    )

    def resolve(self, code: str):
        return (
            super().resolve(code)
            or RegionalGroup.objects.filter(code__iexact=code).first()
            or SectorMember.objects.filter(slug__iexact=code).first()
        )


class KnownValueField(forms.CharField):
    """A plain value that must match at least one row of `known_in` on `lookup`."""

    def __init__(self, *, known_in, lookup: str, what: str, **kwargs):
        super().__init__(**kwargs)
        self.known_in, self.lookup, self.what = known_in, lookup, what

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if value and not self.known_in.filter(**{self.lookup: value}).exists():
            raise forms.ValidationError(
                "Unknown %(what)s %(value)r.",
                code="unknown",
                params={"what": self.what, "value": value},
            )
        return value


class StrictBooleanField(forms.CharField):
    """true/false (or 1/0, yes/no); anything else is an error, not a silent "no filter"."""

    values = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def clean(self, value):
        value = (super().clean(value) or "").strip().lower()
        if not value:
            return None
        if value not in self.values:
            raise forms.ValidationError(
                "Give true or false, not %(value)r.", params={"value": value}
            )
        return self.values[value]


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, moved to UTC. Python accepts offsets up to a day, PostgreSQL
    only to about 16 hours, so the value is normalised before it reaches a query."""

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError("That date-time is out of range.") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class KnownValueFilter(django_filters.CharFilter):
    field_class = KnownValueField


@extend_schema_field(OpenApiTypes.STR)
class MemberStateFilter(django_filters.Filter):
    field_class = MemberStateCodeField


@extend_schema_field(OpenApiTypes.STR)
class ProposerFilter(django_filters.Filter):
    field_class = ProposerField


class WithoutEmptyValues:
    """A multiple-value field for which an empty value (conference=) means no filter, as
    for every other filter: a script that fills in an empty variable gets the whole
    list, not an error."""

    def clean(self, value):
        return super().clean([item for item in value or [] if item != ""])


class KeysField(WithoutEmptyValues, django_filters.fields.ModelMultipleChoiceField):
    pass


class ChoicesField(WithoutEmptyValues, django_filters.fields.MultipleChoiceField):
    pass


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class KeysFilter(django_filters.ModelMultipleChoiceFilter):
    """Any of several records named by a natural key (conference=wcit-12&conference=pp-14).
    With to_field_name set, field_name must name the key itself (conference__slug)."""

    field_class = KeysField


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """Any of several choices (action=MOD&action=ADD)."""

    field_class = ChoicesField


def unknown(label: str) -> dict[str, str]:
    return {"invalid_choice": f"Unknown {label} %(value)r."}


class MemberStateFilterSet(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(choices=AdministrativeRegion.choices)
    group = django_filters.ModelChoiceFilter(
        field_name="group_memberships__group",
        to_field_name="code",
        queryset=RegionalGroup.objects.all(),
        error_messages=unknown("regional group"),
        label="Member of this regional group (code)",
        # A state that left the group and joined again has two memberships: one row.
        distinct=True,
    )

    class Meta:
        model = MemberState
        fields = ["region", "group"]


class RegionalGroupFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=GroupKind.choices)

    class Meta:
        model = RegionalGroup
        fields = ["kind"]


class SectorMemberFilterSet(django_filters.FilterSet):
    class Meta:
        model = SectorMember
        fields: list[str] = []


class DelegationFilterSet(django_filters.FilterSet):
    conference = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Conference.objects.all(),
        error_messages=unknown("conference"),
    )
    member_state = MemberStateFilter(label="Member state (ITU or ISO code)")
    signed_final_acts = django_filters.ChoiceFilter(choices=SignatureStatus.choices)

    class Meta:
        model = Delegation
        fields = ["conference", "member_state", "signed_final_acts"]
