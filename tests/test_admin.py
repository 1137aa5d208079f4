"""Every model can be browsed, searched and filtered in the admin."""

import pytest
from django.contrib import admin
from django.urls import reverse


@pytest.fixture
def curator(admin_client, demo_data):
    return admin_client


def changelist_urls():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
        if model._meta.app_label in {"delegations", "proposals"}
    ]


def test_every_domain_model_is_registered():
    from django.apps import apps

    for app_label in ["delegations", "proposals"]:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__ != "Sponsorship":  # edited inline on its proposal
                assert model in admin.site._registry, model


def test_every_changelist_loads_and_searches(curator):
    for url in changelist_urls():
        assert curator.get(url).status_code == 200, url
        assert curator.get(url, {"q": "RUS"}).status_code == 200, url


def test_proposal_pages_load(curator):
    from proposals.models import Proposal

    proposal = Proposal.objects.get(number="RUS/27/7")
    change = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    response = curator.get(change)
    assert response.status_code == 200
    assert "Russian Federation" in response.content.decode()
    assert curator.get(reverse("admin:proposals_proposal_add")).status_code == 200


def test_proposal_search_finds_by_number_and_filters_by_origin(curator):
    url = reverse("admin:proposals_proposal_changelist")
    found = curator.get(url, {"q": "RUS/27/7"}).context["cl"].result_count
    assert found == 1
    leaked = curator.get(url, {"document__origin__exact": "leaked"}).context["cl"].result_count
    official = curator.get(url, {"document__origin__exact": "official"}).context["cl"].result_count
    assert leaked > 0 and official > 0
