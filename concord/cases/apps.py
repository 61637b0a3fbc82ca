from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "concord.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from concord.accounts.models import Unit
        from concord.core.refcache import forget
        from concord.places.models import Place

        from .models import Category

        # Intake memoises reference rows per process; a change to one clears the memo.
        for model in (Place, Unit, Category):
            post_save.connect(forget, sender=model, dispatch_uid=f"refcache-save-{model.__name__}")
            post_delete.connect(
                forget, sender=model, dispatch_uid=f"refcache-delete-{model.__name__}"
            )
