"""The glossary: content/glossary.yaml, loaded and exported with the rest of the course,
shown at /glossary/, and linked from the first use of each term in a lesson (when the
lesson's text is rendered, not per request)."""

import re

import pytest
from django.urls import reverse

from modules.content import ContentError, read_content
from modules.models import GlossaryTerm, Lesson
from modules.services import content_export, content_load
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GLOSSARY = """\
terms:
  - term: "Lesson"
    slug: lesson
    links: ["lesson's text"]
    definition: >-
      A page of the course.
"""


def glossary_links(html):
    return re.findall(r'<a class="glossary-link" href="([^"]+)"[^>]*>([^<]*)</a>', html)


def test_the_real_glossary_loads_with_box_1_and_the_terms_the_lessons_define(course_content):
    slugs = set(GlossaryTerm.objects.values_list("slug", flat=True))

    assert {"child", "young-person", "child-young-person", "cse"} <= slugs  # Box 1
    assert {"grooming", "looked-after-child", "return-interview", "secure-accommodation"} <= slugs


def test_a_lesson_links_the_first_use_of_a_term_but_not_in_a_heading(course_content):
    lesson = Lesson.objects.get(slug="missing-placements-secure-care-and-court")

    links = glossary_links(lesson.body_html)

    assert links.count(("/glossary/#return-interview", "return interview")) == 1
    assert ("/glossary/#secure-accommodation", "secure accommodation") in links
    # The heading "After a missing episode: the return interview" is left alone.
    assert re.search(
        r"<h2[^>]*>After a missing episode: the return interview</h2>", lesson.body_html
    )
    assert len(links) == len({href for href, _ in links})


def test_every_lesson_links_only_to_terms_that_exist(course_content):
    known = {term.get_absolute_url() for term in GlossaryTerm.objects.all()}

    for lesson in Lesson.objects.all():
        assert {href for href, _ in glossary_links(lesson.body_html)} <= known


def test_loading_a_glossary_links_lessons_and_removing_it_unlinks_them(content_tree):
    content_load(directory=content_tree.root)
    assert glossary_links(Lesson.objects.get(slug="first-lesson").body_html) == []

    content_tree.write("glossary.yaml", GLOSSARY)
    report = content_load(directory=content_tree.root)

    assert "glossary term lesson" in report.created
    assert glossary_links(Lesson.objects.get(slug="first-lesson").body_html) == [
        ("/glossary/#lesson", "lesson's text")
    ]

    content_tree.remove("glossary.yaml")
    report = content_load(directory=content_tree.root)

    assert "glossary term lesson" in report.removed
    assert not GlossaryTerm.objects.exists()
    assert glossary_links(Lesson.objects.get(slug="first-lesson").body_html) == []


def test_a_trainers_edit_to_a_lesson_links_terms_too(content_tree):
    content_tree.write("glossary.yaml", GLOSSARY)
    content_load(directory=content_tree.root)
    lesson = Lesson.objects.get(slug="second-lesson")

    lesson.body_markdown = "The lesson's text, edited."
    lesson.save()

    assert glossary_links(lesson.body_html) == [("/glossary/#lesson", "lesson's text")]


def test_the_glossary_is_exported_as_it_was_read(content_tree, tmp_path):
    content_tree.write("glossary.yaml", GLOSSARY)
    content_load(directory=content_tree.root)

    content_export(directory=tmp_path / "out")

    assert read_content(tmp_path / "out").glossary == read_content(content_tree.root).glossary


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GLOSSARY.replace("    slug: lesson\n", ""), "terms[1].slug"),
        (GLOSSARY.replace("links:", "linked:"), "terms[1].linked"),
        (GLOSSARY.replace('["lesson\'s text"]', "lesson"), "terms[1].links"),
        (GLOSSARY + GLOSSARY.removeprefix("terms:\n"), "duplicate glossary slug 'lesson'"),
        ("terms: nothing\n", "a list of terms"),
    ],
)
def test_a_broken_glossary_is_refused_saying_where(content_tree, text, problem):
    content_tree.write("glossary.yaml", text)

    with pytest.raises(ContentError) as error:
        read_content(content_tree.root)

    assert problem in str(error.value)
    assert "glossary.yaml" in str(error.value)


def test_the_glossary_page_lists_each_term_with_an_anchor(
    client, course_content, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("modules:glossary"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="glossary-entry" id="return-interview">' in page
    assert "<dt>Secure accommodation</dt>" in page
    assert page.index("<dt>Child, children</dt>") < page.index("<dt>Young person</dt>")


def test_a_lesson_page_shows_the_links_to_the_glossary(client, course_content):
    client.force_login(UserFactory())

    page = client.get("/lessons/missing-placements-secure-care-and-court/").content.decode()

    assert 'href="/glossary/#return-interview"' in page


def test_the_lessons_a_definition_links_to_exist(course_content):
    slugs = set(Lesson.objects.current().values_list("slug", flat=True))
    linked = {
        slug
        for term in GlossaryTerm.objects.all()
        for slug in re.findall(r'href="/lessons/([^/"]+)/"', term.definition_html)
    }

    assert linked
    assert linked <= slugs
