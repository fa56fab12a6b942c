"""The trainers' pages: the edit form and its refusals, the two-trainer conflict, the
draft as practitioners will see it, publishing, history and the diff."""

import pytest
from django.test import Client
from django.urls import reverse

from course_editing import services
from course_editing.models import LessonDraft
from course_editing.selectors import exercise_fingerprint
from modules.models import Lesson, LessonRevision
from modules.services import lesson_archive, progress_mark_complete
from reflections.models import Answer, ExerciseResponse
from tests.factories import ExerciseFactory, LessonFactory, QuestionFactory
from tests.modules.test_rendering import HOSTILE_MARKDOWN, TRUNCATING, _dangers

pytestmark = pytest.mark.django_db


def _form(lesson, **changes):
    data = {
        "title": lesson.title,
        "summary": lesson.summary,
        "body_markdown": lesson.body_markdown,
        "note": "Fixed a sentence",
        "version": lesson.edit_version,
    }
    return {**data, **changes}


def _edit(client, lesson, **changes):
    return client.post(reverse("course_editing:edit", args=[lesson.slug]), _form(lesson, **changes))


def test_the_home_lists_lessons_with_state_and_flags(editor_client, lesson):
    page = editor_client.get(reverse("course_editing:home")).content.decode()
    assert "The law" in page
    assert "Published" in page
    assert "Never reviewed" in page
    assert "<strong>1</strong> lesson needs a legal review" in page


def test_the_edit_page_has_the_markdown_editor_and_lesson_styles(editor_client, lesson):
    page = editor_client.get(reverse("course_editing:edit", args=[lesson.slug])).content.decode()
    assert 'class="markdownx-preview lesson lesson-body"' in page
    assert 'data-markdownx-urls-path="/course-editing/markdownx/markdownify/"' in page
    assert "css/course.css" in page
    assert "The 2017 guidance applies." in page


def test_saving_makes_a_draft_and_practitioners_see_the_published_text(
    editor_client, client, lesson, practitioner
):
    body = "## The Act\n\nThe 2023 guidance applies."
    response = _edit(editor_client, lesson, body_markdown=body)

    assert response.status_code == 302
    assert response.url == reverse("course_editing:draft", args=[lesson.slug])
    assert LessonDraft.objects.get().body_markdown == body
    draft_page = editor_client.get(response.url).content.decode()
    assert "The 2023 guidance applies." in draft_page
    assert 'class="lesson-body"' in draft_page

    editor_client.force_login(practitioner)
    lesson_page = editor_client.get(lesson.get_absolute_url()).content.decode()
    assert "The 2017 guidance applies." in lesson_page
    assert "2023" not in lesson_page


def test_markup_that_would_truncate_is_a_form_error_naming_it_and_keeps_the_text(
    editor_client, lesson
):
    response = _edit(editor_client, lesson, body_markdown=TRUNCATING)

    assert response.status_code == 400
    page = response.content.decode()
    assert "This text cannot be saved" in page
    assert "&lt;math&gt;, &lt;mtext&gt;, &lt;mglyph&gt;, &lt;style&gt;" in page
    assert "After the markup, the rest of the lesson." in page  # still in the editor
    assert not LessonDraft.objects.exists()


