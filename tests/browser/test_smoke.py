import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_course_home_has_no_accessibility_violations(
    new_page, live_url, course_content, assert_accessible
):
    page = new_page()
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Child Sexual Exploitation")
    assert_accessible(page)
