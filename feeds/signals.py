"""When posts change: make cached feeds stale and, after the commit, tell the WebSub hub.

Handlers only bump a cache counter and enqueue a task; nothing here touches the network.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_q.tasks import async_task

from feeds.caching import bump_generation
from feeds.websub import hub_url


def posts_changed(partner_ids: list[int]) -> None:
    """Call after posts were written without signals (bulk writes, queryset updates)."""
    bump_generation()
    ids = sorted(set(partner_ids))

    def after_commit() -> None:
        # Again after the commit: a feed rendered in between may have read the old rows.
        bump_generation()
        if hub_url() and ids:
            async_task("feeds.websub.ping_hub", ids, group="websub")

    transaction.on_commit(after_commit)


def post_saved(sender, instance, created: bool = False, **kwargs) -> None:
    from muurkrant.models import Post

    if created and instance.status != Post.Status.PUBLISHED:
        return  # nothing public changed
    posts_changed([instance.partner_id])


def post_deleted(sender, instance, **kwargs) -> None:
    posts_changed([instance.partner_id])


def on_posts_changed(sender, partner_ids: list[int], **kwargs) -> None:
    posts_changed(partner_ids)


def connect() -> None:
    from muurkrant import signals as muurkrant_signals
    from muurkrant.models import Post

    muurkrant_signals.posts_changed.connect(on_posts_changed, dispatch_uid="feeds.posts_changed")
    post_save.connect(post_saved, sender=Post, dispatch_uid="feeds.post_saved")
    post_delete.connect(post_deleted, sender=Post, dispatch_uid="feeds.post_deleted")
