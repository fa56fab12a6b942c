"""The outbox tests: the database task backend, real SMTP servers on this machine, and
the worker run in-process as `manage.py db_worker --batch` runs it."""

from unittest import mock

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .smtp import SilentServer, SmtpServer

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """What `manage.py db_worker --batch` does: run every task that is due, then stop.

    The worker closes the database connection when it looks out of date, as a request
    does; inside a test's transaction it always would (as Django's test client, this
    leaves it open)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()


def time_passes():
    """Every task waiting to be tried again is due now (as if its delay had gone by)."""
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    return waiting.update(run_after=timezone.now())


@pytest.fixture
def database_tasks(settings):
    """Tasks are rows in the database, run only by the worker (as in production)."""
    settings.TASKS = DATABASE_TASKS


def _smtp_settings(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture
def smtp(settings, database_tasks):
    """A real mail server the course sends to, down until the test calls `smtp.up()`."""
    server = SmtpServer()
    _smtp_settings(settings, server.port)
    yield server
    server.down()


@pytest.fixture
def silent_smtp(settings, database_tasks):
    """A mail server that accepts the connection and never answers."""
    server = SilentServer()
    _smtp_settings(settings, server.port)
    yield server
    server.stop()
