from django.apps import AppConfig


class DelegationsConfig(AppConfig):
    """Who takes part: member states, regional groups, sector members, and who signed what."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "delegations"
