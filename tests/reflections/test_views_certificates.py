"""The end of the course: the page after the action that completes it, the certificate
(page and PDF), the course home's "Completed on", and the public verify page."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from modules.models import Course, Exercise, LessonProgress
from reflections.export import account_delete
from reflections.models import Certificate
from reflections.services.certificates import certificate_revoke
from tests.factories import ExerciseFactory, LessonFactory, LessonProgressFactory, UserFactory
from tests.reflections.factories import CertificateFactory, ExerciseResponseFactory

pytestmark = pytest.mark.django_db

COURSE_TITLE = "Child sexual exploitation: a course"
SOURCE = "Sen, R. (2017), University of Sheffield"


@pytest.fixture(autouse=True)
def course_row(db):
    return Course.objects.create(
        title=COURSE_TITLE, summary="s", audience="a", source_citation=SOURCE
    )


@pytest.fixture
def last_lesson(exercise):
    """A second lesson after the exercise's own one."""
    return LessonFactory()


def submit_form():
    return {
        "answer-first": "One",
        "version-first": "0",
        "answer-second": "Two",
        "version-second": "0",
    }


def complete_lesson(user, lesson):
    now = timezone.now()
    LessonProgressFactory(user=user, lesson=lesson, last_viewed_at=now, completed_at=now)


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


# --- The action that completes the course leads to the completed page ------------------------


def test_marking_the_last_lesson_complete_shows_the_completed_page(
    signed_in, practitioner, exercise, last_lesson
):
    complete_lesson(practitioner, exercise.lesson)
    ExerciseResponseFactory(user=practitioner, exercise=exercise, submitted_at=timezone.now())

    response = signed_in.post(reverse("modules:lesson_complete", args=[last_lesson.slug]))

    assert response.status_code == 302
    assert response.url == reverse("reflections:course_completed")
    assert Certificate.objects.filter(user=practitioner).exists()


def test_submitting_the_last_exercise_shows_the_completed_page(
    signed_in, practitioner, exercise, last_lesson
):
    complete_lesson(practitioner, exercise.lesson)
    complete_lesson(practitioner, last_lesson)

    response = signed_in.post(reverse("reflections:submit", args=[7]), submit_form())

    assert response.status_code == 302
    assert response.url == reverse("reflections:course_completed")
    assert Certificate.objects.filter(user=practitioner).exists()


def test_a_lesson_that_does_not_complete_the_course_goes_on_to_the_next(
    signed_in, practitioner, exercise, last_lesson
):
    response = signed_in.post(reverse("modules:lesson_complete", args=[exercise.lesson.slug]))

    assert response.url == last_lesson.get_absolute_url()
    assert not Certificate.objects.exists()


def test_the_last_lesson_with_anything_left_goes_to_the_course_summary(
    signed_in, practitioner, exercise, last_lesson
):
    complete_lesson(practitioner, exercise.lesson)

    response = signed_in.post(reverse("modules:lesson_complete", args=[last_lesson.slug]))

    assert response.url == reverse("reflections:course_summary")
    assert not Certificate.objects.exists()


def test_a_submit_that_does_not_complete_the_course_shows_the_exercise_again(
    signed_in, practitioner, exercise, last_lesson
):
    complete_lesson(practitioner, exercise.lesson)

    response = signed_in.post(reverse("reflections:submit", args=[7]), submit_form())

    assert response.url == reverse("reflections:exercise", args=[7]) + "?saved=1#exercise-saved"
    assert not Certificate.objects.exists()


def test_the_completed_page_shows_only_once_after_completing(
    signed_in, practitioner, exercise, last_lesson
):
    complete_lesson(practitioner, exercise.lesson)
    ExerciseResponseFactory(user=practitioner, exercise=exercise, submitted_at=timezone.now())
    url = reverse("modules:lesson_complete", args=[last_lesson.slug])
    signed_in.post(url)

    again = signed_in.post(url)

    assert again.url == reverse("reflections:course_summary")
    assert signed_in.get(again.url).url == reverse("reflections:course_completed")


