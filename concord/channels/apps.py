from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "concord.channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from concord.cases.actions import (
            register_read_hook,
            register_reopen_hook,
            register_review_route,
        )

        from .actions import petition_mark_read, petition_review_route, restart_handling_clocks

        # A petition's review request goes to the body above (复查/复核), never back to itself.
        register_review_route("petition", petition_review_route)
        # Reading the written opinion serves it, on the tracking page and through the API alike.
        register_read_hook("petition", petition_mark_read)
        # A reopened case's channel handling clocks start again (12345: return for re-handling).
        register_reopen_hook(restart_handling_clocks)