def test_the_preview_refuses_the_same_markup_naming_it(editor_client):
    response = editor_client.post(
        reverse("course_editing:markdownx_markdownify"), {"content": TRUNCATING}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "&lt;math&gt;" in response.content.decode()


@pytest.mark.parametrize("markdown_text", HOSTILE_MARKDOWN.values(), ids=HOSTILE_MARKDOWN.keys())
def test_hostile_markup_is_removed_in_the_preview(editor_client, markdown_text):
    response = editor_client.post(
        reverse("course_editing:markdownx_markdownify"), {"content": markdown_text}
    )
    assert response.status_code == 200
    assert _dangers(response.content.decode()) == []


@pytest.mark.parametrize("markdown_text", HOSTILE_MARKDOWN.values(), ids=HOSTILE_MARKDOWN.keys())
def test_hostile_markup_is_removed_in_the_published_page(
    editor_client, lesson, practitioner, markdown_text
):
    body = f"Opening words.\n\n{markdown_text}\n\nClosing words."
    services.draft_save(
        lesson=lesson,
        author=practitioner,
        version=lesson.edit_version,
        title=lesson.title,
        summary="",
        body_markdown=body,
        note="Pasted",
    )
    draft_page = editor_client.get(reverse("course_editing:draft", args=[lesson.slug]))
    article = draft_page.content.decode().split('<article class="lesson draft-as-practitioner"')[1]
    assert _dangers(article.split("</article>")[0]) == []
    services.draft_publish(lesson=lesson, actor=practitioner, version=lesson.edit_version)

    editor_client.force_login(practitioner)
    page = editor_client.get(lesson.get_absolute_url()).content.decode()
    body_html = page.split('<div class="lesson-body">')[1].split("</div>")[0]
    assert "Closing words." in body_html
    assert _dangers(body_html) == []


def test_a_second_trainer_saving_an_older_version_sees_both_texts(
    client, editor, other_editor, lesson
):
    opened_at = lesson.edit_version
    services.draft_save(
        lesson=lesson,
        author=other_editor,
        version=opened_at,
        title="The law",
        summary="",
        body_markdown="Robin's version of the text.",
        note="Robin's change",
    )
    client.force_login(editor)

    response = _edit(client, lesson, body_markdown="Morgan's version.", version=opened_at)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Another trainer changed this lesson" in page
    assert "Robin Shaw" in page
    assert "Robin&#x27;s version of the text." in page  # the stored text
    assert "Morgan&#x27;s version." in page  # still in the editor
    assert f'name="version" value="{opened_at + 1}"' in page  # saving again is a choice
    assert LessonDraft.objects.get().body_markdown == "Robin's version of the text."

    again = _edit(client, lesson, body_markdown="Merged text.", version=opened_at + 1)
    assert again.status_code == 302
    assert LessonDraft.objects.get().body_markdown == "Merged text."


def test_publish_discard_history_diff_and_revert(editor_client, lesson, editor):
    original = LessonRevision.objects.create(
        lesson=lesson, title=lesson.title, body_markdown=lesson.body_markdown, source="file"
    )
    _edit(editor_client, lesson, body_markdown="## The Act\n\nThe 2023 guidance applies.")
    lesson.refresh_from_db()
    published = editor_client.post(
        reverse("course_editing:publish", args=[lesson.slug]),
        {"version": lesson.edit_version, "learners_reread": "on", "reread_summary": "New law."},
    )
    assert published.url == reverse("course_editing:history", args=[lesson.slug])
    history = editor_client.get(published.url).content.decode()
    assert "Morgan Lee" in history
    assert "Fixed a sentence" in history
    assert "Learners asked to re-read: New law." in history

    diff = editor_client.get(reverse("course_editing:diff", args=[lesson.slug])).content.decode()
    assert "The <del>2017</del> guidance applies." in diff
    assert "The <ins>2023</ins> guidance applies." in diff

    lesson.refresh_from_db()
    reverted = editor_client.post(
        reverse("course_editing:revert", args=[lesson.slug, original.pk]),
        {"version": lesson.edit_version},
    )
    assert reverted.url == reverse("course_editing:draft", args=[lesson.slug])
    assert LessonDraft.objects.get().body_markdown == original.body_markdown

    lesson.refresh_from_db()
    editor_client.post(
        reverse("course_editing:discard", args=[lesson.slug]), {"version": lesson.edit_version}
    )
    assert not LessonDraft.objects.exists()


def test_a_practitioner_who_had_completed_the_lesson_sees_the_reread_notice(
    editor_client, lesson, practitioner
):
    progress_mark_complete(user=practitioner, lesson=lesson)
    _edit(editor_client, lesson, body_markdown="## The Act\n\nThe 2023 guidance applies.")
    lesson.refresh_from_db()
    editor_client.post(
        reverse("course_editing:publish", args=[lesson.slug]),
        {"version": lesson.edit_version, "learners_reread": "on", "reread_summary": "New law."},
    )

    reader = Client()
    reader.force_login(practitioner)
    page = reader.get(lesson.get_absolute_url()).content.decode()
    assert "Updated since you completed it" in page
    assert "New law." in page
    reader.post(reverse("modules:lesson_read_again", args=[lesson.slug]))
    assert "Updated since you completed it" not in reader.get("/").content.decode()


def test_publishing_with_a_reread_needs_a_summary(editor_client, lesson):
    _edit(editor_client, lesson, body_markdown="New text.")
    lesson.refresh_from_db()
    response = editor_client.post(
        reverse("course_editing:publish", args=[lesson.slug]),
        {"version": lesson.edit_version, "learners_reread": "on"},
        follow=True,
    )
    assert "Say in a line what changed" in response.content.decode()
    assert LessonDraft.objects.exists()


def test_a_stale_publish_is_refused_with_a_message(editor_client, lesson, other_editor):
    _edit(editor_client, lesson, body_markdown="New text.")
    lesson.refresh_from_db()
    stale = lesson.edit_version
    services.draft_save(
        lesson=lesson,
        author=other_editor,
        version=stale,
        title="T",
        summary="",
        body_markdown="Other.",
        note="n",
    )
    response = editor_client.post(
        reverse("course_editing:publish", args=[lesson.slug]), {"version": stale}, follow=True
    )
    assert "Another trainer changed this lesson" in response.content.decode()
    assert LessonDraft.objects.get().body_markdown == "Other."


def test_marking_reviewed_and_archiving(editor_client, lesson):
    editor_client.post(
        reverse("course_editing:legal_review", args=[lesson.slug]), {"note": "Checked."}
    )
    history = editor_client.get(reverse("course_editing:history", args=[lesson.slug]))
    assert "Reviewed" in history.content.decode()
    assert "Checked." in history.content.decode()

    lesson.refresh_from_db()
    editor_client.post(
        reverse("course_editing:archive", args=[lesson.slug]), {"version": lesson.edit_version}
    )
    lesson.refresh_from_db()
    assert lesson.is_archived
    home = editor_client.get(reverse("course_editing:home")).content.decode()
    assert "Archived lessons" in home


# --- New lessons and their place ---------------------------------------------------------


def _new_lesson(client, part, **changes):
    data = {
        "title": "Police powers today",
        "slug": "",
        "summary": "What the police can do.",
        "body_markdown": "## Powers\n\nThe police can act.",
        "note": "New lesson",
        **changes,
    }
    return client.post(reverse("course_editing:lesson_create", args=[part.key]), data)


def test_a_new_lesson_is_created_as_a_draft_with_an_address_from_its_title(editor_client, lesson):
    form = editor_client.get(reverse("course_editing:lesson_create", args=[lesson.part.key]))
    assert f"New lesson in “{lesson.part.title}”" in form.content.decode()

    response = _new_lesson(editor_client, lesson.part)

    assert response.url == reverse("course_editing:draft", args=["police-powers-today"])
    created = Lesson.objects.get(slug="police-powers-today")
    assert created.awaiting_first_publish
    home = editor_client.get(reverse("course_editing:home")).content.decode()
    assert "New: not yet published" in home


@pytest.mark.parametrize(
    ("slug", "message"),
    [("the-law", "already has the address"), ("Not A Slug", "lower-case letters")],
)
def test_a_new_lesson_needs_a_free_well_formed_address(editor_client, lesson, slug, message):
    response = _new_lesson(editor_client, lesson.part, slug=slug)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Lesson.objects.count() == 1


def test_a_new_lesson_without_a_title_is_told_only_that(editor_client, lesson):
    response = _new_lesson(editor_client, lesson.part, title="")

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title"}


def test_a_new_lesson_in_an_unknown_part_is_not_found(editor_client, lesson):
    response = editor_client.get(reverse("course_editing:lesson_create", args=["no-such-part"]))
    assert response.status_code == 404


def test_lessons_move_within_their_part_with_buttons(editor_client, lesson):
    later = LessonFactory(part=lesson.part, order=lesson.order + 1, slug="later")
    home = editor_client.get(reverse("course_editing:home")).content.decode()
    assert home.count("Move up") == home.count("Move down") == 1

    response = editor_client.post(
        reverse("course_editing:move", args=["later"]), {"direction": "up", "order": later.order}
    )

    assert response.url == reverse("course_editing:home") + "#lesson-later"
    lesson.refresh_from_db()
    later.refresh_from_db()
    assert later.order < lesson.order


def test_pressing_move_twice_from_the_same_page_moves_once(editor_client, lesson):
    later = LessonFactory(part=lesson.part, order=lesson.order + 1, slug="later")
    url = reverse("course_editing:move", args=["later"])
    pressed = {"direction": "up", "order": later.order}

    editor_client.post(url, pressed)
    response = editor_client.post(url, pressed, follow=True)

    assert "the list changed since you opened it" in response.content.decode()
    later.refresh_from_db()
    lesson.refresh_from_db()
    assert later.order < lesson.order


def test_an_archived_lesson_does_not_move(editor_client, lesson, editor):
    lesson_archive(lesson=lesson, actor=editor)

    response = editor_client.post(
        reverse("course_editing:move", args=[lesson.slug]), {"direction": "up", "order": 1}
    )

    assert response.status_code == 404


# --- Exercises ---------------------------------------------------------------------------


@pytest.fixture
def exercise(lesson):
    exercise = ExerciseFactory(lesson=lesson, title="Thinking about the law")
    QuestionFactory(exercise=exercise, key="alone", order=1, text_markdown="What do you think?")
    QuestionFactory(exercise=exercise, key="together", order=2, stage="pair", text_markdown="Both?")
    return exercise


def _exercise_form(exercise, rows, intro="Think first."):
    """The exercise page's form as posted: `rows` are (key, text, stage, remove), the
    existing questions first, then the row for a new one."""
    data = {
        "intro_markdown": intro,
        "opened_on": exercise_fingerprint(exercise),
        "questions-TOTAL_FORMS": str(len(rows)),
        "questions-INITIAL_FORMS": str(exercise.questions.current().count()),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "50",
    }
    for index, (key, text, stage, remove) in enumerate(rows):
        data |= {
            f"questions-{index}-key": key,
            f"questions-{index}-text_markdown": text,
            f"questions-{index}-stage": stage,
        }
        if remove:
            data[f"questions-{index}-remove"] = "on"
    return data


def _exercise_url(exercise):
    return reverse("course_editing:exercise_edit", args=[exercise.number])


def test_the_exercise_page_shows_its_questions_and_a_row_for_a_new_one(editor_client, exercise):
    page = editor_client.get(_exercise_url(exercise)).content.decode()

    assert "What do you think?" in page
    assert "Remove this question" in page
    assert "New question (optional)" in page
    home = editor_client.get(reverse("course_editing:home")).content.decode()
    assert _exercise_url(exercise) in home


def test_editing_an_exercise_changes_text_removes_and_adds_questions(editor_client, exercise):
    rows = [
        ("alone", "What do you think now?", "individual", False),
        ("together", "Both?", "pair", True),
        ("next-steps", "What next?", "individual", False),
    ]
    response = editor_client.post(_exercise_url(exercise), _exercise_form(exercise, rows))

    assert response.status_code == 302
    current = exercise.questions.current().order_by("order")
    assert [(q.key, q.text_markdown) for q in current] == [
        ("alone", "What do you think now?"),
        ("next-steps", "What next?"),
    ]
    assert exercise.questions.get(key="together").retired


def test_the_empty_row_left_empty_adds_nothing(editor_client, exercise):
    rows = [
        ("alone", "What do you think?", "individual", False),
        ("together", "Both?", "pair", False),
        ("", "", "individual", False),
    ]
    response = editor_client.post(_exercise_url(exercise), _exercise_form(exercise, rows))

    assert response.status_code == 302
    assert exercise.questions.count() == 2


def test_changing_an_answered_questions_stage_is_refused_with_a_message(
    editor_client, exercise, practitioner
):
    response_row = ExerciseResponse.objects.create(user=practitioner, exercise=exercise)
    Answer.objects.create(
        response=response_row, question=exercise.questions.get(key="together"), text="Ours."
    )
    rows = [
        ("alone", "What do you think?", "individual", False),
        ("together", "Both?", "individual", False),
    ]

    response = editor_client.post(_exercise_url(exercise), _exercise_form(exercise, rows))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "cannot change" in page
    assert "Ours." not in page
    assert exercise.questions.get(key="together").stage == "pair"


def test_two_questions_with_one_key_are_refused(editor_client, exercise):
    rows = [
        ("alone", "What do you think?", "individual", False),
        ("together", "Both?", "pair", False),
        ("alone", "Again?", "individual", False),
    ]
    response = editor_client.post(_exercise_url(exercise), _exercise_form(exercise, rows))

    assert response.status_code == 400
    assert "appear more than once" in response.content.decode()
    assert exercise.questions.count() == 2


def test_an_unknown_exercise_is_not_found(editor_client, exercise):
    response = editor_client.get(reverse("course_editing:exercise_edit", args=[999]))
    assert response.status_code == 404


def test_a_save_from_a_page_opened_before_another_trainers_save_is_refused(editor_client, exercise):
    rows = [
        ("alone", "What do you think?", "individual", False),
        ("together", "Both?", "pair", False),
    ]
    opened = _exercise_form(exercise, rows)
    QuestionFactory(exercise=exercise, key="added-meanwhile", order=3)

    opened["questions-0-text_markdown"] = "TYPED-BY-ME in the meantime"

    response = editor_client.post(_exercise_url(exercise), opened)

    page = response.content.decode()
    assert response.status_code == 409
    assert "another trainer changed this exercise" in page
    assert not exercise.questions.get(key="added-meanwhile").retired
    # Nothing typed is lost: it is still in the form, with the saved version below it.
    assert "TYPED-BY-ME in the meantime</textarea>" in page
    saved = page.split('id="saved-version-heading"')[1]
    assert "<code>added-meanwhile</code>" in saved
    assert "What do you think?" in saved
