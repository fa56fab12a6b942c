"""The main pages in the course's design: the header names the course and the person's
organisation (with its logo), every page passes axe-core, reflows at 320 px and shows
focus. With DESIGN_SCREENSHOTS=1 the test also writes docs/images/, the screenshots in
docs/design.md:

    DESIGN_SCREENSHOTS=1 .venv/bin/python -m pytest tests/browser/test_design_pages.py
"""

import os
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from accounts.logos import logo_prepare
from modules.models import Lesson
from tests.factories import LessonProgressFactory, UserFactory, second_factor_for

pytestmark = pytest.mark.django_db(transaction=True)

IMAGES = Path(settings.BASE_DIR) / "docs" / "images"
WRITE_SCREENSHOTS = os.environ.get("DESIGN_SCREENSHOTS") == "1"
VIEWPORT = {"width": 1024, "height": 800}
PAGES = [
    # (file name, who, path)
    ("home", "practitioner", "/"),
    ("lesson", "practitioner", "/lessons/missing-placements-secure-care-and-court/"),
    ("exercise", "practitioner", "/reflections/exercises/1/"),
    ("my-reflections", "practitioner", "/reflections/"),
    ("team-dashboard", "manager", "/team-progress/"),
    ("course-editing", "editor", "/course-editing/"),
    ("glossary", "practitioner", "/glossary/"),
]


def crest_logo():
    """A made-up council crest: a shield and two bars, as a PNG upload."""
    image = Image.new("RGB", (360, 108), "white")
    draw = ImageDraw.Draw(image)
    draw.polygon([(10, 10), (80, 10), (80, 60), (45, 98), (10, 60)], fill="#00703c")
    draw.rectangle([100, 30, 340, 50], fill="#0b0c0c")
    draw.rectangle([100, 62, 280, 76], fill="#505a5f")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    upload = ContentFile(buffer.getvalue(), name="crest.png")
    upload.size = len(buffer.getvalue())
    return logo_prepare(upload)


@pytest.fixture
def people(course_content, organisation, team, practitioner, manager):
    organisation.logo.save("logo.png", crest_logo())
    second_factor_for(manager)
    editor = UserFactory(team=team, full_name="Morgan Lee", role="trainer")
    second_factor_for(editor)
    now = timezone.now()
    lessons = list(Lesson.objects.in_order())
    for person, done in ((practitioner, 3), (UserFactory(team=team, full_name="Ann Few"), 7)):
        for lesson in lessons[:done]:
            LessonProgressFactory(user=person, lesson=lesson, last_viewed_at=now, completed_at=now)
    return {"practitioner": practitioner, "manager": manager, "editor": editor}


def optimised_png(raw):
    """The screenshot in at most 256 colours: a tenth of the size, the same to the eye."""
    image = Image.open(BytesIO(raw)).convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    buffer = BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "who", "path"), PAGES, ids=[page[0] for page in PAGES])
def test_main_pages_carry_the_course_and_organisation_and_pass_axe(
    name, who, path, people, organisation, new_page, assert_accessible
):
    page = new_page(people[who], viewport=VIEWPORT)
    response = page.goto(path)
    assert response.status == 200

    banner = page.get_by_role("banner")
    expect(banner.get_by_role("link", name="CSE practice course")).to_be_visible()
    logo = banner.get_by_role("img", name=organisation.name)
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.naturalWidth") > 0
    assert_accessible(page)

    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.set_viewport_size(VIEWPORT)

    if WRITE_SCREENSHOTS:
        IMAGES.mkdir(parents=True, exist_ok=True)
        (IMAGES / f"{name}.png").write_bytes(optimised_png(page.screenshot()))


FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {element: el.outerHTML.slice(0, 120), width: parseFloat(style.outlineWidth),
          style: style.outlineStyle, colour: style.outlineColor, shadow: style.boxShadow};
}"""


def test_every_focusable_element_on_a_lesson_shows_the_focus_ring(people, new_page):
    # Reduced motion: Bootstrap then draws the ring at once, with no transition.
    page = new_page(people["practitioner"], viewport=VIEWPORT, reduced_motion="reduce")
    page.goto("/lessons/missing-placements-secure-care-and-court/")

    seen = 0
    for _ in range(100):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring["element"].startswith("<body"):
            break  # past the last focusable element
        assert ring["style"] == "solid", ring
        assert ring["width"] >= 3, ring
        assert ring["colour"] == "rgb(11, 12, 12)", ring
        assert "rgb(255, 221, 0)" in ring["shadow"], ring
        seen += 1
    # The skip link, the header's links, the lesson's, the outline's and the footer's.
    assert seen > 25
