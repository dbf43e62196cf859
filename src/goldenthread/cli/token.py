"""``goldenthread token``: personal API tokens for automation (issue 20).

``token create USERNAME --scope read|write [--expires DAYS] [--name NAME]`` prints the new token on
standard output and nothing else, once (only its hash is kept), so a script can capture it;
``token list [USERNAME]`` shows tokens by their non-secret prefix; ``token revoke PREFIX`` revokes
one. Each is written to the security log with the operating-system user who ran it. Bad input (an
unknown user, a bad scope or expiry) is a message on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from goldenthread.cli.setup import django_setup, operating_system_user

NO_EXPIRY = 0


def _refuse(message: str) -> int:
    print(f"goldenthread token: {message}", file=sys.stderr)
    return 2


def cmd_token_create(args: argparse.Namespace) -> int:
    django_setup(args)
    from django.contrib.auth import get_user_model

    from goldenthread.accounts.api_tokens import TokenError, create_token
    from goldenthread.accounts.signin import record

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        return _refuse(f"there is no user {args.username!r}; check the name (goldenthread token list shows owners).")
    if not user.is_active:
        return _refuse(f"{args.username!r} is not active; an inactive account's tokens are refused, so none is made.")
    days = None if args.expires == NO_EXPIRY else args.expires
    try:
        new = create_token(user, name=args.name or "command line", scope=args.scope, days=days)
    except TokenError as exc:
        return _refuse(f"{exc} (--name, --scope, --expires)")
    record(
        "API token created",
        user.get_username(),
        None,
        token=new.token.prefix,
        scope=new.token.scope,
        by=f"{operating_system_user()} (command line)",
    )
    print(new.text)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    django_setup(args)
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from goldenthread.accounts.api_tokens import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created")
    if args.username:
        if not get_user_model().objects.filter(username=args.username).exists():
            return _refuse(f"there is no user {args.username!r}.")
        tokens = tokens.filter(user__username=args.username)
    print("prefix   user            scope state   created          expires          last used        name")
    for token in tokens:
        when = [
            f"{timezone.localtime(t):%Y-%m-%d %H:%M}" if t else "-"
            for t in (token.created, token.expires, token.last_used)
        ]
        print(
            f"{token.prefix:8} {token.user.get_username():15.15} {token.scope:5} {token.state():7} "
            f"{when[0]:16} {when[1]:16} {when[2]:16} {token.name}"
        )
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    django_setup(args)
    from goldenthread.accounts.api_tokens import ApiToken
    from goldenthread.accounts.signin import record

    prefix = args.prefix.removeprefix("gt_").partition("_")[0]
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None:
        return _refuse(f"there is no token with the prefix {prefix!r} (goldenthread token list shows them).")
    if not token.revoke():
        print(f"Token gt_{prefix}_… of {token.user.get_username()} was already revoked.", file=sys.stderr)
        return 0
    record(
        "API token revoked",
        token.user.get_username(),
        None,
        token=prefix,
        by=f"{operating_system_user()} (command line)",
    )
    print(f"Revoked token gt_{prefix}_… ({token.name}) of {token.user.get_username()}.", file=sys.stderr)
    return 0


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number of days, not {text!r}") from None
    if days < 0:
        raise argparse.ArgumentTypeError(f"a number of days of 0 or more, not {days}")
    return days


def add_token_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``token create``, ``token list`` and ``token revoke``."""
    token = commands.add_parser("token", help="personal API tokens: create (printed once), list, revoke")
    sub = token.add_subparsers(dest="token_command", metavar="ACTION")
    sub.required = True
    create = sub.add_parser("create", help="make a token for USERNAME and print it (only it) once")
    create.add_argument("username", metavar="USERNAME")
    create.add_argument("--scope", required=True, choices=("read", "write"), help="read only, or read and write")
    create.add_argument(
        "--expires", type=_days, default=90, metavar="DAYS", help="days until it expires (default 90; 0: never)"
    )
    create.add_argument("--name", help="what the token is for (default 'command line')")
    create.set_defaults(func=cmd_token_create)
    listing = sub.add_parser("list", help="tokens (by prefix, never the secret), of USERNAME or everyone")
    listing.add_argument("username", metavar="USERNAME", nargs="?")
    listing.set_defaults(func=cmd_token_list)
    revoke = sub.add_parser("revoke", help="revoke the token with this prefix (gt_PREFIX_…)")
    revoke.add_argument("prefix", metavar="PREFIX")
    revoke.set_defaults(func=cmd_token_revoke)
