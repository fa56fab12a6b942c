from django import template
from django.utils import timezone

from ..records_forms import CommitmentReviewForm
from ..selectors import commitments_of

register = template.Library()


@register.inclusion_tag("reflections/_commitment_review.html")
def commitment_review(user):
    """The practitioner's commitment and, once its review date has come, the review prompt."""
    today = timezone.localdate()
    entries = []
    for commitment in commitments_of(user=user):
        review_open = commitment.review_on <= today or commitment.reviewed_at is not None
        form = None
        if review_open:
            form = CommitmentReviewForm(
                initial={"outcome": commitment.outcome_text},
                prefix=f"review-{commitment.response.exercise.number}",
            )
        entries.append({"commitment": commitment, "review_open": review_open, "form": form})
    return {"entries": entries, "today": today}


@register.inclusion_tag("reflections/_records_links.html")
def records_links(user):
    """Links to the CPD record, the data export and account deletion."""
    return {"user": user}
