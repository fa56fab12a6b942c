"""The emails the reflections app sends, from `reflections/email/<name>_subject.txt`
and `reflections/email/<name>.txt` (built as every email is: accounts.mail), queued in
the outbox for the worker to send. An email never carries answer text.
"""

from accounts.mail import message_build
from outbox.models import EmailDelivery
from outbox.services import email_queue as outbox_email_queue


def email_queue(*, name: str, context: dict, to: str) -> EmailDelivery:
    """Queue the email `name` to one address, in the caller's transaction."""
    message = message_build(
        subject_template=f"reflections/email/{name}_subject.txt",
        body_template=f"reflections/email/{name}.txt",
        context=context,
        to=to,
    )
    return outbox_email_queue(message=message, purpose=f"reflections/{name}")
