from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class MediahubConfig(AppConfig):
    name = "mediahub"
    verbose_name = _("Mediahub")

    def ready(self) -> None:
        from wagtail.admin.widgets import BaseChooser
        from wagtail.models import Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from mediahub import models, planner, retention
        from mediahub.caching import content_changed
        from mediahub.csp import render_chooser
        from mediahub.media import give_partner_a_collection
        from mediahub.roles import ensure_groups

        BaseChooser.render = render_chooser  # no inline <script> under the admin's CSP

        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="mediahub.ensure_groups")
        post_migrate.connect(
            retention.ensure_schedule, sender=self, dispatch_uid="mediahub.retention_schedule"
        )
        post_migrate.connect(
            planner.ensure_schedule, sender=self, dispatch_uid="mediahub.planner_schedule"
        )
        post_migrate.connect(
            planner.refresh_after_migrate, sender=self, dispatch_uid="mediahub.planner_statistics"
        )
        post_save.connect(
            give_partner_a_collection,
            sender=self.get_model("Partner"),
            dispatch_uid="mediahub.give_partner_a_collection",
        )
        # The footer's links to the statements change only with the page tree or the sites.
        uid = "mediahub.forget_info_page_paths"
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(models.forget_info_page_paths, dispatch_uid=uid)
        for signal, sender in (
            *((post_delete, model) for model in models.INFO_PAGE_TYPES.values()),
            (post_save, Site),
            (post_delete, Site),
        ):
            signal.connect(models.forget_info_page_paths, sender=sender, dispatch_uid=uid)
        # Cached pages and feeds show partners' names and logos.
        for signal in (post_save, post_delete):
            signal.connect(
                content_changed,
                sender=self.get_model("Partner"),
                dispatch_uid="mediahub.partner_changed",
            )
        post_save.connect(
            models.forget_site_identity,
            sender=models.SiteIdentity,
            dispatch_uid="mediahub.forget_site_identity",
        )
