"""An organisation that has turned password sign-in off: its members sign in through
its own service only, whichever password form they use, and a reset sends no link."""

import pytest
from allauth.account.internal.flows.login import perform_login
from allauth.account.models import Login
from allauth.core import context
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client
from django.urls import reverse

from accounts.adapter import NOT_MATCHED
from reflections.models import Answer
from tests.factories import ExerciseFactory, QuestionFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SSO_MESSAGE = "Your organisation signs in through Northshire Council SSO: use the button below."


@pytest.fixture
def member(organisation):
    """A member of an organisation whose staff sign in through Northshire Council SSO
    only (no provider needs to run: nobody here gets that far)."""
    organisation.sso_app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="northshire",
        name="Northshire Council SSO",
        client_id="client",
        settings={"server_url": "https://login.example.org/tenant/v2.0"},
    )
    organisation.password_sign_in = False
    organisation.save()
    return UserFactory(team=TeamFactory(organisation=organisation), email="member@example.org")


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_member_with_the_right_password_is_sent_to_the_service(client, member, password):
    response = sign_in(client, member.email, password)

    page = response.content.decode()
    assert response.status_code == 200
    assert SSO_MESSAGE in page
    assert "Sign in with Northshire Council SSO</button>" in page
    assert SESSION_KEY not in client.session


def test_member_with_a_wrong_password_is_not_told_about_the_service(client, member):
    response = sign_in(client, member.email, "not the password")

    page = response.content.decode()
    assert NOT_MATCHED in page
    assert "signs in through" not in page
    assert SESSION_KEY not in client.session


def test_member_signs_in_with_a_password_once_it_is_turned_back_on(client, member, password):
    member.organisation.password_sign_in = True
    member.organisation.save()

    response = sign_in(client, member.email, password)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(member.pk)


def test_people_in_no_organisation_still_sign_in_with_a_password(client, member, password):
    person = UserFactory(team=None, organisation=None)

    sign_in(client, person.email, password)

    assert client.session[SESSION_KEY] == str(person.pk)


def test_signed_out_exercise_page_refuses_the_members_password(member, password):
    exercise = ExerciseFactory(number=7)
    QuestionFactory(exercise=exercise, key="first", order=1)
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("reflections:csrf_token"))
    token = client.cookies["csrftoken"].value

    response = client.post(
        reverse("reflections:sign_in_and_save", args=[7]),
        {
            "csrfmiddlewaretoken": token,
            "answer-first": "Typed before the session ended",
            "version-first": "0",
            "login": member.email,
            "password": password,
        },
    )

    assert response.status_code == 200
    assert SSO_MESSAGE in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not Answer.objects.exists()


def test_password_reset_tells_the_member_how_to_sign_in_instead(client, member, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": member.email})

    assert response.status_code == 302
    [email] = mailoutbox
    assert email.to == [member.email]
    assert email.subject == "How to sign in to the CSE practice course"
    assert 'use the "Sign in with Northshire Council SSO" button' in email.body
    assert "/password/reset/key/" not in email.body


def test_password_reset_still_sends_a_link_to_others(client, member, mailoutbox):
    person = UserFactory(team=None, organisation=None)

    client.post(reverse("account_reset_password"), {"email": person.email})

    [email] = mailoutbox
    assert "/password/reset/key/" in email.body


def _request(rf):
    request = rf.get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    return request


def test_member_is_not_signed_in_another_way_without_the_service(rf, member):
    # For example by opening an email verification link, which signs its owner in.
    request = _request(rf)

    with context.request_context(request):
        response = perform_login(request, Login(user=member, email_verification="optional"))

    assert response["Location"] == reverse("account_login")
    assert [str(m) for m in get_messages(request)] == [SSO_MESSAGE]
    assert SESSION_KEY not in request.session


def test_member_is_signed_in_through_the_service(rf, member):
    request = _request(rf)
    request.user = member  # allauth's sign-in reads the previous user

    through_the_service = {"sociallogin": object()}

    with context.request_context(request):
        perform_login(
            request,
            Login(user=member, email_verification="optional", signal_kwargs=through_the_service),
        )

    assert request.session[SESSION_KEY] == str(member.pk)
