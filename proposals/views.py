from django.db.models import Count, Q
from django.shortcuts import render

from .models import Conference, Document, Proposal


def home(request):
    """Conferences with their headline figures, and the latest documents."""
    visible = Proposal.objects.visible_to(request.user)
    conferences = (
        Conference.objects.select_related("host_country")
        .annotate(
            proposal_count=Count(
                "proposals", filter=Q(proposals__in=visible.values("pk")), distinct=True
            ),
            document_count=Count("documents", distinct=True),
        )
        # Explicit: Django leaves Meta.ordering out of aggregate queries.
        .order_by("-starts_on", "slug")
    )
    latest_documents = Document.objects.select_related("conference").order_by("-created_at", "-pk")[
        :10
    ]
    return render(
        request,
        "proposals/home.html",
        {
            "conferences": conferences,
            "latest_documents": latest_documents,
            "proposal_total": visible.count(),
        },
    )
