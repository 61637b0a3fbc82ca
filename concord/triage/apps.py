from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "concord.triage"
    verbose_name = _("Triage")

    def ready(self) -> None:
        from concord.cases.actions import register_submit_hook

        from .tasks import enqueue_triage

        # Every submission is triaged on commit.
        register_submit_hook(enqueue_triage)
