"""What organisation administrators change: invitations, staff imports, members' teams,
roles and access, and teams. Also accepting an invitation, from its link.

Every write is keyword-only and atomic, is checked against the admin's own organisation
(through organisations.selectors, whatever the view already checked), and is audited:
changes to a person through accounts.admin_audit.person_change_record, which also emails
the person about a role change made by someone else. Writes for one organisation lock
its row first, then the person's: one order everywhere, so two administrators working at
once queue rather than deadlock, and checks such as "the last administrator" or "already
invited" cannot be raced.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.admin_audit import (
    people_snapshot,
    person_change_record,
    person_changes,
    person_created_record,
)
from accounts.emails import email_normalise
from accounts.mail import message_build, site_link
from accounts.models import Organisation, Team, User
from accounts.services import account_deactivated
from audit.services import audit_record, audit_record_many
from outbox.services import email_queue

from .imports import RowCheck
from .models import ORGANISATION_ROLES, StaffImport, StaffInvitation
from .selectors import (
    email_has_account,
    emails_with_accounts,
    invitation_problem_for,
    known_to_organisation,
    member_is_platform_person,
    members_of,
    organisation_id_of,
    staff_import_checks,
)

# Expired invitations stay this long after expiry (shown as "Invitation expired", so
# the administrator can send another), then the daily retention run removes them
# (reflections.retention.staff_invitations_purge).
EXPIRED_INVITATIONS_KEPT_DAYS = 30


class OrganisationAdminError(Exception):
    """A change the administrator cannot make; the message is written for them."""


class InvitationError(Exception):
    """An invitation that cannot be accepted; the message is written for the invitee."""


# --- Shared steps ----------------------------------------------------------------------


def _organisation_locked(admin: User) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation_id_of(admin=admin))


def _member_locked(admin: User, person: User) -> User:
    try:
        return members_of(admin=admin).select_for_update().get(pk=person.pk)
    except User.DoesNotExist:
        raise OrganisationAdminError("That person is not in your organisation.") from None


def _check_changeable(person: User) -> None:
    if member_is_platform_person(person=person):
        raise OrganisationAdminError(
            f"{person.full_name}'s access is set by the course's administrators. Ask them "
            "to change it."
        )


def _check_role(role: str) -> None:
    if role not in ORGANISATION_ROLES:
        raise OrganisationAdminError(
            "Choose practitioner, team manager or organisation administrator."
        )


def _check_team(organisation: Organisation, team: Team | None) -> None:
    if team is not None and team.organisation_id != organisation.pk:
        raise OrganisationAdminError("Choose one of your organisation's teams.")


def _check_an_admin_remains(
    organisation: Organisation, person: User, *, actor: User, role: str, is_active: bool
) -> None:
    """Refuse a change that would leave the organisation without an active
    organisation administrator (only the last one can cause that)."""
    was_admin = person.is_active and person.role == User.Role.ORGANISATION_ADMIN
    stays_admin = is_active and role == User.Role.ORGANISATION_ADMIN
    if not was_admin or stays_admin:
        return
    others = User.objects.organisation_admins().filter(organisation=organisation)
    if others.exclude(pk=person.pk).exists():
        return
    who = "You are" if person.pk == actor.pk else f"{person.full_name} is"
    raise OrganisationAdminError(
        f"{who} the last organisation administrator of {organisation.name}. Make someone "
        "else an organisation administrator first."
    )


@contextmanager
def _person_changes_recorded(person: User, *, actor: User) -> Iterator[None]:
    """Audit what the enclosed block changes about `person` (and tell them of a role
    change, through person_change_record)."""
    before = people_snapshot(ids=[person.pk])[person.pk]
    yield
    after = people_snapshot(ids=[person.pk])[person.pk]
    changes = person_changes(before=before, after=after)
    if changes:
        person_change_record(person=person, actor=actor, changes=changes)


# --- Invitations -------------------------------------------------------------------------


def _invitation_message(invitation: StaffInvitation, *, has_account: bool) -> EmailMessage:
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "inviter": invitation.invited_by.full_name if invitation.invited_by else "",
        "link": site_link(reverse("staff_invitation:accept", args=[invitation.token])),
        "sign_in_link": site_link(reverse("account_login")),
    }
    template = "existing" if has_account else "new"
    return message_build(
        subject_template="organisations/email/invitation_subject.txt",
        body_template=f"organisations/email/invitation_{template}.txt",
        context=context,
        to=invitation.email,
    )


def _invitations_email(invitations: list[StaffInvitation]) -> None:
    """Queue the email of each invitation in the transaction that makes them: the worker
    sends them, so a mail server failure never undoes an invitation (an administrator
    can withdraw one and invite again to send it afresh)."""
    with_accounts = emails_with_accounts(emails=(invitation.email for invitation in invitations))
    for invitation in invitations:
        message = _invitation_message(invitation, has_account=invitation.email in with_accounts)
        email_queue(message=message, purpose="organisations/invitation")


def _check_invitable(organisation: Organisation, email: str) -> None:
    known = known_to_organisation(organisation_id=organisation.pk, emails=[email])
    if email in known.member_emails:
        raise OrganisationAdminError(
            f"{email} is already a member of {organisation.name}: find them in the members list."
        )
    if email in known.invited_emails:
        raise OrganisationAdminError(
            f"{email} has already been invited and the invitation is still waiting."
        )


def _audit_invitations(invitations: list[StaffInvitation], *, admin: User, via: str) -> None:
    audit_record_many(
        action="organisation.invitation_sent",
        actor=admin,
        targets=[
            (
                invitation,
                {
                    "organisation": invitation.organisation_id,
                    "role": invitation.role,
                    "team": invitation.team_id,
                    "via": via,
                },
            )
            for invitation in invitations
        ],
    )


@transaction.atomic
def staff_invitation_send(
    *, admin: User, full_name: str, email: str, team: Team | None, job_role: str, role: str
) -> StaffInvitation:
    """Invite one person to the organisation and email them the link.

    Whether the address already has an account (elsewhere) changes only the email's
    wording: the administrator is told the same either way. An address that is a member
    of this organisation already, or has an invitation waiting, is refused (the
    administrator can see both in the members list).
    """
    organisation = _organisation_locked(admin)
    email = email_normalise(email)
    _check_role(role)
    _check_team(organisation, team)
    _check_invitable(organisation, email)
    invitation = StaffInvitation.objects.create(
        organisation=organisation,
        email=email,
        full_name=full_name,
        team=team,
        job_role=job_role,
        role=role,
        invited_by=admin,
    )
    _audit_invitations([invitation], admin=admin, via="invitation form")
    _invitations_email([invitation])
    return invitation


@transaction.atomic
def staff_invitation_withdraw(*, admin: User, invitation: StaffInvitation) -> None:
    """Withdraw an invitation not yet accepted: its link stops working at once."""
    organisation = _organisation_locked(admin)
    invitation = (
        StaffInvitation.objects.unaccepted()
        .select_for_update()
        .filter(organisation=organisation, pk=invitation.pk)
        .first()
    )
    if invitation is None:
        raise OrganisationAdminError("That invitation has been accepted or withdrawn already.")
    audit_record(
        action="organisation.invitation_withdrawn",
        actor=admin,
        target=invitation,
        organisation=organisation.pk,
    )
    invitation.delete()


# --- Staff imports ------------------------------------------------------------------------


class StaffImportRefused(Exception):
    """A staff list with at least one problem: nothing was imported."""

    def __init__(self, checks: list[RowCheck]):
        super().__init__("The staff list has problems; nothing was imported.")
        self.checks = checks


@transaction.atomic
def staff_import_create(*, admin: User, rows: list[dict[str, str]]) -> StaffImport:
    """Keep a staff list (read by organisations.imports) for its preview and import."""
    organisation_id = organisation_id_of(admin=admin)
    staff_import = StaffImport.objects.create(
        organisation_id=organisation_id, created_by=admin, rows=rows
    )
    audit_record(
        action="organisation.staff_list_uploaded",
        actor=admin,
        target=staff_import,
        organisation=organisation_id,
        rows=len(rows),
    )
    return staff_import


@transaction.atomic
def staff_import_apply(*, admin: User, staff_import: StaffImport) -> list[StaffInvitation]:
    """Invite everyone on the staff list, or nobody: the rows are checked again here,
    under the organisation's lock, and one problem in any row refuses the whole list
    (StaffImportRefused, with the checks to show)."""
    organisation = _organisation_locked(admin)
    staff_import = StaffImport.objects.select_for_update().get(
        pk=staff_import.pk, organisation=organisation, created_by=admin
    )
    checks = staff_import_checks(staff_import=staff_import)
    if not all(check.ok for check in checks):
        raise StaffImportRefused(checks)
    invitations = StaffInvitation.objects.bulk_create(
        StaffInvitation(
            organisation=organisation,
            email=check.email,
            full_name=check.name,
            team=check.team,
            job_role=check.job_role,
            role=check.role,
            invited_by=admin,
        )
        for check in checks
    )
    _audit_invitations(invitations, admin=admin, via="staff list")
    audit_record(
        action="organisation.staff_list_imported",
        actor=admin,
        target=staff_import,
        organisation=organisation.pk,
        invited=len(invitations),
    )
    staff_import.delete()
    _invitations_email(invitations)
    return invitations


# --- Accepting an invitation --------------------------------------------------------------


def _invitation_locked(invitation: StaffInvitation) -> StaffInvitation:
    invitation = (
        StaffInvitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "team")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has been used already.")
    if invitation.is_expired:
        raise InvitationError("This invitation has expired.")
    return invitation


def _invitation_accepted(invitation: StaffInvitation, user: User) -> None:
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action="organisation.invitation_accepted",
        actor=user,
        target=invitation,
        organisation=invitation.organisation_id,
        invited_by=invitation.invited_by_id,
    )


@transaction.atomic
def staff_invitation_accept_new(*, invitation: StaffInvitation, password: str) -> User:
    """Create the invitee's account from the invitation, with the password they chose.

    The address is marked verified: the link was sent to it, so opening it proves it.
    """
    invitation = _invitation_locked(invitation)
    if email_has_account(email=invitation.email):
        raise InvitationError("There is already an account with this email address.")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                full_name=invitation.full_name,
                organisation=invitation.organisation,
                team=invitation.team,
                job_role=invitation.job_role,
                role=invitation.role,
            )
    except IntegrityError:
        raise InvitationError("There is already an account with this email address.") from None
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if invitation.role == User.Role.TEAM_MANAGER and invitation.team is not None:
        invitation.team.managers.add(user)
    person_created_record(person=user, actor=user)
    audit_record(action="account.email_verified", actor=user, target=user, via="staff invitation")
    _invitation_accepted(invitation, user)
    return user


@transaction.atomic
def staff_invitation_accept_existing(*, invitation: StaffInvitation, user: User) -> User:
    """The signed-in `user`, whose verified address the invitation was sent to, joins the
    organisation with the invitation's team, role and job role. Only an account in no
    organisation can: moving between organisations is for the course's administrators."""
    invitation = _invitation_locked(invitation)
    user = User.objects.select_for_update().get(pk=user.pk)
    problem = invitation_problem_for(invitation=invitation, user=user)
    if problem:
        raise InvitationError(problem)
    organisation = invitation.organisation
    if user.organisation_id == organisation.pk:
        _invitation_accepted(invitation, user)
        return user
    with _person_changes_recorded(user, actor=user):
        user.organisation = organisation
        user.team = invitation.team
        if not member_is_platform_person(person=user):
            user.role = invitation.role
        user.job_role = user.job_role or invitation.job_role
        user.save(update_fields=["organisation", "team", "role", "job_role"])
        if user.role == User.Role.TEAM_MANAGER and invitation.team is not None:
            invitation.team.managers.add(user)
    _invitation_accepted(invitation, user)
    return user


