"""The invitation link, mounted at /accounts/invitation/ (namespace `staff_invitation`).

Public: a signed-out person opens it. It stays out of the `organisation` namespace,
whose pages are for administrators with a second factor. It lives in this app, not in
accounts.urls, because accounts does not depend on organisations.
"""

from .views.accept import app_name, urlpatterns  # noqa: F401
