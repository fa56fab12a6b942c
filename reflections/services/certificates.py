"""Writes for certificates: issuing one when a practitioner has completed the course, and
an administrator revoking one.

A certificate is never issued on a request's word: `certificate_issue` asks
`progress.course_completed_at`, the one definition of complete, and issues at most one
per person (their row lock serialises two requests finishing at the same moment).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record

from ..models import Certificate
from ..progress import course_completed_at
from ..selectors.records import cpd_record

# A new code that happens to equal an existing one (one chance in 2**80 per certificate)
# is drawn again; three draws failing means something else is wrong.
_CODE_ATTEMPTS = 3


class CourseNotCompleted(Exception):
    """The person has not completed every lesson and exercise: no certificate yet."""


@transaction.atomic
def certificate_issue(*, user: User) -> tuple[Certificate, bool]:
    """(`user`'s certificate, whether this call issued it). The existing one when there is
    one; otherwise issued now, if the course is complete, with the date it was completed
    and the CPD time the CPD record counts. Raises CourseNotCompleted otherwise."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = Certificate.objects.filter(user=user).first()
    if existing is not None:
        return existing, False
    completed_at = course_completed_at(user)
    if completed_at is None:
        raise CourseNotCompleted
    values = {
        "completed_on": timezone.localdate(completed_at),
        "cpd_minutes": cpd_record(user=user).minutes,
    }
    certificate = _certificate_create(user=user, values=values)
    audit_record(
        action="certificate.issued",
        actor=user,
        target=certificate,
        completed_on=certificate.completed_on.isoformat(),
    )
    return certificate, True


def _certificate_create(*, user: User, values: dict) -> Certificate:
    for _attempt in range(_CODE_ATTEMPTS - 1):
        try:
            with transaction.atomic():
                return Certificate.objects.create(user=user, **values)
        except IntegrityError:  # the code was taken: draw another (the user's row is locked)
            continue
    return Certificate.objects.create(user=user, **values)


def course_completion_record(*, user: User) -> bool:
    """After something that may have completed the course (a lesson marked complete, an
    exercise submitted): issue the certificate if it did. True when this call issued it,
    so the page to show next is the course-completed page.

    Most calls come before the course is complete: they cost the completion check only
    (three queries), with no lock taken."""
    if course_completed_at(user) is None:
        return False
    try:
        _certificate, issued = certificate_issue(user=user)
    except CourseNotCompleted:
        return False
    return issued


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor: User, reason: str = "") -> bool:
    """Revoke `certificate`: from now on the verify page says so. False when it already
    was (the first revocation, and who made it, stand)."""
    revoked = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor, revoke_reason=reason[:200]
    )
    if revoked:
        certificate.refresh_from_db()
        audit_record(action="certificate.revoked", actor=actor, target=certificate)
    return bool(revoked)
