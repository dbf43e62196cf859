"""Demo content: the plans in plans/, the demo accounts with their roles, and the quarterly cycle of
seed 001 (goldenthread.cycles.demo). Safe to run any number of times."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from goldenthread.planfile import validate_file
from goldenthread.plans.store import load_plans

PLANS_DIR = Path(os.environ.get("GOLDENTHREAD_PLANS_DIR", settings.PROJECT_DIR / "plans"))

#: username -> (full name, superuser); roles and memberships: goldenthread.cycles.demo.DEMO_ROLES
DEMO_ACCOUNTS = {
    "admin": ("Demo Administrator", True),
    "planner": ("Priya Planner", False),
    "director": ("Dee Director", False),
    "medical-lead": ("Mo Medical", False),
    "nursing-lead": ("Nia Nursing", False),
    "board": ("Bea Board", False),
}
DEMO_EMAIL_DOMAIN = "example.org"


def demo_password() -> tuple[str, bool]:
    """The demo password and whether it was generated (and so must be printed)."""
    if password := os.environ.get("GOLDENTHREAD_DEMO_PASSWORD"):
        return password, False
    path = settings.VAR_DIR / "demo_password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip(), True


def load_demo(out: TextIO) -> int:
    files = sorted(PLANS_DIR.glob("*.yaml"))
    results = [validate_file(f) for f in files]
    bad = [r for r in results if not r.ok]
    if bad:
        for result in bad:
            for problem in result.problems:
                print(problem, file=out)
        print("The demo plans are invalid; nothing was loaded.", file=out)
        return 1
    password, generated = demo_password()
    with transaction.atomic():
        for report in load_plans([r.plan for r in results if r.plan is not None]):
            print(report, file=out)
        from goldenthread.performance.demo import load_ae_demo

        load_ae_demo(out)
        users = get_user_model()
        for username, (full_name, superuser) in DEMO_ACCOUNTS.items():
            user, _ = users.objects.get_or_create(username=username)
            first, _, last = full_name.partition(" ")
            user.first_name, user.last_name = first, last
            user.is_staff = user.is_superuser = superuser
            if not user.email:
                user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
            if not user.check_password(password):
                user.set_password(password)
            user.save()
        from goldenthread.cycles.demo import load_cycle_demo
        from goldenthread.notices.mail import muted

        with muted():  # the demo's past submissions and actions are not news to anyone
            load_cycle_demo(out)
    names = ", ".join(DEMO_ACCOUNTS)
    where = (
        "(from GOLDENTHREAD_DEMO_PASSWORD)"
        if not generated
        else f"(generated, kept in {settings.VAR_DIR / 'demo_password'})"
    )
    print(f"Demo accounts: {names}", file=out)
    print(f"Password for every demo account: {password} {where}", file=out)
    return 0
