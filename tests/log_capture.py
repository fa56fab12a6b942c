"""A fixture that hears every log line a test makes and fails the test if any holds a
secret: an answer's text (current, earlier versions, a commitment's review), a password
the factories give, a session key, a CSRF token, an invitation token or link, or a link
from an email (verification, password reset).

Used (autouse) by the reflections and team_progress tests, which handle the most
private data. Each record is formatted by the real JSON formatter with the request
filter, as production writes it. A handler goes on the root logger and on every logger
that keeps its records to itself (django.request); for the test the root's level is
lowered to DEBUG, as LOG_LEVEL=DEBUG would (a few chatty loggers excepted: `_QUIETED`).

Cheap when a test logs nothing; otherwise a handful of queries at the end of the test.
"""

import json
import logging
import re
from contextlib import contextmanager

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client

from accounts.models import User
from cse_course.logs import JsonFormatter, RequestContextFilter
from organisations.models import StaffInvitation
from reflections.models import Answer, AnswerVersion, Commitment, Share
from tests.factories import PASSWORD

# Texts shorter than this are too common to mean anything ("Yes", "None").
SHORTEST_SECRET = 7
_LINK = re.compile(r"https?://[^\s<>\"']+")
# Quieted to warnings during the test: the test tools' own loggers (factory_boy's
# describes every object it builds, with its field values: not the course's log), and
# Markdown's debug lines, which only name the extensions it loads (thousands a run).
_QUIETED = ("factory", "faker", "MARKDOWN")
_DB_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences", "live_server"})


class LineCollector(logging.Handler):
    """Keeps every record as the line production would write."""

    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestContextFilter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


class SecretsInLog(AssertionError):
    pass


def _loggers_keeping_their_records():
    return [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]


def collector_attach():
    """Attach a collector; returns it and a function that detaches it again."""
    collector = LineCollector()
    root = logging.getLogger()
    loggers = [root, *_loggers_keeping_their_records()]
    tools = [logging.getLogger(name) for name in _QUIETED]
    levels = {logger: logger.level for logger in [root, *tools]}
    root.setLevel(logging.DEBUG)
    for tool in tools:
        tool.setLevel(logging.WARNING)
    for logger in loggers:
        logger.addHandler(collector)

    def detach():
        for logger in loggers:
            logger.removeHandler(collector)
        for logger, level in levels.items():
            logger.setLevel(level)

    return collector, detach


def _texts(values):
    return {value for value in values if value and len(value) >= SHORTEST_SECRET}


def secrets_in_database() -> dict[str, set[str]]:
    """Every secret the test database holds, by kind."""
    return {
        "answer text": _texts(Answer.objects.values_list("text", flat=True)),
        "earlier answer text": _texts(AnswerVersion.objects.values_list("text", flat=True)),
        "commitment review": _texts(Commitment.objects.values_list("review_outcome", flat=True)),
        "session key": _texts(Session.objects.values_list("session_key", flat=True)),
        "invitation token": _texts(Share.objects.values_list("token", flat=True))
        | _texts(StaffInvitation.objects.values_list("token", flat=True)),
        "password hash": _texts(User.objects.values_list("password", flat=True)),
    }


def secrets_outside_database(clients) -> dict[str, set[str]]:
    """Passwords, the clients' cookies (session and CSRF) and every link emailed."""
    cookies = {
        morsel.value for client in clients for morsel in client.cookies.values() if morsel.value
    }
    links = {link for message in mail.outbox for link in _LINK.findall(message.body)}
    # A link's path alone (a log line names the path, never the host) when it holds a key.
    paths = {re.sub(r"^https?://[^/]+", "", link) for link in links}
    return {
        "password": {PASSWORD},
        "cookie (session or CSRF token)": _texts(cookies),
        "emailed link": _texts(path for path in paths if len(path.strip("/")) > 20),
    }


def leaks(lines, secrets: dict[str, set[str]]) -> list[str]:
    """Each (kind, line) where a secret appears in a line, as it is or JSON-escaped."""
    text = "\n".join(lines)
    found = []
    for kind, values in secrets.items():
        for value in values:
            escaped = json.dumps(value, ensure_ascii=False)[1:-1]
            if value in text or escaped in text:
                line = next(line for line in lines if value in line or escaped in line)
                found.append(f"{kind} in the log: {line[:500]}")
    return found


@contextmanager
def logs_checked(*, clients=(), database=True):
    """Collects every log line made inside; on leaving, raises SecretsInLog if any holds
    a secret (those in the database too, when `database`: it must still be open)."""
    collector, detach = collector_attach()
    try:
        yield collector
    finally:
        detach()
    if not collector.lines:
        return
    secrets = secrets_outside_database(clients)
    # A test that made the database refuse a write (an IntegrityError it expected) has
    # left its transaction unusable: only the secrets outside the database are checked.
    if database and not connection.needs_rollback:
        secrets |= secrets_in_database()
    found = leaks(collector.lines, secrets)
    if found:
        raise SecretsInLog("\n".join(found))


def _uses_database(request) -> bool:
    return bool(
        request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def no_secrets_in_logs(request):
    """Fails the test if any log line it caused holds a secret (see the module)."""
    database = _uses_database(request)
    if database:
        # Set up before this fixture, so torn down after it: the test's rows are still
        # there when the lines are checked.
        request.getfixturevalue("_django_db_helper")
    clients = []
    with logs_checked(clients=clients, database=database) as collector:
        yield collector
        # The test's own clients (the `client` fixture, or one a fixture signed in).
        clients += [value for value in request.node.funcargs.values() if isinstance(value, Client)]
