import pytest

from tests.factories import LessonFactory, UserFactory, second_factor_for


@pytest.fixture
def editor(team):
    """A trainer who has set up two-factor sign-in, as the editing pages require."""
    user = UserFactory(team=team, full_name="Morgan Lee", role="trainer")
    second_factor_for(user)
    return user


@pytest.fixture
def other_editor(team):
    user = UserFactory(team=team, full_name="Robin Shaw", role="trainer")
    second_factor_for(user)
    return user


@pytest.fixture
def lesson(db):
    return LessonFactory(
        slug="the-law",
        title="The law",
        body_markdown="## The Act\n\nThe 2017 guidance applies.\n\nA second paragraph.",
        legal_review="Check the 2017 guidance.",
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