def test_a_posted_claim_of_completion_issues_nothing(signed_in, practitioner, exercise):
    """Nothing a request carries completes the course: the pages ask the server."""
    for name in ("course_completed", "certificate", "certificate_pdf"):
        response = signed_in.post(reverse(f"reflections:{name}"), {"completed": "yes"})
        assert response.status_code in (302, 405)
        response = signed_in.get(reverse(f"reflections:{name}"), {"completed": "yes"})
        assert response.status_code == 302
        assert response.url == reverse("modules:home")

    assert not Certificate.objects.exists()


# --- The completed page ---------------------------------------------------------------------


def test_the_completed_page_says_what_was_done_and_links_on(
    signed_in, practitioner, exercise, last_lesson
):
    complete_lesson(practitioner, exercise.lesson)
    complete_lesson(practitioner, last_lesson)
    ExerciseResponseFactory(user=practitioner, exercise=exercise, submitted_at=timezone.now())

    response = signed_in.get(reverse("reflections:course_completed"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You have completed the course" in page
    certificate = Certificate.objects.get(user=practitioner)
    assert f"on {timezone.localdate():%-d %B %Y}" in page
    assert '<dt class="col-sm-5">Lessons completed</dt><dd class="col-sm-7">2</dd>' in page
    assert 'exercises submitted</dt><dd class="col-sm-7">1</dd>' in page
    assert f"About {certificate.cpd_minutes} minutes" in page
    assert reverse("reflections:certificate") in page
    assert reverse("reflections:certificate_pdf") in page
    assert reverse("reflections:cpd_record") in page


# --- The course summary ---------------------------------------------------------------------


def test_the_summary_after_every_lesson_says_which_exercises_are_still_open(
    signed_in, practitioner, exercise, last_lesson
):
    ExerciseFactory(number=8, title="Done already", lesson=last_lesson)
    ExerciseResponseFactory(
        user=practitioner, exercise=Exercise.objects.get(number=8), submitted_at=timezone.now()
    )
    complete_lesson(practitioner, exercise.lesson)
    complete_lesson(practitioner, last_lesson)

    response = signed_in.get(reverse("reflections:course_summary"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You have read every lesson. To complete the course, submit the" in page
    assert "Well done" not in page
    assert "You have completed every lesson" not in page
    assert '<dd class="col-sm-7">2 of 2</dd>' in page
    assert '<dd class="col-sm-7">1 of 2</dd>' in page
    open_list = page[page.index("Exercises still open") : page.index("What completing")]
    assert f'href="{reverse("reflections:exercise", args=[7])}"' in open_list
    assert "Thinking it through" in open_list
    assert "Done already" not in open_list
    assert "Time the course takes" in page
    assert "certificate of completion" in page
    assert reverse("reflections:cpd_record") in page


def test_the_summary_lists_the_lessons_still_to_complete(
    signed_in, practitioner, exercise, last_lesson
):
    complete_lesson(practitioner, last_lesson)

    page = signed_in.get(reverse("reflections:course_summary")).content.decode()

    assert "You have 1 lesson still to mark complete and 1 reflective exercise to submit" in page
    lessons_list = page[page.index("Lessons still to complete") :]
    assert exercise.lesson.get_absolute_url() in lessons_list
    assert last_lesson.get_absolute_url() not in lessons_list


def test_the_summary_is_only_ever_ones_own(signed_in, practitioner, colleague, exercise):
    ExerciseResponseFactory(user=colleague, exercise=exercise, submitted_at=timezone.now())

    page = signed_in.get(reverse("reflections:course_summary")).content.decode()

    assert '<dd class="col-sm-7">0 of 1</dd>' in page


def test_the_summary_queries_do_not_grow_with_the_course(
    signed_in, practitioner, exercise, last_lesson, django_assert_max_num_queries
):
    url = reverse("reflections:course_summary")
    bound = 6  # session, user, email verified, standing, course, progress
    with django_assert_max_num_queries(bound):
        response = signed_in.get(url)
    assert response.status_code == 200
    assert "Thinking it through" in response.content.decode()

    for number in range(20, 30):
        done = ExerciseFactory(number=number, lesson=LessonFactory())
        ExerciseResponseFactory(user=practitioner, exercise=done, submitted_at=timezone.now())
        complete_lesson(practitioner, done.lesson)

    with django_assert_max_num_queries(bound):
        response = signed_in.get(url)
    assert response.status_code == 200
    assert '<dd class="col-sm-7">10 of 11</dd>' in response.content.decode()


def test_the_completed_page_before_completion_goes_to_the_course_home(signed_in, exercise):
    response = signed_in.get(reverse("reflections:course_completed"), follow=True)

    assert response.redirect_chain == [(reverse("modules:home"), 302)]
    assert "once you have completed every lesson" in response.content.decode()


def test_the_completed_page_needs_sign_in(client):
    response = client.get(reverse("reflections:course_completed"))

    assert response.status_code == 302
    assert reverse("account_login") in response.url


# --- The course home ------------------------------------------------------------------------


def test_the_course_home_shows_completed_on_the_date(signed_in, practitioner):
    CertificateFactory(user=practitioner)

    page = signed_in.get(reverse("modules:home")).content.decode()

    assert "Completed on 3 March 2026." in page
    assert reverse("reflections:certificate") in page


def test_the_course_home_shows_no_date_before_completion(signed_in, practitioner, colleague):
    CertificateFactory(user=colleague)

    page = signed_in.get(reverse("modules:home")).content.decode()

    assert "Completed on" not in page


# --- The certificate ------------------------------------------------------------------------


def test_the_certificate_states_name_course_source_date_time_and_code(signed_in, practitioner):
    certificate = CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")

    response = signed_in.get(reverse("reflections:certificate"))

    page = response.content.decode()
    for fact in (
        "Sam Patel",
        COURSE_TITLE,
        SOURCE,
        "3 March 2026",
        "About 3 hours 5 minutes",
        "K7QF-9M2X-PD4R-8T3H",
        "https://course.example.org/verify/K7QF9M2XPD4R8T3H/",
        'name="robots" content="noindex, nofollow"',
    ):
        assert fact in page, fact
    assert reverse("reflections:certificate_pdf") in page
    assert certificate.user == practitioner


def test_the_certificate_pdf_states_the_same_and_the_verify_address(signed_in, practitioner):
    CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")

    response = signed_in.get(reverse("reflections:certificate_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "certificate-cse-course-2026-03-03.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    for fact in (
        "Sam Patel",
        COURSE_TITLE,
        SOURCE,
        "3 March 2026",
        "3 hours 5 minutes",
        "K7QF-9M2X-PD4R-8T3H",
        "https://course.example.org/verify/K7QF9M2XPD4R8T3H/",
    ):
        assert fact in text, fact


def test_a_revoked_certificate_says_so_and_has_no_pdf(signed_in, practitioner, administrator):
    certificate = CertificateFactory(user=practitioner)
    certificate_revoke(certificate=certificate, actor=administrator)

    page = signed_in.get(reverse("reflections:certificate")).content.decode()
    response = signed_in.get(reverse("reflections:certificate_pdf"))

    assert "This certificate was revoked" in page
    assert reverse("reflections:certificate_pdf") not in page
    assert response.status_code == 302
    assert response.url == reverse("reflections:certificate")


def test_the_certificate_is_only_ever_ones_own(signed_in, practitioner, colleague):
    CertificateFactory(user=colleague, code="K7QF9M2XPD4R8T3H")

    response = signed_in.get(reverse("reflections:certificate"))

    assert response.status_code == 302
    assert "K7QF" not in response.content.decode()


# --- The public verify page -----------------------------------------------------------------


def verify(client, code):
    return client.get(reverse("verify:code", args=[code]))


def test_a_code_verifies_signed_out_with_name_course_and_date(client, practitioner):
    CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")

    response = verify(client, "K7QF9M2XPD4R8T3H")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Certificate found" in page
    assert "Sam Patel" in page
    assert COURSE_TITLE in page
    assert "3 March 2026" in page


def test_the_verify_page_shows_nothing_but_the_three_facts(client, practitioner):
    practitioner.job_role = "Senior practitioner"
    practitioner.save()
    CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H", cpd_minutes=185)

    page = verify(client, "K7QF9M2XPD4R8T3H").content.decode()

    assert "Sam Patel" in page  # the check below would see a leak
    for private in (
        practitioner.email,
        "sam@",
        practitioner.organisation.name,
        practitioner.team.name,
        "Senior practitioner",
        "3 hours",
        "185",
        "CPD time",
    ):
        assert private not in page, private


def test_the_form_checks_a_code_typed_loosely(client, practitioner):
    CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")

    response = client.get(reverse("verify:form"), {"code": "k7qf 9m2x pd4r 8t3h"})

    assert response.status_code == 200
    assert "Sam Patel" in response.content.decode()


def test_an_unknown_code_is_not_found_in_the_same_page(client):
    response = verify(client, "ZZZZZZZZZZZZZZZZ")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Certificate not found" in page
    assert "ZZZZ-ZZZZ-ZZZZ-ZZZZ" in page
    assert 'name="code"' in page


def test_a_revoked_certificate_is_shown_as_revoked(client, practitioner, administrator):
    certificate = CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")
    certificate_revoke(certificate=certificate, actor=administrator)

    response = verify(client, "K7QF9M2XPD4R8T3H")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Certificate revoked" in page
    assert "no longer valid" in page
    assert "Certificate found" not in page


def test_the_empty_form_checks_nothing(client):
    response = client.get(reverse("verify:form"))

    assert response.status_code == 200
    assert "No code checked yet" in response.content.decode()


def test_the_verify_page_is_kept_by_no_cache_or_index(client, practitioner):
    CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")

    for response in (verify(client, "K7QF9M2XPD4R8T3H"), client.get(reverse("verify:form"))):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_checks_are_rate_limited_per_client_address(client, practitioner, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "certificate_verify": "3/m/ip"}
    CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")
    for guess in ("AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB", "CCCCCCCCCCCCCCCC"):
        assert verify(client, guess).status_code == 404

    limited = verify(client, "K7QF9M2XPD4R8T3H")

    page = limited.content.decode()
    assert limited.status_code == 429
    assert "Too many checks" in page
    assert "Sam Patel" not in page
    other_address = client.get(
        reverse("verify:code", args=["K7QF9M2XPD4R8T3H"]), REMOTE_ADDR="192.0.2.7"
    )
    assert other_address.status_code == 200


def test_the_empty_form_does_not_count_towards_the_limit(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "certificate_verify": "1/m/ip"}
    for _ in range(3):
        assert client.get(reverse("verify:form")).status_code == 200

    assert verify(client, "AAAAAAAAAAAAAAAA").status_code == 404


def test_erasing_the_account_makes_its_code_not_found(client, practitioner):
    CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")
    account_delete(user=practitioner)

    assert verify(client, "K7QF9M2XPD4R8T3H").status_code == 404
    assert not Certificate.objects.exists()
    assert not LessonProgress.objects.exists()


def test_another_persons_page_never_shows_the_code(client, practitioner):
    CertificateFactory(user=practitioner, code="K7QF9M2XPD4R8T3H")
    client.force_login(UserFactory())

    for name in ("course_completed", "certificate"):
        assert (
            "K7QF" not in client.get(reverse(f"reflections:{name}"), follow=True).content.decode()
        )


def test_my_reflections_links_to_the_certificate_once_there_is_one(signed_in, practitioner):
    url = reverse("reflections:mine")
    assert reverse("reflections:certificate") not in signed_in.get(url).content.decode()

    CertificateFactory(user=practitioner)

    page = signed_in.get(url).content.decode()
    assert reverse("reflections:certificate") in page
    assert "you completed the course on 3 March 2026" in page
