"""Who may see what on the organisation administrators' pages.

Only an active organisation administrator gets anything here, and only about their own
organisation: every read starts from `organisation_id_of(admin=...)`, which refuses
everyone else (PermissionDenied, a 403), and every queryset is filtered to that
organisation, so an id from elsewhere is not found (404). Nothing here reads answers,
progress or anything else from reflections.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from accounts.emails import email_normalise
from accounts.models import Organisation, Team, User, UserQuerySet
from accounts.selectors import account_inactive_cutoff

from .imports import KnownToOrganisation, RowCheck, staff_rows_check
from .models import StaffImport, StaffInvitation

MEMBERS_PER_PAGE = 50

# A row's status: its filter value and the words shown for it.
STATUSES = {
    "active": "Active",
    "unverified": "Email not verified",
    "deactivated": "Deactivated",
    "invited": "Invited, not yet accepted",
    "expired": "Invitation expired",
}
PERSON_STATUSES = ("active", "unverified", "deactivated")
INVITATION_STATUSES = ("invited", "expired")


def organisation_id_of(*, admin: User) -> int:
    """The organisation `admin` administers; PermissionDenied for anyone else."""
    organisation_id = admin.organisation_id
    if organisation_id is None or not (
        admin.is_authenticated and admin.is_active and admin.is_organisation_admin
    ):
        raise PermissionDenied("Only an organisation administrator can use these pages.")
    return organisation_id


def organisation_of(*, admin: User) -> Organisation:
    return Organisation.objects.get(pk=organisation_id_of(admin=admin))


def members_of(*, admin: User) -> UserQuerySet:
    """Everyone in the admin's organisation, active or not."""
    return User.objects.filter(organisation_id=organisation_id_of(admin=admin))


def teams_of(*, admin: User) -> QuerySet[Team]:
    return Team.objects.filter(organisation_id=organisation_id_of(admin=admin))


def teams_with_counts(*, admin: User) -> QuerySet[Team]:
    """The organisation's teams, each with how many active members it has and its managers."""
    return (
        teams_of(admin=admin)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .prefetch_related("managers")
        .order_by("name")
    )


def invitations_of(*, admin: User) -> QuerySet[StaffInvitation]:
    return StaffInvitation.objects.filter(organisation_id=organisation_id_of(admin=admin))


def member_get(*, admin: User, person_id: int) -> User:
    """A member of the admin's organisation, with their team and managed teams (one
    query each); User.DoesNotExist for anyone else."""
    return (
        members_of(admin=admin)
        .with_verified_flag()
        .select_related("team")
        .prefetch_related("managed_teams")
        .get(pk=person_id)
    )


def member_is_platform_person(*, person: User) -> bool:
    """Trainers, course administrators and staff: their access is set by the course's
    administrators, never from the organisation's pages."""
    return (
        person.role in (User.Role.TRAINER, User.Role.ADMINISTRATOR)
        or person.is_staff
        or person.is_superuser
    )


# --- The members list ---------------------------------------------------------------
# People and waiting invitations in one table: two querysets with the same columns,
# joined by UNION, so the search, filters, order and pages apply to both in one query.

_COLUMNS = (
    "kind",
    "row_id",
    "name",
    "email_address",
    "team_name",
    "job",
    "role_code",
    "status",
    "last_sign_in",
    "since",
)


def _people_rows(*, organisation_id: int) -> UserQuerySet:
    status = Case(
        When(is_active=False, then=Value("deactivated")),
        When(_has_verified_email=True, then=Value("active")),
        default=Value("unverified"),
        output_field=CharField(),
    )
    return (
        User.objects.filter(organisation_id=organisation_id)
        .with_verified_flag()
        .annotate(
            kind=Value("person", output_field=CharField()),
            row_id=F("pk"),
            name=F("full_name"),
            email_address=F("email"),
            team_name=F("team__name"),
            job=F("job_role"),
            role_code=F("role"),
            status=status,
            last_sign_in=F("last_login"),
            since=F("date_joined"),
        )
    )


def _invitation_rows(*, organisation_id: int, now: datetime) -> QuerySet[StaffInvitation]:
    status = Case(
        When(created_at__lte=StaffInvitation.expiry_cutoff(now), then=Value("expired")),
        default=Value("invited"),
        output_field=CharField(),
    )
    return (
        StaffInvitation.objects.filter(organisation_id=organisation_id)
        .unaccepted()
        .annotate(
            kind=Value("invitation", output_field=CharField()),
            row_id=F("pk"),
            name=F("full_name"),
            email_address=F("email"),
            team_name=F("team__name"),
            job=F("job_role"),
            role_code=F("role"),
            status=status,
            last_sign_in=Value(None, output_field=DateTimeField()),
            since=F("created_at"),
        )
    )


def _matching(
    queryset: QuerySet[Any],
    *,
    search: str,
    team: Team | None,
    status: str,
    statuses: tuple[str, ...],
) -> QuerySet[Any, dict[str, Any]]:
    if status:
        queryset = queryset.filter(status=status) if status in statuses else queryset.none()
    if team is not None:
        queryset = queryset.filter(team=team)
    if search:
        queryset = queryset.filter(
            Q(full_name__icontains=search) | Q(email__icontains=email_normalise(search))
        )
    # Each side unordered (ORDER BY is not allowed inside a UNION); the union is ordered.
    return queryset.order_by().values(*_COLUMNS)


