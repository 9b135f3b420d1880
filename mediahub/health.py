"""Health for load balancers and monitoring: can we reach the database and the task queue?

Anyone may ask whether we are well; only operators (staff, or the HEALTH_TOKEN bearer) see the
details, which name the database, the broker and, on failure, the error.
"""

import hmac
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_q.brokers import get_broker
from django_q.models import Success
from django_q.status import Stat


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "vendor": connection.vendor}


def check_queue() -> dict:
    """The broker answers; how many tasks wait and how many workers report in."""
    broker = get_broker()
    if not broker.ping():
        raise ConnectionError("broker did not answer")
    last = Success.objects.order_by("-stopped").values_list("stopped", flat=True).first()
    return {
        "status": "ok",
        "broker": type(broker).__name__,
        "queued": broker.queue_size(),
        "clusters": len(Stat.get_all(broker=broker)),
        "last_task": last.isoformat() if last else None,
    }


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {}
    for name, check in (("database", check_database), ("queue", check_queue)):
        started = time.monotonic()
        try:
            checks[name] = check()
        except Exception as exc:  # any failure is reported, never raised at the prober
            checks[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
        checks[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    ok = all(check["status"] == "ok" for check in checks.values())
    body: dict = {"status": "ok" if ok else "error"}
    if is_operator(request):
        body["checks"] = checks
    return JsonResponse(body, status=200 if ok else 503)


def is_operator(request: HttpRequest) -> bool:
    """Staff in the admin, or a monitor presenting the configured token."""
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token = settings.HEALTH_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())
