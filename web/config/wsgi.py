"""WSGI entry point (waitress in `ecodistrict serve`, or any WSGI server in production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecodistrict_web.config.settings")

application = get_wsgi_application()
