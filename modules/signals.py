"""What the course tells the apps built on it, which modules cannot import (see
docs/architecture.md)."""

from django.dispatch import Signal

# Sent by the lesson's "Mark as complete" view with `user` and `lesson`, after the lesson
# is marked complete. A receiver may return the address of a page to show next instead
# of the lesson: reflections returns its course-completed page when this lesson was the
# last thing left of the course (and issues the certificate).
lesson_completed = Signal()
