from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("itutracker.api")),
    path("", include("proposals.urls")),
    path("", include("delegations.urls")),
]
