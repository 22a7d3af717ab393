from django.urls import path

from ecodistrict_web.companies import views

app_name = "companies"

urlpatterns = [
    path("", views.company_list, name="list"),
    path("<int:pk>/", views.company_detail, name="detail"),
    path("<int:pk>/history/", views.company_history, name="history"),
    path("<int:pk>/flows/<int:flow_pk>/edit/", views.flow_edit, name="flow_edit"),
    path("import/", views.district_import, name="import"),
]
