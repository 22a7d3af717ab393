"""Sign-in and sign-out: Django's auth views with the throttled form."""

from django.contrib.auth import views as auth_views

from ecodistrict_web.accounts.forms import ThrottledAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): the header's sign-out button is a form."""
