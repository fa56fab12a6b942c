"""WSGI entry point, for gunicorn: `gunicorn cse_course.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_course.settings.production")

application = get_wsgi_application()
