from django.urls import path

from . import feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/feed/", feeds.proposal_feed, name="proposal-feed"),
    path("proposals/<slug:conference>/<str:key>/", views.proposal_detail, name="proposal-detail"),
    # Provision numbers hold slashes and brackets ([EUR/10A25/2]), hence path:.
    path(
        "provisions/<slug:instrument>/<path:number>/",
        views.provision_detail,
        name="provision-detail",
    ),
    path("conferences/<slug:slug>/", views.conference_detail, name="conference-detail"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("topics/", views.topic_matrix, name="topic-matrix"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
]
