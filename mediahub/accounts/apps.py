from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mediahub.accounts"
    label = "accounts"
    verbose_name = _("Admin login")

    def ready(self) -> None:
        from mediahub import retention
        from mediahub.accounts.records import forget_login_records

        retention.register("login_failures", forget_login_records)
