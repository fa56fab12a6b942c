"""Sessions: an idle timeout, an absolute lifetime, and a list where a person ends any."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import middleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("modules:home")
SESSIONS = reverse("usersessions_list")


@pytest.fixture
def clock(monkeypatch):
    """Time as the session checks see it, moved on by the test."""

    class Clock:
        now = 1_800_000_000.0

        def advance(self, *, minutes=0, hours=0):
            self.now += minutes * 60 + hours * 3600

    moment = Clock()
    monkeypatch.setattr(middleware.time, "time", lambda: moment.now)
    return moment


def sign_in(browser, user, password):
    browser.post(reverse("account_login"), {"login": user.email, "password": password})
    assert browser.session.get(SESSION_KEY) == str(user.pk)
    return browser


def is_signed_in(browser):
    return browser.get(HOME).context["user"].is_authenticated


def test_a_session_ends_after_thirty_idle_minutes(client, practitioner, password, clock):
    sign_in(client, practitioner, password)
    key = client.session.session_key

    clock.advance(minutes=30)
    page = client.get(HOME)

    assert not page.context["user"].is_authenticated
    assert "signed out after 30 minutes without activity" in page.content.decode()
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_keeps_a_session_going(client, practitioner, password, clock):
    sign_in(client, practitioner, password)
    for _ in range(6):
        clock.advance(minutes=20)
        assert is_signed_in(client)


def test_an_autosave_counts_as_activity(client, practitioner, password, clock):
    sign_in(client, practitioner, password)
    clock.advance(minutes=25)
    client.get(reverse("reflections:csrf_token"))
    clock.advance(minutes=25)

    assert is_signed_in(client)


def test_a_session_ends_eight_hours_after_signing_in_however_busy(
    client, practitioner, password, clock
):
    sign_in(client, practitioner, password)
    for _ in range(15):
        clock.advance(minutes=30)
        clock.advance(minutes=-1)
        client.get(HOME)

    clock.advance(minutes=30)

    assert not is_signed_in(client)


def test_the_timeouts_are_settings(client, practitioner, password, clock, settings):
    settings.SESSION_IDLE_MINUTES = 5
    sign_in(client, practitioner, password)

    clock.advance(minutes=5)

    assert not is_signed_in(client)


def test_an_unchanged_session_is_not_written_on_every_request(
    client, practitioner, password, clock, django_assert_max_num_queries
):
    sign_in(client, practitioner, password)
    client.get(HOME)
    clock.advance(minutes=0.5)

    with django_assert_max_num_queries(50) as captured:
        response = client.get(HOME)

    assert response.status_code == 200
    assert practitioner.full_name in response.content.decode()
    assert not [q for q in captured.captured_queries if 'UPDATE "django_session"' in q["sql"]]


def test_the_session_list_shows_each_browser_and_ends_one(client, practitioner, password):
    phone = sign_in(Client(HTTP_USER_AGENT="Phone browser"), practitioner, password)
    sign_in(Client(HTTP_USER_AGENT="Laptop browser"), practitioner, password)
    here = sign_in(Client(HTTP_USER_AGENT="This browser"), practitioner, password)

    page = here.get(SESSIONS).content.decode()
    phone_session = UserSession.objects.get(session_key=phone.session.session_key)
    ended = here.post(reverse("accounts:session_end", args=[phone_session.pk]))

    assert "Phone browser" in page
    assert "Laptop browser" in page
    assert "This browser" in page
    assert ended.url == SESSIONS
    assert not is_signed_in(phone)
    assert is_signed_in(here)
    assert UserSession.objects.filter(user=practitioner).count() == 2


def test_signing_out_everywhere_else_keeps_this_browser(client, practitioner, password):
    other = sign_in(Client(), practitioner, password)
    here = sign_in(Client(), practitioner, password)

    here.post(SESSIONS)

    assert is_signed_in(here)
    assert not is_signed_in(other)


def test_someone_elses_session_cannot_be_ended(client, practitioner, colleague, password):
    theirs = sign_in(Client(), colleague, password)
    session = UserSession.objects.get(user=colleague)
    sign_in(client, practitioner, password)

    response = client.post(reverse("accounts:session_end", args=[session.pk]))

    assert response.status_code == 404
    assert is_signed_in(theirs)


def test_the_session_list_is_for_signed_in_people(client):
    assert client.get(SESSIONS).url.startswith(reverse("account_login"))


def test_the_session_list_runs_a_fixed_number_of_queries(
    client, practitioner, password, django_assert_max_num_queries
):
    sign_in(client, practitioner, password)
    for _ in range(5):
        sign_in(Client(), practitioner, password)
    UserFactory.create_batch(5)

    with django_assert_max_num_queries(8):
        response = client.get(SESSIONS)
    assert response.status_code == 200
    assert len(response.context["sessions"]) == 6
