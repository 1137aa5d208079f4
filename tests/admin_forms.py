"""Posting an admin change form as a curator's browser would: what the page shows,
with the curator's edits on top."""

import datetime

from django.core.files import File
from django.db.models.fields.files import FieldFile


def change_form_data(page) -> dict:
    """The POST data of the admin change form `page` renders, inlines included (files
    left out: a browser sends none unless one is chosen)."""
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        for form in formset.forms:
            data.update(bound_values(form))
    data.update(bound_values(page.context["adminform"].form))
    return data


def bound_values(form) -> dict:
    values = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        if value is None or value is False or isinstance(value, FieldFile | File):
            continue
        if value is True:
            values[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            values[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, datetime.date):
            values[bound.html_name] = value.isoformat()
        else:
            values[bound.html_name] = str(value)
    return values
