from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "feeds"
    verbose_name = _("Feeds")

    def ready(self) -> None:
        from feeds import health, signals
        from feeds.models import FetchLog
        from feeds.tasks import ensure_schedule
        from mediahub import retention

        signals.connect()
        post_migrate.connect(ensure_schedule, sender=self, dispatch_uid="feeds.ensure_schedule")
        post_migrate.connect(
            health.ensure_schedule, sender=self, dispatch_uid="feeds.health.ensure_schedule"
        )
        retention.register_deletion(
            "fetch_logs",
            lambda cutoff: FetchLog.objects.filter(started_at__lt=cutoff),
        )
