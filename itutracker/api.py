"""The REST API, version 1: one router for both apps' read endpoints, plus the schema and
its interactive documentation."""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, include, path, re_path, resolve
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
    """Any other path under /api/: a 404 in the format asked for, not Django's HTML page.
    This catch-all resolves every path, so Django's APPEND_SLASH never sees one that
    lacks its slash: it is redirected here instead."""

    def get(self, request, *args, **kwargs):
        if with_slash_exists(request.path_info):
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        raise NotFound(f"No API endpoint at {request.path}.")

    def post(self, request, *args, **kwargs):
        # A redirect would lose the body, as APPEND_SLASH's would.
        if with_slash_exists(request.path_info):
            raise NotFound(f"No API endpoint at {request.path}; the address ends with a slash.")
        raise NotFound(f"No API endpoint at {request.path}.")

    put = patch = delete = post


def with_slash_exists(path: str) -> bool:
    if path.endswith("/"):
        return False
    try:
        match = resolve(path + "/")
    except Resolver404:
        return False
    return getattr(match.func, "view_class", None) is not UnknownPath


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
