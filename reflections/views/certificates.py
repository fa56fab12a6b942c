"""The end of the course: the course-completed page, the practitioner's certificate (a
printable page and a PDF), and the public page that checks a certificate's code.

The certificate is issued by `services.certificates.certificate_issue`, which checks on
the server that every lesson and exercise is done. These pages ask it (it returns the
existing certificate, or issues it to someone who completed the course before
certificates existed); someone who has not completed the course is sent to the course
home.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header

from accounts.ratelimits import rate_limit_consume
from audit.logs import EXPORT, security_event
from modules.selectors import course_for_request, course_outline

from ..pdf import certificate_pdf
from ..progress import course_standing
from ..records_forms import CertificateVerifyForm
from ..selectors.certificates import (
    certificate_document,
    certificate_verify,
    completion_summary,
)
from ..services.certificates import CourseNotCompleted, certificate_issue
from .records import PDF_LIMITED

NOT_YET = (
    "Your certificate is ready once you have completed every lesson and submitted every "
    "reflective exercise."
)


def _own_certificate(request):
    try:
        certificate, _issued = certificate_issue(user=request.user)
    except CourseNotCompleted:
        return None
    return certificate


@login_required
def course_completed(request):
    certificate = _own_certificate(request)
    if certificate is None:
        messages.info(request, NOT_YET)
        return redirect("modules:home")
    context = {"summary": completion_summary(certificate=certificate)}
    return render(request, "reflections/course_completed.html", context)


@login_required
def course_summary(request):
    """Where the course stands for the practitioner: lessons done, exercises submitted and
    those still open, and what completing it gives. Shown after the last lesson; once the
    course is complete, the course-completed page takes its place."""
    standing = course_standing(user=request.user)
    if standing.is_completed and _own_certificate(request) is not None:
        return redirect("reflections:course_completed")
    context = {
        "standing": standing,
        "outline": course_outline(user=request.user, course=course_for_request(request)),
    }
    return render(request, "reflections/course_summary.html", context)


@login_required
def certificate_page(request):
    certificate = _own_certificate(request)
    if certificate is None:
        messages.info(request, NOT_YET)
        return redirect("modules:home")
    context = {"document": certificate_document(certificate=certificate)}
    return render(request, "reflections/certificate.html", context)


@login_required
def certificate_download(request):
    certificate = _own_certificate(request)
    if certificate is None or certificate.is_revoked:
        messages.info(request, NOT_YET if certificate is None else "This certificate was revoked.")
        return redirect("modules:home" if certificate is None else "reflections:certificate")
    if not rate_limit_consume(request, action="pdf_download"):
        messages.error(request, PDF_LIMITED)
        return redirect("reflections:certificate")
    document = certificate_document(certificate=certificate)
    pdf = certificate_pdf(
        certificate=certificate,
        course_title=document.course_title,
        source_citation=document.source_citation,
        verify_url=document.verify_url,
    )
    filename = f"certificate-cse-course-{certificate.completed_on:%Y-%m-%d}.pdf"
    security_event(EXPORT, kind="certificate_pdf", certificate_id=certificate.pk)
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


urlpatterns = [
    path("completed/", course_completed, name="course_completed"),
    path("summary/", course_summary, name="course_summary"),
    path("certificate/", certificate_page, name="certificate"),
    path("certificate.pdf", certificate_download, name="certificate_pdf"),
]


# --- The public verify page ---------------------------------------------------------------


def verify_page(request, code=None):
    """Anyone, signed in or not, can check a code: typed in the form (?code=) or from the
    link printed on a certificate. Found, revoked or not found, the page has the same
    shape. Each check counts towards a limit per client address (`certificate_verify` in
    ACCOUNT_RATE_LIMITS), so codes cannot be tried in bulk."""
    form = CertificateVerifyForm(request.GET if code is None else {"code": code})
    context = {"form": form, "verification": None}
    if code is None and "code" not in request.GET:
        context["form"] = CertificateVerifyForm()
        return _verify_render(request, context)
    if not form.is_valid():
        return _verify_render(request, context, status=400)
    if not rate_limit_consume(request, action="certificate_verify"):
        context["limited"] = True
        return _verify_render(request, context, status=429)
    verification = certificate_verify(code=form.cleaned_data["code"])
    context["verification"] = verification
    return _verify_render(request, context, status=404 if verification.is_not_found else 200)


def _verify_render(request, context, status=200):
    response = render(request, "reflections/verify.html", context, status=status)
    # A page about a named person: kept out of search engines' indexes.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
