from django import template

from ..formats import minutes_in_words

register = template.Library()


@register.filter
def duration(minutes):
    """120 -> '2 hours', 95 -> '1 hour 35 minutes', 40 -> '40 minutes'."""
    return minutes_in_words(minutes)
