"""Test settings: fast password hashing, email kept in memory (sent as soon as it is
queued), a second factor required for privileged roles (as in production)."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("REQUIRE_SECOND_FACTOR", "true")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Queued emails are sent at once, so mail.outbox holds them; the tests of the queue
# itself (tests/outbox) switch to the database backend and run the worker's tasks.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Links in emails must come from here, never from the test client's host.
SITE_URL = "https://course.example.org"
# Uploaded logos go to a directory of their own, removed when the run ends, and are
# served by Django so the browser tests can show them.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cse-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
SERVE_MEDIA = True
