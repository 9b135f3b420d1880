"""WebSub publishing: tells the configured hub that our feeds changed, so subscribers hear at once.

The hub is chosen by the operator (WEBSUB_HUB), so no address policy applies, but every call
has timeouts and runs in a django-q2 task, never in a request or a signal.
"""

import logging

import urllib3
from django.conf import settings
from django.urls import reverse

from mediahub.models import Partner

log = logging.getLogger(__name__)

FORMATS = ("rss", "atom", "json")
TIMEOUT = urllib3.Timeout(connect=5, read=10)


def hub_url() -> str:
    return settings.WEBSUB_HUB


def topic_urls(partner_ids: list[int]) -> list[str]:
    """The unfiltered feeds that a change to these partners' posts touches."""
    paths = [reverse("feeds:wall", args=[fmt]) for fmt in FORMATS]
    for slug in Partner.objects.filter(pk__in=partner_ids).values_list("slug", flat=True):
        paths += [reverse("feeds:partner", args=[slug, fmt]) for fmt in FORMATS]
    return [settings.SITE_URL + path for path in paths]


def ping_hub(partner_ids: list[int]) -> str:
    """Task body: POST hub.mode=publish for each topic; failures are logged, not retried."""
    hub = hub_url()
    if not hub:
        return "no hub configured"
    http = urllib3.PoolManager(timeout=TIMEOUT, retries=False)
    failed = []
    topics = topic_urls(partner_ids)
    for topic in topics:
        try:
            response = http.request(
                "POST",
                hub,
                fields={"hub.mode": "publish", "hub.url": topic},
                encode_multipart=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            failed.append(f"{topic}: {exc}")
            continue
        if response.status >= 300:
            failed.append(f"{topic}: HTTP {response.status}")
    for failure in failed:
        log.warning("WebSub hub %s refused a ping for %s", hub, failure)
    return f"pinged {len(topics) - len(failed)} of {len(topics)}"
