"""The single sign-on buttons, and the form-action they need (accounts.middleware)."""

from django import template

from ..middleware import form_action_allow
from ..selectors import sso_apps_for_sign_in
from ..single_sign_on import sso_authorization_origin

register = template.Library()


@register.inclusion_tag("socialaccount/_sign_in_buttons.html", takes_context=True)
def sso_sign_in_buttons(context, new_tab=False, next=""):
    """A "Sign in with <service>" button for each organisation's sign-in service; with
    new_tab, each opens in a new tab (so a page holding unsaved text stays open)."""
    apps = list(sso_apps_for_sign_in())
    form_action_allow(context["request"], [sso_authorization_origin(app) for app in apps])
    return {
        "apps": apps,
        "csrf_token": context.get("csrf_token"),
        "next": next or context.get("redirect_field_value") or "",
        "new_tab": new_tab,
    }


@register.simple_tag(takes_context=True)
def sso_form_action(context, app) -> str:
    """On a page whose form continues to `app`'s provider: allow it (renders nothing)."""
    form_action_allow(context["request"], [sso_authorization_origin(app)])
    return ""
