from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialLogin
from allauth.usersessions.internal.flows.sessions import end_other_sessions
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.services import Actor, audit_record

from .emails import email_domain
from .models import Notice, Organisation, OrganisationDomain, Team, User


@transaction.atomic
def membership_from_verified_email(*, user: User, email: str) -> bool:
    """A person who has just verified `email` joins the organisation that owns its
    domain, if they belong to none yet. Returns whether they joined.

    Belonging is proven, never chosen: only a verified address (or an invitation from
    the organisation's administrator) makes someone a member.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.organisation_id is not None:
        return False
    domain = OrganisationDomain.objects.filter(domain=email_domain(email)).first()
    if domain is None:
        return False
    return _organisation_join(
        user=user, organisation=domain.organisation, via="verified email domain"
    )


def _organisation_join(*, user: User, organisation: Organisation, via: str) -> bool:
    """`user` (locked) joins `organisation` if they belong to none yet, and then chooses
    a team; returns whether they joined. The one way anyone becomes a member by proving
    an address: by a verified domain, or through the organisation's sign-in service."""
    if user.organisation_id is not None:
        return False
    user.organisation = organisation
    user.team = None
    user.save(update_fields=["organisation", "team"])
    audit_record(
        action="organisation.joined",
        actor=user,
        target=user,
        organisation=organisation.pk,
        via=via,
    )
    return True


class TeamChoiceError(Exception):
    """The team cannot be chosen; the message is written for the person."""


@transaction.atomic
def team_choose(*, user: User, team: Team) -> User:
    """A new member picks their team, once. Later moves are for their organisation's
    administrator."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.team_id is not None:
        raise TeamChoiceError(
            "Your team is already set. Your organisation's administrator can change it."
        )
    if user.organisation_id is None or team.organisation_id != user.organisation_id:
        raise TeamChoiceError("Choose one of your organisation's teams.")
    user.team = team
    user.save(update_fields=["team"])
    audit_record(action="account.team_chosen", actor=user, target=user, team=team.pk)
    return user


# --- Single sign-on (the rules are in accounts.adapter.SingleSignOnAdapter) ------------


def _sso_join(*, user: User, organisation: Organisation) -> bool:
    """`user` (locked, in no organisation or in `organisation`) joins it if not in it yet."""
    return _organisation_join(user=user, organisation=organisation, via="single sign-on")


@transaction.atomic
def sso_membership_ensure(*, user: User, organisation: Organisation) -> User:
    """Someone already linked to `organisation`'s sign-in service signs in through it
    again: if they have since been taken out of every organisation, they rejoin it."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _sso_join(user=user, organisation=organisation)
    return user


@transaction.atomic
def sso_account_link(
    *,
    request: HttpRequest,
    sociallogin: SocialLogin,
    user: User,
    organisation: Organisation,
    email: str,
) -> User:
    """Link the provider's account to the course account that has `email`, which the
    provider has just vouched for. The account joins `organisation` if it is in none.

    If the course had never seen the address verified, whoever chose the account's
    password had not proven it was theirs (someone may have registered another person's
    address to wait for them): the password goes, with every other session, and the
    owner can set a new one by resetting it.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    joined = _sso_join(user=user, organisation=organisation)
    already_verified = EmailAddress.objects.filter(user=user, email=email, verified=True).exists()
    EmailAddress.objects.filter(user=user).exclude(email=email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    password_removed = not already_verified and user.has_usable_password()
    if password_removed:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        end_other_sessions(request, user)
    # Saves the link and emails the person that their account can now be signed in to
    # through the provider (templates/socialaccount/email/account_connected_*).
    sociallogin.connect(request, user)
    audit_record(
        action="account.sso_linked",
        actor=user,
        target=user,
        organisation=organisation.pk,
        sso_app=sociallogin.provider.app.pk,
        joined=joined,
        address_verified=not already_verified,
        password_removed=password_removed,
    )
    return user


@transaction.atomic
def sso_account_create(
    *, sociallogin: SocialLogin, organisation: Organisation, email: str, full_name: str
) -> User:
    """A new account for someone the provider has vouched for: in `organisation`, with
    no team yet (they choose it next), no password (they sign in through the provider)
    and their address already verified."""
    user = sociallogin.user
    user.email = email
    user.full_name = full_name
    user.organisation = organisation
    user.team = None
    user.set_unusable_password()
    user.save()
    sociallogin.account.user = user
    sociallogin.account.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    audit_record(
        action="account.sso_created",
        actor=user,
        target=user,
        organisation=organisation.pk,
        sso_app=sociallogin.provider.app.pk,
    )
    audit_record(
        action="organisation.joined",
        actor=user,
        target=user,
        organisation=organisation.pk,
        via="single sign-on",
    )
    return user


def account_sessions_end(*, person: User) -> int:
    """Sign `person` out everywhere: each session they signed in with is deleted from the
    session store with its UserSession row. Returns how many ended."""
    sessions = list(UserSession.objects.filter(user=person))
    for session in sessions:
        session.end()
    return len(sessions)


def account_deactivated(*, person: User, actor: Actor) -> int:
    """What follows when an account is closed (by an organisation administrator, or in
    the admin): every session ends now, and other apps end what the person shares
    (accounts.signals.person_deactivated). Returns how many sessions ended."""
    from .signals import person_deactivated  # noqa: PLC0415 (accounts.signals imports this module)

    ended = account_sessions_end(person=person)
    audit_record(action="account.sessions_ended", actor=actor, target=person, sessions=ended)
    person_deactivated.send(sender=User, person=person, actor=actor)
    return ended


def notice_send(*, user: User, text: str, link_url: str = "", link_text: str = "") -> Notice:
    """Leave `user` a notice for the next page they open (in the caller's transaction)."""
    notice = Notice.objects.create(user=user, text=text, link_url=link_url, link_text=link_text)
    User.objects.filter(pk=user.pk).update(has_notices=True)
    return notice


def notices_take(*, user: User) -> list[Notice]:
    """The notices waiting for `user`, marked shown: each is shown once. No query at all
    when none is waiting (the flag comes with the signed-in person's row)."""
    if not user.has_notices:
        return []
    with transaction.atomic():
        notices = list(Notice.objects.waiting().filter(user=user).select_for_update())
        Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(
            shown_at=timezone.now()
        )
        User.objects.filter(pk=user.pk).update(has_notices=False)
    user.has_notices = False
    return notices
