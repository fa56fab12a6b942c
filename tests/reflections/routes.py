"""Every reflections route, reversed from the URLconf itself, so a new route is walked by
the tests that use this without anyone remembering to add it."""

from django.urls import reverse

from reflections import urls as reflections_urls


def every_reflections_url(kwargs_for):
    """[(route name, url)] for each reflections route and each set of arguments
    `kwargs_for[parameter names]` lists for it (routes without parameters once).

    A route whose parameters `kwargs_for` does not know raises KeyError: the test that
    walks the routes must say what values a new kind of route takes.
    """
    found = []
    for route in reflections_urls.urlpatterns:
        params = tuple(route.pattern.converters)
        for kwargs in kwargs_for[params] if params else [{}]:
            found.append((route.name, reverse(f"reflections:{route.name}", kwargs=kwargs)))
    return found


def route_names():
    return {route.name for route in reflections_urls.urlpatterns}
