from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WellbeingConfig(AppConfig):
    name = "concord.wellbeing"
    verbose_name = _("Psychological services")

    def ready(self) -> None:
        from concord.cases.actions import register_submit_hook, register_text_hook
        from concord.cases.panels import register_case_panel

        from .actions import on_case_submitted, on_case_text
        from .case_views import case_panel

        # Every submission is checked for crisis signals as soon as it is stored.
        register_submit_hook(on_case_submitted)
        # Notes and residents' messages are checked too.
        register_text_hook(on_case_text)
        # The staff case page shows the crisis button and, for counsellors, the signal marks.
        register_case_panel(case_panel)