@dataclass(frozen=True)
class MemberRow:
    """One line of the members list: a person, or an invitation not yet accepted."""

    kind: str
    row_id: int
    name: str
    email_address: str
    team_name: str | None
    job: str
    role_code: str
    status: str
    last_sign_in: datetime | None
    since: datetime
    inactive: bool

    @property
    def is_person(self) -> bool:
        return self.kind == "person"

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def role_label(self) -> str:
        return User.Role(self.role_code).label


def inactive_cutoff(*, now: datetime | None = None) -> datetime:
    """People nobody has signed in to since this moment are flagged as inactive: the one
    rule, accounts.selectors.account_inactive_cutoff (ACCOUNT_INACTIVE_FLAG_DAYS)."""
    return account_inactive_cutoff(now=now)


def _member_row(*, values: dict[str, Any], cutoff: datetime) -> MemberRow:
    inactive = values["kind"] == "person" and (values["last_sign_in"] or values["since"]) < cutoff
    return MemberRow(**values, inactive=inactive)


def members_page(
    *,
    admin: User,
    search: str = "",
    team: Team | None = None,
    status: str = "",
    page_number: int | str = 1,
) -> tuple[Page, list[MemberRow]]:
    """A page of the members list (MEMBERS_PER_PAGE rows, by name) and its rows.

    Two queries whatever the organisation's size: the count and the page.
    """
    organisation_id = organisation_id_of(admin=admin)
    now = timezone.now()
    search = search.strip()
    people = _matching(
        _people_rows(organisation_id=organisation_id),
        search=search,
        team=team,
        status=status,
        statuses=PERSON_STATUSES,
    )
    invitations = _matching(
        _invitation_rows(organisation_id=organisation_id, now=now),
        search=search,
        team=team,
        status=status,
        statuses=INVITATION_STATUSES,
    )
    rows = people.union(invitations, all=True).order_by("name", "email_address", "kind")
    page = Paginator(rows, MEMBERS_PER_PAGE).get_page(page_number)
    cutoff = inactive_cutoff(now=now)
    return page, [_member_row(values=values, cutoff=cutoff) for values in page.object_list]


# --- Staff lists waiting to be imported -------------------------------------------------


def staff_import_get(*, admin: User, import_id: int) -> StaffImport:
    """An unexpired staff list this admin uploaded for their organisation; DoesNotExist
    for any other (another admin's, another organisation's, expired)."""
    organisation_id = organisation_id_of(admin=admin)
    return StaffImport.objects.unexpired().get(
        pk=import_id, organisation_id=organisation_id, created_by=admin
    )


def known_to_organisation(*, organisation_id: int, emails: Iterable[str]) -> KnownToOrganisation:
    """What the checks of a staff list need to know (three queries)."""
    normalised = {email_normalise(email) for email in emails if email}
    teams = Team.objects.filter(organisation_id=organisation_id)
    members = User.objects.filter(organisation_id=organisation_id, email__in=normalised)
    invited = StaffInvitation.objects.pending().filter(
        organisation_id=organisation_id, email__in=normalised
    )
    return KnownToOrganisation(
        teams_by_name={team.name.casefold(): team for team in teams},
        member_emails=frozenset(members.values_list("email", flat=True)),
        invited_emails=frozenset(invited.values_list("email", flat=True)),
    )


def staff_import_checks(*, staff_import: StaffImport) -> list[RowCheck]:
    """Each row of the staff list checked against the organisation as it is now."""
    known = known_to_organisation(
        organisation_id=staff_import.organisation_id,
        emails=[row["email"] for row in staff_import.rows],
    )
    return staff_rows_check(staff_import.rows, known=known)


# --- Invitations, from the link in the email ---------------------------------------------


def invitation_by_token(*, token: str) -> StaffInvitation:
    """The invitation a link names, with its organisation and team; DoesNotExist if none."""
    return StaffInvitation.objects.select_related("organisation", "team", "invited_by").get(
        token=token
    )


def emails_with_accounts(*, emails: Iterable[str]) -> set[str]:
    """Which of these addresses (in normal form) belong to an account, as its sign-in
    address or a verified one. Used to word an invitation's email and to choose what its
    link shows the invitee; never shown to an administrator."""
    wanted = set(emails)
    users = User.objects.filter(email__in=wanted).values_list("email", flat=True)
    verified = EmailAddress.objects.filter(email__in=wanted, verified=True)
    return set(users) | {email_normalise(e) for e in verified.values_list("email", flat=True)}


def email_has_account(*, email: str) -> bool:
    return bool(emails_with_accounts(emails=[email_normalise(email)]))


def invitation_problem_for(*, invitation: StaffInvitation, user: User) -> str | None:
    """Why the signed-in `user` cannot accept `invitation` (None when they can): it must
    be sent to a verified address of theirs, and they must belong to no organisation
    (or already to this one)."""
    addresses = EmailAddress.objects.filter(
        user=user, verified=True, email__iexact=invitation.email
    )
    if not any(email_normalise(address.email) == invitation.email for address in addresses):
        return (
            f"This invitation was sent to {invitation.email}, which is not a verified address "
            "of the account you are signed in to. Sign out, then sign in with that address."
        )
    if user.organisation_id not in (None, invitation.organisation_id):
        return (
            "This invitation cannot be used from an account in another organisation. Ask the "
            "person who invited you, or the course's administrators, for help."
        )
    return None
