from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MediahubConfig(AppConfig):
    name = "mediahub"
    verbose_name = _("Mediahub")

    def ready(self) -> None:
        from wagtail.admin.widgets import BaseChooser

        from mediahub.csp import render_chooser
        from mediahub.roles import ensure_groups

        BaseChooser.render = render_chooser  # no inline <script> under the admin's CSP

        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="mediahub.ensure_groups")
