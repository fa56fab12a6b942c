from django import template

register = template.Library()


@register.inclusion_tag("reflections/_invitations_panel.html")
def invitations_panel(user):
    """Shares waiting for `user`'s reply, for the My reflections page."""
    return {"user": user}
