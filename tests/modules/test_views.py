"""The course home page, lesson pages and marking lessons complete."""

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.models import Lesson, LessonProgress
from modules.services import content_load, progress_mark_complete, progress_record_view
from tests.factories import (
    CourseFactory,
    ExerciseFactory,
    LessonFactory,
    PartFactory,
    QuestionFactory,
)

from .test_rendering import STORABLE_HOSTILE_MARKDOWN, _dangers
from .volume import add_volume

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons():
    part = PartFactory(title="The only part")
    return [
        LessonFactory(part=part, order=1, title="Opening", body_markdown="Opening **text**."),
        LessonFactory(part=part, order=2, title="Middle", body_markdown="Middle text."),
        LessonFactory(part=part, order=3, title="Closing", body_markdown="Closing text."),
    ]


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


def _complete_url(lesson):
    return reverse("modules:lesson_complete", kwargs={"slug": lesson.slug})


def _state(user, lesson):
    progress = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    if progress is None:
        return "not started"
    return "completed" if progress.is_completed else "in progress"


# --- Home ------------------------------------------------------------------------


def test_home_shows_a_visitor_the_course_and_how_to_start(client, course_content):
    page = client.get("/").content.decode()

    assert "<h1>Child Sexual Exploitation: awareness, identification" in page
    assert reverse("account_signup") in page
    assert "Your progress" not in page


def test_home_lists_lessons_to_a_visitor_without_links_or_states(client, lessons):
    page = client.get("/").content.decode()

    assert '<span class="fw-semibold">Opening</span>' in page
    assert lessons[0].get_absolute_url() not in page
    assert "Not started" not in page


def test_home_shows_a_newcomer_where_to_start(signed_in, lessons):
    page = signed_in.get("/").content.decode()

    assert "0 of 3 lessons completed (0%)" in page
    assert f'href="{lessons[0].get_absolute_url()}"' in page
    assert "Start the course" in page


def test_home_shows_progress_and_where_to_continue(signed_in, practitioner, lessons):
    progress_mark_complete(user=practitioner, lesson=lessons[0])

    page = signed_in.get("/").content.decode()

    assert "1 of 3 lessons completed (33%)" in page
    assert '<progress class="course-progress-bar" max="100" value="33"' in page
    assert "Continue where you left off" in page
    assert "Next: Middle" in page
    assert page.count("Completed</span>") == 1
    assert page.count("Not started</span>") == 2


def test_home_says_what_is_left_when_every_lesson_is_read_but_an_exercise_is_open(
    signed_in, practitioner, lessons
):
    ExerciseFactory(lesson=lessons[0], number=1, title="Thinking it through")
    for lesson in lessons:
        progress_mark_complete(user=practitioner, lesson=lesson)

    page = signed_in.get("/").content.decode()

    assert "3 of 3 lessons completed (100%)" in page
    assert "You have read every lesson. The course is not complete yet." in page
    assert "0 of 1 reflective exercises submitted. Still open:" in page
    assert f'<a href="{reverse("reflections:exercise", args=[1])}">Exercise 1: Thinking' in page
    assert reverse("reflections:course_summary") in page
    assert "Well done" not in page
    assert "Continue where you left off" not in page


def test_home_sends_someone_who_has_finished_to_their_certificate(signed_in, practitioner, lessons):
    for lesson in lessons:
        progress_mark_complete(user=practitioner, lesson=lesson)

    page = signed_in.get("/").content.decode()

    assert "You have completed the course" in page
    assert reverse("reflections:course_completed") in page


def test_home_gives_reading_and_exercise_time_and_their_total(client, lessons):
    ExerciseFactory(lesson=lessons[0], minutes=20)

    page = client.get("/").content.decode()

    assert "<dt>Reading 3 lessons</dt>" in page
    assert "<dt>Reflective exercises</dt>\n        <dd>About 20 minutes</dd>" in page
    assert "<dt>In all</dt>\n        <dd>About 23 minutes</dd>" in page


def test_home_shows_badges_only_for_lessons_started(signed_in, practitioner, lessons):
    progress_mark_complete(user=practitioner, lesson=lessons[0])
    progress_record_view(user=practitioner, lesson=lessons[1])

    page = signed_in.get("/").content.decode()

    assert '<span class="badge state-badge">Completed</span>' in page
    assert '<span class="badge state-badge">In progress</span>' in page
    assert '<span class="badge state-badge">Not started' not in page
    assert '<span class="visually-hidden">Not started</span>' in page


# --- A lesson ------------------------------------------------------------------------


def test_a_lesson_needs_signing_in(client, lessons):
    response = client.get(lessons[0].get_absolute_url())

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={lessons[0].get_absolute_url()}"


def test_an_unknown_lesson_is_not_found(signed_in, lessons):
    assert signed_in.get("/lessons/no-such-lesson/").status_code == 404


def _archive(lesson):
    Lesson.objects.filter(pk=lesson.pk).update(archived_at=timezone.now(), order=2_000_000)


def test_an_archived_lesson_is_not_found_and_keeps_its_progress(signed_in, practitioner, lessons):
    progress_mark_complete(user=practitioner, lesson=lessons[1])
    _archive(lessons[1])

    assert signed_in.get(lessons[1].get_absolute_url()).status_code == 404
    assert signed_in.post(_complete_url(lessons[1])).status_code == 404
    assert _state(practitioner, lessons[1]) == "completed"


def test_an_archived_lesson_leaves_the_home_page_and_the_neighbours(signed_in, lessons):
    _archive(lessons[1])

    home = signed_in.get(reverse("modules:home")).content.decode()
    page = signed_in.get(lessons[0].get_absolute_url()).content.decode()

    assert "Opening" in home
    assert "Middle" not in home
    assert lessons[1].get_absolute_url() not in page
    assert f'rel="next" href="{lessons[2].get_absolute_url()}"' in page


def test_a_lesson_shows_its_stored_html_number_and_neighbours(signed_in, lessons):
    page = signed_in.get(lessons[1].get_absolute_url()).content.decode()

    assert '<h1 id="lesson-title">Middle</h1>' in page
    assert "The only part · Lesson 2 of 3 · About 1 minute to read</p>" in page
    assert '<div class="lesson-body"><p>Middle text.</p></div>' in page
    assert f'rel="prev" href="{lessons[0].get_absolute_url()}"' in page
    assert f'rel="next" href="{lessons[2].get_absolute_url()}"' in page


def test_a_lesson_opens_with_a_contents_disclosure_marking_the_current_lesson(
    signed_in, practitioner, lessons
):
    progress_mark_complete(user=practitioner, lesson=lessons[0])

    page = signed_in.get(lessons[1].get_absolute_url()).content.decode()

    contents = page[page.index('<details class="lesson-contents') : page.index("</details>")]
    assert page.index("<details") < page.index('<div class="lesson-body">')
    assert "<summary>Contents" in contents
    assert "1 of 3 lessons completed" in contents
    assert f'<a href="{lessons[1].get_absolute_url()}" aria-current="page">Middle</a>' in contents
    assert '<span class="badge state-badge">Completed</span>' in contents
    assert '<span class="visually-hidden">Not started</span>' in contents
    # The outline beside the lesson keeps its own ids: none is repeated.
    assert 'id="contents-part-' in contents
    assert page.count(f'id="part-{lessons[0].part.key}"') == 1


def test_the_last_lesson_completed_offers_the_course_summary(signed_in, practitioner, lessons):
    progress_mark_complete(user=practitioner, lesson=lessons[2])

    page = signed_in.get(lessons[2].get_absolute_url()).content.decode()

    assert f'href="{reverse("reflections:course_summary")}">See your course summary' in page
    assert 'rel="next"' not in page


def test_a_lesson_ends_with_a_back_to_top_link(signed_in, lessons):
    page = signed_in.get(lessons[1].get_absolute_url()).content.decode()

    assert page.index('href="#main">Back to top</a>') > page.index('aria-label="Previous and next')
    assert 'id="main"' in page


def test_a_lessons_legal_review_note_is_for_trainers_not_the_lesson_page(signed_in):
    lesson = LessonFactory(legal_review="Check the 2017 statutory guidance is current.")

    response = signed_in.get(lesson.get_absolute_url())
    page = response.content.decode()

    assert response.status_code == 200
    assert "Some lesson text." in page
    assert "statutory guidance is current" not in page


def test_opening_a_lesson_starts_it_and_makes_it_the_place_to_resume(
    signed_in, practitioner, lessons
):
    signed_in.get(lessons[2].get_absolute_url())

    assert _state(practitioner, lessons[2]) == "in progress"
    home = signed_in.get("/").content.decode()
    assert "Next: Closing" in home


