"""The plain-text emails the course sends: one way to link back to the site and one way
to build a message from its templates, for every app.

Links are always built from SITE_URL, never from the request's Host header, which the
sender of a request chooses. Subject and body templates are plain text (each wrapped in
`{% autoescape off %}`, so O'Neil does not arrive as O&#x27;Neil); the subject is put on
one line, since an email header cannot hold a line break.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def site_link(path: str) -> str:
    """An absolute link to `path` on the course, for an email."""
    return settings.SITE_URL.rstrip("/") + path


def message_build(*, subject_template: str, body_template: str, context: dict, to: str):
    """An email to one address, from DEFAULT_FROM_EMAIL, rendered from two templates."""
    subject = render_to_string(subject_template, context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string(body_template, context),
        to=[to],
    )
