from django.apps import AppConfig


class ITUTrackerConfig(AppConfig):
    """Project configuration. Installed only so that its system checks are registered."""

    name = "itutracker"
    verbose_name = "ITU Proposal Tracker"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the checks
