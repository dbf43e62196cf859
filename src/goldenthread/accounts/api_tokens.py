"""Personal API tokens: a person's key for scripts and tools, with a name, a scope, an expiry and a
record of its last use; and the counts of API requests that the rate limit reads.

A token reads ``gt_<prefix>_<secret>``: ``prefix`` (8 characters) is not secret — it is kept in
clear so a person can tell their tokens apart on the page and in the security log, and it finds
the row; ``secret`` (43 characters, 256 bits from :mod:`secrets`) is shown once and only its
SHA-256 digest is kept. A leaked database therefore gives nobody a usable token.

Why SHA-256 and not a password hash (PBKDF2, Argon2): a password is short and guessable, so its
hash must be slow to make guessing expensive; this secret is 256 random bits, which no amount of
guessing finds, so a slow hash would only slow every API request down without making anything
safer. The digest is compared with :func:`hmac.compare_digest`, in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

PREFIX_LENGTH = 8
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
#: a page-made token's expiry unless the person chooses another (days)
DEFAULT_EXPIRY_DAYS = 90
#: the longest expiry the page and the command accept (days); a token never lives for ever
MAX_EXPIRY_DAYS = 366
#: the last use is written at most this often (seconds), so a busy script does not write on every request
TOUCH_EVERY = 60


class Scope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class TokenError(ValueError):
    """A token that cannot be made as asked (what was wrong and what to do)."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, in the owner's words")
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, help_text="Not secret: tells tokens apart")
    secret_hash = models.CharField(max_length=64, help_text="SHA-256 of the secret part (never the secret)")
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)
    last_used_from = models.CharField(max_length=45, blank=True, help_text="The address of the last use")
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.user.get_username()}: {self.name} (gt_{self.prefix}_…)"

    @property
    def may_write(self) -> bool:
        return self.scope == Scope.WRITE

    def state(self, now: datetime | None = None) -> str:
        """``active``, ``revoked`` or ``expired``."""
        if self.revoked is not None:
            return "revoked"
        if self.expires is not None and self.expires <= (now or timezone.now()):
            return "expired"
        return "active"

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, digest(secret))

    def touch(self, address: str, now: datetime | None = None) -> None:
        """Record a use: at most once a :data:`TOUCH_EVERY`, one UPDATE of two columns."""
        now = now or timezone.now()
        if self.last_used is not None and (now - self.last_used).total_seconds() < TOUCH_EVERY:
            return
        self.last_used, self.last_used_from = now, address[:45]
        ApiToken.objects.filter(pk=self.pk).update(last_used=now, last_used_from=self.last_used_from)

    def revoke(self) -> bool:
        """Revoke the token (False when it already was)."""
        if self.revoked is not None:
            return False
        self.revoked = timezone.now()
        ApiToken.objects.filter(pk=self.pk).update(revoked=self.revoked)
        return True


@dataclass(frozen=True)
class NewToken:
    """A token just made: the row, and the whole token (shown once, then only its hash remains)."""

    token: ApiToken
    text: str


def expiry_days(value: object) -> int:
    """Days until expiry, checked: a whole number from 1 to :data:`MAX_EXPIRY_DAYS`."""
    try:
        days = int(str(value).strip())
    except ValueError:
        raise TokenError(f"The expiry must be a whole number of days, not {str(value)!r}.") from None
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise TokenError(f"The expiry must be from 1 to {MAX_EXPIRY_DAYS} days; {days} is outside that.")
    return days


def create_token(user, *, name: str, scope: str, days: int | None = DEFAULT_EXPIRY_DAYS) -> NewToken:
    """Make a token for ``user``; ``days=None`` makes one that does not expire (the command only)."""
    name = name.strip()
    if not name:
        raise TokenError("Give the token a name that says what it is for, e.g. 'Power BI refresh'.")
    if len(name) > 100:
        raise TokenError(f"The token's name is {len(name)} characters; use at most 100.")
    if scope not in Scope.values:
        raise TokenError(f"The scope must be 'read' or 'write', not {scope!r}.")
    expires = None if days is None else timezone.now() + timedelta(days=expiry_days(days))
    secret = secrets.token_urlsafe(32)
    for _attempt in range(5):  # a clash of prefixes (36**8 of them) is rare; try another
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user, name=name, scope=scope, prefix=prefix, secret_hash=digest(secret), expires=expires
                )
        except IntegrityError:
            continue
        return NewToken(token, f"gt_{prefix}_{secret}")
    raise TokenError("Could not choose an unused prefix for the token; try again.")


def parse(text: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` from ``gt_<prefix>_<secret>``, or None when it is not of that shape."""
    head, _, rest = text.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if head != "gt" or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix, secret


def find(text: str) -> ApiToken | None:
    """The token ``text`` names, when its secret matches (compared in constant time); else None."""
    parts = parse(text)
    if parts is None:
        return None
    prefix, secret = parts
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not token.matches(secret):
        return None
    return token


class ApiRequestCount(models.Model):
    """How many API requests one caller (a token, or a signed-in person) made in one window of time:
    the rate limit's counter, in the database so every web server shares it."""

    caller = models.CharField(max_length=40, help_text="'token:<id>' or 'user:<id>'")
    window = models.BigIntegerField(help_text="The window's start, in seconds since the epoch")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "window"], name="api_request_count_unique")]
        verbose_name = "API request count"


def count_request(caller: str, window: int) -> int:
    """Count one request for ``caller`` in ``window``; the count so far, this one included.

    The increment is one UPDATE (atomic in the database, so servers counting at once do not lose
    requests); the window's first request inserts the row and clears the caller's older windows."""
    if not ApiRequestCount.objects.filter(caller=caller, window=window).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                ApiRequestCount.objects.create(caller=caller, window=window, count=1)
            ApiRequestCount.objects.filter(caller=caller, window__lt=window).delete()
            return 1
        except IntegrityError:  # another server inserted it first
            ApiRequestCount.objects.filter(caller=caller, window=window).update(count=F("count") + 1)
    return ApiRequestCount.objects.filter(caller=caller, window=window).values_list("count", flat=True).first() or 1
