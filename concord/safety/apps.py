from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "concord.safety"
    verbose_name = _("Public safety and notices")
