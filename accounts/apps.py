from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, organisations and teams"

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
