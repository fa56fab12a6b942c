"""The records: the commitment's review, the CPD record (page and PDF), the data
export and deleting an account. Every one is about the signed-in person only: no URL
carries an id of theirs to guess.
"""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.ratelimits import rate_limit_consume

from ..export import account_delete, user_data_export_record
from ..records_forms import AccountDeleteForm, CommitmentReviewForm
from ..selectors.records import commitment_get, cpd_record
from ..services.records import commitment_review_save, cpd_record_export

# Said when a person has downloaded their PDFs more often than `pdf_download` allows.
PDF_LIMITED = (
    "You have downloaded this several times in the last few minutes. Please wait a minute, "
    "then try again."
)


@login_required
@require_POST
def commitment_review(request, number):
    commitment = commitment_get(user=request.user, exercise_number=number)
    if commitment is None:
        raise Http404("No commitment to review.")
    form = CommitmentReviewForm(request.POST, prefix=f"review-{number}")
    if not form.is_valid():
        # Shown again at once, with the typed text, rather than kept anywhere.
        context = {"commitment": commitment, "form": form, "today": timezone.localdate()}
        return render(request, "reflections/commitment_review.html", context, status=400)
    commitment_review_save(commitment=commitment, outcome=form.cleaned_data["outcome"])
    messages.success(request, "Your review is saved with exercise 4. You can edit it later.")
    return redirect(reverse("reflections:mine") + "#commitments")


@login_required
def cpd_record_page(request):
    return render(request, "reflections/cpd_record.html", {"record": cpd_record(user=request.user)})


def _download(content: bytes, *, stem: str, extension: str, content_type: str) -> HttpResponse:
    """`content` as a file to save, named `stem`, today's date and `extension`.

    The header comes from Django's `content_disposition_header`, the one FileResponse
    uses. Not FileResponse itself: the file is already whole in memory, and a streaming
    response has no `content` for the checks that read every reflections page and file
    (tests/reflections/test_privacy.py)."""
    filename = f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@login_required
def cpd_record_download(request):
    if not rate_limit_consume(request, action="pdf_download"):
        messages.error(request, PDF_LIMITED)
        return redirect("reflections:cpd_record")
    pdf = cpd_record_export(user=request.user)
    return _download(
        pdf, stem="cpd-record-cse-course", extension="pdf", content_type="application/pdf"
    )


@login_required
def data_export(request):
    data = user_data_export_record(user=request.user)
    content = json.dumps(data, indent=2, ensure_ascii=False).encode()
    return _download(
        content, stem="my-data-cse-course", extension="json", content_type="application/json"
    )


@login_required
@sensitive_post_parameters("password")
def account_delete_view(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and not rate_limit_consume(request, action="account_delete"):
        # The password check is not run at all: it cannot be tried again and again.
        messages.error(request, "Too many attempts. Wait 15 minutes, then try again.")
        form = AccountDeleteForm(user=request.user)
        return render(request, "reflections/account_delete.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        account_delete(user=user)
        return redirect("reflections:account_deleted")
    status = 400 if request.method == "POST" else 200
    return render(request, "reflections/account_delete.html", {"form": form}, status=status)


def account_deleted(request):
    return render(request, "reflections/account_deleted.html")


urlpatterns = [
    path(
        "exercises/<int:number>/commitment/review/",
        commitment_review,
        name="commitment_review",
    ),
    path("cpd-record/", cpd_record_page, name="cpd_record"),
    path("cpd-record.pdf", cpd_record_download, name="cpd_record_pdf"),
    path("my-data.json", data_export, name="data_export"),
    path("delete-account/", account_delete_view, name="account_delete"),
    path("account-deleted/", account_deleted, name="account_deleted"),
]
