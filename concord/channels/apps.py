from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "concord.channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from concord.cases.actions import register_review_route

        from .actions import petition_review_route

        # A petition's review request goes to the body above (复查/复核), never back to itself.
        register_review_route("petition", petition_review_route)
