"""The wall's models: posts and wijken, the wall page, moderation's records, the API's
idempotency records, partner tokens, takeover requests, stories and reading counters."""

from muurkrant.models.idempotency import IdempotencyKey
from muurkrant.models.moderation import AbuseReport, ModerationSettings
from muurkrant.models.posts import VISIBLE_FIELDS, Post, PostQuerySet, PostTag, Wijk
from muurkrant.models.reading import PostReadCount
from muurkrant.models.stories import Story, StoryKey
from muurkrant.models.takeovers import TakeoverRequest
from muurkrant.models.tokens import PartnerToken, can_manage_tokens
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
    "PartnerToken",
    "Post",
    "PostQuerySet",
    "PostReadCount",
    "PostTag",
    "Story",
    "StoryKey",
    "TakeoverRequest",
    "WallPage",
    "Wijk",
    "can_manage_tokens",
    "end_request_memo",
    "forget_wall_path",
    "start_request_memo",
    "wall_path",
]
