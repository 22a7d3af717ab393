from django.urls import path

from ecodistrict_web.commitments import views

app_name = "commitments"

urlpatterns = [
    path("", views.public, name="public"),
    path("texts/<slug:kind>/", views.charter, name="charter"),
    path("texts/<slug:kind>/<int:version>/", views.charter, name="charter_version"),
    path("publish/", views.publish, name="publish"),
    path("mine/", views.mine, name="mine"),
    path("mine/sign/", views.sign, name="sign"),
    path("mine/commit/", views.commit, name="commit"),
    path("all/", views.all_commitments, name="all"),
]
