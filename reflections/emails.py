"""The emails the reflections app sends: plain text, subject and body from templates.

`reflections/email/<name>_subject.txt` and `reflections/email/<name>.txt` are plain
text, so each is wrapped in `{% autoescape off %}`: otherwise a name such as O'Neil
would arrive as O&#x27;Neil. An email never carries answer text.
"""

from django.core.mail import send_mail
from django.template.loader import render_to_string


def email_subject(*, name: str, context: dict) -> str:
    """The subject on one line: a header cannot hold a line break (Django refuses it)."""
    rendered = render_to_string(f"reflections/email/{name}_subject.txt", context)
    return " ".join(rendered.split())


def email_send(*, name: str, context: dict, to: str) -> None:
    """Send the email `name` to one address (from DEFAULT_FROM_EMAIL)."""
    send_mail(
        subject=email_subject(name=name, context=context),
        message=render_to_string(f"reflections/email/{name}.txt", context),
        from_email=None,
        recipient_list=[to],
    )
