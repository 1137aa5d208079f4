"""System checks for settings that are valid Python but wrong for production.

They run with `manage.py check --deploy`, so a deployment finds out before it serves.
"""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def check_production_database(app_configs, **kwargs):
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return [
            Warning(
                "Production is running on SQLite.",
                hint="Set DATABASE_URL to a PostgreSQL database; full-text search, "
                "concurrent workers and the tests that CI runs assume it.",
                id="itutracker.W001",
            )
        ]
    return []


@register(deploy=True)
def check_production_broker(app_configs, **kwargs):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return [
            Warning(
                "CELERY_BROKER_URL is not set, so ingestion runs inside web requests.",
                hint="Set CELERY_BROKER_URL to the Redis that the Celery workers use.",
                id="itutracker.W002",
            )
        ]
    return []
