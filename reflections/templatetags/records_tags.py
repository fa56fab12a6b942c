from django import template

register = template.Library()


@register.inclusion_tag("reflections/_commitment_form.html")
def commitment_form(user, response, question):
    """The dates of the exercise 4 commitment, beside the commitment question's answer."""
    return {"user": user, "response": response, "question": question}


@register.inclusion_tag("reflections/_commitment_review.html")
def commitment_review(user):
    """The practitioner's commitment and, once its review date has come, the review prompt."""
    return {"user": user}


@register.inclusion_tag("reflections/_records_links.html")
def records_links(user):
    """Links to the CPD record, the data export and account deletion."""
    return {"user": user}
