from django.urls import path

from ecodistrict_web.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.call_page, name="call"),
    path("privacy/", views.privacy, name="privacy"),
    path("register/", views.register, name="register"),
    path("verify/<str:uidb64>/<str:token>/", views.verify, name="verify"),
    path("mine/", views.my_interest, name="mine"),
    path("interests/", views.interest_list, name="list"),
    path("interests/<int:pk>/invite/", views.invite, name="invite"),
]
