from django import template

from ..services.invitation_emails import share_invitation_link

register = template.Library()


@register.filter
def invitation_link(share) -> str:
    """The link an invitation email carries, for its sender to send themselves."""
    return share_invitation_link(share)
