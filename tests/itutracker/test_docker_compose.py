"""docker-compose.yml must describe the stack the settings expect."""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["web", "worker", "beat"]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "itutracker" / "settings.py").read_text()
    pattern = r'(?:env_bool|env_int|env_list|os\.environ\.get|env=)\(?\s*"([A-Z_]+)"'
    return set(re.findall(pattern, source))


def test_has_the_full_stack(compose):
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_every_app_variable_is_one_the_settings_read(compose):
    known = variables_read_by_settings()
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SECRET_KEY"} <= known
    for name in APP_SERVICES:
        unknown = set(compose["services"][name]["environment"]) - known
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"


def test_app_services_point_at_the_compose_database_and_broker(compose):
    postgres = compose["services"]["postgres"]["environment"]
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        database = urlparse(env["DATABASE_URL"])
        assert database.scheme == "postgres"
        assert database.hostname == "postgres"
        assert database.username == postgres["POSTGRES_USER"]
        assert database.password == postgres["POSTGRES_PASSWORD"]
        assert database.path.lstrip("/") == postgres["POSTGRES_DB"]
        broker = urlparse(env["CELERY_BROKER_URL"])
        assert (broker.scheme, broker.hostname) == ("redis", "redis")
        assert env["DJANGO_DEBUG"] == "false"


def test_services_run_the_right_programs(compose):
    services = compose["services"]
    assert "gunicorn itutracker.wsgi" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A itutracker worker")
    assert services["beat"]["command"].startswith("celery -A itutracker beat")
