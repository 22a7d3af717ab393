from django.urls import path

from ecodistrict_web.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.my_indicators, name="mine"),
    path("companies/<int:pk>/", views.company_indicators, name="company"),
    path("positioning/", views.positioning, name="positioning"),
    path(
        "positioning/export.csv",
        views.positioning_export,
        {"extension": "csv"},
        name="positioning_csv",
    ),
    path(
        "positioning/export.xlsx",
        views.positioning_export,
        {"extension": "xlsx"},
        name="positioning_xlsx",
    ),
    path("closure/", views.closure, name="closure"),
    path("runs/", views.runs, name="runs"),
    path("runs/recompute/", views.recompute, name="recompute"),
    path("runs/<int:pk>/document.json", views.run_document, name="run_document"),
    path("sets/", views.set_list, name="set_list"),
    path("sets/new/", views.set_new, name="set_new"),
    path("sets/<int:pk>/", views.set_detail, name="set_detail"),
    path("sets/<int:pk>/yaml/", views.set_yaml, name="set_yaml"),
    path("sets/<int:pk>/publish/", views.set_publish, name="set_publish"),
]
