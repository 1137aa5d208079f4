from django.urls import path

from . import views

urlpatterns = [
    path("states/", views.member_state_list, name="member-state-list"),
    path("states/<str:code>/", views.member_state_detail, name="member-state-detail"),
    path("groups/", views.regional_group_list, name="regional-group-list"),
    path("groups/<str:code>/", views.regional_group_detail, name="regional-group-detail"),
]
