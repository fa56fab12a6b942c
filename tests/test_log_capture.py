"""The log-capture check of the reflections and team_progress tests (tests/log_capture.py)
would catch a secret: each planted line below makes it fail, through every kind of
logger, and a clean line passes."""

import logging

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory
from tests.log_capture import SecretsInLog, logs_checked
from tests.reflections.factories import AnswerFactory, ShareFactory

pytestmark = pytest.mark.django_db


def test_an_answer_text_in_any_line_fails():
    answer = AnswerFactory(text="Planted: the words I wrote in private")

    with pytest.raises(SecretsInLog, match="answer text"), logs_checked():
        logging.getLogger("reflections.anything").info("Saved %s", answer.text)


def test_a_logger_that_keeps_its_records_is_heard_too():
    """django.request does not pass its records to the root logger."""
    answer = AnswerFactory(text="Planted through django.request")

    with pytest.raises(SecretsInLog, match="answer text"), logs_checked():
        logging.getLogger("django.request").error("Failed: %s", answer.text)


def test_a_debug_line_is_heard():
    answer = AnswerFactory(text="Planted at debug level")

    with pytest.raises(SecretsInLog, match="answer text"), logs_checked():
        logging.getLogger("reflections.services").debug(answer.text)


def test_text_with_quotes_and_line_breaks_is_found_escaped():
    answer = AnswerFactory(text='She said "no"\nand left')

    with pytest.raises(SecretsInLog, match="answer text"), logs_checked():
        logging.getLogger("x").warning("Text: %s", answer.text)


def test_an_extra_field_is_checked():
    answer = AnswerFactory(text="Planted in an extra field")

    with pytest.raises(SecretsInLog, match="answer text"), logs_checked():
        logging.getLogger("cse.security").info("event", extra={"detail": answer.text})


def test_the_factories_password_fails():
    with pytest.raises(SecretsInLog, match="password"), logs_checked(database=False):
        logging.getLogger("accounts").warning("Tried %s", PASSWORD)


def test_a_session_key_and_a_csrf_token_fail(client):
    client.force_login(UserFactory())
    client.get("/")  # its sign-out form sets the CSRF cookie
    session_key = client.cookies["sessionid"].value
    csrf_token = client.cookies["csrftoken"].value

    for secret, kind in [(session_key, "session key"), (csrf_token, "CSRF")]:
        with pytest.raises(SecretsInLog, match=kind), logs_checked(clients=[client]):
            logging.getLogger("django.security").warning("Cookie %s", secret)


def test_an_invitation_token_fails():
    share = ShareFactory()

    with pytest.raises(SecretsInLog, match="invitation token"), logs_checked():
        logging.getLogger("reflections").info("Invitation %s", share.token)


def test_an_emailed_link_fails():
    mail.send_mail(
        "Verify",
        "Open https://course.example.org/accounts/confirm-email/MQ:1vKsYz:abcdefghijklmnop/",
        None,
        ["someone@example.org"],
    )

    with pytest.raises(SecretsInLog, match="emailed link"), logs_checked():
        logging.getLogger("django.request").error(
            "Not Found: /accounts/confirm-email/MQ:1vKsYz:abcdefghijklmnop/"
        )


def test_lines_without_secrets_pass():
    AnswerFactory(text="Nothing of this is logged")

    with logs_checked() as collector:
        logging.getLogger("cse.security").info("sign_in", extra={"event": "sign_in"})

    assert len(collector.lines) == 1
    assert '"event": "sign_in"' in collector.lines[0]
