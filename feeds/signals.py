"""When posts change, after the commit, tell the WebSub hub.

Posts saved or deleted one by one report through Django's model signals; posts written in bulk
through muurkrant's own `posts_changed`. Cached feeds go stale through the content generation,
which muurkrant bumps on the same signals. Handlers only enqueue a task; nothing here touches
the network.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_q.tasks import async_task

from feeds.websub import hub_url
from muurkrant import signals as muurkrant_signals
from muurkrant.models import Post


def feeds_stale(partner_ids: list[int]) -> None:
    """The feeds of these partners no longer match the posts."""
    ids = sorted(set(partner_ids))

    def after_commit() -> None:
        if hub_url() and ids:
            async_task("feeds.websub.ping_hub", ids, group="websub")

    transaction.on_commit(after_commit)


def post_saved(sender, instance, created: bool = False, **kwargs) -> None:
    if created and instance.status != Post.Status.PUBLISHED:
        return  # nothing public changed
    feeds_stale([instance.partner_id])


def post_deleted(sender, instance, **kwargs) -> None:
    feeds_stale([instance.partner_id])


def on_posts_changed(sender, partner_ids: list[int], **kwargs) -> None:
    feeds_stale(partner_ids)


def connect() -> None:
    muurkrant_signals.posts_changed.connect(on_posts_changed, dispatch_uid="feeds.posts_changed")
    post_save.connect(post_saved, sender=Post, dispatch_uid="feeds.post_saved")
    post_delete.connect(post_deleted, sender=Post, dispatch_uid="feeds.post_deleted")
