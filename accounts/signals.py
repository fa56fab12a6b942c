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
from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from audit.services import audit_record

from .middleware import session_start
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
