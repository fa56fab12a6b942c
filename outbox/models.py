"""Every email the course sends, as a row: queued in the transaction of the change that
causes it, delivered by a background task (outbox.tasks), and recorded as sent or
failed so that it is never sent twice and its sender can be told when it could not be
delivered.

What is kept: the recipient's address, the subject and the state for
EMAIL_RECORD_DAYS; the message itself only until it is sent or given up (the body holds
links that sign in, verify an address or reset a password, so it is emptied then). The
background task's own row names only the delivery's id. No email carries answer text.
"""

from django.db import models


class EmailDeliveryQuerySet(models.QuerySet):
    def finished_before(self, moment):
        """Sent or given up before `moment`, or queued before it and never finished (its
        worker stopped mid-send, say: retries end within a day, so it never will)."""
        queued = models.Q(status=EmailDelivery.Status.QUEUED, created_at__lt=moment)
        return self.filter(models.Q(finished_at__lt=moment) | queued)


class EmailDelivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be delivered"

    # What the email is for, such as "reflections/share_invitation": for the people who
    # run the service, and for tests. Never a person's data.
    purpose = models.CharField(max_length=100)
    to = models.EmailField(max_length=254)
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=998)
    # Emptied once the email is sent or given up.
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The class of the last error (such as "TimeoutError"), never its message: a mail
    # server's reply can repeat the address.
    last_error = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = EmailDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "email deliveries"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "finished_at"])]

    def __str__(self):
        return f"Email {self.pk} ({self.purpose}, {self.status})"

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED
