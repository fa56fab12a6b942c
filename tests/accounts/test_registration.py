"""Registering: an account that can only read the course until its address is verified,
then joins the organisation that owns the address's domain."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import OrganisationDomain, User
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")
SENT = reverse("account_email_verification_sent")


@pytest.fixture
def registration(password):
    return {
        "full_name": "Jo Bloggs",
        "email": "Jo.Bloggs@Example.org",
        "job_role": "Family support worker",
        "password1": password,
        "password2": password,
    }


@pytest.fixture
def council_domain(organisation):
    return OrganisationDomain.objects.create(organisation=organisation, domain="example.org")


def confirm_link(message):
    """The path of the confirmation link in an email (always on SITE_URL)."""
    return re.search(r"https://course\.example\.org(/accounts/confirm-email/\S+/)", message.body)[1]


def test_the_registration_page_asks_for_name_email_job_role_and_password(client, team):
    page = client.get(SIGNUP).content.decode()

    for name in ("full_name", "email", "job_role", "password1", "password2"):
        assert f'name="{name}"' in page
    assert team.name not in page
    assert team.organisation.name not in page
    assert 'name="organisation"' not in page
    assert 'name="team"' not in page


def test_registering_creates_an_unverified_account_and_sends_a_link(client, registration):
    response = client.post(SIGNUP, registration)

    user = User.objects.get()
    assert response.url == SENT
    assert SESSION_KEY not in client.session
    assert (user.email, user.full_name, user.job_role) == (
        "jo.bloggs@example.org",
        "Jo Bloggs",
        "Family support worker",
    )
    assert (user.organisation, user.team, user.role) == (None, None, "practitioner")
    assert not user.has_verified_email
    assert mail.outbox[0].to == ["jo.bloggs@example.org"]
    assert mail.outbox[0].subject == "Confirm your email address"
    assert confirm_link(mail.outbox[0])
    assert AuditEvent.objects.filter(action="account.registered", actor=user).exists()


def test_an_unverified_account_can_sign_in_to_read_the_course_but_not_write(
    client, registration, password
):
    client.post(SIGNUP, registration)
    client.post(reverse("account_login"), {"login": "jo.bloggs@example.org", "password": password})

    home = client.get(reverse("modules:home"))
    reflections = client.get(reverse("reflections:mine"))

    assert home.status_code == 200
    assert home.context["user"].email == "jo.bloggs@example.org"
    assert reflections.status_code == 403
    assert "Confirm your email address first" in reflections.content.decode()


def test_an_unverified_account_is_told_when_it_will_be_deleted(
    client, registration, password, settings
):
    settings.UNVERIFIED_ACCOUNT_DAYS = 9
    client.post(SIGNUP, registration)
    client.post(reverse("account_login"), {"login": "jo.bloggs@example.org", "password": password})

    page = client.get(reverse("reflections:mine")).content.decode()

    assert "the account is deleted after 9 days without a sign-in" in page


def test_opening_the_link_verifies_the_address_and_signs_in(client, registration):
    client.post(SIGNUP, registration)
    link = confirm_link(mail.outbox[0])

    shown = client.get(link)
    client.post(link)

    assert "Confirm my email address" in shown.content.decode()
    assert User.objects.get().has_verified_email
    assert client.get(reverse("reflections:mine")).status_code == 200


def test_opening_the_link_in_another_browser_verifies_without_signing_in(client, registration):
    client.post(SIGNUP, registration)
    elsewhere = Client()

    elsewhere.post(confirm_link(mail.outbox[0]))

    assert User.objects.get().has_verified_email
    assert SESSION_KEY not in elsewhere.session


def test_a_verified_address_at_an_organisations_domain_joins_it(
    client, registration, council_domain
):
    client.post(SIGNUP, registration)
    assert User.objects.get().organisation is None

    response = client.post(confirm_link(mail.outbox[0]))

    user = User.objects.get()
    assert user.organisation == council_domain.organisation
    assert user.team is None
    assert response.url == reverse("accounts:team_choose")
    assert AuditEvent.objects.filter(action="organisation.joined", target_id=str(user.pk)).exists()


def test_an_address_at_no_organisations_domain_makes_an_independent_learner(
    client, registration, council_domain
):
    client.post(SIGNUP, {**registration, "email": "jo@home.example"})

    client.post(confirm_link(mail.outbox[0]))

    user = User.objects.get()
    assert user.has_verified_email
    assert user.organisation is None


def test_registering_an_address_already_in_use_looks_the_same_and_tells_its_owner(
    client, registration, practitioner
):
    other = Client()
    fresh = client.post(SIGNUP, {**registration, "email": "someone.new@example.org"})
    taken = other.post(SIGNUP, {**registration, "email": "SAM@example.org"})

    assert (fresh.status_code, fresh.url) == (taken.status_code, taken.url)
    assert sorted(fresh.cookies) == sorted(taken.cookies)
    assert [str(m) for m in client.get(SENT).context["messages"]] == [
        "We have sent a link to someone.new@example.org. Open it to confirm the address is yours."
    ]
    assert [str(m) for m in other.get(SENT).context["messages"]] == [
        "We have sent a link to sam@example.org. Open it to confirm the address is yours."
    ]
    assert User.objects.filter(email="sam@example.org").get() == practitioner
    assert SESSION_KEY not in other.session
    owner_email = mail.outbox[-1]
    assert owner_email.to == ["sam@example.org"]
    assert owner_email.subject == "You already have an account"
    assert "https://course.example.org/accounts/password/reset/" in owner_email.body


def test_the_check_your_email_page_never_says_whether_the_address_was_taken(client):
    page = client.get(SENT).content.decode()

    assert "If you already have an account with this address, the email says so" in page


def test_a_registration_error_keeps_what_was_typed(client, registration):
    registration["password2"] = "something else"

    response = client.post(SIGNUP, registration)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Jo Bloggs"' in page
    assert 'value="Jo.Bloggs@Example.org"' in page
    assert "There is a problem" in page
    assert "Error: Create an account" in page
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "too short"), ("password123", "too common"), ("Jo Bloggs 1", "too similar")],
)
def test_weak_passwords_are_refused_with_the_reason(client, registration, password, message):
    registration.update(password1=password, password2=password)

    page = client.post(SIGNUP, registration).content.decode()

    assert message in page
    assert not User.objects.exists()


@pytest.mark.parametrize("field", ["full_name", "job_role"])
def test_names_with_line_breaks_are_refused(client, registration, field):
    registration[field] = "Jo\r\nBcc: everyone@example.org"

    page = client.post(SIGNUP, registration).content.decode()

    assert "no line breaks or control characters" in page
    assert not User.objects.exists()


def test_the_owner_of_a_known_address_is_not_flooded_with_emails(
    client, registration, practitioner
):
    for _ in range(3):
        client.post(SIGNUP, {**registration, "email": practitioner.email})

    assert [message.to for message in mail.outbox] == [[practitioner.email]]


def test_registration_is_rate_limited_per_client_address(client, registration):
    for number in range(5):
        client.post(SIGNUP, {**registration, "email": f"person{number}@example.org"})

    response = client.post(SIGNUP, {**registration, "email": "person5@example.org"})

    assert response.status_code == 429
    assert User.objects.count() == 5


def test_the_verification_link_can_be_sent_again_from_the_email_page(client, practitioner):
    address = EmailAddress.objects.get(user=practitioner)
    address.verified = False
    address.save()
    client.force_login(practitioner)

    client.post(reverse("account_email"), {"action_send": "", "email": practitioner.email})

    assert mail.outbox[-1].to == [practitioner.email]
    assert confirm_link(mail.outbox[-1])


def test_registering_runs_a_bounded_number_of_queries(
    client, registration, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = client.post(SIGNUP, registration)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    UserFactory.create_batch(20)

    with django_assert_max_num_queries(30):
        response = client.post(SIGNUP, {**registration, "email": "jo2@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="jo2@example.org").exists()


def test_an_address_at_an_organisation_that_signs_in_only_through_its_service_is_turned_away(
    client, registration, council_domain
):
    council = council_domain.organisation
    council.password_sign_in = False
    council.save()

    response = client.post(SIGNUP, registration)

    page = response.content.decode()
    assert response.status_code == 200
    assert f"{council.name} signs in through its own service, not with a password" in page
    assert not User.objects.exists()
    assert mail.outbox == []