def test_a_lesson_shows_its_exercises_where_they_are_placed(signed_in, lessons):
    start = ExerciseFactory(lesson=lessons[0], placement="start", title="Before reading")
    end = ExerciseFactory(lesson=lessons[0], placement="end", title="After reading")
    QuestionFactory(exercise=start, text_markdown="A current question?")
    QuestionFactory(exercise=start, text_markdown="A retired question?", retired=True)

    page = signed_in.get(lessons[0].get_absolute_url()).content.decode()

    assert page.index(start.title) < page.index("Opening <strong>text</strong>")
    assert page.index("Opening <strong>text</strong>") < page.index(end.title)
    assert "A current question?" in page
    assert "A retired question?" not in page


def test_a_lesson_view_does_not_render_markdown(signed_in, lessons):
    with (
        mock.patch("modules.rendering.render_markdown") as render,
        mock.patch("modules.models.render_markdown") as model_render,
        mock.patch("markdown.Markdown") as converter,
    ):
        response = signed_in.get(lessons[0].get_absolute_url())

    assert "Opening <strong>text</strong>." in response.content.decode()
    render.assert_not_called()
    model_render.assert_not_called()
    converter.assert_not_called()


def test_a_lesson_with_hostile_markup_is_served_without_it(signed_in, content_tree):
    hostile = "\n\n".join(STORABLE_HOSTILE_MARKDOWN.values())
    content_tree.replace(
        "lessons/01-first-lesson.md", "The first lesson's text.", "Lesson text.\n\n" + hostile
    )
    content_tree.replace("exercises/1-first-exercise.md", "Answer on your own first.", hostile)
    content_tree.replace(
        "exercises/1-first-exercise.md",
        '"What do you think?"',
        repr(STORABLE_HOSTILE_MARKDOWN["iframe"]),
    )
    content_load(directory=content_tree.root)

    page = signed_in.get("/lessons/first-lesson/").content.decode()

    # From the lesson's heading to its own mark-complete form: the trainer's words.
    article = page[page.index("<article") : page.index('<form method="post" action="/lessons/')]
    assert "<p>Lesson text.</p>" in article
    assert "Reflective exercise 1" in article
    assert _dangers(article) == []
    assert "evil.example" not in page


# --- Marking complete ----------------------------------------------------------------------


def test_marking_complete_is_post_only(signed_in, practitioner, lessons):
    response = signed_in.get(_complete_url(lessons[0]))

    assert response.status_code == 405
    assert _state(practitioner, lessons[0]) == "not started"


