"""What django-axes keeps about logins (user name, address, browser, time), and for how long."""

from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog


def forget_login_records(cutoff: datetime, *, apply: bool) -> int:
    """Retention: failed attempts and the log of sign-ins older than the cutoff."""
    querysets = [
        model.objects.filter(attempt_time__lt=cutoff)
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    ]
    if not apply:
        return sum(queryset.count() for queryset in querysets)
    return sum(queryset.delete()[0] for queryset in querysets)
