from django.urls import path

from ecodistrict_web.scenarios import views

app_name = "scenarios"

urlpatterns = [
    path("", views.scenario_list, name="list"),
    path("new/", views.scenario_create, name="create"),
    path("<int:pk>/", views.scenario_detail, name="detail"),
    path("<int:pk>/measures/<slug:measure>/", views.add_measure, name="add_measure"),
    path("<int:pk>/changes/<int:index>/remove/", views.remove_change, name="remove_change"),
    path("<int:pk>/compute/", views.compute, name="compute"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
