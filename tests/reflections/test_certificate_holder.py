"""Who holds a certificate (`User.has_certificate`): marked however the certificate is
made, and the course home looks for a certificate only for its holders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from reflections.selectors.certificates import certificate_own
from reflections.services.certificates import certificate_issue
from tests.reflections.factories import CertificateFactory
from tests.reflections.test_certificates import complete_everything, course  # noqa: F401

pytestmark = pytest.mark.django_db


def test_issuing_a_certificate_marks_its_holder(course, practitioner):  # noqa: F811
    complete_everything(practitioner, course)

    certificate, _issued = certificate_issue(user=practitioner)

    assert practitioner.has_certificate is True  # the same request sees it at once
    assert User.objects.get(pk=practitioner.pk).has_certificate is True
    assert certificate_own(user=practitioner) == certificate


def test_a_certificate_made_any_other_way_marks_its_holder_too(practitioner):
    certificate = CertificateFactory(user=User.objects.get(pk=practitioner.pk))

    holder = User.objects.get(pk=practitioner.pk)
    assert holder.has_certificate is True
    assert certificate_own(user=holder) == certificate


def test_nobody_else_is_marked(practitioner, colleague):
    CertificateFactory(user=practitioner)

    assert User.objects.get(pk=colleague.pk).has_certificate is False


def test_someone_never_issued_one_costs_no_query(practitioner):
    with CaptureQueriesContext(connection) as queries:
        assert certificate_own(user=practitioner) is None

    assert len(queries) == 0


def test_the_course_home_shows_the_holders_certificate(client, course_content, practitioner):
    CertificateFactory(user=practitioner, completed_on=timezone.localdate())
    client.force_login(practitioner)

    response = client.get("/")

    assert response.status_code == 200
    assert "Your certificate of completion" in response.content.decode()
