from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MuurkrantConfig(AppConfig):
    name = "muurkrant"
    verbose_name = _("Muurkrant")
