"""The wall's models: posts and wijken, the wall page, moderation's records, API idempotency."""

from muurkrant.models.idempotency import IdempotencyKey
from muurkrant.models.moderation import AbuseReport, ModerationSettings
from muurkrant.models.posts import VISIBLE_FIELDS, Post, PostQuerySet, PostTag, Wijk
from muurkrant.models.wall import (
    WallPage,
    end_request_memo,
    forget_wall_path,
    start_request_memo,
    wall_path,
)

__all__ = [
    "VISIBLE_FIELDS",
    "AbuseReport",
    "IdempotencyKey",
    "ModerationSettings",
    "Post",
    "PostQuerySet",
    "PostTag",
    "WallPage",
    "Wijk",
    "end_request_memo",
    "forget_wall_path",
    "start_request_memo",
    "wall_path",
]
