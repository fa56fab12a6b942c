from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, organisations and teams"

    def ready(self):
        # Connects the receivers; imported once the apps are loaded, as Django asks.
        from . import signals  # noqa: F401, PLC0415
