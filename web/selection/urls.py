from django.urls import path, re_path

from ecodistrict_web.selection import views

app_name = "selection"

FILE = r"(?P<file_kind>call|lots)"

urlpatterns = [
    path("", views.index, name="index"),
    re_path(rf"^{FILE}/new/$", views.file_edit, name="file_new"),
    re_path(rf"^{FILE}/(?P<pk>[0-9]+)/$", views.file_detail, name="file"),
    re_path(rf"^{FILE}/(?P<pk>[0-9]+)/edit/$", views.file_edit, name="file_edit"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status.json", views.run_status, name="run_status"),
    path("runs/<int:pk>/document.json", views.run_document, name="run_document"),
    path("compare/", views.compare, name="compare"),
]
