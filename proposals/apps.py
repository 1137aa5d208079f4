from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    """Conferences, the treaty texts they revise, their documents, and the proposals in them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "proposals"
