from django import template

from ..selectors import share_invitations_for

register = template.Library()


@register.inclusion_tag("reflections/_invitations_panel.html", takes_context=True)
def invitations_panel(context, user):
    """Shares waiting for `user`'s reply, for the My reflections page (one query)."""
    return {
        "user": user,
        "invitations": list(share_invitations_for(user=user)),
        "csrf_token": context.get("csrf_token"),
    }
