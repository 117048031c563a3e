from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SinkronisasiConfig(AppConfig):
    name = "sinkronisasi"
    verbose_name = _("Sinkronisasi")
