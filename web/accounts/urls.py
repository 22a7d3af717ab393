from django.urls import path

from ecodistrict_web.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("grants/", views.grants, name="grants"),
    path("grants/<int:pk>/withdraw/", views.grant_withdraw, name="grant_withdraw"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
