"""Runs the test OpenID Connect provider until its standard input closes:

    python -m tests.oidc_provider.server DATABASE_PATH

It listens on a free port of 127.0.0.1, creates its database, its RS256 signing key,
its client and its people (people.py), then prints one line, "listening <url>", where
<url> is the OIDC issuer (the course's SocialApp server_url). When the process that
started it goes (its stdin closes), it stops too, so no provider outlives a test run.
"""

import os
import sys
import threading

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def signing_key_pem() -> str:
    """A new RSA key for signing ID tokens (RS256), made for this run only."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def provider_data_create():
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    from .claims import NO_CLAIM_GROUP, UNVERIFIED_GROUP
    from .people import CLIENT_ID, CLIENT_SECRET, PASSWORD, PEOPLE, callback_uris

    Application.objects.create(
        name="CSE practice course",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(callback_uris()),
        algorithm=Application.RS256_ALGORITHM,
    )
    unverified = Group.objects.create(name=UNVERIFIED_GROUP)
    no_claim = Group.objects.create(name=NO_CLAIM_GROUP)
    for person in PEOPLE:
        user = User.objects.create_user(
            person.username, email=person.email, password=PASSWORD, first_name=person.name
        )
        if person.email_verified is False:
            user.groups.add(unverified)
        elif person.email_verified is None:
            user.groups.add(no_claim)


def stop_when_parent_goes():
    sys.stdin.read()
    os._exit(0)


def main(database_path: str) -> None:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    issuer = f"http://127.0.0.1:{server.server_port}/o"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["OIDC_PROVIDER_DB"] = database_path
    os.environ["OIDC_PROVIDER_KEY"] = signing_key_pem()
    os.environ["OIDC_PROVIDER_ISSUER"] = issuer

    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    provider_data_create()
    server.set_app(get_wsgi_application())
    threading.Thread(target=stop_when_parent_goes, daemon=True).start()
    print(f"listening {issuer}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
