"""Send the daily digest of routed usulan to the officers who chose it (run daily by a systemd timer)."""

from django.core.management.base import BaseCommand

from core.system_actor import acting_as_system
from musrenbang import services


class Command(BaseCommand):
    help = "Kirim ringkasan harian usulan yang diteruskan ke OPD kepada petugas yang memilihnya."

    def handle(self, *args, **options):
        with acting_as_system("manage.py usulan_digest"):
            sent = services.inbox_digest_send()
        self.stdout.write(f"{sent} ringkasan harian dikirim.")