# --- Members --------------------------------------------------------------------------------


@transaction.atomic
def member_team_set(*, admin: User, person: User, team: Team | None) -> User:
    """Move a member to another team of the organisation (or to none)."""
    organisation = _organisation_locked(admin)
    person = _member_locked(admin, person)
    _check_changeable(person)
    _check_team(organisation, team)
    with _person_changes_recorded(person, actor=admin):
        person.team = team
        person.save(update_fields=["team"])
    return person


@transaction.atomic
def member_managed_teams_set(*, admin: User, person: User, teams: Iterable[Team]) -> User:
    """Set which of the organisation's teams `person` manages. Managing any makes a
    practitioner a team manager; managing none makes a team manager a practitioner
    again. An organisation administrator keeps their role either way."""
    organisation = _organisation_locked(admin)
    person = _member_locked(admin, person)
    _check_changeable(person)
    chosen = list(teams)
    for team in chosen:
        _check_team(organisation, team)
    with _person_changes_recorded(person, actor=admin):
        _managed_teams_replace(person, organisation, chosen)
        if chosen and person.role == User.Role.PRACTITIONER:
            person.role = User.Role.TEAM_MANAGER
        elif not chosen and person.role == User.Role.TEAM_MANAGER:
            person.role = User.Role.PRACTITIONER
        person.save(update_fields=["role"])
    return person


