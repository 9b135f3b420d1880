"""What the OpenAPI schema says of each endpoint: the answers it really gives, and the headers.

An endpoint declares its success and the refusals it can give beyond the ones every
authenticated call can get (400, 401, 429); ``documented`` turns that one list into ninja's
``response=`` and the descriptions and headers of ``openapi_extra``, so the two never disagree.
"""

from typing import Any

from muurkrant.api.idempotency import MAX_IDEMPOTENCY_KEY
from muurkrant.api.schemas import Conflict, Error, Invalid

TAGS = [
    {"name": "posts", "description": "Your own posts: create, follow moderation, change, delete."},
    {"name": "pool", "description": "Every partner's published posts, and taking them over."},
    {"name": "wijken", "description": "The city's neighbourhoods, to tag posts with."},
]

X_PARTNER = {
    "name": "X-Partner",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The partner's slug. Only needed with a token made before tokens had a "
    "partner, whose user acts for several partners (else 400); a token made for a partner "
    "answers 401 to any other slug.",
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY},
    "description": "Any unique string: a retry with the same key and request gets the first "
    "answer (for 24 hours) instead of doing the work twice.",
}


def request_body(schema: str) -> dict[str, Any]:
    """A post, or changes to one, as JSON or as a form that may carry image and audio files."""
    ref = {"$ref": f"#/components/schemas/{schema}"}
    files = {
        "image": {"type": "string", "format": "binary", "description": "JPEG, PNG, GIF or WebP."},
        "audio": {
            "type": "string",
            "format": "binary",
            "description": "MP3, AAC, M4A, Ogg/Opus or WAV; at most API_MAX_AUDIO_BYTES "
            "(default 100 MB).",
        },
    }
    form = {"allOf": [ref, {"type": "object", "properties": files}]}
    return {
        "content": {
            "application/json": {"schema": ref},
            "multipart/form-data": {"schema": form},
        },
        "required": True,
    }


# Refusals any authenticated call can get.
_ALWAYS = (400, 401, 429)
_DESCRIPTIONS = {
    400: "The body is not readable, or X-Partner is needed: the token's user acts for "
    "several partners.",
    401: "No valid token, or the token was revoked, has expired, or may no longer act for the "
    "partner; the reason is in `detail`.",
    403: "The owner does not allow this post to be taken over.",
    404: "No such post here (another partner's own post is not found either).",
    409: "A request with this Idempotency-Key is still running; retry shortly. For a takeover: "
    "your partner already took the post over, and `existing_copy` names that copy.",
    413: "The request, or its audio file (API_MAX_AUDIO_BYTES, default 100 MB), is too large.",
    422: "Invalid fields, each named in `loc`; or an Idempotency-Key used for another request.",
    429: "Too many requests for this token.",
}
_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="api"'}},
    429: {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": "Seconds until a request passes again.",
        }
    },
}


def documented(
    ok: dict[int, Any], *refusals: int, write: bool = False, body: dict | None = None
) -> dict[str, Any]:
    """ninja's ``response`` and ``openapi_extra`` for an endpoint answering `ok` or `refusals`.

    `write` endpoints take an Idempotency-Key; `body` replaces the generated request body.
    """
    statuses = sorted({*_ALWAYS, *refusals})
    shapes = {422: Invalid, 409: Conflict}
    response = {**ok, **{status: shapes.get(status, Error) for status in statuses}}
    answers = {}
    for status in statuses:
        answers[status] = {"description": _DESCRIPTIONS[status]}
        if status in _HEADERS:
            answers[status]["headers"] = _HEADERS[status]
    extra: dict[str, Any] = {
        "parameters": [X_PARTNER, IDEMPOTENCY_KEY] if write else [X_PARTNER],
        "responses": answers,
    }
    if body:
        extra["requestBody"] = body
    return {"response": response, "openapi_extra": extra}
