from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "concord.safety"
    verbose_name = _("Public safety and notices")

    def ready(self) -> None:
        from concord.cases.actions import CLOSE_GUARDS

        from .actions import close_guard

        # Hazard and service-dispatch cases close only after a passed on-site verification.
        if close_guard not in CLOSE_GUARDS:
            CLOSE_GUARDS.append(close_guard)
