"""Test settings: fast password hashing, email kept in memory, a second factor required
for privileged roles (as in production)."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("REQUIRE_SECOND_FACTOR", "true")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Links in emails must come from here, never from the test client's host.
SITE_URL = "https://course.example.org"
