import pytest
from django.db import transaction

from .world import world_build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The security tests' organisation (tests/security/world.py), built once for the
    module and removed after it; each test's own changes are undone after the test."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = world_build()
        yield built
        transaction.set_rollback(True)


def _stand_in_pdf(*args, **kwargs):
    return b"%PDF-1.4 stand-in"


@pytest.fixture(scope="module")
def quick_pdfs():
    """The CPD record's and the certificate's PDFs as a stand-in: building one takes over
    a second, and the tests that walk every URL as every role ask only who gets one (the
    documents themselves are tested in tests/reflections)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reflections.services.records.cpd_record_pdf", _stand_in_pdf)
        patch.setattr("reflections.views.certificates.certificate_pdf", _stand_in_pdf)
        yield
