from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "concord.triage"
    verbose_name = _("Triage")

    def ready(self):
        from concord.cases.actions import SUBMIT_HOOKS

        from .tasks import enqueue_triage

        if enqueue_triage not in SUBMIT_HOOKS:
            SUBMIT_HOOKS.append(enqueue_triage)
