from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete
from django.utils.translation import gettext_lazy as _


class MuurkrantConfig(AppConfig):
    name = "muurkrant"
    verbose_name = _("Muurkrant")

    def ready(self) -> None:
        from wagtail.models import Site
        from wagtail.signals import page_published, post_page_move

        from mediahub import retention
        from mediahub.caching import content_changed
        from muurkrant import (
            models,
            moderation,
            pagecache,
            queue,
            search,
            signals,
            stories,
            takeover,
        )

        # Where the wall lives changes only with the page tree or the sites.
        for signal in (page_published, post_page_move):
            signal.connect(models.forget_wall_path, dispatch_uid="muurkrant.forget_wall_path")
        for signal, sender in (
            (post_delete, models.WallPage),
            (post_save, Site),
            (post_delete, Site),
        ):
            signal.connect(
                models.forget_wall_path, sender=sender, dispatch_uid="muurkrant.forget_wall_path"
            )
        # Cached pages and feeds show posts: any write to one makes them stale.
        uid = "muurkrant.content_changed"
        post_save.connect(pagecache.post_saved, sender=models.Post, dispatch_uid=uid)
        post_delete.connect(content_changed, sender=models.Post, dispatch_uid=uid)
        # ...and the wijken they are in, by name on cards, filters and post pages.
        for signal in (post_save, post_delete):
            signal.connect(content_changed, sender=models.Wijk, dispatch_uid=uid)
        signals.posts_changed.connect(content_changed, dispatch_uid=uid)
        # The pending count in the admin menu is recounted after any write to posts.
        for signal in (post_save, post_delete):
            signal.connect(queue.forget_waiting, sender=models.Post, dispatch_uid="muurkrant.queue")
        post_save.connect(stories.post_saved, sender=models.Post, dispatch_uid="muurkrant.stories")
        signals.posts_changed.connect(queue.forget_waiting, dispatch_uid="muurkrant.queue")
        # Copies follow their original, whatever wrote it: saves, deletions and bulk writes.
        post_save.connect(
            takeover.on_post_saved, sender=models.Post, dispatch_uid="muurkrant.follow"
        )
        pre_delete.connect(
            takeover.on_post_deleted, sender=models.Post, dispatch_uid="muurkrant.follow"
        )
        signals.posts_changed.connect(takeover.on_posts_changed, dispatch_uid="muurkrant.follow")
        post_migrate.connect(
            search.restore_sqlite_index, sender=self, dispatch_uid="muurkrant.search_index"
        )
        request_started.connect(models.start_request_memo, dispatch_uid="muurkrant.request_memo")
        request_finished.connect(models.end_request_memo, dispatch_uid="muurkrant.request_memo")
        retention.register_deletion("abuse_reports", moderation.handled_reports_older_than)
        retention.register(
            "moderation_notes",
            moderation.forget_moderation_notes,
        )
        retention.register_deletion(
            "idempotency_keys",
            lambda cutoff: models.IdempotencyKey.objects.filter(created_at__lt=cutoff),
        )
