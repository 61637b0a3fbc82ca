from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "concord.safety"
    verbose_name = _("Public safety and notices")

    def ready(self) -> None:
        from concord.cases.actions import register_close_guard

        from .actions import close_guard

        # Hazard and service-dispatch cases close only after a passed on-site verification.
        register_close_guard(close_guard)
