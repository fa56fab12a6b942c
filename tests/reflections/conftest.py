import pytest


@pytest.fixture
def signed_in(client, practitioner):
    """The test client, signed in as the practitioner."""
    client.force_login(practitioner)
    return client
