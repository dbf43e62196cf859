"""Start the test provider in a subprocess on 127.0.0.1 and stop it: :func:`running_provider`."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.servers import stop

PROJECT = Path(__file__).resolve().parents[3]


@dataclass
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    folder: Path

    def set_claims(self, claims: dict[str, dict]) -> None:
        """The extra claims (oid, roles, units) of each provider user, by username, from now on."""
        (self.folder / "claims.json").write_text(json.dumps(claims))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@contextmanager
def running_provider(
    folder: Path, *, redirect_uris: list[str], post_logout_redirect_uris: list[str], users: list[dict], claims: dict
) -> Iterator[Provider]:
    """The provider, migrated, seeded with ``users`` and a client for ``redirect_uris``, serving
    until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    provider = Provider(f"http://127.0.0.1:{port}/o", "goldenthread-test", secrets.token_urlsafe(24), folder)
    (folder / "key.pem").write_text(_private_key())
    provider.set_claims(claims)
    client = {
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "redirect_uris": redirect_uris,
        "post_logout_redirect_uris": post_logout_redirect_uris,
    }
    (folder / "seed.json").write_text(json.dumps({"users": users, "client": client}))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "GOLDENTHREAD_"))},
        "PROVIDER_DIR": str(folder),
        "PROVIDER_PORT": str(port),
        "DJANGO_SETTINGS_MODULE": "tests.sso.provider.settings",
        "PYTHONPATH": str(PROJECT),
    }
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.sso.provider.serve"], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_until_serving(provider, process, folder / "server.log")
        yield provider
    finally:
        stop(process, 10)
        log.close()


def _wait_until_serving(provider: Provider, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test provider stopped (exit {process.returncode}):\n{log.read_text()}")
        try:
            if requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the test provider did not start within {timeout} s:\n{log.read_text()}")
