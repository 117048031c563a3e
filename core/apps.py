from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared toolkit every app uses: tabular files, numbers and money, HTTP helpers, the confirmation page, QR,
    security headers, the system actor. It defines no models and imports no app of the project."""

    name = "core"
    verbose_name = "Perkakas bersama"
