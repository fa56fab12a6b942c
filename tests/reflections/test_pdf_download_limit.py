"""The PDFs take about a second of CPU each to draw, so each person may download them
at most 10 times a minute (`pdf_download` in ACCOUNT_RATE_LIMITS): the next request
returns to the page it came from with a message, and draws nothing."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.reflections.factories import CertificateFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 stand-in"
DRAWN = []


def _stand_in(*args, **kwargs):
    DRAWN.append((args, kwargs))
    return PDF


@pytest.fixture(autouse=True)
def quick_pdfs(monkeypatch):
    DRAWN.clear()
    monkeypatch.setattr("reflections.services.records.cpd_record_pdf", _stand_in)
    monkeypatch.setattr("reflections.views.certificates.certificate_pdf", _stand_in)


@pytest.mark.parametrize(
    ("name", "page"),
    [
        ("reflections:cpd_record_pdf", "reflections:cpd_record"),
        ("reflections:certificate_pdf", "reflections:certificate"),
    ],
)
def test_the_eleventh_download_in_a_minute_is_refused_with_a_message(
    client, practitioner, name, page
):
    CertificateFactory(user=practitioner)
    client.force_login(practitioner)
    for _ in range(10):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response.content == PDF

    refused = client.get(reverse(name), follow=True)

    assert refused.redirect_chain == [(reverse(page), 302)]
    assert "downloaded this several times" in refused.content.decode()
    assert len(DRAWN) == 10


def test_one_persons_downloads_do_not_count_against_another(client, practitioner):
    other = UserFactory()
    client.force_login(practitioner)
    for _ in range(10):
        assert client.get(reverse("reflections:cpd_record_pdf")).status_code == 200
    client.force_login(other)

    response = client.get(reverse("reflections:cpd_record_pdf"))

    assert response.status_code == 200
    assert response.content == PDF
