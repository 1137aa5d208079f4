"""Shared fixtures.

Tests that need PostgreSQL or Redis ask for the `postgres` or `redis_url` fixture. Without
the service they are skipped with the reason. With ITUTRACKER_REQUIRE_SERVICES=1 (as
.ci/run sets it) every skip fails instead, so CI never passes by skipping.
"""

import io
import os

import pytest
from django.core.management import call_command
from django.db import connection

from tests import factories

REQUIRE_SERVICES = os.environ.get("ITUTRACKER_REQUIRE_SERVICES") == "1"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"ITUTRACKER_REQUIRE_SERVICES=1 turns this skip into a failure: {reason}"


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/itutracker"
        )


@pytest.fixture
def redis_url():
    import redis

    url = os.environ.get("CELERY_BROKER_URL") or DEFAULT_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"needs Redis at {url}: {error}")
    return url


@pytest.fixture
def reference_data(db):
    """The real reference data, loaded the way quickstart loads it."""
    call_command("load_reference", verbosity=0, stdout=io.StringIO())


@pytest.fixture
def demo_data(reference_data):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch):
    """Tasks run where they are called, as on a laptop, even when the environment names a
    broker (CI does, for tests/test_worker.py, which switches this off)."""
    from itutracker.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)
    monkeypatch.setattr(app.conf, "task_eager_propagates", True)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Stored documents go to a folder of the test's own, never into ./var."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttling counts requests in the cache; start every test from zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def curator_api(db, django_user_model):
    """An API client holding the token of a staff user who may add documents."""
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    user = django_user_model.objects.create_user("curator", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_document"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def member_state_factory(db):
    return factories.MemberStateFactory


@pytest.fixture
def regional_group_factory(db):
    return factories.RegionalGroupFactory


@pytest.fixture
def membership_factory(db):
    return factories.GroupMembershipFactory


@pytest.fixture
def conference_factory(db):
    return factories.ConferenceFactory


@pytest.fixture
def proposal_factory(db):
    return factories.ProposalFactory


@pytest.fixture
def document_factory(db):
    return factories.DocumentFactory


@pytest.fixture
def provision_factory(db):
    return factories.ProvisionFactory


@pytest.fixture
def topic_factory(db):
    return factories.TopicFactory


@pytest.fixture
def sector_member_factory(db):
    return factories.SectorMemberFactory
