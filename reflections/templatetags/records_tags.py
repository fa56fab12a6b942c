from django import template
from django.utils import timezone

from ..records_forms import CommitmentReviewForm
from ..selectors import commitment_of, commitments_of

register = template.Library()


@register.inclusion_tag("reflections/_commitment_form.html")
def commitment_form(user, response, question):
    """The dates of the exercise 4 commitment, beside the commitment question's answer.

    One query. `response` may be None before the first save; the commitment is looked up
    by the question's exercise, always among `user`'s own.
    """
    number = question.exercise.number
    return {
        "commitment": commitment_of(user=user, exercise_number=number),
        "number": number,
        "today": timezone.localdate(),
    }


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
