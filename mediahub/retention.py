"""Retention: each kind of record is kept `settings.RETENTION_DAYS[kind]` days, then removed.

The apps own their models, and mediahub may not import them, so each app registers the rule for
its kinds when it is ready; the daily task and the `retention` command run them all.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediahub.schedules import keep_scheduled

SCHEDULE = "retention"

# What each kind holds, in words a resident reads in the privacy statement (and an operator in
# the `retention` command's output).
LABELS = {
    "abuse_reports": _("Residents' reports about posts, with their daily code, once handled"),
    "fetch_logs": _("Logs of fetching partners' feeds"),
    "idempotency_keys": _("Records of partners' API requests, against sending a post twice"),
    "login_failures": _("Sign-ins and failed sign-ins to the admin: user name, address, time"),
    "moderation_notes": _("Editors' notes on posts, such as a reason for rejection"),
}


@dataclass(frozen=True)
class Rule:
    """Removes (or with `apply=False` only counts) the records of one kind older than a cutoff."""

    kind: str
    remove: Callable[..., int]  # (cutoff: datetime, *, apply: bool) -> records affected


@dataclass(frozen=True)
class Due:
    rule: Rule
    days: int
    cutoff: datetime
    count: int


_RULES: dict[str, Rule] = {}


def register(kind: str, remove: Callable[..., int]) -> None:
    """Called from an app's `ready()`; a kind has one rule, one label and one period."""
    _RULES[kind] = Rule(kind, remove)


def register_deletion(kind: str, older_than: Callable[[datetime], QuerySet]) -> None:
    """The common case: the records of `older_than(cutoff)` are deleted."""

    def remove(moment: datetime, *, apply: bool) -> int:
        queryset = older_than(moment)
        if not apply:
            return queryset.count()
        return queryset.delete()[1].get(queryset.model._meta.label, 0)

    register(kind, remove)


def rules() -> list[Rule]:
    missing = set(_RULES) - set(settings.RETENTION_DAYS)
    if missing:
        raise ImproperlyConfigured(f"RETENTION_DAYS has no period for {sorted(missing)}.")
    return [_RULES[kind] for kind in sorted(_RULES)]


def cutoff(kind: str, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.RETENTION_DAYS[kind])


def run(*, apply: bool, now: datetime | None = None) -> list[Due]:
    """What is due under every rule; removed when `apply` is true."""
    now = now or timezone.now()
    results = []
    for rule in rules():
        moment = cutoff(rule.kind, now)
        count = rule.remove(moment, apply=apply)
        results.append(Due(rule, settings.RETENTION_DAYS[rule.kind], moment, count))
    return results


def purge() -> str:
    """The daily task: remove everything that is due; the summary lands in the task's result."""
    return ", ".join(f"{due.rule.kind}={due.count}" for due in run(apply=True))


def ensure_schedule(**kwargs) -> None:
    """post_migrate: the daily clean-up."""
    keep_scheduled(SCHEDULE, "mediahub.retention.purge")
