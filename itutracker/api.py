"""The REST API, version 1: one router for both apps' read endpoints, plus the schema and
its interactive documentation."""

from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from delegations.api.views import (
    DelegationViewSet,
    MemberStateViewSet,
    RegionalGroupViewSet,
    SectorMemberViewSet,
)
from proposals.api.views import (
    AggregateView,
    ConferenceViewSet,
    DocumentViewSet,
    ExportFileView,
    ExportListView,
    InstrumentViewSet,
    ProposalViewSet,
    ProvisionViewSet,
    TopicViewSet,
)


@extend_schema(exclude=True)
class UnknownPath(APIView):
    """Any other path under /api/: a 404 in the format asked for, not Django's HTML page."""

    def get(self, request, *args, **kwargs):
        raise NotFound(f"No API endpoint at {request.path}.")

    post = put = patch = delete = get


router = DefaultRouter()
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("documents", DocumentViewSet, basename="document")
router.register("conferences", ConferenceViewSet, basename="conference")
router.register("member-states", MemberStateViewSet, basename="member-state")
router.register("regional-groups", RegionalGroupViewSet, basename="regional-group")
router.register("sector-members", SectorMemberViewSet, basename="sector-member")
router.register("delegations", DelegationViewSet, basename="delegation")
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("provisions", ProvisionViewSet, basename="provision")
router.register("topics", TopicViewSet, basename="topic")

v1 = [
    *router.urls,
    path("aggregates/<str:by>/", AggregateView.as_view(), name="aggregate"),
    path("exports/", ExportListView.as_view(), name="export-list"),
    path("exports/<str:name>", ExportFileView.as_view(), name="export-file"),
]

urlpatterns = [
    path("v1/", include((v1, "api"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # [\s\S], not ".": a path may hold an encoded newline, which "." would not match.
    re_path(r"^[\s\S]*$", UnknownPath.as_view()),
]
