from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "concord.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import resident_messages

        # A message to the resident at every step: hooked on the ledger, the one write path.
        resident_messages.register()
