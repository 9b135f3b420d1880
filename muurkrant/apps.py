from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MuurkrantConfig(AppConfig):
    name = "muurkrant"
    verbose_name = _("Muurkrant")

    def ready(self) -> None:
        from muurkrant.pages import ensure_pages

        post_migrate.connect(ensure_pages, sender=self, dispatch_uid="muurkrant.ensure_pages")