def test_marking_complete_needs_signing_in(client, lessons):
    response = client.post(_complete_url(lessons[0]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not LessonProgress.objects.exists()


def test_mark_complete_and_continue_goes_to_the_next_lesson_and_confirms_there(
    signed_in, practitioner, lessons
):
    response = signed_in.post(_complete_url(lessons[1]), follow=True)

    assert response.redirect_chain == [(lessons[2].get_absolute_url(), 302)]
    assert _state(practitioner, lessons[1]) == "completed"
    page = response.content.decode()
    assert "Lesson 2 marked complete: “Middle”." in page
    assert '<div class="messages" role="status">' in page
    assert '<h1 id="lesson-title">Closing</h1>' in page


def test_the_end_of_a_lesson_has_one_primary_button_and_a_quieter_next(signed_in, lessons):
    page = signed_in.get(lessons[0].get_absolute_url()).content.decode()

    end = page[page.index('id="lesson-end"') : page.index("Back to top")]
    assert end.count("btn-primary") == 1
    assert (
        '<button type="submit" class="btn btn-primary btn-lg">Mark complete and continue</button>'
        in end
    )
    assert f'<form method="post" action="{_complete_url(lessons[0])}"' in end
    assert (
        f'<a class="ms-auto" rel="next" href="{lessons[1].get_absolute_url()}">Next without' in end
    )


def test_a_completed_lesson_offers_to_continue_and_the_undo(signed_in, practitioner, lessons):
    progress_mark_complete(user=practitioner, lesson=lessons[0])

    page = signed_in.get(lessons[0].get_absolute_url()).content.decode()

    end = page[page.index('id="lesson-end"') :]
    assert "You have completed this lesson." in end
    assert f'rel="next" href="{lessons[1].get_absolute_url()}">Next' in end
    assert "Mark as not complete" in end
    assert "Mark complete and continue" not in end


def test_marking_complete_twice_changes_nothing_more(signed_in, practitioner, lessons):
    signed_in.post(_complete_url(lessons[1]))
    first = LessonProgress.objects.get(user=practitioner).completed_at

    signed_in.post(_complete_url(lessons[1]))

    assert LessonProgress.objects.get(user=practitioner).completed_at == first


def test_marking_not_complete_takes_completion_back(signed_in, practitioner, lessons):
    signed_in.post(_complete_url(lessons[1]))

    response = signed_in.post(_complete_url(lessons[1]), {"completed": "no"})

    assert _state(practitioner, lessons[1]) == "in progress"
    # Back to the end of the lesson, where the form was, not to the top of a long page.
    assert response.url == lessons[1].get_absolute_url() + "#lesson-end"
    page = signed_in.get(response.url).content.decode()
    assert "“Middle” is marked as not complete." in page
    assert "Mark complete and continue" in page


def test_marking_an_unknown_lesson_complete_is_not_found(signed_in, lessons):
    assert signed_in.post("/lessons/no-such-lesson/complete/").status_code == 404


def test_no_address_on_the_course_names_a_person(practitioner, lessons):
    for url in [reverse("modules:home"), lessons[0].get_absolute_url(), _complete_url(lessons[0])]:
        assert str(practitioner.pk) not in url.replace(lessons[0].slug, "")
        assert "user" not in url


def test_a_practitioner_changes_only_their_own_progress(client, practitioner, colleague, lessons):
    progress_mark_complete(user=colleague, lesson=lessons[0])
    progress_record_view(user=colleague, lesson=lessons[1])
    client.force_login(practitioner)

    # Naming someone else in the form makes no difference: the signed-in person is used.
    client.post(_complete_url(lessons[0]), {"completed": "no", "user": colleague.pk})
    client.post(_complete_url(lessons[1]), {"user": colleague.pk, "user_id": colleague.pk})

    assert _state(colleague, lessons[0]) == "completed"
    assert _state(colleague, lessons[1]) == "in progress"
    assert _state(practitioner, lessons[1]) == "completed"


# --- Updated since you completed it ---------------------------------------------------------

NOTICE = "Updated since you completed it"


def _ask_to_reread(lesson, *, summary="The 2023 figures replace the 2017 ones."):
    lesson.reread_requested_at, lesson.reread_summary = timezone.now(), summary
    lesson.save()


def _reread_url(lesson):
    return reverse("modules:lesson_read_again", kwargs={"slug": lesson.slug})


def test_someone_who_completed_a_lesson_before_an_update_sees_a_notice_everywhere(
    signed_in, practitioner, lessons
):
    progress_mark_complete(user=practitioner, lesson=lessons[1])
    _ask_to_reread(lessons[1])

    home = signed_in.get("/").content.decode()
    lesson_page = signed_in.get(lessons[1].get_absolute_url()).content.decode()
    other_page = signed_in.get(lessons[0].get_absolute_url()).content.decode()

    for page in (home, lesson_page, other_page):  # the outline is on each
        assert NOTICE in page
        assert "The 2023 figures replace the 2017 ones." in page
    assert _reread_url(lessons[1]) in lesson_page
    assert "Mark as read" in lesson_page
    assert "Mark as read" not in other_page


@pytest.mark.parametrize("completed", ["never", "after"])
def test_no_notice_for_someone_who_had_not_completed_the_lesson_before_it_changed(
    signed_in, practitioner, lessons, completed
):
    progress_record_view(user=practitioner, lesson=lessons[1])
    _ask_to_reread(lessons[1])
    if completed == "after":
        progress_mark_complete(user=practitioner, lesson=lessons[1])

    assert NOTICE not in signed_in.get("/").content.decode()
    assert NOTICE not in signed_in.get(lessons[1].get_absolute_url()).content.decode()


def test_a_colleague_who_had_completed_it_sees_the_notice_and_others_do_not(
    client, practitioner, colleague, lessons
):
    progress_mark_complete(user=colleague, lesson=lessons[1])
    _ask_to_reread(lessons[1])

    client.force_login(practitioner)
    assert NOTICE not in client.get("/").content.decode()
    client.force_login(colleague)
    assert NOTICE in client.get("/").content.decode()


def test_marking_as_read_clears_the_notice_and_keeps_the_completion(
    signed_in, practitioner, lessons
):
    progress_mark_complete(user=practitioner, lesson=lessons[1])
    completed_at = LessonProgress.objects.get(user=practitioner, lesson=lessons[1]).completed_at
    _ask_to_reread(lessons[1])

    response = signed_in.post(_reread_url(lessons[1]))

    assert response.status_code == 302
    assert response.url == lessons[1].get_absolute_url()
    progress = LessonProgress.objects.get(user=practitioner, lesson=lessons[1])
    assert progress.completed_at == completed_at
    assert not progress.needs_rereading
    assert NOTICE not in signed_in.get("/").content.decode()
    assert NOTICE not in signed_in.get(lessons[1].get_absolute_url()).content.decode()


def test_marking_complete_again_clears_the_notice(signed_in, practitioner, lessons):
    progress_mark_complete(user=practitioner, lesson=lessons[1])
    _ask_to_reread(lessons[1])

    signed_in.post(_complete_url(lessons[1]))

    assert NOTICE not in signed_in.get("/").content.decode()
    assert _state(practitioner, lessons[1]) == "completed"


def test_a_later_request_to_reread_brings_the_notice_back(signed_in, practitioner, lessons):
    progress_mark_complete(user=practitioner, lesson=lessons[1])
    _ask_to_reread(lessons[1])
    signed_in.post(_reread_url(lessons[1]))

    _ask_to_reread(lessons[1], summary="The guidance changed again.")

    assert "The guidance changed again." in signed_in.get("/").content.decode()


def test_marking_as_read_is_post_only_and_for_people_signed_in(client, lessons):
    assert client.post(_reread_url(lessons[0])).status_code == 302
    assert client.post(_reread_url(lessons[0])).url.startswith(reverse("account_login"))


def test_marking_as_read_changes_only_the_signed_in_persons_progress(
    signed_in, practitioner, colleague, lessons
):
    for person in (practitioner, colleague):
        progress_mark_complete(user=person, lesson=lessons[1])
    _ask_to_reread(lessons[1])

    assert signed_in.get(_reread_url(lessons[1])).status_code == 405
    signed_in.post(_reread_url(lessons[1]), {"user": colleague.pk})

    assert LessonProgress.objects.needs_rereading().get().user == colleague


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in_as_practitioner", [False, True])
def test_home_queries_do_not_grow_with_lessons_or_people(
    client, practitioner, lessons, django_assert_max_num_queries, signed_in_as_practitioner
):
    CourseFactory()
    if signed_in_as_practitioner:
        client.force_login(practitioner)
        progress_mark_complete(user=practitioner, lesson=lessons[0])
    # Session, user, course, progress, certificate; the course row alone signed out. The
    # lessons are read once for each version of the content, then kept (course_cache).
    bound = 5 if signed_in_as_practitioner else 1
    client.get("/")
    with django_assert_max_num_queries(bound):
        response = client.get("/")
    assert response.status_code == 200
    assert "Opening" in response.content.decode()

    add_volume(user=practitioner)
    for lesson in Lesson.objects.all():  # every lesson updated since they completed it
        _ask_to_reread(lesson)

    with django_assert_max_num_queries(bound + 1):  # the changed lessons, read once
        response = client.get("/")
    with django_assert_max_num_queries(bound):
        response = client.get("/")
    assert response.status_code == 200
    assert "Closing" in response.content.decode()
    assert response.context["outline"].total == len(lessons) + 25
    if signed_in_as_practitioner:
        assert sum(e.needs_rereading for e in response.context["outline"].entries) > 1


def test_lesson_page_queries_do_not_grow_with_lessons_or_people(
    signed_in, practitioner, lessons, django_assert_max_num_queries
):
    CourseFactory()
    exercise = ExerciseFactory(lesson=lessons[1])
    QuestionFactory.create_batch(2, exercise=exercise)
    url = lessons[1].get_absolute_url()
    signed_in.get(url)
    # Session, user, course, progress: the lessons, the lesson's text and exercises and
    # the outline are kept for the content's version (course_cache), and reading the
    # lesson again at once writes nothing.
    bound = 4
    with django_assert_max_num_queries(bound):
        response = signed_in.get(url)
    assert response.status_code == 200
    assert "Middle text." in response.content.decode()

    add_volume(user=practitioner)
    QuestionFactory.create_batch(10, exercise=exercise)
    start = ExerciseFactory(lesson=lessons[1], placement="start")
    for lesson in Lesson.objects.all():  # every lesson updated since they completed it
        _ask_to_reread(lesson)

    # Once after the change: the lessons, the lesson with its exercises (three), and the
    # view written (add_volume gave the practitioner a lesson viewed since).
    with django_assert_max_num_queries(bound + 5):
        response = signed_in.get(url)
    with django_assert_max_num_queries(bound):
        response = signed_in.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert exercise.title in page
    assert page.index(start.title) < page.index("Middle text.") < page.index(exercise.title)


def test_marking_complete_queries_do_not_grow_with_lessons_or_people(
    signed_in, practitioner, lessons, django_assert_max_num_queries
):
    bound = 9  # with the check whether this lesson completed the course
    with django_assert_max_num_queries(bound):
        response = signed_in.post(_complete_url(lessons[0]))
    assert response.status_code == 302
    assert response.url == lessons[1].get_absolute_url()

    add_volume(user=practitioner)

    with django_assert_max_num_queries(bound):
        response = signed_in.post(_complete_url(lessons[1]))
    assert response.status_code == 302
    assert response.url == lessons[2].get_absolute_url()
    assert _state(practitioner, lessons[1]) == "completed"


# --- The real course ----------------------------------------------------------------------


def test_the_outline_gives_police_powers_a_lesson_of_their_own_after_box_3(client, course_content):
    page = client.get("/").content.decode()

    titles = [
        "The law and CSE",
        "How common is CSE?",
        "The harmful effects of CSE",
        "Police powers to disrupt CSE",
        "Perpetrators and victims of CSE",
    ]
    positions = [page.index(f'<span class="fw-semibold">{title}</span>') for title in titles]
    assert positions == sorted(positions)
    assert list(Lesson.objects.values_list("order", flat=True)) == list(range(1, 18))
    assert Lesson.objects.get(slug="police-disruption-powers").order == 8


def test_the_law_lesson_leaves_police_powers_to_their_own_lesson(signed_in, course_content):
    law = signed_in.get("/lessons/the-law-and-cse/").content.decode()
    police = signed_in.get("/lessons/police-disruption-powers/").content.decode()

    assert "Sexual Harm Prevention Order" not in law
    assert "Closure Notice" not in law
    assert "Part 1: Awareness and identification · Lesson 8 of 17 · About" in police
    for heading in ["Sexual Harm Prevention Orders", "Premises and hotels", "References"]:
        assert f">{heading}</h2>" in police


@pytest.mark.parametrize(
    ("slug", "opening", "announcement", "exercise", "first_section"),
    [
        (
            "perpetrators-and-victims",
            "This lesson sets out what was known in 2017",
            "Reflective exercise 2 comes first.",
            "Reflective exercise 2: Who are the victims of CSE?",
            "Who commits CSE, and who is targeted</h2>",
        ),
        (
            "engaging-and-supporting-young-people-and-families",
            "Part 2 turns from recognising",
            "Reflective exercise 5 opens this lesson",
            "Reflective exercise 5: Engaging and supporting",
            "First: stop the abuse</h2>",
        ),
    ],
)
def test_an_exercise_at_the_start_follows_the_lessons_opening(
    signed_in, course_content, slug, opening, announcement, exercise, first_section
):
    response = signed_in.get(f"/lessons/{slug}/")
    page = response.content.decode()

    assert response.status_code == 200
    # The opening says the exercise comes next, and it does, before the first section.
    places = [page.index(text) for text in [opening, announcement, exercise, first_section]]
    assert places == sorted(places)
    assert page.count(exercise) == 1


@pytest.mark.parametrize(
    ("slug", "exercise"),
    [
        ("your-role-and-responsibilities", "Reflective exercise 1:"),
        ("peer-to-peer-sexual-victimisation", "Reflective exercise 3:"),
        ("vulnerability-factors-and-indicators", "Reflective exercise 4:"),
    ],
)
def test_an_exercise_at_the_end_comes_before_the_lessons_reference_list(
    signed_in, course_content, slug, exercise
):
    page = signed_in.get(f"/lessons/{slug}/").content.decode()

    article = page[page.index("<article") : page.index('id="lesson-end"')]
    assert article.count(exercise) == 1
    assert article.count(">References</h2>") == 1
    assert article.index(exercise) < article.index(">References</h2>")
    # The list itself is still there, after the exercise.
    assert article.index(exercise) < article.rindex("<li>")
