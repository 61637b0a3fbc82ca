from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WellbeingConfig(AppConfig):
    name = "concord.wellbeing"
    verbose_name = _("Psychological services")

    def ready(self) -> None:
        from concord.cases.actions import SUBMIT_HOOKS

        from .actions import on_case_submitted

        # Every submission is checked for crisis signals as soon as it is stored.
        if on_case_submitted not in SUBMIT_HOOKS:
            SUBMIT_HOOKS.append(on_case_submitted)
        from concord.cases.actions import TEXT_HOOKS

        from .actions import on_case_text

        # Notes and residents' messages are checked too.
        if on_case_text not in TEXT_HOOKS:
            TEXT_HOOKS.append(on_case_text)
        from concord.web.panels import CASE_PANELS

        from .case_views import case_panel

        # The staff case page shows the crisis button and, for counsellors, the signal marks.
        if case_panel not in CASE_PANELS:
            CASE_PANELS.append(case_panel)
