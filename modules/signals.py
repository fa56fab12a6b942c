"""What the course tells the apps built on it, which modules cannot import (see
docs/architecture.md)."""

from django.dispatch import Signal

# Sent by the lesson's "Mark complete and continue" view with `user`, `lesson` and
# `next_lesson` (None after the course's last lesson), after the lesson is marked
# complete. A receiver may return the address of a page to show next instead of the next
# lesson: reflections returns its course-completed page when this lesson was the last
# thing left of the course (and issues the certificate), and its course summary after the
# last lesson while anything else is left.
lesson_completed = Signal()
