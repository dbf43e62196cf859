"""Migrate the test provider's database, add its users and the goldenthread client from
PROVIDER_DIR/seed.json, and serve it on 127.0.0.1:PROVIDER_PORT (``python -m tests.sso.provider.serve``)."""

import json
import os
from pathlib import Path

import django
from django.core.management import call_command


def seed(data: dict) -> None:
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import Application

    for person in data["users"]:
        get_user_model().objects.create_user(**person)
    client = data["client"]
    Application.objects.create(
        name="goldenthread",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        post_logout_redirect_uris=" ".join(client["post_logout_redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.sso.provider.settings")
    django.setup()
    call_command("migrate", verbosity=0)
    seed(json.loads((Path(os.environ["PROVIDER_DIR"]) / "seed.json").read_text()))
    call_command("runserver", f"127.0.0.1:{os.environ['PROVIDER_PORT']}", use_reloader=False, skip_checks=True)


if __name__ == "__main__":
    main()
