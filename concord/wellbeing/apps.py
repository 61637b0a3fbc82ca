from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WellbeingConfig(AppConfig):
    name = "concord.wellbeing"
    verbose_name = _("Psychological services")
