"""WSGI entry point, used by gunicorn (`caugiay.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caugiay.settings")

application = get_wsgi_application()