def _managed_teams_replace(person: User, organisation: Organisation, teams: list[Team]) -> None:
    """Only this organisation's teams are touched."""
    current = set(person.managed_teams.filter(organisation=organisation))
    wanted = set(teams)
    person.managed_teams.remove(*(current - wanted))
    person.managed_teams.add(*(wanted - current))


@transaction.atomic
def member_role_set(*, admin: User, person: User, role: str) -> User:
    """Give a member one of the organisation's roles. Back to practitioner, they stop
    managing the organisation's teams."""
    organisation = _organisation_locked(admin)
    person = _member_locked(admin, person)
    _check_changeable(person)
    _check_role(role)
    _check_an_admin_remains(
        organisation, person, actor=admin, role=role, is_active=person.is_active
    )
    with _person_changes_recorded(person, actor=admin):
        person.role = role
        person.save(update_fields=["role"])
        if role == User.Role.PRACTITIONER:
            _managed_teams_replace(person, organisation, [])
    return person


@transaction.atomic
def member_deactivate(*, admin: User, person: User) -> int:
    """A leaver: the account can no longer sign in, every session of theirs ends now, and
    everything they share with others ends (accounts.signals.person_deactivated). Their
    data is kept; the retention rules decide when it is erased. Returns how many
    sessions were ended."""
    organisation = _organisation_locked(admin)
    person = _member_locked(admin, person)
    _check_changeable(person)
    if not person.is_active:
        raise OrganisationAdminError(f"{person.full_name} is already deactivated.")
    _check_an_admin_remains(organisation, person, actor=admin, role=person.role, is_active=False)
    with _person_changes_recorded(person, actor=admin):
        person.is_active = False
        person.save(update_fields=["is_active"])
    # (A session that somehow has no UserSession row stops working too: the sign-in
    # backend refuses an inactive account.)
    return account_deactivated(person=person, actor=admin)


