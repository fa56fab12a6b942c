"""How allauth fits this course: one normal form for addresses, links built from
SITE_URL, the client address from accounts.security, names and job roles saved at
registration, organisation membership from a verified address, and single sign-on
through an organisation's own OpenID Connect provider."""

import base64
import hashlib
from typing import ClassVar
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.services import audit_record
from outbox.services import email_queue

from .emails import email_domain, email_normalise
from .mail import site_link
from .models import OrganisationDomain, User
from .security import client_ip_address
from .selectors import organisation_for_sso_app
from .services import sso_account_create, sso_account_link, sso_membership_ensure
from .single_sign_on import (
    Refusal,
    password_sign_in_refusal,
    password_sign_in_service,
    provider_identity,
)

NOT_MATCHED = "That email and password do not match an account. Check both and try again."


class AccountAdapter(DefaultAccountAdapter):
    # The course's wording. A wrong password and an unknown address get the same answer.
    error_messages: ClassVar[dict[str, str]] = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": NOT_MATCHED,
        "invalid_login": NOT_MATCHED,
        "too_many_login_attempts": (
            "Too many sign-in attempts for this email address or from this network. For "
            "your security, wait 15 minutes and try again, or reset your password."
        ),
        "enter_current_password": "Enter your current password.",
        "incorrect_password": "That is not your password.",
        "incorrect_code": "That code is not right. Check the app and try again.",
        "invalid_password_reset": "This link does not work: it has expired or been used.",
        "rate_limited": "Too many attempts. Wait a few minutes and try again.",
        "same_as_current": "That is your email address already.",
        "duplicate_email": "That is your email address already.",
        "max_email_addresses": "Finish or cancel the change you have started first.",
    }

    def clean_email(self, email: str) -> str:
        return email_normalise(super().clean_email(email))

    def get_client_ip(self, request) -> str:
        if request is None:  # an email sent after the request has finished
            return "unknown"
        return client_ip_address(request) or "0.0.0.0"  # noqa: S104 (a key, not a bind)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data["full_name"]
        user.job_role = form.cleaned_data.get("job_role", "")
        if commit:
            user.save()
        return user

    # --- Links in emails ------------------------------------------------------------

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_link(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_link(path.replace("UID-KEY", quote(key)))

    def send_account_already_exists_mail(self, email: str) -> None:
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "signup_url": site_link(reverse("account_signup")),
                "password_reset_url": site_link(reverse("account_reset_password")),
            },
        )

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        """A member of an organisation that has turned password sign-in off gets no
        reset link (a password would not sign them in): they are told how to sign in
        instead. The page after asking looks the same either way."""
        service = password_sign_in_service(user)
        if service is None:
            super().send_password_reset_mail(user, email, context)
            return
        self.send_mail(
            "account/email/password_reset_single_sign_on",
            email,
            {**context, "user": user, "service": service},
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render one of the account emails and queue it for the worker to send (never
        sent inside the request). Nothing here reads the request (the email may be
        built when there is none)."""
        context = {
            "email": email,
            **context,
            "site_url": site_link(""),
            "sign_in_url": site_link(reverse("account_login")),
            "reset_url": site_link(reverse("account_reset_password")),
        }
        message = self.render_mail(template_prefix, email, context)
        email_queue(message=message, purpose=template_prefix)

    def format_email_subject(self, subject: str) -> str:
        return subject

    # --- Signing in -----------------------------------------------------------------------

    def pre_login(self, request, user, **kwargs):
        """Every sign-in passes here. For a member of an organisation that has turned
        password sign-in off, only one through a provider goes on. A password sign-in is
        stopped before this, on the form (accounts.forms.SignInForm), where its message
        belongs; this stops the other ways in, such as opening an email verification
        link, which signs its owner in."""
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        if (kwargs.get("signal_kwargs") or {}).get("sociallogin") is not None:
            return None
        refusal = password_sign_in_refusal(user)
        if refusal is None:
            return None
        clear_login(request)
        messages.error(request, refusal)
        return redirect("account_login")

    # --- Where people go ----------------------------------------------------------------

    def _next_step_url(self, user_id):
        """Where someone goes when they have not asked for a page: choosing their team if
        they have just joined an organisation (read afresh: verifying the address may
        have made them a member a moment ago), else the course."""
        organisation_id, team_id = (
            User.objects.filter(pk=user_id).values_list("organisation_id", "team_id").get()
        )
        if organisation_id and team_id is None:
            return reverse("accounts:team_choose")
        return None

    def get_login_redirect_url(self, request):
        return self._next_step_url(request.user.pk) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self._next_step_url(request.user.pk) or super().get_signup_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address):
        return self._next_step_url(
            email_address.user_id
        ) or super().get_email_verification_redirect_url(email_address)


class SingleSignOnAdapter(DefaultSocialAccountAdapter):
    """Sign-in through an organisation's own OpenID Connect provider (a SocialApp that
    an Organisation's `sso_app` points at). Every rule is in `pre_social_login`, which
    allauth calls once the provider has answered and before anyone is signed in:

    - the app must belong to an organisation, X;
    - the provider must say the address is verified (`email_verified`, or the app's
      "trust_email" setting when the claim is missing: accounts.single_sign_on);
    - the address, in its normal form, must be at one of X's domains;
    - the course account, found by an earlier link or else by that address, must be
      in X or in no organisation (it then joins X), never in another one. An account
      found by address is linked to the provider's account; with none, allauth's
      sign-up goes on to `save_user`, which creates one in X.

    Anything else is refused with a page (sso_refused.html) that says what to do and
    nothing about which accounts exist. Linking a provider from a signed-in account's
    settings ("connect") is refused too: links are made only by these rules.
    """

    def pre_social_login(self, request, sociallogin):
        app = sociallogin.provider.app
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            self._refuse(request, sociallogin, Refusal.CONNECT)
        organisation = organisation_for_sso_app(app=app)
        if organisation is None:
            self._refuse(request, sociallogin, Refusal.NOT_LINKED)
        identity = provider_identity(sociallogin)
        if not identity.email_verified:
            self._refuse(request, sociallogin, Refusal.EMAIL_UNVERIFIED)
        domain = email_domain(identity.email)
        if not OrganisationDomain.objects.filter(organisation=organisation, domain=domain).exists():
            self._refuse(request, sociallogin, Refusal.OTHER_DOMAIN)
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            user = User.objects.with_email(identity.email).first()
        if user is not None and user.organisation_id not in (None, organisation.pk):
            self._refuse(request, sociallogin, Refusal.OTHER_ORGANISATION, user=user)
        if user is not None and not user.is_active:
            # A closed account stays as it is: no link, no new organisation.
            raise ImmediateHttpResponse(
                get_account_adapter(request).respond_user_inactive(request, user)
            )

        if user is None:
            # allauth signs the person up next (save_user below) with this address,
            # which it checks no account has.
            sociallogin.email_addresses = [
                EmailAddress(email=identity.email, verified=True, primary=True)
            ]
        elif sociallogin.is_existing:
            user = sso_membership_ensure(user=user, organisation=organisation)
        else:
            user = sso_account_link(
                request=request,
                sociallogin=sociallogin,
                user=user,
                organisation=organisation,
                email=identity.email,
            )
        if user is None or user.team_id is None:
            # As for those who join by their address's domain: the team comes first.
            sociallogin.state["next"] = reverse("accounts:team_choose")

    def is_auto_signup_allowed(self, request, sociallogin):
        # pre_social_login has decided: a new account is made without a form.
        return True

    def save_user(self, request, sociallogin, form=None):
        organisation = organisation_for_sso_app(app=sociallogin.provider.app)
        identity = provider_identity(sociallogin)
        return sso_account_create(
            sociallogin=sociallogin,
            organisation=organisation,
            email=identity.email,
            full_name=identity.full_name,
        )

    def _refuse(self, request, sociallogin, reason: Refusal, *, user=None):
        app = sociallogin.provider.app
        audit_record(action="account.sso_refused", target=user, reason=reason.value, sso_app=app.pk)
        response = render(
            request,
            "socialaccount/sso_refused.html",
            {"reason": reason.value, "service": app.name},
            status=403,
        )
        raise ImmediateHttpResponse(response)


def _secret_box():
    """Fernet (AES with an HMAC) keyed from MFA_ENCRYPTION_KEY, for the authenticator
    secrets and recovery-code seeds allauth keeps in the database."""
    digest = hashlib.sha256(f"mfa-secrets:{settings.MFA_ENCRYPTION_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class SecondFactorAdapter(DefaultMFAAdapter):
    """Our wording; secrets encrypted at rest; a privileged person cannot turn two-factor
    sign-in off while their role needs it."""

    def encrypt(self, text: str) -> str:
        return _secret_box().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _secret_box().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator) -> bool:
        return not (settings.REQUIRE_SECOND_FACTOR and authenticator.user.is_privileged)

    error_messages: ClassVar[dict[str, str]] = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "That code is not right. Check the app (or the recovery code) and "
        "try again.",
        "add_email_blocked": "Your account uses two-factor sign-in, so its email address "
        "cannot be changed here. Ask your organisation's administrator.",
        "cannot_delete_authenticator": "Your role needs two-factor sign-in, so it cannot be "
        "turned off.",
        "unverified_email": "Confirm your email address before setting up two-factor sign-in.",
    }
