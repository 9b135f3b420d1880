from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class MediahubConfig(AppConfig):
    name = "mediahub"
    verbose_name = _("Mediahub")

    def ready(self) -> None:
        from mediahub import retention
        from mediahub.media import give_partner_a_collection
        from mediahub.roles import ensure_groups

        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="mediahub.ensure_groups")
        post_migrate.connect(
            retention.ensure_schedule, sender=self, dispatch_uid="mediahub.retention_schedule"
        )
        post_save.connect(
            give_partner_a_collection,
            sender=self.get_model("Partner"),
            dispatch_uid="mediahub.give_partner_a_collection",
        )
