"""Certificates: issued once, only to someone who has completed the course (checked on the
server), with an unguessable code; revoked by an administrator; what the public may
learn from a code."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from audit.models import AuditEvent
from modules.models import Course
from reflections.models import (
    CODE_ALPHABET,
    Certificate,
    certificate_code_grouped,
    certificate_code_new,
    certificate_code_normalise,
)
from reflections.progress import course_completed_at
from reflections.selectors.certificates import Verification, certificate_verify
from reflections.services.certificates import (
    CourseNotCompleted,
    certificate_issue,
    certificate_revoke,
    course_completion_record,
)
from tests.factories import ExerciseFactory, LessonFactory, LessonProgressFactory, UserFactory
from tests.reflections.factories import CertificateFactory, ExerciseResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    """Two lessons and one exercise (20 minutes)."""
    Course.objects.create(
        title="Child sexual exploitation: a course",
        summary="s",
        audience="a",
        source_citation="Sen, R. (2017), University of Sheffield",
    )
    lessons = [LessonFactory(), LessonFactory()]
    exercise = ExerciseFactory(lesson=lessons[0], minutes=20)
    return lessons, exercise


def complete_lessons(user, lessons, at):
    for lesson in lessons:
        LessonProgressFactory(user=user, lesson=lesson, last_viewed_at=at, completed_at=at)


def complete_everything(user, course, at=None):
    lessons, exercise = course
    at = at or timezone.now()
    complete_lessons(user, lessons, at - timedelta(days=2))
    ExerciseResponseFactory(user=user, exercise=exercise, submitted_at=at)


# --- Not before completion ------------------------------------------------------------------


def test_no_certificate_before_every_lesson_and_exercise_is_done(course, practitioner):
    lessons, _exercise = course
    complete_lessons(practitioner, lessons, timezone.now())

    with pytest.raises(CourseNotCompleted):
        certificate_issue(user=practitioner)

    assert not Certificate.objects.exists()


def test_a_draft_exercise_is_not_a_submitted_one(course, practitioner):
    lessons, exercise = course
    complete_lessons(practitioner, lessons, timezone.now())
    ExerciseResponseFactory(user=practitioner, exercise=exercise, submitted_at=None)

    assert course_completion_record(user=practitioner) is False
    assert not Certificate.objects.exists()


def test_every_exercise_without_every_lesson_is_not_complete(course, practitioner):
    lessons, exercise = course
    complete_lessons(practitioner, lessons[:1], timezone.now())
    ExerciseResponseFactory(user=practitioner, exercise=exercise, submitted_at=timezone.now())

    with pytest.raises(CourseNotCompleted):
        certificate_issue(user=practitioner)


def test_an_empty_course_is_completed_by_nobody(practitioner):
    assert course_completed_at(practitioner) is None
    with pytest.raises(CourseNotCompleted):
        certificate_issue(user=practitioner)


# --- Issued once ----------------------------------------------------------------------------


def test_completing_everything_issues_a_certificate_dated_the_last_thing_done(course, practitioner):
    finished = timezone.now() - timedelta(days=5)
    complete_everything(practitioner, course, at=finished)

    certificate, issued = certificate_issue(user=practitioner)

    assert issued is True
    assert certificate.user == practitioner
    assert certificate.completed_on == timezone.localdate(finished)
    lessons, exercise = course
    reading = sum(lesson.minutes for lesson in lessons)
    assert certificate.cpd_minutes == reading + exercise.minutes  # as the CPD record counts
    assert certificate.issued_at is not None
    assert not certificate.is_revoked


def test_issuing_again_returns_the_same_certificate(course, practitioner):
    complete_everything(practitioner, course)
    first, _ = certificate_issue(user=practitioner)

    again, issued = certificate_issue(user=practitioner)

    assert issued is False
    assert again.pk == first.pk
    assert again.code == first.code
    assert Certificate.objects.count() == 1


def test_issuing_is_audited_once_with_no_personal_detail(course, practitioner):
    complete_everything(practitioner, course)
    certificate, _ = certificate_issue(user=practitioner)
    certificate_issue(user=practitioner)

    events = AuditEvent.objects.filter(action="certificate.issued")
    assert events.count() == 1
    event = events.get()
    assert (event.actor, event.target_id) == (practitioner, str(certificate.pk))
    assert certificate.code not in str(event.detail)


def test_completion_record_says_true_only_for_the_action_that_completed_the_course(
    course, practitioner
):
    lessons, exercise = course
    complete_lessons(practitioner, lessons, timezone.now())
    assert course_completion_record(user=practitioner) is False

    ExerciseResponseFactory(user=practitioner, exercise=exercise, submitted_at=timezone.now())
    assert course_completion_record(user=practitioner) is True
    assert course_completion_record(user=practitioner) is False
    assert Certificate.objects.filter(user=practitioner).count() == 1


def test_a_certificate_stays_when_a_lesson_is_marked_not_complete_later(course, practitioner):
    complete_everything(practitioner, course)
    certificate, _ = certificate_issue(user=practitioner)
    practitioner.lesson_progress.update(completed_at=None)

    again, issued = certificate_issue(user=practitioner)

    assert (again.pk, issued) == (certificate.pk, False)


def test_the_database_holds_one_certificate_per_person(practitioner):
    CertificateFactory(user=practitioner)

    with pytest.raises(IntegrityError):
        CertificateFactory(user=practitioner)


# --- The code ------------------------------------------------------------------------------


def test_a_code_is_16_unambiguous_characters_at_least_60_bits():
    code = certificate_code_new()

    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{16}", code)
    assert set(CODE_ALPHABET).isdisjoint("ILOU")
    assert len(CODE_ALPHABET) == 32
    assert len(code) * 5 >= 80  # bits: log2(32) per character


def test_codes_differ():
    codes = {certificate_code_new() for _ in range(2000)}

    assert len(codes) == 2000


def test_two_certificates_get_different_codes(course, practitioner, colleague):
    complete_everything(practitioner, course)
    complete_everything(colleague, course)

    first, _ = certificate_issue(user=practitioner)
    second, _ = certificate_issue(user=colleague)

    assert first.code != second.code


def test_the_database_refuses_a_code_twice(practitioner, colleague):
    CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")

    with pytest.raises(IntegrityError):
        CertificateFactory(user=colleague, code="K7QF9M2XPD4R8T3H")


def test_a_code_taken_already_is_drawn_again(course, practitioner, colleague, monkeypatch):
    CertificateFactory(user=colleague, code="K7QF9M2XPD4R8T3H")
    draws = iter(["K7QF9M2XPD4R8T3H", "AAAABBBBCCCCDDDD"])
    field = Certificate._meta.get_field("code")
    monkeypatch.setattr(field, "_get_default", lambda: next(draws))
    complete_everything(practitioner, course)

    certificate, issued = certificate_issue(user=practitioner)

    assert issued
    assert certificate.code == "AAAABBBBCCCCDDDD"


def test_a_code_is_shown_in_groups_of_four():
    assert certificate_code_grouped("K7QF9M2XPD4R8T3H") == "K7QF-9M2X-PD4R-8T3H"


@pytest.mark.parametrize(
    "typed",
    [
        "K7QF-9M2X-PD4R-8T3H",
        "k7qf 9m2x pd4r 8t3h",
        " K7QF9M2XPD4R8T3H ",
        "K7QF\u20139M2X\u2013PD4R\u20138T3H",  # en dashes, as a word processor makes them
    ],
)
def test_a_typed_code_is_normalised(typed):
    assert certificate_code_normalise(typed) == "K7QF9M2XPD4R8T3H"


def test_letters_misread_for_digits_are_read_as_the_digits():
    assert certificate_code_normalise("O1IL-oil0") == "01110110"


# --- Verifying ------------------------------------------------------------------------------


def test_a_code_verifies_to_the_name_course_and_date_only(course, practitioner):
    certificate = CertificateFactory(user=practitioner)

    verification = certificate_verify(code=certificate.code_grouped.lower())

    assert verification == Verification(
        code=certificate.code_grouped,
        status=Verification.FOUND,
        name="Sam Patel",
        course_title="Child sexual exploitation: a course",
        completed_on=certificate.completed_on,
    )


def test_an_unknown_code_is_not_found(course):
    verification = certificate_verify(code="ZZZZ-ZZZZ-ZZZZ-ZZZZ")

    assert verification.status == Verification.NOT_FOUND
    assert (verification.name, verification.course_title) == ("", "")
    assert verification.completed_on is None


def test_an_empty_code_is_not_found(course, practitioner):
    CertificateFactory(user=practitioner)

    assert certificate_verify(code=" - ").is_not_found


def test_a_revoked_certificate_verifies_as_revoked(course, practitioner, administrator):
    certificate = CertificateFactory(user=practitioner)
    certificate_revoke(certificate=certificate, actor=administrator)

    assert certificate_verify(code=certificate.code).is_revoked


def test_verifying_costs_two_queries(course, practitioner, django_assert_num_queries):
    certificate = CertificateFactory(user=practitioner)

    with django_assert_num_queries(2):
        assert certificate_verify(code=certificate.code).is_found


# --- Revoking -------------------------------------------------------------------------------


def test_revoking_records_who_and_when_and_audits(practitioner, administrator):
    certificate = CertificateFactory(user=practitioner)

    assert certificate_revoke(certificate=certificate, actor=administrator, reason="Error")

    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_by == administrator
    assert certificate.revoke_reason == "Error"
    event = AuditEvent.objects.get(action="certificate.revoked")
    assert (event.actor, event.target_id) == (administrator, str(certificate.pk))


def test_revoking_twice_keeps_the_first(practitioner, administrator):
    certificate = CertificateFactory(user=practitioner)
    certificate_revoke(certificate=certificate, actor=administrator)
    first = Certificate.objects.get().revoked_at

    assert certificate_revoke(certificate=certificate, actor=UserFactory()) is False

    assert Certificate.objects.get().revoked_at == first
    assert Certificate.objects.get().revoked_by == administrator
    assert AuditEvent.objects.filter(action="certificate.revoked").count() == 1


def test_valid_and_is_revoked_agree(practitioner, colleague, administrator):
    kept = CertificateFactory(user=practitioner)
    revoked = CertificateFactory(user=colleague)
    certificate_revoke(certificate=revoked, actor=administrator)

    assert list(Certificate.objects.valid()) == [kept]
    assert [c.is_revoked for c in (kept, Certificate.objects.get(pk=revoked.pk))] == [False, True]
