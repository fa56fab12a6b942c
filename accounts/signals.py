"""What happens around signing in, verifying an address and changing a password."""

from allauth.account.signals import (
    email_confirmed,
    password_changed,
    password_reset,
    password_set,
    user_signed_up,
)
from allauth.mfa.signals import authenticator_added, authenticator_removed
from allauth.usersessions.internal.flows.sessions import end_other_sessions
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from audit.logs import SIGN_IN, SIGN_IN_FAILED, SIGN_OUT, security_event
from audit.services import audit_record

from .emails import email_normalise
from .middleware import session_start
from .models import User
from .services import membership_from_verified_email

# Sent when a person's account is deactivated (a leaver), inside the transaction that
# deactivates it, with `person` and `actor` (who deactivated them). Apps that give a
# person something live with others end it here: reflections ends their shares. A
# receiver that fails undoes the deactivation, so nothing is left half done.
person_deactivated = Signal()


@receiver(user_logged_in, dispatch_uid="accounts_session_start")
def start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request.session)


@receiver(user_logged_in, dispatch_uid="accounts_log_sign_in")
def log_sign_in(sender, request, user, **kwargs):
    security_event(SIGN_IN, user=user)


@receiver(user_logged_out, dispatch_uid="accounts_log_sign_out")
def log_sign_out(sender, request, user, **kwargs):
    # `user` is None when the session had already ended.
    security_event(SIGN_OUT, user_id=user.pk if user is not None else None)


@receiver(user_login_failed, dispatch_uid="accounts_log_sign_in_failed")
def log_sign_in_failed(sender, credentials, request=None, **kwargs):
    """The account tried, by its id, when the address typed is one's; never the address
    itself (personal data, and often a mistyped password's neighbour) nor the password."""
    email = credentials.get("email") or credentials.get("username")
    account_id = None
    if isinstance(email, str):
        account_id = User.objects.filter(email=email_normalise(email)).values("pk").first()
    security_event(SIGN_IN_FAILED, account_id=account_id["pk"] if account_id else None)


@receiver(user_signed_up, dispatch_uid="accounts_audit_registration")
def audit_registration(sender, request, user, **kwargs):
    audit_record(action="account.registered", actor=user, target=user)


@receiver(email_confirmed, dispatch_uid="accounts_join_by_domain")
def join_organisation_by_domain(sender, request, email_address, **kwargs):
    audit_record(
        action="account.email_verified", actor=email_address.user, target=email_address.user
    )
    membership_from_verified_email(user=email_address.user, email=email_address.email)


@receiver(password_changed, dispatch_uid="accounts_password_changed")
@receiver(password_set, dispatch_uid="accounts_password_set")
@receiver(password_reset, dispatch_uid="accounts_password_reset")
def end_sessions_elsewhere(sender, request, user, **kwargs):
    """After a password change or reset, only the session that made it stays signed in
    (a reset made while signed out leaves none)."""
    end_other_sessions(request, user)
    audit_record(action="account.password_changed", actor=user, target=user)


@receiver(authenticator_added, dispatch_uid="accounts_mfa_added")
def audit_second_factor_added(sender, request, user, authenticator, **kwargs):
    audit_record(
        action="account.second_factor_added", actor=user, target=user, kind=authenticator.type
    )


@receiver(authenticator_removed, dispatch_uid="accounts_mfa_removed")
def audit_second_factor_removed(sender, request, user, authenticator, **kwargs):
    audit_record(
        action="account.second_factor_removed", actor=user, target=user, kind=authenticator.type
    )
