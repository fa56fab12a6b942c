"""What administrators change about people: written to the audit trail, and told to them.

A set of changes is a dict keyed by field name, stored as the audit event's "changes":

- access fields (ACCESS_FIELDS) hold {"old": ..., "new": ...}, ids for rows, so the trail
  shows who had which access and when;
- "password" holds {"usable": bool}: that a password was set (or password sign-in was
  turned off), never the password or its hash;
- personal details (DETAIL_FIELDS) hold {}: that they changed, not to what, so the trail
  keeps no second copy of them.

`person_change_record` is the entry point for any change made to a person by someone
(an administrator, or later a service acting for one): it writes the audit event and
calls `person_changed_notify`, which emails the person about the kinds of change listed in
NOTIFIED_CHANGES when someone else made them. A new kind of change, such as an
administrator resetting someone's two-factor authentication, adds its sentence to
NOTIFIED_CHANGES and calls `person_change_record(..., changes={"two_factor": {}})`.
"""

from contextlib import contextmanager

from django.contrib.auth.hashers import is_password_usable
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record, audit_record_many
from outbox.services import email_queue

from .mail import message_build, site_link
from .models import User

ACCESS_FIELDS = (
    "role",
    "organisation",
    "team",
    "is_active",
    "is_staff",
    "is_superuser",
    "managed_teams",
    "groups",
)
DETAIL_FIELDS = ("email", "full_name", "job_role")


def _password_sentence(change):
    if change.get("usable", True):
        return "A new password was set for your account. Your previous password no longer works."
    return "Signing in with a password was turned off for your account."


def _role_sentence(change):
    old, new = (User.Role(change[side]).label for side in ("old", "new"))
    return f'Your role changed from "{old}" to "{new}".'


def _two_factor_sentence(change):
    return (
        "Two-factor sign-in was reset for your account: your authenticator app and recovery "
        "codes no longer work. Next time you sign in, set up your app again."
    )


# The changes a person is emailed about when someone else makes them, each with the
# sentence that tells them. Other changes are recorded in the audit trail only.
NOTIFIED_CHANGES = {
    "password": _password_sentence,
    "role": _role_sentence,
    "two_factor": _two_factor_sentence,
}


def _people(ids):
    return User.objects.filter(pk__in=ids).prefetch_related("managed_teams", "groups")


def _snapshot(person) -> dict:
    return {
        "role": person.role,
        "organisation": person.organisation_id,
        "team": person.team_id,
        "is_active": person.is_active,
        "is_staff": person.is_staff,
        "is_superuser": person.is_superuser,
        "managed_teams": sorted(team.pk for team in person.managed_teams.all()),
        "groups": sorted(group.pk for group in person.groups.all()),
        "email": person.email,
        "full_name": person.full_name,
        "job_role": person.job_role,
        # Only compared, to tell that a password was set; never stored or sent.
        "password": person.password,
    }


def people_snapshot(*, ids) -> dict[int, dict]:
    """Each person's audited fields as they stand, by id (three queries for any number)."""
    return {person.pk: _snapshot(person) for person in _people(ids)}


def person_changes(*, before: dict | None, after: dict) -> dict:
    """What differs between two snapshots, as stored in the audit trail.

    With no `before` (a new account) it is every access field and the password's state.
    """
    if before is None:
        changes = {name: {"old": None, "new": after[name]} for name in ACCESS_FIELDS}
        changes["password"] = {"usable": is_password_usable(after["password"])}
        return changes
    changes = {
        name: {"old": before[name], "new": after[name]}
        for name in ACCESS_FIELDS
        if before[name] != after[name]
    }
    changes.update({name: {} for name in DETAIL_FIELDS if before[name] != after[name]})
    if before["password"] != after["password"]:
        changes["password"] = {"usable": is_password_usable(after["password"])}
    return changes


def person_change_record(*, person, actor, changes: dict) -> AuditEvent:
    """Record that `actor` changed `person`, and tell the person if they need to know."""
    [event] = _changes_record([(person, changes)], actor=actor)
    return event


def people_changes_record(*, before: dict[int, dict], actor) -> None:
    """Record what changed for each person in `before` (from people_snapshot) since then.

    People who no longer exist are skipped: their deletion is recorded on its own.
    A fixed number of queries, however many people changed.
    """
    changed = []
    for person in _people(before):
        changes = person_changes(before=before[person.pk], after=_snapshot(person))
        if changes:
            changed.append((person, changes))
    _changes_record(changed, actor=actor)


def _changes_record(changed, *, actor) -> list[AuditEvent]:
    events = audit_record_many(
        action="account.changed",
        actor=actor,
        targets=[(person, {"changes": changes}) for person, changes in changed],
    )
    for (person, changes), event in zip(changed, events, strict=True):
        person_changed_notify(person=person, actor=actor, changes=changes, when=event.created_at)
    return events


@contextmanager
def people_changes_recorded(*, ids, actor):
    """Record what the enclosed block changes about these people, in one transaction."""
    with transaction.atomic():
        before = people_snapshot(ids=ids)
        yield
        people_changes_record(before=before, actor=actor)


def person_created_record(*, person, actor) -> AuditEvent:
    """Record the account `actor` created, with its starting access. Nobody is emailed."""
    changes = person_changes(before=None, after=people_snapshot(ids=[person.pk])[person.pk])
    return audit_record(action="account.created", actor=actor, target=person, changes=changes)


def people_deleted_record(*, people, actor) -> list[AuditEvent]:
    """Record, before it happens, that `actor` deleted these accounts (ids only)."""
    return audit_record_many(
        action="account.deleted",
        actor=actor,
        targets=[(person, {"via": "admin"}) for person in people],
    )


def team_people_ids(*, teams) -> set[int]:
    """The members and managers of these teams: the people a team's deletion changes."""
    people = User.objects.filter(Q(team__in=teams) | Q(managed_teams__in=teams))
    return set(people.values_list("pk", flat=True))


def person_changed_notify(*, person, actor, changes: dict, when=None) -> bool:
    """Email `person` about the NOTIFIED_CHANGES someone else made; return whether one goes.

    Nobody is emailed about their own changes. The email says what changed, when and
    whom to ask; it never holds a password. It is queued in the change's transaction, so
    a change that is rolled back is never announced, and the worker sends it: a mail
    server failure never undoes the change.
    """
    if actor is not None and actor.pk == person.pk:
        return False
    sentences = [tell(changes[name]) for name, tell in NOTIFIED_CHANGES.items() if name in changes]
    if not sentences:
        return False
    context = {
        "name": person.get_short_name(),
        "actor": actor,
        "sentences": sentences,
        "when": when or timezone.now(),
        "link": site_link(reverse("modules:home")),
    }
    message = message_build(
        subject_template="accounts/email/person_changed_subject.txt",
        body_template="accounts/email/person_changed.txt",
        context=context,
        to=person.email,
    )
    email_queue(message=message, purpose="accounts/person_changed")
    return True
