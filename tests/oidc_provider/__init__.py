"""A real OpenID Connect provider for the single sign-on tests, standing in for a
council's Microsoft Entra ID: django-oauth-toolkit with OIDC on, an RS256 key made
when it starts, and a handful of people (people.py) with email claims.

It runs as a separate Django project in its own process, on its own port, with its
own SQLite database in a temporary folder (server.py; started by the `oidc_provider`
fixture in fixtures.py). Running it inside the course's live server would put both
sites' people in one user table and both sites' sessions on one host; as a separate
process nothing is shared but HTTP, as with a real provider. Nothing here is part of
the course.
"""
