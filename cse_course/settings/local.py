"""Local development: DEBUG on, SQLite unless DATABASE_URL says otherwise, emails printed
to the terminal as soon as they are queued (no worker needed).

Two-factor sign-in is optional here, so the printed demo accounts (a team manager, an
organisation administrator and a trainer among them) sign in with a password alone.
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("REQUIRE_SECOND_FACTOR", "false")
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
# Log lines as text in the terminal rather than JSON.
os.environ.setdefault("LOG_FORMAT", "plain")
# Emails are printed as soon as they are queued, with no worker to start.
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from .base import *  # noqa: F403

# Links in emails printed to the console point at the local server.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
