"""How the course writes a length of time and a date in words, in one place for every
page, email and PDF (Django's date formatting, so it does not depend on the C library)."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format

DAY_FORMAT = "j F Y"  # 3 March 2026, as the templates write it with |date:"j F Y"


def minutes_in_words(minutes: int | None) -> str:
    """120 -> '2 hours', 95 -> '1 hour 35 minutes', 40 -> '40 minutes'."""
    hours, rest = divmod(int(minutes or 0), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def day_in_words(value: date | datetime) -> str:
    """'3 March 2026'; a moment is first put in the site's time zone."""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return date_format(value, DAY_FORMAT)
