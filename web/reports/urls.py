from django.urls import path

from ecodistrict_web.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("company/", views.request_company, name="request_company"),
    path("district/", views.request_district, name="request_district"),
    path("opendata/", views.request_open_data, name="request_open_data"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
]
