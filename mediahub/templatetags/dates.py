"""Dates as people say them: "zojuist", "2 uur geleden", "gisteren", then the date itself.

Django's timesince names two units ("2 uur, 2 minuten") and says "0 minuten" for a fresh post;
a news site names one, rounded down, and switches to the date after a week.
"""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago `value` was, in one unit; the date for anything older than a week."""
    if value is None:
        return ""
    now = now or timezone.now()
    elapsed = now - value
    if elapsed < timedelta(minutes=1):
        return gettext("just now")
    if elapsed < timedelta(hours=1):
        minutes = elapsed // timedelta(minutes=1)
        return ngettext("%(n)d minute ago", "%(n)d minutes ago", minutes) % {"n": minutes}
    if elapsed < timedelta(days=1):
        hours = elapsed // timedelta(hours=1)
        return ngettext("%(n)d hour ago", "%(n)d hours ago", hours) % {"n": hours}
    days = (timezone.localdate(now) - timezone.localdate(value)).days
    if days <= 1:
        return gettext("yesterday")
    if days < 7:
        return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}
    local = timezone.localtime(value)
    if local.year == timezone.localtime(now).year:
        return date_format(local, "j F")
    return date_format(local, "j F Y")
