"""Every named URL of the URLconf, filled in with the owner's objects, and what a
response to it was: the machinery of the authorization matrix and of the tests built
on its table (CSRF, GET refused, open redirects)."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.base import resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern
from django.utils.http import int_to_base36

from .world import ROLES, World

REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Route:
    """One named URL pattern: its name as `reverse` takes it ("namespace:name"), the
    names of its parameters, and its pattern text (for messages)."""

    name: str
    params: tuple[str, ...]
    pattern: str


def _walk(patterns, prefix="", namespaces=(), params=()) -> Iterator[Route]:
    for entry in patterns:
        own = tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner, params + own)
        elif isinstance(entry, URLPattern) and entry.name:
            name = ":".join((*namespaces, entry.name))
            yield Route(name, params + own, prefix + str(entry.pattern))


def unnamed_patterns(resolver: URLResolver | None = None) -> list[str]:
    """The pattern text of every URL without a name (the matrix cannot reverse them)."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif not entry.name:
                yield prefix + str(entry.pattern)

    return list(walk((resolver or get_resolver()).url_patterns))


def named_routes(resolver: URLResolver | None = None) -> list[Route]:
    """Each named URL once (a name the URLconf gives twice, as where the course's page
    stands ahead of allauth's at the same address, is one URL: `reverse` gives one)."""
    seen: dict[str, Route] = {}
    for route in _walk((resolver or get_resolver()).url_patterns):
        seen.setdefault(route.name, route)
    return list(seen.values())


def url_of(key: str, world: World) -> str:
    """The address of table entry `key`, filled in as `url_for` does."""
    route = next(route for route in named_routes() if route.name == key.split(" [")[0])
    return url_for(key, route, world)


def resolver_with(*extra: URLPattern | URLResolver) -> URLResolver:
    """The project's URLconf with `extra` patterns added, as a resolver of its own (for
    proving that the table checks notice a new URL)."""
    return URLResolver(RegexPattern(r"^/"), [*get_resolver().url_patterns, *extra])


# A route with one of these names, in the table, is also visited with the ended share's
# id or token: "reflections:share_detail [ended share]".
ENDED_SHARE = "ended share"


def route_keys(routes: Iterable[Route]) -> list[str]:
    keys = []
    for route in routes:
        keys.append(route.name)
        if route.name.startswith("reflections:") and {"share_id", "token"} & set(route.params):
            keys.append(f"{route.name} [{ENDED_SHARE}]")
    return keys


def table_problems(keys: Iterable[str], table: dict) -> list[str]:
    """What is wrong between the URLs and the expected table: a URL without an entry
    (someone added a page and did not say who may open it), or an entry for a URL that
    is gone."""
    keys = list(keys)
    missing = [f"no entry for {key}" for key in keys if key not in table]
    stale = [f"entry for {key}, which no longer exists" for key in table if key not in keys]
    return missing + stale


def _admin_object(model, world: World):
    """The row of `model` an admin address names: the owner's where there is one."""
    owned = {
        "accounts.user": world.people["owner"],
        "accounts.team": world.team,
        "accounts.organisation": world.organisation,
        "modules.lesson": world.lesson,
        "modules.exercise": world.exercise,
        "reflections.certificate": world.certificate,
        "usersessions.usersession": world.owner_session,
    }
    row = owned.get(model._meta.label_lower) or model._default_manager.order_by("pk").first()
    return row.pk if row else 0


def _admin_model(name: str):
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    return None


def url_for(key: str, route: Route, world: World) -> str:
    """The address of `route` (keyed `key` in the table), filled in with the owner's
    objects, or the ended share's for its [ended share] rows."""
    owner = world.people["owner"]
    share = world.ended_share if key.endswith(f"[{ENDED_SHARE}]") else world.share
    values = {
        "slug": world.lesson.slug,
        "part": world.lesson.part.key,
        "revision_id": world.revision.pk,
        "number": world.exercise.number,
        "key": "first",
        "version": 1,
        "share_id": share.pk,
        "token": share.token,
        "session_id": world.owner_session.pk,
        "team_id": world.team.pk,
        "member_id": owner.pk,
        "person_id": owner.pk,
        "invitation_id": world.staff_invitation.pk,
        "import_id": world.staff_import.pk,
        "code": world.certificate.code,
        "provider_id": "no-such-provider",
        "uidb36": int_to_base36(owner.pk),
        "app_label": "reflections",
        "content_type_id": ContentType.objects.get_for_model(world.lesson).pk,
        "id": owner.pk,
    }
    by_route = {
        "staff_invitation:accept": {"token": world.staff_invitation.token},
        "account_confirm_email": {"key": "not-a-real-key"},
        "account_reset_password_from_key": {"key": "not-a-real-key"},
        "admin:view_on_site": {"object_id": world.lesson.pk},
    }
    values |= by_route.get(route.name, {})
    if "object_id" in route.params and "object_id" not in values:
        values["object_id"] = _admin_object(_admin_model(route.name), world)
    return reverse(route.name, kwargs={param: values[param] for param in route.params})


def outcome(response) -> int | str:
    """A response as the table writes it: its status, and for a redirect where to (the
    URL name it resolves to, or the host when it leaves the site)."""
    status = response.status_code
    if status not in REDIRECTS:
        return status
    target = urlsplit(response["Location"])
    if target.netloc and target.netloc != "testserver":
        return f"{status} {target.netloc}"
    try:
        return f"{status} {resolve(target.path).view_name}"
    except Resolver404:
        return f"{status} {target.path}"


@contextmanager
def rolled_back():
    """Whatever the request inside writes is undone, so the next starts from the same
    world. Rate-limit counts (in the cache) start at none."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class RoleClient:
    """A test client signed in as one role (anonymous: not signed in) that sends each
    request from the same signed-in session, undoing what the request changed."""

    def __init__(self, role: str, world: World, *, enforce_csrf_checks=False):
        self.client = Client(enforce_csrf_checks=enforce_csrf_checks, raise_request_exception=False)
        if role != "anonymous":
            self.client.force_login(world.people[role])
        self._cookies = deepcopy(self.client.cookies)

    def keep_cookies(self):
        """Send the client's cookies as they are now with every later request."""
        self._cookies = deepcopy(self.client.cookies)

    def request(self, method: str, url: str, **kwargs):
        self.client.cookies = deepcopy(self._cookies)
        with rolled_back():
            return getattr(self.client, method.lower())(url, **kwargs)

    def within(self, action: Callable[[Client], object]):
        """`action(client)` in one rolled-back savepoint (for checks made before the
        rollback)."""
        self.client.cookies = deepcopy(self._cookies)
        with rolled_back():
            return action(self.client)


__all__ = [
    "ENDED_SHARE",
    "ROLES",
    "RoleClient",
    "Route",
    "named_routes",
    "outcome",
    "resolver_with",
    "route_keys",
    "table_problems",
    "unnamed_patterns",
    "url_for",
    "url_of",
]
