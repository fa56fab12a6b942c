"""A trainer keeps a lesson correct in the browser: edits it with the keyboard alone,
watches the preview, saves a draft (a practitioner still reads the published text),
publishes it, compares the versions and reverts; every page free of axe-core violations."""

import re

import pytest
from playwright.sync_api import expect

from modules.models import LessonRevision
from tests.factories import (
    ExerciseFactory,
    LessonFactory,
    QuestionFactory,
    UserFactory,
    second_factor_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

OLD = "The 2017 guidance applies."
NEW = "The 2023 guidance applies."


@pytest.fixture
def lesson(db):
    lesson = LessonFactory(
        slug="the-law",
        title="The law",
        body_markdown=f'## The Act\n\n{OLD}\n\n!!! note "Box 1"\n    A call-out.',
        legal_review="Check the guidance.",
    )
    LessonRevision.objects.create(
        lesson=lesson, title=lesson.title, body_markdown=lesson.body_markdown, source="file"
    )
    return lesson


@pytest.fixture
def editor(team):
    user = UserFactory(team=team, full_name="Morgan Lee", role="trainer")
    second_factor_for(user)
    return user


def tab_to(page, target, *, limit=60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_a_trainer_edits_previews_publishes_compares_and_reverts(
    editor, practitioner, lesson, new_page, assert_accessible
):
    page = new_page(editor)
    page.goto("/")
    page.get_by_role("link", name="Course editing").click()
    expect(page.get_by_role("heading", name="Course editing")).to_be_visible()
    expect(page.get_by_text("1 lesson needs a legal review")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="The law").click()
    editor_box = page.get_by_label("Lesson text (Markdown)")
    preview = page.locator(".markdownx-preview")
    expect(preview.get_by_text(OLD)).to_be_visible()  # drawn by the server's renderer
    expect(preview.locator(".admonition")).to_be_visible()
    assert_accessible(page)

    # Keyboard only: Tab into the text, change the year, Tab on to the note.
    tab_to(page, editor_box)
    page.keyboard.press("Control+Home")
    for _ in range(2):
        page.keyboard.press("ArrowDown")  # to the line with the year
    page.keyboard.press("Home")
    for _ in range(len("The 2017")):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("23")
    expect(preview.get_by_text(NEW)).to_be_visible()
    page.keyboard.press("Tab")  # Tab leaves the editor rather than indenting
    expect(page.get_by_label("What changed")).to_be_focused()
    page.keyboard.type("Updated to the 2023 guidance")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Draft of “The law”")).to_be_visible()
    expect(page.locator("article").get_by_text(NEW)).to_be_visible()
    assert_accessible(page)

    reader = new_page(practitioner)
    reader.goto("/lessons/the-law/")
    expect(reader.get_by_text(OLD)).to_be_visible()
    expect(reader.get_by_text(NEW)).to_have_count(0)
    with reader.expect_navigation():
        reader.get_by_role("button", name="Mark complete and continue").click()
    reader.goto("/lessons/the-law/")
    expect(reader.get_by_text("You have completed this lesson.")).to_be_visible()

    page.get_by_label("Learners should re-read this").check()
    page.get_by_label("What changed, for learners (one line)").fill("The guidance is now 2023's.")
    page.get_by_role("button", name="Publish this draft").click()
    expect(page.get_by_role("heading", name="History of “The law”")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Updated to the 2023 guidance", exact=False)
    ).to_be_visible()
    assert_accessible(page)

    reader.reload()
    expect(reader.get_by_text(NEW)).to_be_visible()
    # Completed before this version: asked to read it again, on the lesson and outline.
    notice = reader.locator(".reread-notice").first
    expect(notice).to_contain_text("Updated since you completed it")
    expect(notice).to_contain_text("The guidance is now 2023's.")
    assert_accessible(reader)
    reader.goto("/")
    expect(reader.locator(".outline-item .reread-notice")).to_contain_text(
        "The guidance is now 2023's."
    )
    assert_accessible(reader)
    reader.goto("/lessons/the-law/")
    reader.get_by_role("button", name="Mark as read").click()
    expect(reader.get_by_text("marked as read again")).to_be_visible()
    expect(reader.locator(".reread-notice")).to_have_count(0)
    expect(reader.get_by_text("You have completed this lesson.")).to_be_visible()
    reader.goto("/")
    expect(reader.locator(".reread-notice")).to_have_count(0)

    page.get_by_role("link", name="Compare the last two versions").click()
    expect(page.locator("del", has_text="2017")).to_be_visible()
    expect(page.locator("ins", has_text="2023")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("Revert to version 1")).click()
    expect(page.get_by_role("heading", name="Draft of “The law”")).to_be_visible()
    expect(page.locator("article").get_by_text(OLD)).to_be_visible()
    reader.goto("/lessons/the-law/")
    expect(reader.get_by_text(NEW)).to_be_visible()  # a revert is a draft until published


def test_a_refused_text_stays_on_screen_with_the_reason(
    editor, lesson, new_page, assert_accessible
):
    page = new_page(editor)
    page.goto("/course-editing/lessons/the-law/edit/")
    hostile = "Before.\n\n<math><mtext><table><mglyph><style>\n\nAfter, the rest."
    page.get_by_label("Lesson text (Markdown)").fill(hostile)
    expect(page.locator(".markdownx-preview [role=alert]")).to_contain_text("<math>")
    page.get_by_label("What changed").fill("Pasted a formula")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert").first).to_contain_text("This text cannot be saved")
    expect(page.get_by_label("Lesson text (Markdown)")).to_have_value(
        re.compile("After, the rest.")
    )
    assert_accessible(page)


def test_a_second_trainer_sees_both_texts_and_loses_neither(
    editor, lesson, new_page, assert_accessible, team
):
    other = UserFactory(team=team, full_name="Robin Shaw", role="trainer")
    second_factor_for(other)
    mine, theirs = new_page(editor), new_page(other)
    for page in (mine, theirs):
        page.goto("/course-editing/lessons/the-law/edit/")
    theirs.get_by_label("What changed").fill("Robin's fix")
    theirs.get_by_role("button", name="Save draft").click()
    expect(theirs.get_by_role("heading", name="Draft of “The law”")).to_be_visible()

    mine.get_by_label("Lesson text (Markdown)").fill("Morgan's text.")
    mine.get_by_label("What changed").fill("Morgan's fix")
    mine.get_by_role("button", name="Save draft").click()

    expect(mine.get_by_role("heading", name=re.compile("Another trainer changed"))).to_be_visible()
    expect(mine.get_by_label("The stored text")).to_have_value(re.compile(re.escape(OLD)))
    expect(mine.get_by_label("Lesson text (Markdown)")).to_have_value("Morgan's text.")
    assert_accessible(mine)
    mine.get_by_role("button", name="Save draft").click()  # keep mine, knowingly
    expect(mine.locator("article").get_by_text("Morgan's text.")).to_be_visible()


def test_a_trainer_adds_a_lesson_moves_it_and_edits_an_exercise(
    editor, lesson, new_page, assert_accessible
):
    exercise = ExerciseFactory(lesson=lesson, title="Thinking about the law")
    QuestionFactory(exercise=exercise, key="alone", text_markdown="What do you think?")
    page = new_page(editor)
    page.goto("/course-editing/")
    page.get_by_role("link", name=f"New lesson in {lesson.part.title}").click()
    expect(page.get_by_role("heading", name=re.compile("New lesson in"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("Police powers")
    page.get_by_label("Summary").fill("What the police can do.")
    page.get_by_label("Lesson text (Markdown)").fill("## Powers\n\nThe police can act.")
    page.get_by_role("button", name="Create the lesson as a draft").click()
    expect(page.get_by_role("heading", name="Draft of “Police powers”")).to_be_visible()
    page.get_by_role("button", name="Publish this draft").click()
    expect(page.get_by_role("heading", name="History of “Police powers”")).to_be_visible()

    page.goto("/course-editing/")
    move = page.get_by_role("button", name=re.compile(r"Move up\W+Police powers"))
    move.focus()
    page.keyboard.press("Enter")  # no script needed: a form's button
    expect(page.get_by_text("moved one place earlier")).to_be_visible()
    rows = page.locator(".editing-table tbody tr th a:first-child")
    expect(rows.first).to_have_text("Police powers")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Reflective exercise")).first.click()
    expect(page.get_by_role("heading", name=re.compile("Edit reflective exercise"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Question (Markdown)").first.fill("What do you think now?")
    page.get_by_role("button", name="Save the exercise").click()
    expect(page.get_by_text("Saved: practitioners now see")).to_be_visible()
    expect(page.get_by_label("Question (Markdown)").first).to_have_value("What do you think now?")
