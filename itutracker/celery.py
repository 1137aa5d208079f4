"""The Celery app. Its settings are the CELERY_* names in itutracker.settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itutracker.settings")

app = Celery("itutracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
