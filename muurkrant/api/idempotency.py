"""Idempotency-Key: a retried write gets the first answer instead of doing the work twice."""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from ninja import Schema
from ninja.errors import HttpError

from muurkrant.models import IdempotencyKey

IDEMPOTENCY_TTL = timedelta(hours=24)
MAX_IDEMPOTENCY_KEY = 200


def run_once(
    request: HttpRequest, fingerprint: str, run: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any]]:
    """Run a write once per Idempotency-Key; a retry with the same request gets the same answer.

    The key is reserved before the work starts, so two concurrent retries cannot both create.
    Only successful answers are kept: a failed request changed nothing and may be retried.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return run()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise HttpError(422, f"Idempotency-Key must be at most {MAX_IDEMPOTENCY_KEY} characters.")
    partner = request.auth.partner
    digest = hashlib.sha256(f"{request.method} {request.path}\n{fingerprint}".encode()).hexdigest()
    IdempotencyKey.objects.filter(
        partner=partner, key=key, created_at__lt=timezone.now() - IDEMPOTENCY_TTL
    ).delete()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                partner=partner, key=key, request_hash=digest, status_code=0, response={}
            )
    except IntegrityError:
        stored = IdempotencyKey.objects.get(partner=partner, key=key)
        if stored.request_hash != digest:
            raise HttpError(
                422, "This Idempotency-Key was used for a different request; use a new key."
            ) from None
        if not stored.status_code:
            raise HttpError(
                409, "A request with this Idempotency-Key is still running; retry shortly."
            ) from None
        return stored.status_code, stored.response
    try:
        status, body = run()
    except BaseException:
        record.delete()
        raise
    record.status_code, record.response = status, body
    record.save(update_fields=["status_code", "response"])
    return status, body


def fingerprint(payload: Schema, files: MultiValueDict | None = None) -> str:
    """The request as validated, so a retry matches whatever the multipart boundary was."""
    data = payload.model_dump(mode="json", exclude_unset=True)
    for name, upload in (files or {}).items():
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        data[name] = digest.hexdigest()
    return json.dumps(data, sort_keys=True)
