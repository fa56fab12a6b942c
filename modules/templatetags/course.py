from django import template

register = template.Library()


@register.filter
def duration(minutes):
    """120 -> '2 hours', 95 -> '1 hour 35 minutes', 40 -> '40 minutes'."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
