from django.contrib import admin
from django.urls import include, path

from proposals import views as proposal_views

urlpatterns = [
    path("", proposal_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("api/", include("itutracker.api")),
]
