"""How lesson pages look: reflow on a narrow screen, printing, and the prevalence chart."""

import pytest
from playwright.sync_api import expect

from modules.models import Lesson

pytestmark = pytest.mark.django_db(transaction=True)

CHART_LESSON = "/lessons/how-common-is-cse/"
OVERFLOW = "() => document.documentElement.scrollWidth"


def overflowing_pages(page, paths, width):
    """The paths whose page scrolls sideways at `width` CSS pixels, with their width."""
    wide = []
    for path in paths:
        response = page.goto(path)
        assert response.url.endswith(path), f"{path} redirected to {response.url}"
        # Open every table of figures, so the tables are measured too.
        for summary in page.locator("details > summary").all():
            summary.click()
        scroll_width = page.evaluate(OVERFLOW)
        if scroll_width > width:
            wide.append((path, scroll_width))
    return wide


@pytest.mark.parametrize(
    "viewport",
    [
        pytest.param({"width": 320, "height": 640}, id="320px"),
        # A 1280 px window zoomed to 400% (WCAG 1.4.10) is 320 CSS px wide; one zoomed to
        # 200% is 640 CSS px wide at twice the pixel density.
        pytest.param({"width": 640, "height": 480}, id="640px-at-200-percent"),
    ],
)
def test_every_lesson_reflows_without_horizontal_scrolling(
    viewport, course_content, practitioner, new_page
):
    scale = 2 if viewport["width"] == 640 else 1
    page = new_page(practitioner, viewport=viewport, device_scale_factor=scale)
    paths = [lesson.get_absolute_url() for lesson in Lesson.objects.in_order()]
    assert CHART_LESSON in paths
    assert "/lessons/references-and-further-resources/" in paths

    assert overflowing_pages(page, paths, viewport["width"]) == []


def test_home_and_account_pages_reflow_at_320px(course_content, new_page, live_url):
    page = new_page(viewport={"width": 320, "height": 640})
    paths = ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]

    assert overflowing_pages(page, paths, 320) == []


def test_signed_in_home_reflows_at_320px(course_content, practitioner, new_page):
    page = new_page(practitioner, viewport={"width": 320, "height": 640})

    assert overflowing_pages(page, ["/"], 320) == []


def test_printed_lesson_shows_the_text_without_navigation(course_content, practitioner, new_page):
    page = new_page(practitioner)
    page.goto(CHART_LESSON)
    page.emulate_media(media="print")

    for hidden in [
        page.locator(".site-header"),
        page.get_by_role("navigation", name="Main"),
        page.get_by_role("link", name="Skip to main content"),
        page.locator(".lesson-outline"),
        page.get_by_role("navigation", name="Previous and next lesson"),
        page.get_by_role("button", name="Mark complete and continue"),
        page.locator(".lesson-contents"),
        page.get_by_role("link", name="Back to top"),
        page.locator(".chart-bars").first,
    ]:
        expect(hidden).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("How common is CSE?")
    expect(page.get_by_role("heading", name="Why CSE is hard to count")).to_be_visible()
    expect(page.locator(".lesson-body")).to_be_visible()
    # The figures are printed as tables, though the disclosure is closed on screen.
    expect(page.locator(".chart-data table").first).to_be_visible()


def test_printed_lesson_text_uses_the_full_page_width(course_content, practitioner, new_page):
    page = new_page(practitioner, viewport={"width": 1200, "height": 800})
    page.goto(CHART_LESSON)
    screen_width = page.locator(".lesson").bounding_box()["width"]
    page.emulate_media(media="print")

    assert page.locator(".lesson").bounding_box()["width"] > screen_width


def chart_bars(chart):
    return [
        (row.locator(".chart-label").inner_text(), row.locator(".chart-value").inner_text())
        for row in chart.locator(".chart-row").all()
    ]


def chart_table(chart):
    return [
        (row.locator("th").inner_text(), row.locator("td").first.inner_text())
        for row in chart.locator("tbody tr").all()
    ]


def test_prevalence_chart_shows_bars_and_a_table_of_the_same_numbers(
    course_content, practitioner, new_page
):
    page = new_page(practitioner)
    page.goto(CHART_LESSON)
    charts = page.locator("figure.chart")
    expect(charts).to_have_count(2)

    for chart in charts.all():
        expect(chart.locator(".chart-bars")).to_be_visible()
        fills = chart.locator(".chart-fill")
        widths = [fill.bounding_box()["width"] for fill in fills.all()]
        assert len(widths) >= 3
        assert all(width > 0 for width in widths)

        table = chart.get_by_role("table")
        expect(table).to_be_hidden()
        chart.get_by_text("The figures as a table").click()
        expect(table).to_be_visible()

        bars = chart_bars(chart)
        assert bars == chart_table(chart)
        # The longest bar belongs to the largest number.
        values = [int(value.replace(",", "")) for _, value in bars]
        assert widths.index(max(widths)) == values.index(max(values))

    assert ("At 'high risk' of CSE", "16,500") in chart_bars(charts.nth(1))
