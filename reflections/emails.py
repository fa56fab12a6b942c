"""The emails the reflections app sends, from `reflections/email/<name>_subject.txt`
and `reflections/email/<name>.txt` (built as every email is: accounts.mail). An email
never carries answer text.
"""

from accounts.mail import message_build


def email_send(*, name: str, context: dict, to: str) -> None:
    """Send the email `name` to one address."""
    message_build(
        subject_template=f"reflections/email/{name}_subject.txt",
        body_template=f"reflections/email/{name}.txt",
        context=context,
        to=to,
    ).send()
