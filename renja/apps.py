from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenjaConfig(AppConfig):
    name = "renja"
    verbose_name = _("Renja")

    def ready(self) -> None:
        from . import signals

        signals.connect()