@transaction.atomic
def member_reactivate(*, admin: User, person: User) -> User:
    """A deactivated member may sign in again (with their old password)."""
    _organisation_locked(admin)
    person = _member_locked(admin, person)
    _check_changeable(person)
    if person.is_active:
        raise OrganisationAdminError(f"{person.full_name} is active already.")
    with _person_changes_recorded(person, actor=admin):
        person.is_active = True
        person.save(update_fields=["is_active"])
    return person


# --- Teams -----------------------------------------------------------------------------------


def _check_team_name_free(
    organisation: Organisation, name: str, *, team: Team | None = None
) -> None:
    # Compared ignoring case, so a staff list's team column matches one team only.
    same = Team.objects.filter(organisation=organisation, name__iexact=name)
    if team is not None:
        same = same.exclude(pk=team.pk)
    if same.exists():
        raise OrganisationAdminError(f'There is already a team called "{name}".')


@transaction.atomic
def team_create(*, admin: User, name: str) -> Team:
    organisation = _organisation_locked(admin)
    name = name.strip()
    _check_team_name_free(organisation, name)
    team = Team.objects.create(organisation=organisation, name=name)
    audit_record(
        action="organisation.team_created", actor=admin, target=team, organisation=organisation.pk
    )
    return team


@transaction.atomic
def team_rename(*, admin: User, team: Team, name: str) -> Team:
    organisation = _organisation_locked(admin)
    team = Team.objects.select_for_update().get(pk=team.pk, organisation=organisation)
    name = name.strip()
    _check_team_name_free(organisation, name, team=team)
    team.name = name
    team.save(update_fields=["name"])
    # The names themselves stay out of the trail: a rename is recorded, not its words.
    audit_record(
        action="organisation.team_renamed", actor=admin, target=team, organisation=organisation.pk
    )
    return team
