"""Settings come from the environment; production fails loudly when a secret is missing."""

import pytest

from .run import clean_environment, manage

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k7Qz2vX9pL4mN8rT1wY6uB3eH5jC0aF9dG2sK7nM4pR8tV1xZ6",
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
    "DATABASE_URL": "postgres://tracker:tracker@db.example.org:5432/tracker",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
}


def test_production_settings_pass_check_deploy(tmp_path):
    result = manage(
        "check", "--deploy", env=clean_environment(**PRODUCTION, ITUTRACKER_DATA_DIR=str(tmp_path))
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_missing_secret_key_stops_start_up_with_a_clear_error(tmp_path):
    env = clean_environment(**PRODUCTION, ITUTRACKER_DATA_DIR=str(tmp_path))
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_stops_start_up(tmp_path):
    env = clean_environment(**PRODUCTION, ITUTRACKER_DATA_DIR=str(tmp_path))
    del env["DJANGO_ALLOWED_HOSTS"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


@pytest.mark.parametrize(
    ("missing", "check_id"),
    [("DATABASE_URL", "itutracker.W001"), ("CELERY_BROKER_URL", "itutracker.W002")],
)
def test_check_deploy_warns_about_laptop_defaults_in_production(tmp_path, missing, check_id):
    env = clean_environment(**PRODUCTION, ITUTRACKER_DATA_DIR=str(tmp_path))
    del env[missing]
    result = manage("check", "--deploy", env=env)
    assert check_id in result.stderr + result.stdout


def test_rejects_a_boolean_it_cannot_read(tmp_path):
    result = manage(
        "check", env=clean_environment(DJANGO_DEBUG="maybe", ITUTRACKER_DATA_DIR=str(tmp_path))
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_without_a_broker_tasks_run_in_process():
    # The test run itself may have a broker; read the rule from a fresh child process.
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)",
        env=clean_environment(ITUTRACKER_DATA_DIR="/tmp"),
    )
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_the_readme_documents_every_variable_the_settings_read():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    settings_source = (root / "itutracker" / "settings.py").read_text()
    read = set(re.findall(r'(?:env_\w+|environ\.get)\(\s*"([A-Z_]+)"', settings_source))
    readme = (root / "README.md").read_text()
    assert len(read) > 20
    assert {name for name in read if f"`{name}`" not in readme} == set()
