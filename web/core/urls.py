from django.urls import path

from ecodistrict_web.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
]
