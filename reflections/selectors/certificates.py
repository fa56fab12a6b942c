"""Reads for certificates: a practitioner's own, and what the public verify page may say
about a code.

The verify page is open to anyone, so `certificate_verify` returns a `Verification`
that holds the three facts a certificate states (name, course, date) and nothing else:
no template or view there can reach the person's email, organisation or CPD detail.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from accounts.models import User
from modules.compiled_queries import Compiled
from modules.formats import minutes_in_words
from modules.models import Course

from ..models import Certificate, certificate_code_grouped, certificate_code_normalise
from ..progress import course_completion_for, course_totals

# Asked on the course home of everyone signed in: compiled once, run with their id.
_certificate_of = Compiled(
    Certificate, lambda user_id: Certificate.objects.filter(user_id=user_id), 1
)


def certificate_own(*, user: User) -> Certificate | None:
    """`user`'s certificate (one each at most), or None: nobody else's is ever found.
    No query for someone never issued one (`User.has_certificate`)."""
    if not user.has_certificate:
        return None
    found = _certificate_of.objects(user.pk)
    if not found:
        return None
    certificate = found[0]
    certificate.user = user  # whose it is, known without a query
    return certificate


@dataclass(frozen=True)
class CertificateDocument:
    """What a certificate states, for its printable page and its PDF alike."""

    certificate: Certificate
    course_title: str
    source_citation: str

    @property
    def verify_url(self) -> str:
        """The verify page of its code, from SITE_URL (never the request's Host header)."""
        return settings.SITE_URL.rstrip("/") + self.certificate.get_verify_url()

    @property
    def time_spent(self) -> str:
        return f"About {minutes_in_words(self.certificate.cpd_minutes)}"


def certificate_document(*, certificate: Certificate) -> CertificateDocument:
    course = Course.objects.first()
    return CertificateDocument(
        certificate=certificate,
        course_title=course.title if course else "",
        source_citation=course.source_citation if course else "",
    )


@dataclass(frozen=True)
class CompletionSummary:
    """What the course-completed page says the practitioner did."""

    certificate: Certificate
    lessons_completed: int
    exercises_submitted: int

    @property
    def time_spent(self) -> str:
        return f"About {minutes_in_words(self.certificate.cpd_minutes)}"


def completion_summary(*, certificate: Certificate) -> CompletionSummary:
    """The lessons and exercises the certificate's holder has done (one query), as the
    team managers' pages count them."""
    lessons, exercises = course_totals()
    person = course_completion_for(
        User.objects.filter(pk=certificate.user_id), lessons=lessons, exercises=exercises
    ).values("lessons_completed", "exercises_submitted")[0]
    return CompletionSummary(certificate=certificate, **person)


@dataclass(frozen=True)
class Verification:
    """What the verify page shows for a code: whether it is a certificate's, and if so
    only the holder's name, the course and the date it was completed."""

    FOUND = "found"
    REVOKED = "revoked"
    NOT_FOUND = "not_found"

    code: str  # as typed, normalised and grouped for reading
    status: str
    name: str = ""
    course_title: str = ""
    completed_on: date | None = None

    @property
    def is_found(self) -> bool:
        return self.status == self.FOUND

    @property
    def is_revoked(self) -> bool:
        return self.status == self.REVOKED

    @property
    def is_not_found(self) -> bool:
        return self.status == self.NOT_FOUND


def certificate_verify(*, code: str) -> Verification:
    """The certificate with `code` (as typed: see `certificate_code_normalise`), as the
    public may see it (two queries)."""
    normal = certificate_code_normalise(code)
    grouped = certificate_code_grouped(normal)
    certificate = (
        Certificate.objects.filter(code=normal)
        .select_related("user")
        .only("code", "completed_on", "revoked_at", "user__full_name")
        .first()
        if normal
        else None
    )
    if certificate is None:
        return Verification(code=grouped, status=Verification.NOT_FOUND)
    course = Course.objects.only("title").first()
    return Verification(
        code=grouped,
        status=Verification.REVOKED if certificate.is_revoked else Verification.FOUND,
        name=certificate.user.full_name,
        course_title=course.title if course else "",
        completed_on=certificate.completed_on,
    )
