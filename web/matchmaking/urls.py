from django.urls import path

from ecodistrict_web.matchmaking import views

app_name = "matchmaking"

urlpatterns = [
    path("", views.my_matches, name="mine"),
    path("proposals/<int:pk>/interest/", views.express_interest, name="interest"),
    path("district/", views.district_matches, name="district"),
    path("district/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("runs/recompute/", views.recompute, name="recompute"),
    path("runs/<int:pk>/document.json", views.run_document, name="run_document"),
    path("exchanges/", views.exchanges, name="exchanges"),
    path("exchanges/<int:pk>/status/", views.exchange_status, name="exchange_status"),
]
